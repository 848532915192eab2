"""The shared image-to-image core (models.common.images): long-side resize, reflection padding
to the net's stride, crop back to the photo's size, the size cap and its notice; mask overlays."""

import numpy as np
import pytest
import torch
from PIL import Image

from models.common.errors import Message
from models.common.images import (
    fit_long_side,
    mask_outline,
    overlay_labels,
    overlay_mask,
    pad_to_multiple,
    run_image_to_image,
)


def gradient(width: int, height: int, mode: str = "RGB") -> Image.Image:
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None].repeat(width, 1)
    rgb = np.stack([x, y, 255 - x], -1).astype(np.uint8)
    return Image.fromarray(rgb).convert(mode)


class Recorder:
    """A fake net: identity, remembering the shapes it was given."""

    def __init__(self):
        self.shapes = []

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        self.shapes.append(tuple(x.shape))
        return x


def test_fit_long_side_keeps_the_aspect_and_at_least_one_pixel():
    assert fit_long_side((400, 300), 200) == (200, 150)
    assert fit_long_side((300, 400), 200) == (150, 200)
    assert fit_long_side((1000, 3), 100) == (100, 1)
    assert fit_long_side((17, 17), 64) == (64, 64)


@pytest.mark.parametrize("h, w", [(31, 45), (32, 32), (1, 7), (3, 100)])
def test_padding_reaches_the_multiple_and_keeps_the_original_pixels(h, w):
    x = torch.rand(1, 3, h, w)
    padded, size = pad_to_multiple(x, 16)
    assert size == (h, w)
    assert padded.shape[-2] % 16 == 0 and padded.shape[-1] % 16 == 0
    assert padded.shape[-2] - h < 16 and padded.shape[-1] - w < 16
    assert torch.equal(padded[..., :h, :w], x)


def test_padding_reflects_the_edge():
    x = torch.arange(5.0).view(1, 1, 1, 5).repeat(1, 1, 8, 1)
    padded, _ = pad_to_multiple(x, 8)
    assert padded[0, 0, 0].tolist() == [0, 1, 2, 3, 4, 3, 2, 1]


@pytest.mark.parametrize(
    "size, mode", [((97, 61), "RGB"), ((61, 97), "L"), ((33, 17), "RGBA"), ((250, 251), "P")]
)
def test_output_comes_back_at_the_photos_size_for_odd_sizes_and_modes(size, mode):
    net = Recorder()
    out, notice = run_image_to_image(gradient(*size, mode), net, long_side=64, multiple=16)
    assert out.shape == (3, size[1], size[0]) and out.dtype == torch.float32
    assert notice is None
    n, c, h, w = net.shapes[0]
    assert (n, c) == (1, 3) and h % 16 == 0 and w % 16 == 0 and max(h, w) == 64


def test_identity_net_gives_the_photo_back():
    image = gradient(120, 80)
    out, _ = run_image_to_image(image, Recorder(), long_side=None, multiple=32)
    back = (out.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    assert np.abs(back.astype(int) - np.asarray(image).astype(int)).max() <= 1


def test_a_huge_photo_is_processed_at_the_capped_size_with_a_notice():
    net = Recorder()
    big = Image.new("RGB", (4000, 3000), (10, 20, 30))
    out, notice = run_image_to_image(big, net, long_side=None, multiple=8, max_side=1024)
    assert net.shapes[0][-2:] == (768, 1024)
    assert out.shape == (3, 3000, 4000)
    assert isinstance(notice, Message) and "4000x3000" in notice and "1024x768" in notice


def test_output_size_and_channels_can_differ_from_the_input():
    def two_channels(x: torch.Tensor) -> torch.Tensor:
        return x[:, :2]

    out, _ = run_image_to_image(gradient(50, 40), two_channels, 32, 8, out_size=(25, 20))
    assert out.shape == (2, 20, 25)


def test_mask_overlay_tints_only_the_mask_and_draws_an_outline():
    image = Image.new("RGB", (40, 30), (0, 0, 0))
    mask = np.zeros((30, 40), bool)
    mask[10:20, 10:30] = True
    edge = mask_outline(mask)
    assert edge.sum() == 2 * 20 + 2 * 8 and not edge[15, 20]
    out = np.asarray(overlay_mask(image, mask, colour=(200, 0, 0), alpha=0.5, outline=(0, 255, 0)))
    assert out.shape == (30, 40, 3)
    assert out[0, 0].tolist() == [0, 0, 0]  # outside: unchanged
    assert out[15, 20].tolist() == [100, 0, 0]  # inside: half tinted
    assert out[10, 20].tolist() == [0, 255, 0]  # on the edge: the outline colour
    with pytest.raises(ValueError, match="does not match"):
        overlay_mask(image, mask[:5])


def test_mask_outline_is_width_pixels_thick_and_open_at_the_pictures_border():
    mask = np.zeros((30, 40), bool)
    mask[0:20, 10:30] = True  # touches the top border
    edge = mask_outline(mask, width=2)
    assert edge[19, 20] and edge[18, 20] and not edge[17, 20]  # two pixels in from the bottom
    assert edge[10, 10] and edge[10, 11] and not edge[10, 12]
    assert not edge[0, 20]  # the picture's edge is not the mask's
    assert edge[19, 10] and not edge[17, 12]  # a cross, not a square: the corner is not cut


def test_label_overlay_blends_each_class_colour():
    image = Image.new("RGB", (2, 1), (100, 100, 100))
    out = np.asarray(overlay_labels(image, np.array([[0, 1]]), [(200, 0, 0), (0, 0, 200)], 0.5))
    assert out.tolist() == [[[150, 50, 50], [50, 50, 150]]]
