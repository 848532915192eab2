"""Gatys et al.'s style transfer by optimisation, for any style image ("your own style").

The picture itself is optimised (Adam on its pixels, starting from the photo) so that the
perceptual network's content features stay near the photo's and its Gram matrices move to the
style image's, with a little total variation for smoothness. `run` is a generator: it yields a
Step after every step, so the UI can show progress, losses and the picture as it forms, and
can stop it at any step.

    for step in run(content_image, style_image, steps=100):
        print(step.step, step.content_loss, step.style_loss)
    picture = to_pil(step.picture)  # models.common.images
"""

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from PIL import Image

from models.common.device import model_device
from models.common.errors import InputError
from models.common.images import fit_long_side, to_tensor
from models.common.loading import load_once
from models.style import MAX_STEPS
from models.style import perceptual as perceptual_nets
from models.style.perceptual import StyleLoss, content_loss, objective

SIZE = 256  # long side of the optimised picture (and of the style image)
HYP = {
    "lr": 0.03,  # Adam on pixels in [0, 1]
    "content_weight": 1.0,
    "style_weight": 20.0,  # losses normalised per layer, as in train.py
    "tv_weight": 0.05,
}


@dataclass
class Step:
    step: int  # 1-based
    steps: int
    content_loss: float
    style_loss: float
    picture: torch.Tensor  # (3, H, W) in [0, 1], on the CPU


def get_perceptual(name: str = "darknet") -> perceptual_nets.Perceptual:
    """The perceptual network, loaded once: Darknet tiny from the data dir or
    $GALLERY_PERCEPTUAL, or a torchvision VGG (models/style/hub.py, needs a download)."""
    if name == "darknet":
        net = load_once("style/perceptual/darknet", perceptual_nets.darknet)
        return net.to(model_device())
    if name in ("vgg16", "vgg19"):
        from models.style import hub

        return hub.get_vgg(name)
    raise InputError("Unknown perceptual network {name}: use darknet, vgg16 or vgg19.", name=name)


def load_perceptual(name: str = "darknet") -> None:
    """Load the perceptual network ahead of `run`, so that a missing one is said before the
    first step; it returns nothing, so no net crosses from a model server to the UI."""
    get_perceptual(name)


def check_steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | float) or not 1 <= steps <= MAX_STEPS:
        raise InputError("The number of steps must be between 1 and {n}.", n=MAX_STEPS)
    return int(steps)


def run(
    content: Image.Image,
    style: Image.Image,
    steps: int = 100,
    perceptual: perceptual_nets.Perceptual | str = "darknet",
    size: int = SIZE,
    hyp: dict | None = None,
) -> Iterator[Step]:
    """Optimise a picture of `content` (RGB, any size: worked at long side `size`) towards the
    style of `style` (RGB, resized to long side `size`); yields a Step after each step.
    `perceptual`: a net, or the name get_perceptual takes."""
    steps = check_steps(steps)
    hyp = {**HYP, **(hyp or {})}
    net = get_perceptual(perceptual) if isinstance(perceptual, str) else perceptual
    param = next(iter(net.parameters()), None)
    device = param.device if param is not None else torch.device("cpu")
    x_content = _at(content, size).to(device)
    x_style = _at(style, size).to(device)
    style_loss = StyleLoss(net, x_style)
    with torch.no_grad():
        _, target = net(x_content)
    picture = x_content.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([picture], lr=hyp["lr"])
    for i in range(1, steps + 1):
        optimizer.zero_grad(set_to_none=True)
        feats, content_feats = net(picture)
        content_l, style_l = content_loss(content_feats, target), style_loss(feats)
        loss = objective(hyp, content_l, style_l, picture)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            picture.clamp_(0, 1)
        yield Step(i, steps, content_l.item(), style_l.item(), picture.detach()[0].cpu().clone())


def _at(image: Image.Image, long_side: int) -> torch.Tensor:
    size = fit_long_side(image.size, long_side)
    rgb = image.convert("RGB").resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return to_tensor(rgb)[None]
