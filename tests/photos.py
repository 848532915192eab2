"""Synthetic photos for the image tabs' tests: any size and mode, made in memory."""

import numpy as np
from PIL import Image

Colour = tuple[int, int, int]


def disc_photo(
    width: int,
    height: int,
    mode: str = "RGB",
    disc: Colour = (180, 30, 40),
    background: Colour | str = (220, 230, 240),
) -> Image.Image:
    """A `width` x `height` picture in `mode`: an ellipse of colour `disc` spanning the middle
    two thirds, on `background` (a colour, or "gradient": red rising across, green down)."""
    yy, xx = np.mgrid[:height, :width]
    inside = ((xx - width / 2) / (width / 3)) ** 2 + ((yy - height / 2) / (height / 3)) ** 2 < 1
    if background == "gradient":
        across, down = xx * 255 // max(width, 1), yy * 255 // max(height, 1)
        background = np.stack([across, down, 128 + 0 * xx], -1)
    rgb = np.where(inside[..., None], disc, background).astype(np.uint8)
    return Image.fromarray(rgb).convert(mode)
