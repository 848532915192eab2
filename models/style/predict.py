"""Style transfer inference: a preset (one of the 26 pretrained, blendable, or one of the six
networks trained here), any painting in one pass (the pretrained arbitrary-style pair), or
Gatys' optimisation (models/style/gatys.py).

from models.style.predict import stylize, stylize_own
result = stylize("photo.jpg", "style-20", long_side=512, strength=1.0)   # Stylized
result = stylize("photo.jpg", "style-20", blend_with="style-8", blend=0.3)
result = stylize("photo.jpg", "candy")                                  # trained here
result = stylize_own("photo.jpg", "painting.jpg", long_side=512)

The photo (any size and mode) is resized to `long_side`, padded to the net's stride by
reflection, stylised, cropped back (models.common.images.run_image_to_image) and blended with
the photo by `strength`. Each network is one weights file, loaded once on first use.
"""

from dataclasses import dataclass

import torch
from PIL import Image

from models.common.device import to_net
from models.common.errors import InputError, Message
from models.common.images import (
    PHOTO_MIN_SIDE,
    ImageInput,
    fit_long_side,
    open_photo,
    run_image_to_image,
    to_pil,
    to_tensor,
)
from models.style import (
    DEFAULT_LONG_SIDE,
    DEFAULT_PRESET,
    LONG_SIDES,
    PRESETS,
    SPEC,
    STYLES,
    pretrained,
)
from models.style.net import STRIDE, TransformerNet

MIN_SIDE = PHOTO_MIN_SIDE  # a side this thin at the output size is refused too
TOO_SMALL = {  # load_photo's role -> the message for an image under MIN_SIDE a side
    "photo": Message(
        "The photo is {width}x{height} pixels: too small to stylise (at least {n} pixels a side)."
    ),
    "style": Message(
        "The style image is {width}x{height} pixels: too small (at least {n} pixels a side)."
    ),
}


# Which network made a picture (the tab's "Made by" line names it)
MULTISTYLE, TRAINED, ARBITRARY = "multistyle", "trained", "arbitrary"


@dataclass
class Stylized:
    image: Image.Image  # RGB, the photo's aspect ratio, long side as asked
    notice: Message | None = None
    made_by: str = TRAINED  # MULTISTYLE, TRAINED or ARBITRARY


def unknown_style(style: object) -> InputError:
    return InputError(
        "Unknown style {style}: use one of {styles}.",
        style=repr(style),
        styles=", ".join(STYLES) + ", style-1 ... style-26",
    )


def get_model(style: str = STYLES[0]) -> TransformerNet:
    """A network trained here (one of STYLES)."""
    if style not in STYLES:
        raise unknown_style(style)
    return SPEC.get_model(style)


def load_photo(image: ImageInput, role: str = "photo") -> Image.Image:
    """The RGB image of any upload, the photo or (role "style") the style image; InputError
    for unreadable or tiny images."""
    return open_photo(image, TOO_SMALL[role], MIN_SIDE)


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


def to_picture(styled: torch.Tensor, photo: Image.Image, strength: float) -> Image.Image:
    """(3, H, W) in [0, 1] blended with the photo by `strength`, as an RGB image."""
    if strength < 1:
        size = (styled.shape[2], styled.shape[1])
        content = photo.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
        styled = strength * styled + (1 - strength) * to_tensor(content)
    return to_pil(styled)


def stylize(
    image: ImageInput,
    style: str = DEFAULT_PRESET,
    long_side: int = DEFAULT_LONG_SIDE,
    strength: float = 1.0,
    net: TransformerNet | None = None,
    blend_with: str | None = None,
    blend: float = 0.0,
) -> Stylized:
    """The photo in a preset's style at `long_side`, blended with the photo by `strength`
    (0: the photo, 1: the network's output). A pretrained preset (style-1 ... style-26) can be
    mixed with a second one: `blend` 0 is `style`, 1 is `blend_with`."""
    strength = check_strength(strength)
    if style not in PRESETS and style not in STYLES:
        raise unknown_style(style)
    if blend_with and (style not in PRESETS or blend_with not in PRESETS):
        raise InputError(
            "Only two of the pretrained styles (style-1 ... style-26) can be blended; got "
            "{style} and {other}.",
            style=repr(style),
            other=repr(blend_with),
        )
    photo = load_photo(image)
    size = output_size(photo, long_side)
    with torch.inference_mode():
        if style in PRESETS and net is None:
            result = pretrained.stylize_preset(photo, style, max(size), size, blend_with, blend)
            return Stylized(to_picture(result.picture, photo, strength), result.notice, MULTISTYLE)
        net = net or get_model(style)
        styled, notice = run_image_to_image(
            photo, lambda x: net(to_net(x, net)), max(size), STRIDE, out_size=size
        )
        return Stylized(to_picture(styled, photo, strength), notice, TRAINED)


def stylize_own(
    image: ImageInput,
    style_image: ImageInput,
    long_side: int = DEFAULT_LONG_SIDE,
    strength: float = 1.0,
) -> Stylized:
    """The photo in the style of any picture, one forward pass of the pretrained
    arbitrary-style pair (Ghiasi et al.); `strength` mixes the style vector with the photo's
    own (0: the photo's own style, 1: the painting's)."""
    strength = check_strength(strength)
    photo = load_photo(image)
    painting = load_photo(style_image, "style")
    size = output_size(photo, long_side)
    with torch.inference_mode():
        result = pretrained.stylize_arbitrary(photo, painting, max(size), strength, size)
    return Stylized(to_picture(result.picture, photo, 1.0), result.notice, ARBITRARY)
