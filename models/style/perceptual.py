"""The perceptual (loss) network: an ImageNet-trained feature extractor whose layers give the
content and style (Gram) statistics, as in Gatys et al. and Johnson et al.

Backbones, each a registry entry (its layers, input preprocessing, where its weights come from):
- "darknet": Darknet tiny (models.common.darknet), the file `style/perceptual/
  darknet_tiny_imagenet.safetensors` under the data directory, or the file $GALLERY_PERCEPTUAL
  (or a train/evaluate flag) names. This project trains its style networks with it.
- "vgg16", "vgg19": torchvision's ImageNet VGGs, downloaded by torch.hub when there is internet
  (models/style/hub.py), or read from a local state_dict file.

The app never bundles these third-party weights: they are read at run time, and without them
the "your own style" mode says what it needs (the presets need no perceptual network).
"""

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from models.common.darknet import DARKNET_FILE, DarknetTiny, load_darknet
from models.common.errors import Message, ModelUnavailable
from models.common.paths import data_dir

PERCEPTUAL_ENV = "GALLERY_PERCEPTUAL"  # a weights file for the perceptual network
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


class PerceptualUnavailable(ModelUnavailable):
    """No weights for the perceptual network: the message says what the mode needs."""


@dataclass(frozen=True)
class Backbone:
    """One perceptual network: its feature layers (indices into its `features` sequence) and
    preprocessing of RGB in [0, 1] inputs."""

    name: str
    style_layers: tuple[int, ...]  # Gram matrices, early to mid layers
    content_layer: int  # one mid layer (VGG's relu4_2 counterpart)
    style_weights: tuple[float, ...]  # per style layer (the losses are normalised per layer)
    mean: tuple[float, float, float] | None = None  # None: the net takes [0, 1] as it is
    std: tuple[float, float, float] | None = None

    @property
    def taps(self) -> tuple[int, ...]:
        return tuple(sorted({*self.style_layers, self.content_layer}))


BACKBONES = {
    # README of style/perceptual: the leaky-ReLU outputs of the wide 3x3 layers 0, 2, 7, 12 for
    # style, layer 10 (256 ch at 1/8) for content; the thin early layers weighted up.
    "darknet": Backbone("darknet", (0, 2, 7, 12), 10, (2.0, 1.0, 1.0, 1.0)),
    # relu1_1, relu2_1, relu3_1, relu4_1 (style) and relu4_2 (content) of torchvision's VGGs
    "vgg19": Backbone(
        "vgg19", (1, 6, 11, 20), 22, (1.0, 1.0, 1.0, 1.0), IMAGENET_MEAN, IMAGENET_STD
    ),
    "vgg16": Backbone(
        "vgg16", (3, 8, 15, 22), 8, (1.0, 1.0, 1.0, 1.0), IMAGENET_MEAN, IMAGENET_STD
    ),
}


class Perceptual(nn.Module):
    """features(x) -> (style features, content features) for RGB in [0, 1]; frozen, eval mode.
    `features` is an nn.Sequential run up to the deepest layer used."""

    def __init__(self, backbone: Backbone, features: nn.Sequential):
        super().__init__()
        self.backbone = backbone
        self.features = features
        mean = torch.tensor(backbone.mean or (0.0, 0.0, 0.0)).view(1, 3, 1, 1)
        std = torch.tensor(backbone.std or (1.0, 1.0, 1.0)).view(1, 3, 1, 1)
        self.register_buffer("mean", mean, persistent=False)
        self.register_buffer("std", std, persistent=False)
        self.requires_grad_(False)
        self.eval()

    def forward(self, x: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        x = (x - self.mean) / self.std
        taps, last = {}, max(self.backbone.taps)
        for i, layer in enumerate(self.features[: last + 1]):
            x = layer(x)
            if i in self.backbone.taps:
                taps[i] = x
        return [taps[i] for i in self.backbone.style_layers], taps[self.backbone.content_layer]


def gram(features: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, C, C): F F^T / (C H W), the style statistics of one layer."""
    n, c, h, w = features.shape
    f = features.reshape(n, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


def content_loss(features: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The content term: mean squared feature difference over the target's mean square."""
    return (features - target).pow(2).mean() / target.pow(2).mean().clamp_min(1e-12)


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference of neighbouring pixels (both directions)."""
    return (x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (
        x[..., :, 1:] - x[..., :, :-1]
    ).abs().mean()


def objective(hyp: dict, content: torch.Tensor, style: torch.Tensor, picture: torch.Tensor):
    """The loss optimised: content and style terms and the picture's total variation, weighted
    by `hyp`'s content_weight, style_weight and tv_weight."""
    return (
        hyp["content_weight"] * content
        + hyp["style_weight"] * style
        + hyp["tv_weight"] * total_variation(picture)
    )


class StyleLoss:
    """The style term against one painting, written once for training, the Gatys optimisation
    and the evaluation (whose reported style loss is thus the training objective's): per style
    layer, the mean squared Gram difference over the painting Gram's mean square, weighted by
    the backbone's layer weights and summed."""

    def __init__(self, perceptual: Perceptual, painting: torch.Tensor):
        with torch.no_grad():
            features, _ = perceptual(painting)
        self.grams = [gram(f) for f in features]  # (1, C, C) each
        self.norms = [1.0 / g.pow(2).mean().clamp_min(1e-12) for g in self.grams]
        self.weights = perceptual.backbone.style_weights

    def by_layer(self, features: list[torch.Tensor]) -> list[torch.Tensor]:
        """Each style layer's normalised loss, unweighted (a batch against the one painting)."""
        return [
            n * (gram(f) - g).pow(2).mean()
            for f, g, n in zip(features, self.grams, self.norms, strict=True)
        ]

    def __call__(self, features: list[torch.Tensor]) -> torch.Tensor:
        layers = self.by_layer(features)
        return sum(w * loss for w, loss in zip(self.weights, layers, strict=True))


def darknet(path: Path | str | None = None, content_layer: int | None = None) -> Perceptual:
    """The Darknet tiny perceptual network from `path`, $GALLERY_PERCEPTUAL or the data dir;
    `content_layer` replaces the backbone's (the fast networks train with a shallower one)."""
    backbone = BACKBONES["darknet"]
    if content_layer is not None:
        backbone = dataclasses.replace(backbone, content_layer=content_layer)
    file = Path(path or os.environ.get(PERCEPTUAL_ENV) or data_dir() / DARKNET_FILE)
    if not file.is_file():
        raise PerceptualUnavailable(
            Message(
                "Watching it optimise (Gatys) needs a perceptual network, which is not bundled "
                "with the app: put darknet_tiny_imagenet.safetensors at {path} or name a weights "
                "file in the environment variable {env}. The preset styles and the one-pass own "
                "style work without it.",
                path=file,
                env=PERCEPTUAL_ENV,
            )
        )
    net = DarknetTiny(backbone.taps, depth=max(backbone.taps) + 1)
    try:
        load_darknet(net, file)
    except ValueError as err:
        raise PerceptualUnavailable(
            Message(
                "The perceptual network's file {path} is unusable ({reason}).",
                path=file,
                reason=err,
            )
        ) from err
    return Perceptual(backbone, net.features)


def vgg(name: str, state_dict: dict[str, torch.Tensor]) -> Perceptual:
    """torchvision's VGG16 or VGG19 `features` with an ImageNet state_dict (torchvision's
    names, `features.N.weight`...; the classifier's entries are ignored)."""
    from torchvision import models

    backbone = BACKBONES[name]
    net = getattr(models, name)(weights=None)
    features = {k.removeprefix("features."): v for k, v in state_dict.items()}
    features = {k: v for k, v in features.items() if not k.startswith("classifier.")}
    net.features.load_state_dict(features, strict=True)
    return Perceptual(backbone, net.features[: max(backbone.taps) + 1])


def from_file(path: Path | str, name: str = "darknet") -> Perceptual:
    """A perceptual network from a local weights file: Darknet's safetensors, or a VGG's
    state_dict (.safetensors, or a torch file read with weights_only=True)."""
    if name == "darknet":
        return darknet(path)
    if name not in BACKBONES:
        raise ValueError(f"unknown perceptual network {name!r}: one of {', '.join(BACKBONES)}")
    path = Path(path)
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        state = load_file(str(path))
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    return vgg(name, state)
