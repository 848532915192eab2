"""Image input shared by every image tab: safe opening, odd modes, resizing, tensors.

Uploads come as file paths, PIL images or numpy arrays. Whatever the mode (RGBA, LA, P, L, 1,
16-bit I;16/I, float F, CMYK, YCbCr), `to_rgb`/`to_gray` give 8-bit pixels with transparency
composited over white. Large JPEGs are decoded at reduced size (`draft`), so an 8000x8000 photo
never becomes a 192 MB array. Other formats can only be decoded in full, so they are refused
before decoding over MAX_DECODED_PIXELS (JPEGs over MAX_PIXELS).
"""

import math
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from models.common.errors import InputError

MAX_PIXELS = 8192 * 8192  # larger images are refused before decoding (decompression bombs)
MAX_DECODED_PIXELS = 4096 * 4096  # non-JPEG limit: decoded in full, at most ~64 MB as RGBA
MAX_FILE_BYTES = 25 * 1024 * 1024  # also `max_file_size` of the app's uploads

ImageInput = str | Path | Image.Image | np.ndarray


def open_image(source: ImageInput, max_side: int = 2048) -> Image.Image:
    """A decoded PIL image no larger than about `max_side` (aspect kept), EXIF rotation applied."""
    if isinstance(source, np.ndarray):
        if source.shape[0] * source.shape[1] > MAX_DECODED_PIXELS:
            raise InputError(
                f"The image is {source.shape[1]}x{source.shape[0]} pixels; "
                f"the limit is {MAX_DECODED_PIXELS // 10**6} megapixels."
            )
        image = Image.fromarray(array_to_uint8(source))
    elif isinstance(source, Image.Image):
        image = source
    else:
        path = Path(source)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(
                f"The file is over {MAX_FILE_BYTES // 2**20} MB; upload a smaller one."
            )
        try:
            image = Image.open(path)
            if image.width * image.height > MAX_PIXELS:
                raise InputError(
                    f"The image is {image.width}x{image.height} pixels; "
                    f"the limit is {MAX_PIXELS // 10**6} megapixels."
                )
            is_jpeg = image.format in ("JPEG", "MPO")  # MPO: phone cameras' multi-picture JPEG
            if not is_jpeg and image.width * image.height > MAX_DECODED_PIXELS:
                raise InputError(
                    f"The image is {image.width}x{image.height} pixels. Only JPEG photos may be "
                    f"larger than {MAX_DECODED_PIXELS // 10**6} megapixels (they are decoded at "
                    "reduced size): shrink it or save it as JPEG."
                )
            # JPEG: decode at 1/2, 1/4 or 1/8 scale, as long as the long side stays >= max_side
            scale = min(1.0, max_side / max(image.size))
            image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
            image = ImageOps.exif_transpose(image)
            image.load()
        except InputError:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError) as err:
            raise InputError(
                "This file is not an image that can be read (PNG, JPEG, WebP, ...)."
            ) from err
        except (OSError, ValueError, SyntaxError) as err:  # truncated, corrupt or malformed data
            raise InputError(f"The image file is damaged and cannot be decoded ({err}).") from err
    if max(image.size) > max_side:
        image = image.copy() if image is source else image
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def array_to_uint8(array: np.ndarray) -> np.ndarray:
    """Scale any numeric array to uint8: 16-bit by 257, floats in [0, 1] by 255."""
    if array.dtype == np.uint8:
        return array
    a = array.astype(np.float64)
    if a.size and a.max() > 255:
        a = a / 257  # 16-bit range
    elif a.size and a.max() <= 1.0:
        a = a * 255
    return np.clip(a, 0, 255).round().astype(np.uint8)


def _to_8bit(image: Image.Image) -> Image.Image:
    """16-bit and float modes (I;16, I, F) as 8-bit L."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return Image.fromarray(array_to_uint8(np.asarray(image)))
    return image


def to_rgb(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """RGB, with any transparency composited over `background`."""
    image = _to_8bit(image)
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, background)
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def to_gray(image: Image.Image) -> Image.Image:
    """8-bit L, with transparency composited over white."""
    return to_rgb(image).convert("L")


def center_square(image: Image.Image, size: int) -> Image.Image:
    """Centre crop to a square, then resize to `size` x `size` (antialiased)."""
    return ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)


def to_tensor(image: Image.Image) -> torch.Tensor:
    """(C, H, W) float32 in [0, 1]."""
    array = np.asarray(image, dtype=np.float32) / 255
    if array.ndim == 2:
        array = array[:, :, None]
    return torch.from_numpy(array).permute(2, 0, 1).contiguous()


def overlay_heatmap(image: Image.Image, heat: np.ndarray, alpha: float = 0.5) -> Image.Image:
    """`heat` (H, W) in [0, 1] drawn in the 'jet' colour map over an RGB image of the same size."""
    from matplotlib import colormaps

    colours = (colormaps["jet"](heat)[..., :3] * 255).astype(np.uint8)
    return Image.blend(image.convert("RGB"), Image.fromarray(colours), alpha)
