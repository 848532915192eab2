"""Image input: safe opening, every PIL mode and array layout to 8-bit pixels, EXIF rotation."""

import struct

import numpy as np
import pytest
from PIL import Image, ImageOps

from models.common import images
from models.common.errors import InputError

RED = (200, 30, 60)
GREY16 = 128 * 257  # mid-grey in 16-bit
WIDE_GREY_MODES = ["I;16", "I;16B", "I;16L", "I;16N", "I"]


def luma(rgb: tuple[int, int, int]) -> float:
    """PIL's RGB -> L weights (ITU-R 601)."""
    return (299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2]) / 1000


def palette_image(mode: str, value) -> Image.Image:
    """A P or PA image with palette entries 0 black and 1 RED."""
    image = Image.new(mode, (8, 8), value)
    image.putpalette([0, 0, 0, *RED])
    return image


def opaque(mode: str) -> tuple[Image.Image, tuple[int, int, int]]:
    """An 8x8 image in `mode`, flat mid-grey or RED, and the RGB it stands for."""
    grey = (128, 128, 128)
    if mode in WIDE_GREY_MODES:
        return Image.new(mode, (8, 8), GREY16), grey
    if mode == "F":
        return Image.new("F", (8, 8), 0.5), grey
    if mode == "1":
        return Image.new("1", (8, 8), 1), (255, 255, 255)
    if mode in ("L", "LA", "La"):
        return Image.new(mode, (8, 8), (128, 255)[: len(mode)]), grey
    if mode in ("P", "PA"):
        return palette_image(mode, (1, 255)[: len(mode)]), RED
    if mode in ("RGBA", "RGBa"):
        return Image.new(mode, (8, 8), (*RED, 255)), RED
    return Image.new("RGB", (8, 8), RED).convert(mode), RED  # RGB, CMYK, YCbCr, HSV, LAB


def assert_close(actual, expected, tolerance: int = 0) -> None:
    difference = np.abs(np.asarray(actual, dtype=int) - np.asarray(expected, dtype=int))
    assert difference.max() <= tolerance, f"{actual} != {expected}"


ALL_MODES = ["1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "CMYK", "YCbCr", "HSV"]
ALL_MODES += ["LAB", *WIDE_GREY_MODES, "F"]


@pytest.mark.parametrize("mode", ALL_MODES)
def test_every_mode_gives_8bit_rgb_and_gray_with_its_colour(mode):
    image, rgb = opaque(mode)
    tolerance = 3 if mode in ("CMYK", "YCbCr", "HSV", "LAB", "F") else 0  # lossy conversions
    as_rgb, as_gray = images.to_rgb(image), images.to_gray(image)
    assert as_rgb.mode == "RGB" and as_rgb.size == (8, 8)
    assert as_gray.mode == "L" and as_gray.size == (8, 8)
    assert_close(as_rgb.getpixel((4, 4)), rgb, tolerance)
    assert_close(as_gray.getpixel((4, 4)), luma(rgb), tolerance + 1)


# (mode, fully transparent value, info["transparency"] colour key or None)
TRANSPARENT = [
    ("LA", (0, 0), None),
    ("La", (0, 0), None),
    ("PA", (0, 0), None),
    ("RGBA", (0, 0, 0, 0), None),
    ("RGBa", (0, 0, 0, 0), None),
    ("P", 0, 0),
    ("1", 0, 0),
    ("L", 0, 0),
    ("RGB", (0, 0, 0), (0, 0, 0)),
    ("I;16", 0, 0),
]


@pytest.mark.parametrize("mode, clear, key", TRANSPARENT)
def test_transparent_pixels_become_the_background_and_opaque_ones_keep_their_colour(
    mode, clear, key
):
    image, rgb = opaque(mode)
    image.paste(clear, (0, 0, 4, 8))  # left half transparent
    if key is not None:
        image.info["transparency"] = key
    for background in ((255, 255, 255), (0, 0, 255)):
        flat = images.to_rgb(image, background)
        assert flat.getpixel((1, 4)) == background
        assert_close(flat.getpixel((6, 4)), rgb)
    assert images.to_gray(image).getpixel((1, 4)) == 255


@pytest.mark.parametrize(
    "mode, half",
    [("LA", (0, 128)), ("La", (0, 128)), ("RGBA", (0, 0, 0, 128)), ("RGBa", (0, 0, 0, 128))],
)
def test_half_transparent_black_over_white_is_mid_grey(mode, half):
    assert_close(images.to_gray(Image.new(mode, (2, 2), half)).getpixel((0, 0)), 127, 1)


@pytest.mark.parametrize("mode", ["RGB", "L", "I;16", "P"])
def test_png_colour_key_is_transparent_after_open_image(tmp_path, mode):
    image, rgb = opaque(mode)
    image.paste(0, (0, 0, 4, 8))  # left half: black (palette entry 0), the colour key
    path = tmp_path / "key.png"
    image.save(path, transparency=(0, 0, 0) if mode == "RGB" else 0)
    flat = np.asarray(images.to_rgb(images.open_image(path)))
    assert (flat[:, :4] == 255).all()
    assert_close(flat[:, 4:], np.broadcast_to(rgb, (8, 4, 3)))


def test_colour_key_survives_shrinking_without_dark_edges(tmp_path):
    image = Image.new("RGB", (400, 200), (0, 0, 0))
    image.paste(RED, (200, 0, 400, 200))
    path = tmp_path / "key.png"
    image.save(path, transparency=(0, 0, 0))
    flat = np.asarray(images.to_rgb(images.open_image(path, max_side=100)))
    assert flat.shape == (50, 100, 3)
    assert (flat[:, :45] == 255).all()
    assert_close(flat[:, 55:], np.broadcast_to(RED, (50, 45, 3)), 2)
    assert flat[..., 0].min() > 190  # resizing the key colour itself would leave a black seam


@pytest.mark.parametrize("mode", WIDE_GREY_MODES)
def test_16bit_pixels_are_scaled_by_the_mode_not_by_the_brightest_pixel(mode):
    dim = Image.new(mode, (3, 1), 200)  # 200 of 65535: nearly black, whatever the rest
    assert list(images.to_gray(dim).getdata()) == [1, 1, 1]
    mixed = Image.new(mode, (3, 1), 200 * 257)
    mixed.putpixel((1, 0), 65535)
    mixed.putpixel((2, 0), 0)
    assert list(images.to_gray(mixed).getdata()) == [200, 255, 0]


def test_float_pixels_map_0_to_1_onto_0_to_255_and_clip_the_rest():
    image = Image.fromarray(np.array([[0.5, 0.0, 1.0, 2.0, -1.0]], dtype=np.float32))
    gray = list(images.to_gray(image).getdata())
    assert gray[0] in (127, 128) and gray[1:] == [0, 255, 255, 0]


@pytest.mark.parametrize(
    "values, dtype, expected",
    [
        ([200, 0], np.uint8, [200, 0]),
        ([200 * 257, 0], np.uint16, [200, 0]),
        ([200, 200], np.uint16, [1, 1]),  # dark 16-bit stays dark
        ([200 * 257, 70000, -5], np.int32, [200, 255, 0]),
        ([200, 200], np.int32, [1, 1]),
        ([True, False], np.bool_, [255, 0]),
        ([0.5, 0.5], np.float32, [128, 128]),
        ([0.5, 2.0, -1.0], np.float64, [128, 255, 0]),  # bright float stays in [0, 1]
        ([np.inf, -np.inf, 0.5], np.float32, [255, 0, 128]),  # out of range: clipped
    ],
)
def test_array_to_uint8_scales_by_dtype_never_by_content(values, dtype, expected):
    array = np.array([values], dtype=dtype)
    assert images.array_to_uint8(array).tolist() == [expected]
    assert list(images.open_image(array).getdata()) == expected


def test_nan_pixels_are_refused_not_made_black():
    nan = np.array([[0.5, np.nan]], dtype=np.float32)
    with pytest.raises(InputError, match="NaN"):
        images.open_image(nan)
    with pytest.raises(InputError, match="NaN"):
        images.to_rgb(Image.fromarray(nan))


def test_non_numeric_array_is_refused():
    with pytest.raises(InputError, match="pixel values"):
        images.open_image(np.full((4, 4), "x"))


@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("first", [False, True], ids=["channels_last", "channels_first"])
def test_array_layouts_give_the_right_image(channels, first):
    colour = (200, 30, 60, 255)[:channels]
    array = np.empty((8, 6, channels), dtype=np.uint8)
    array[:] = colour
    if first:  # (C, H, W), as torch keeps images
        array = np.ascontiguousarray(array.transpose(2, 0, 1))
    image = images.open_image(array)
    assert image.mode == {1: "L", 3: "RGB", 4: "RGBA"}[channels] and image.size == (6, 8)
    assert image.getpixel((3, 4)) == (colour[0] if channels == 1 else colour)


@pytest.mark.parametrize(
    "shape", [(), (10,), (0, 0), (0, 5, 3), (8, 6, 2), (8, 6, 5), (5, 8, 6), (2, 8, 6, 3)]
)
def test_arrays_that_are_not_images_are_refused_with_a_clear_message(shape):
    with pytest.raises(InputError, match="not an image"):
        images.open_image(np.zeros(shape, dtype=np.uint8))


@pytest.mark.parametrize("mode", ["I;16", "I;16B", "I;16L", "I;16N", "I", "F"])
def test_wide_pil_image_larger_than_max_side_is_shrunk(mode):
    image = Image.new(mode, (1200, 800), 0.5 if mode == "F" else GREY16)
    opened = images.open_image(image, max_side=200)  # PIL shrinks by 2 first (`reduce`)
    assert opened.size == (200, 133)
    assert images.to_gray(opened).getpixel((100, 100)) == 128
    assert image.size == (1200, 800)  # the caller's image is left alone


@pytest.mark.parametrize(
    "size, fmt, mode",
    [((5000, 3000), "PNG", "I;16"), ((1200, 800), "TIFF", "I;16B"), ((1200, 800), "PPM", "I")],
)
def test_16bit_file_larger_than_max_side_is_shrunk(tmp_path, size, fmt, mode):
    """5000x3000 (15 MP) is under MAX_DECODED_PIXELS: decoded in full, then shrunk."""
    path = tmp_path / f"grey16.{fmt.lower()}"
    Image.new(mode, size, 200 * 257).save(path, fmt)  # flat: a small file
    assert Image.open(path).mode == mode
    opened = images.open_image(path, max_side=200)
    assert max(opened.size) == 200
    assert images.to_gray(opened).getpixel((100, 100)) == 200


# (mode made, format saved as); the file may come back in another mode (I;16L -> I;16)
SAVED = [
    ("1", "PNG"),
    ("L", "PNG"),
    ("LA", "PNG"),
    ("P", "PNG"),
    ("P", "GIF"),
    ("PA", "TIFF"),
    ("RGB", "JPEG"),
    ("RGBA", "PNG"),
    ("RGBA", "WEBP"),
    ("RGBa", "WEBP"),
    ("CMYK", "JPEG"),
    ("CMYK", "TIFF"),
    ("YCbCr", "JPEG"),
    ("LAB", "TIFF"),
    ("I;16", "PNG"),
    ("I;16B", "TIFF"),
    ("I;16L", "TIFF"),
    ("I", "PPM"),
    ("F", "TIFF"),
]


@pytest.mark.parametrize("mode, fmt", SAVED)
def test_open_image_reads_every_mode_a_format_can_hold(tmp_path, mode, fmt):
    image, rgb = opaque(mode)
    path = tmp_path / f"picture.{fmt.lower()}"
    image.save(path, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    opened = images.open_image(path, max_side=2)  # shrunk too: every mode must resize
    assert opened.size == (2, 2)
    tolerance = 4 if fmt == "JPEG" or mode in ("CMYK", "YCbCr", "LAB") else 0
    assert_close(images.to_rgb(opened).getpixel((1, 1)), rgb, tolerance)
    assert opened.mode in ("L", "LA", "RGB", "RGBA")  # as documented: plain 8-bit modes


def exif_block(*entries: tuple[int, int, bytes]) -> bytes:
    """An EXIF block (little-endian TIFF) with these (tag, type, 4-byte value) entries."""
    ifd = struct.pack("<H", len(entries))
    extra = b""
    for tag, kind, value in entries:
        if len(value) > 4:  # stored after the IFD, at this offset
            offset = 8 + 2 + 12 * len(entries) + 4 + len(extra)
            ifd += struct.pack("<HHII", tag, kind, 1, offset)
            extra += value
        else:
            ifd += struct.pack("<HHI", tag, kind, 1) + value.ljust(4, b"\0")
    return b"Exif\0\0II*\0" + struct.pack("<I", 8) + ifd + b"\0\0\0\0" + extra


TURNED = exif_block((0x0112, 3, struct.pack("<H", 6)))  # orientation 6: turn 90 deg clockwise
# Orientation 6 plus an exposure bias of -1/0: PIL cannot write it back (struct.error)
BROKEN = exif_block((0x0112, 3, struct.pack("<H", 6)), (0x9204, 10, struct.pack("<ii", -1, 0)))


def photo_with_exif(tmp_path, exif: bytes):
    """A 30x20 JPEG, left half RED, right half white."""
    image = Image.new("RGB", (30, 20), "white")
    image.paste(RED, (0, 0, 15, 20))
    path = tmp_path / "photo.jpg"
    image.save(path, quality=95, exif=exif)
    return path


@pytest.mark.parametrize("as_pil", [False, True], ids=["path", "pil"])
def test_exif_orientation_turns_files_and_pil_images(tmp_path, as_pil):
    path = photo_with_exif(tmp_path, TURNED)
    source = Image.open(path) if as_pil else path
    opened = images.open_image(source)
    assert opened.size == (20, 30)
    assert_close(opened.getpixel((10, 3)), RED, 6)  # the left half is now on top
    assert_close(opened.getpixel((10, 26)), (255, 255, 255), 6)
    if as_pil:  # the caller's image is not turned
        assert source.size == (30, 20) and source.getexif()[0x0112] == 6


@pytest.mark.parametrize("as_pil", [False, True], ids=["path", "pil"])
def test_a_broken_exif_block_is_ignored_and_the_photo_opens(tmp_path, as_pil):
    path = photo_with_exif(tmp_path, BROKEN)
    with pytest.raises(struct.error):  # the block really is broken for PIL
        ImageOps.exif_transpose(Image.open(path))
    opened = images.open_image(Image.open(path) if as_pil else path)
    assert sorted(opened.size) == [20, 30]
    assert_close(images.to_rgb(opened).getpixel((0, 0)), RED, 6)


def test_open_image_rejects_a_non_image_file_with_a_clear_message(tmp_path):
    path = tmp_path / "notes.png"
    path.write_bytes(b"this is text, not a picture")
    with pytest.raises(InputError, match="not an image"):
        images.open_image(path)


def test_open_image_rejects_a_truncated_file(tmp_path):
    path = tmp_path / "cut.png"
    Image.effect_noise((64, 64), 50).save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(InputError, match="damaged"):
        images.open_image(path)


def test_open_image_rejects_a_malformed_header(tmp_path):
    path = tmp_path / "bad.ppm"
    path.write_bytes(b"P6\n80\xe1\xb9 60\n255\n" + bytes(100))  # the width is not a number
    with pytest.raises(InputError, match="damaged"):
        images.open_image(path)


def test_open_image_refuses_a_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "noise.png"
    Image.effect_noise((64, 64), 50).save(path)  # noise does not compress: over 1000 bytes
    with pytest.raises(InputError, match="over"):
        images.open_image(path)


def test_huge_jpeg_is_decoded_at_reduced_size(tmp_path):
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (8000, 8000), RED).save(path, quality=50)
    opened = images.open_image(path, max_side=512)
    assert opened.size == (512, 512)
    assert_close(opened.getpixel((10, 10)), RED, 8)


def test_long_jpeg_is_decoded_at_reduced_size_too(tmp_path, monkeypatch):
    """A 20000x300 banner: the reduction follows the long side (1/8), not the short one."""
    from PIL.JpegImagePlugin import JpegImageFile

    decoded = []
    draft = JpegImageFile.draft

    def spy(self, mode, size):
        result = draft(self, mode, size)
        decoded.append(self.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    path = tmp_path / "banner.jpg"
    Image.new("RGB", (20000, 300), RED).save(path)
    assert max(images.open_image(path, max_side=512).size) == 512
    assert decoded == [(2500, 38)]


def test_multi_picture_jpeg_from_a_phone_counts_as_jpeg(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_DECODED_PIXELS", 100 * 100)  # as if it were huge
    path = tmp_path / "photo.mpo"
    frames = [Image.new("RGB", (300, 200), colour) for colour in ("red", "blue")]
    frames[0].save(path, "MPO", save_all=True, append_images=frames[1:])
    assert Image.open(path).format == "MPO"
    opened = images.open_image(path)
    assert opened.size == (300, 200)
    assert_close(opened.getpixel((150, 100)), (255, 0, 0), 4)  # the first picture


def test_image_over_pixel_limit_is_refused_before_decoding(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    path = tmp_path / "big.png"
    Image.new("L", (200, 200)).save(path)
    with pytest.raises(InputError, match="megapixels"):
        images.open_image(path)


def test_huge_array_is_refused_and_a_large_one_shrunk():
    with pytest.raises(InputError, match="megapixels"):
        images.open_image(np.zeros((5000, 5000), dtype=np.uint8))
    with pytest.raises(InputError, match="megapixels"):  # channel-first counts H x W too
        images.open_image(np.zeros((3, 5000, 5000), dtype=np.uint8))
    assert images.open_image(np.zeros((3000, 1500, 3), dtype=np.uint8)).size == (1024, 2048)


def test_huge_png_is_refused_before_decoding_and_a_large_one_is_read(tmp_path):
    huge = tmp_path / "huge.png"
    Image.new("RGB", (8000, 8000), RED).save(huge)  # flat colour: a small file
    with pytest.raises(InputError, match="save it as JPEG"):
        images.open_image(huge)
    large = tmp_path / "large.png"
    Image.new("RGB", (4000, 3000), RED).save(large)
    opened = images.open_image(large, max_side=512)
    assert opened.size == (512, 384) and opened.getpixel((100, 100)) == RED


def test_center_square_crops_the_middle():
    wide = Image.new("RGB", (300, 100), (255, 0, 0))
    wide.paste((0, 0, 255), (100, 0, 200, 100))  # blue middle third
    square = images.center_square(wide, 32)
    assert square.size == (32, 32)
    assert np.asarray(square)[..., 2].mean() > 250  # only the blue middle is kept


def test_every_sample_photo_is_shipped_and_decodes():
    from models.common.samples import NAMES, sample

    for name in NAMES:
        with Image.open(sample(name)) as photo:
            assert photo.mode == "RGB" and 256 <= max(photo.size) <= 512, name
    with pytest.raises(KeyError, match="one of chelsea"):
        sample("lena")


def test_open_photo_gives_rgb_and_refuses_a_side_under_the_minimum_with_the_callers_message():
    photo = images.open_photo(Image.new("LA", (40, 16), (90, 0)), "{width}x{height} < {n}")
    assert photo.mode == "RGB" and photo.size == (40, 16)
    assert photo.getpixel((0, 0)) == (255, 255, 255)  # transparent: white
    with pytest.raises(InputError, match="^40x15 < 16$"):
        images.open_photo(Image.new("RGB", (40, 15)), "{width}x{height} < {n}")


def test_to_pil_inverts_to_tensor_and_clamps():
    rgb = Image.fromarray(np.arange(48, dtype=np.uint8).reshape(4, 4, 3) * 5)
    assert images.to_pil(images.to_tensor(rgb)).tobytes() == rgb.tobytes()
    grey = rgb.convert("L")
    back = images.to_pil(images.to_tensor(grey))
    assert back.mode == "L" and back.tobytes() == grey.tobytes()
    assert images.to_pil(images.to_tensor(rgb) + 2).getextrema() == ((255, 255),) * 3
