"""Image input shared by every image tab: safe opening, odd modes, resizing, tensors.

Uploads come as file paths, PIL images or numpy arrays. Whatever the mode (RGBA, LA, La, PA, P,
L, 1, 16-bit I;16*/I, float F, CMYK, YCbCr, HSV, LAB), `to_rgb`/`to_gray` give 8-bit pixels with
transparency (alpha channel or PNG colour key) composited over white. Wide pixels are scaled by
their type, never by their content: 16-bit 65535 and float 1.0 are white. Large JPEGs are decoded
at reduced size (`draft`), so an 8000x8000 photo never becomes a 192 MB array. Other formats can
only be decoded in full, so they are refused before decoding over MAX_DECODED_PIXELS (JPEGs over
MAX_PIXELS).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from models.common.errors import InputError, Message

if TYPE_CHECKING:  # (the tensor helpers import torch when called: the app starts without it)
    import torch

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
    except Image.DecompressionBombError as err:  # so large that PIL refuses to open it
        raise InputError(
            "The image is over {mp} megapixels, the limit; shrink it first.",
            mp=MAX_PIXELS // 10**6,
        ) from err
    except UnidentifiedImageError as err:
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


# A photo for an image-to-image tab (segmentation, style transfer, CycleGAN): decoded up to
# PHOTO_MAX_SIDE (larger JPEGs at reduced size), refused under PHOTO_MIN_SIDE a side.
PHOTO_MAX_SIDE = 4096
PHOTO_MIN_SIDE = 16  # smaller images hold too little to segment, stylise or translate


def open_photo(
    source: ImageInput,
    too_small: str,
    min_side: int = PHOTO_MIN_SIDE,
    max_side: int = PHOTO_MAX_SIDE,
) -> Image.Image:
    """The RGB photo of any upload (`open_image`, transparency over white); InputError for an
    unreadable image, or with the template `too_small` (its {width}, {height} and {n}: the
    image's size and `min_side`) for one with a side under `min_side` pixels."""
    photo = to_rgb(open_image(source, max_side=max_side))
    if min(photo.size) < min_side:
        raise InputError(too_small, width=photo.width, height=photo.height, n=min_side)
    return photo


def center_square(image: Image.Image, size: int) -> Image.Image:
    """Centre crop to a square, then resize to `size` x `size` (antialiased)."""
    return ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)


def to_tensor(image: Image.Image) -> torch.Tensor:
    """(C, H, W) float32 in [0, 1]."""
    import torch

    array = np.asarray(image, dtype=np.float32) / 255
    if array.ndim == 2:
        array = array[:, :, None]
    return torch.from_numpy(array).permute(2, 0, 1).contiguous()


def to_pil(x: torch.Tensor) -> Image.Image:
    """(3, H, W) or (1, H, W) in [0, 1] (clamped) as an 8-bit RGB or L image: `to_tensor`'s
    inverse, rounding to the nearest level."""
    pixels = (x.detach().clamp(0, 1) * 255).round().byte().permute(1, 2, 0).cpu().numpy()
    return Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels)


def overlay_heatmap(image: Image.Image, heat: np.ndarray, alpha: float = 0.5) -> Image.Image:
    """`heat` (H, W) in [0, 1] drawn in the 'jet' colour map over an RGB image of the same size."""
    from matplotlib import colormaps

    colours = (colormaps["jet"](heat)[..., :3] * 255).astype(np.uint8)
    return Image.blend(image.convert("RGB"), Image.fromarray(colours), alpha)


# Image-to-image: segmentation masks, style transfer and CycleGAN take a photo of any size and
# mode and give back an image of the photo's size. `run_image_to_image` does that once for all:
# resize to a long side (capped, with a notice), pad to the net's stride by reflection, run,
# crop the padding off and resize the result to the photo's own resolution.

MAX_WORK_SIDE = 1024  # longest side a net is run at: a 4000x3000 photo is processed at 1024x768


def fit_long_side(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """(width, height) scaled so that the longer side is `long_side`, aspect kept, each >= 1."""
    width, height = size
    scale = long_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def pad_to_multiple(x: torch.Tensor, multiple: int) -> tuple[torch.Tensor, tuple[int, int]]:
    """(N, C, H, W) padded at the bottom and right to multiples of `multiple` by reflection
    (replicate where the image is too small to reflect); also the original (H, W) to crop back."""
    import torch

    h, w = x.shape[-2:]
    pad_h, pad_w = -h % multiple, -w % multiple
    if pad_h or pad_w:
        mode = "reflect" if pad_h < h and pad_w < w else "replicate"
        x = torch.nn.functional.pad(x, (0, pad_w, 0, pad_h), mode=mode)
    return x, (h, w)


def run_image_to_image(
    image: Image.Image,
    net: Callable[[torch.Tensor], torch.Tensor],
    long_side: int,
    multiple: int = 1,
    max_side: int = MAX_WORK_SIDE,
    out_size: tuple[int, int] | None = None,
    mode: str = "bilinear",
) -> tuple[torch.Tensor, Message | None]:
    """`net` run on an RGB photo at `long_side` (None: the photo's own size, capped at
    `max_side`), padded to `multiple`; its output (N, C, h, w) comes back cropped and resized to
    `out_size` (width, height; default: the photo's size) as (C, H, W) float32 on the CPU.

    The notice is None, or a message saying the photo was processed at a reduced size."""
    import torch

    rgb = image.convert("RGB") if image.mode != "RGB" else image
    target = long_side if long_side is not None else max(rgb.size)
    capped = target > max_side
    target = min(target, max_side)
    work = fit_long_side(rgb.size, target)
    if work != rgb.size:
        rgb = rgb.resize(work, Image.Resampling.BILINEAR, reducing_gap=2.0)
    x, (h, w) = pad_to_multiple(to_tensor(rgb)[None], multiple)
    y = net(x)[..., :h, :w].float()
    out_w, out_h = out_size or image.size
    if (y.shape[-2], y.shape[-1]) != (out_h, out_w):
        kwargs = {"align_corners": False} if mode in ("bilinear", "bicubic") else {}
        y = torch.nn.functional.interpolate(y, size=(out_h, out_w), mode=mode, **kwargs)
    notice = None
    if capped:
        notice = Message(
            "The photo is {w0}x{h0} pixels; it was processed at {width}x{height} and the result "
            "resized back.",
            w0=image.width,
            h0=image.height,
            width=work[0],
            height=work[1],
        )
    return y[0].cpu(), notice


def mask_outline(mask: np.ndarray, width: int = 1) -> np.ndarray:
    """The pixels of a boolean mask within `width` pixels of its edge (inside it): the mask less
    its erosion by a 3x3 cross `width` times (pixels beyond the picture count as inside, so a
    mask touching the border is not outlined there)."""
    mask = np.asarray(mask, dtype=bool)
    eroded = mask
    for _ in range(max(1, width)):
        padded = np.pad(eroded, 1, constant_values=True)
        eroded = (
            eroded
            & padded[:-2, 1:-1]  # the pixel above
            & padded[2:, 1:-1]  # below
            & padded[1:-1, :-2]  # left
            & padded[1:-1, 2:]  # right
        )
    return mask & ~eroded


def overlay_mask(
    image: Image.Image,
    mask: np.ndarray,
    colour: tuple[int, int, int] = (255, 64, 160),
    alpha: float = 0.45,
    outline: tuple[int, int, int] | None = (255, 255, 255),
) -> Image.Image:
    """An RGB image with `mask` (H, W, boolean, the image's size) tinted in `colour` and, if
    `outline` is given, a crisp edge in that colour about 1/300 of the image's size wide."""
    rgb = np.asarray(image.convert("RGB")).astype(np.float32)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != rgb.shape[:2]:
        raise ValueError(f"mask {mask.shape} does not match the image {rgb.shape[:2]}")
    rgb[mask] = (1 - alpha) * rgb[mask] + alpha * np.asarray(colour, np.float32)
    if outline is not None:
        rgb[mask_outline(mask, max(1, round(max(mask.shape) / 300)))] = outline
    return Image.fromarray(rgb.round().astype(np.uint8))


def overlay_labels(
    image: Image.Image,
    labels: np.ndarray,
    colours: list[tuple[int, int, int]],
    alpha: float = 0.5,
) -> Image.Image:
    """An RGB image with each pixel blended with the colour of its label (H, W integers)."""
    rgb = np.asarray(image.convert("RGB")).astype(np.float32)
    tint = np.asarray(colours, np.float32)[np.asarray(labels)]
    return Image.fromarray(((1 - alpha) * rgb + alpha * tint).round().astype(np.uint8))
