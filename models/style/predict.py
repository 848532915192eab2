"""Style transfer inference: a preset's fast network, or Gatys' optimisation for any style.

from models.style.predict import stylize
result = stylize("photo.jpg", "candy", long_side=512, strength=1.0)   # Stylized: image, notice

The photo (any size and mode) is resized to `long_side`, padded to the net's stride by
reflection, stylised, cropped back (models.common.images.run_image_to_image) and blended with
the photo by `strength`. Each preset is one weights file, loaded once on first use.
"""

from dataclasses import dataclass

import torch
from PIL import Image

from models.common.device import to_net
from models.common.errors import InputError, Message
from models.common.images import (
    ImageInput,
    fit_long_side,
    open_image,
    run_image_to_image,
    to_rgb,
    to_tensor,
)
from models.style import SPEC, STYLES
from models.style.net import STRIDE, TransformerNet

MAX_SIDE = 4096  # photos are decoded up to this long side (larger JPEGs at reduced size)
MIN_SIDE = 16  # smaller images (or a side this thin at the output size) are refused
LONG_SIDES = (256, 1024)  # the output's long side, at least and at most
DEFAULT_LONG_SIDE = 512


@dataclass
class Stylized:
    image: Image.Image  # RGB, the photo's aspect ratio, long side as asked
    notice: Message | None = None


def get_model(style: str = STYLES[0]) -> TransformerNet:
    if style not in STYLES:
        raise InputError(
            "Unknown style {style}: use one of {styles}.",
            style=repr(style),
            styles=", ".join(STYLES),
        )
    return SPEC.get_model(style)


def load_photo(image: ImageInput, role: str = "photo") -> Image.Image:
    """The RGB image of any upload, the photo or (role "style") the style image; InputError
    for unreadable or tiny images."""
    picture = to_rgb(open_image(image, max_side=MAX_SIDE))
    if min(picture.size) < MIN_SIDE:
        width, height = picture.size
        if role == "style":
            raise InputError(
                "The style image is {width}x{height} pixels: too small (at least {n} pixels a "
                "side).",
                width=width,
                height=height,
                n=MIN_SIDE,
            )
        raise InputError(
            "The photo is {width}x{height} pixels: too small to stylise (at least {n} pixels a "
            "side).",
            width=width,
            height=height,
            n=MIN_SIDE,
        )
    return picture


def output_size(photo: Image.Image, long_side: int) -> tuple[int, int]:
    """(width, height) of the result; InputError for a long side out of range or a photo so
    thin that its short side would be under MIN_SIDE."""
    if not isinstance(long_side, int | float) or not LONG_SIDES[0] <= long_side <= LONG_SIDES[1]:
        raise InputError(
            "The output size must be between {low} and {high} pixels (long side).",
            low=LONG_SIDES[0],
            high=LONG_SIDES[1],
        )
    size = fit_long_side(photo.size, int(long_side))
    if min(size) < MIN_SIDE:
        raise InputError(
            "The image is {width}x{height} pixels: too thin to stylise at this size.",
            width=photo.width,
            height=photo.height,
        )
    return size


def check_strength(strength: float) -> float:
    if not isinstance(strength, int | float) or not 0 <= strength <= 1:
        raise InputError("The style strength must be between 0 and 1.")
    return float(strength)


def stylize(
    image: ImageInput,
    style: str = STYLES[0],
    long_side: int = DEFAULT_LONG_SIDE,
    strength: float = 1.0,
    net: TransformerNet | None = None,
) -> Stylized:
    """The photo in a preset's style at `long_side`, blended with the photo by `strength`
    (0: the photo, 1: the network's output)."""
    strength = check_strength(strength)
    net = net or get_model(style)
    photo = load_photo(image)
    size = output_size(photo, long_side)
    with torch.inference_mode():
        styled, notice = run_image_to_image(
            photo, lambda x: net(to_net(x, net)), max(size), STRIDE, out_size=size
        )
        if strength < 1:
            content = photo.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
            styled = strength * styled + (1 - strength) * to_tensor(content)
        pixels = (styled.clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()
    return Stylized(Image.fromarray(pixels), notice)
