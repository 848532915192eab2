"""CycleGAN inference: any photo in, the photo translated to the other domain out.

from models.cyclegan.predict import translate, round_trip
result = translate("apple.jpg", "apple2orange")   # Translation: image, input, direction, notice
there, back = round_trip("apple.jpg", "apple2orange")

The photo is resized to the net's long side (Config.image_size), padded to a multiple of 4 by
reflection, run, cropped back and resized to the photo's size, at most OUT_SIDE a side
(models.common.images.run_image_to_image). A generator maps [-1, 1] to [-1, 1].
"""

from collections.abc import Callable
from dataclasses import dataclass

import torch
from PIL import Image

from models.common.device import to_net
from models.common.errors import Message
from models.common.images import ImageInput, fit_long_side, open_photo, run_image_to_image, to_pil
from models.cyclegan import SPEC
from models.cyclegan.data import check_direction, reverse
from models.cyclegan.net import STRIDE, Generator

NET_MIN_SIDE = 16  # the net's input is at least this large a side (4 after two downsamplings)
OUT_SIDE = 512  # the translated image's long side at most (the photo's own size when smaller)


@dataclass
class Translation:
    image: Image.Image  # the translated photo, RGB, the input's aspect ratio
    input: Image.Image  # the input as RGB at the same size as `image`
    direction: str
    notice: Message | None = None  # e.g. the photo was processed at a reduced size


def get_model(direction: str = "apple2orange") -> Generator:
    """The shipped generator of `direction` (loaded once); InputError for an unknown one."""
    check_direction(direction)
    return SPEC.get_model(direction)


TOO_SMALL = Message(
    "The image is {width}x{height} pixels: too small to translate (at least {n} pixels a side)."
)


def load_photo(image: ImageInput) -> Image.Image:
    """The RGB photo of any upload (InputError for unreadable, tiny or empty images)."""
    return open_photo(image, TOO_SMALL)


def generator_fn(net: torch.nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
    """A function from (1, 3, h, w) RGB in [0, 1] to the same in [0, 1], through `net`."""

    def run(x: torch.Tensor) -> torch.Tensor:
        # a very thin photo (say 4096x16) is a few pixels high at the net's size: reflection
        # padding needs more, so pad it to NET_MIN_SIDE (the caller crops the output back)
        pad_h, pad_w = max(0, NET_MIN_SIDE - x.shape[-2]), max(0, NET_MIN_SIDE - x.shape[-1])
        if pad_h or pad_w:
            x = torch.nn.functional.pad(x, (0, pad_w, 0, pad_h), mode="replicate")
        y = net(to_net(x * 2 - 1, net)).float()
        return (y + 1) / 2

    return run


def translate_photo(
    photo: Image.Image, run: Callable[[torch.Tensor], torch.Tensor], long_side: int
) -> tuple[Image.Image, Image.Image, Message | None]:
    """(translated, input) at the photo's aspect and at most OUT_SIDE, and any notice."""
    out = fit_long_side(photo.size, min(max(photo.size), OUT_SIDE))
    with torch.inference_mode():
        y, notice = run_image_to_image(photo, run, long_side, STRIDE, out_size=out)
    shown = photo if photo.size == out else photo.resize(out, Image.Resampling.BILINEAR)
    return to_pil(y), shown, notice


def translate(
    image: ImageInput, direction: str, net: Generator | None = None, long_side: int | None = None
) -> Translation:
    """The photo translated in `direction` (e.g. apple2orange) by the shipped generator, run
    at `long_side` (default: the net's Config.image_size, the scale it learned at)."""
    net = net or get_model(direction)
    photo = load_photo(image)
    side = long_side or net.cfg.image_size
    out, shown, notice = translate_photo(photo, generator_fn(net), side)
    return Translation(out, shown, direction, notice)


def round_trip(image: ImageInput, direction: str) -> tuple[Translation, Translation]:
    """The photo translated in `direction` and back again (cycle reconstruction)."""
    there = translate(image, direction)
    back = translate(there.image, reverse(direction))
    return there, Translation(back.image, there.input, back.direction, there.notice)
