"""Image input shared by every image tab: safe opening, odd modes, resizing, tensors.

Uploads come as file paths, PIL images or numpy arrays. Whatever the mode (RGBA, LA, La, PA, P,
L, 1, 16-bit I;16*/I, float F, CMYK, YCbCr, HSV, LAB), `to_rgb`/`to_gray` give 8-bit pixels with
transparency (alpha channel or PNG colour key) composited over white. Wide pixels are scaled by
their type, never by their content: 16-bit 65535 and float 1.0 are white. Large JPEGs are decoded
at reduced size (`draft`), so an 8000x8000 photo never becomes a 192 MB array. Other formats can
only be decoded in full, so they are refused before decoding over MAX_DECODED_PIXELS (JPEGs over
MAX_PIXELS).
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

_WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")  # 16-bit, 32-bit int, float
_ALPHA_MODES = ("LA", "La", "PA", "RGBA", "RGBa")
_GREY_MODES = ("1", "L", "LA", "La")


def open_image(source: ImageInput, max_side: int = 2048) -> Image.Image:
    """A decoded 8-bit L, LA, RGB or RGBA image no larger than about `max_side` (aspect kept),
    EXIF rotation applied; the caller's PIL image is never changed."""
    if isinstance(source, np.ndarray):
        image = _from_array(source)
    elif isinstance(source, Image.Image):
        image = _upright(source)
    else:
        image = _upright(_decode(Path(source), max_side))
    image = _plain(image)  # 16-bit modes cannot be resized; P, 1 and colour keys resize badly
    if max(image.size) > max_side:
        image = image.copy() if image is source else image
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def _decode(path: Path, max_side: int) -> Image.Image:
    """The file's image, decoded after the size checks (JPEGs at reduced size)."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(
            "The file is over {mb} MB; upload a smaller one.", mb=MAX_FILE_BYTES // 2**20
        )
    try:
        image = Image.open(path)
        if image.width * image.height > MAX_PIXELS:
            raise InputError(
                "The image is {width}x{height} pixels; the limit is {mp} megapixels.",
                width=image.width,
                height=image.height,
                mp=MAX_PIXELS // 10**6,
            )
        is_jpeg = image.format in ("JPEG", "MPO")  # MPO: phone cameras' multi-picture JPEG
        if not is_jpeg and image.width * image.height > MAX_DECODED_PIXELS:
            raise InputError(
                "The image is {width}x{height} pixels. Only JPEG photos may be larger than "
                "{mp} megapixels (they are decoded at reduced size): shrink it or save it as JPEG.",
                width=image.width,
                height=image.height,
                mp=MAX_DECODED_PIXELS // 10**6,
            )
        # JPEG: decode at 1/2, 1/4 or 1/8 scale, as long as the long side stays >= max_side
        scale = min(1.0, max_side / max(image.size))
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
        image.load()
    except InputError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as err:
        raise InputError(
            "This file is not an image that can be read (PNG, JPEG, WebP, ...)."
        ) from err
    except (OSError, ValueError, SyntaxError) as err:  # truncated, corrupt or malformed data
        raise InputError(
            "The image file is damaged and cannot be decoded ({reason}).", reason=err
        ) from err
    return image


def _upright(image: Image.Image) -> Image.Image:
    """A copy turned as its EXIF orientation says; `image` itself when its EXIF is broken."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # struct.error, TypeError, ...: metadata is no reason to refuse a photo
        return image


def _from_array(array: np.ndarray) -> Image.Image:
    """An (H, W), (H, W, 1/3/4) or channel-first (1/3/4, H, W) array as an 8-bit image."""
    array = _channels_last(array)
    height, width = array.shape[:2]
    if height * width > MAX_DECODED_PIXELS:  # before converting: that copies the array
        raise InputError(
            "The image is {width}x{height} pixels; the limit is {mp} megapixels.",
            width=width,
            height=height,
            mp=MAX_DECODED_PIXELS // 10**6,
        )
    return Image.fromarray(array_to_uint8(array))


def _channels_last(array: np.ndarray) -> np.ndarray:
    """A (H, W) or (H, W, 3/4) view of an image array, or InputError."""
    shape = array.shape
    channels_first = len(shape) == 3 and shape[0] in (1, 3, 4) and min(shape[1:]) > 4
    if channels_first and shape[2] not in (1, 3, 4):  # torch's layout, when it cannot be (H, W, C)
        array = array.transpose(1, 2, 0)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if not (array.ndim == 2 or array.ndim == 3 and array.shape[2] in (3, 4)):
        raise InputError(
            "This array is not an image: expected (height, width) or (height, width, 1/3/4 "
            "channels), got shape {shape}.",
            shape=shape,
        )
    if array.size == 0:
        raise InputError(
            "This array is not an image: it has no pixels (shape {shape}).", shape=shape
        )
    return array


def array_to_uint8(array: np.ndarray) -> np.ndarray:
    """uint8 pixels, scaled by dtype, never by content (a pixel must not depend on the others):
    uint8 as is, bool as 0/255, other integers as 16-bit (65535 -> 255, like PIL's I;16 and I
    modes), floats as [0, 1]. Out-of-range values are clipped; NaN raises InputError."""
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.integer):
        wide = np.clip(array, 0, min(np.iinfo(array.dtype).max, 65535)).astype(np.uint32)
        return ((wide + 128) // 257).astype(np.uint8)  # round(x / 257), exact in integers
    if np.issubdtype(array.dtype, np.floating):
        if np.isnan(array).any():  # no honest pixel value for it
            raise InputError("The image contains invalid (NaN) values.")
        # +-inf are out of range like any other value: clipped to white / black
        return np.rint(np.clip(array, 0, 1) * 255).astype(np.uint8)
    raise InputError(
        "This array does not hold pixel values (its type is {dtype}).", dtype=array.dtype
    )


def _to_8bit(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float modes (I;16*, I, F) as 8-bit L, or LA when a grey level is the
    PNG transparency key; the others unchanged."""
    if image.mode not in _WIDE_MODES:
        return image
    array = np.asarray(image)
    grey = Image.fromarray(array_to_uint8(array))
    key = image.info.get("transparency")
    if image.mode == "F" or not isinstance(key, int):
        return grey
    alpha = Image.fromarray(np.where(array == key, 0, 255).astype(np.uint8))
    return Image.merge("LA", (grey, alpha))


def _plain(image: Image.Image) -> Image.Image:
    """8-bit L, LA, RGB or RGBA, any transparency (colour key, palette, premultiplied) as a
    plain alpha channel: the modes PIL resizes and composites correctly."""
    image = _to_8bit(image)
    transparent = image.mode in _ALPHA_MODES or "transparency" in image.info
    if image.mode in _GREY_MODES:
        mode = "LA" if transparent else "L"
    else:
        mode = "RGBA" if transparent else "RGB"
    return image if image.mode == mode else image.convert(mode)


def to_rgb(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> Image.Image:
    """RGB, with any transparency composited over `background`."""
    image = _plain(image)
    if image.mode in ("LA", "RGBA"):
        flat = Image.new("RGB", image.size, background)
        flat.paste(image.convert("RGB"), mask=image.getchannel("A"))
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
