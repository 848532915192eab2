"""Digits: MNIST-style preprocessing, the network, training, shipped-weights quality."""

import numpy as np
import pytest
import torch
from PIL import Image

from models.common.errors import InputError
from models.digits import predict
from models.digits.net import DigitNet
from tests.conftest import DATA, needs_data
from tests.strokes import render


def sketch_value(image: Image.Image) -> dict:
    """What Gradio 6's Sketchpad (type="numpy") passes: white background, ink on a
    transparent layer, and their composite."""
    rgba = np.asarray(image.convert("RGBA"))
    layer = np.zeros_like(rgba)
    ink = rgba[..., 0] < 128
    layer[ink] = (0, 0, 0, 255)
    return {"background": np.full_like(rgba, 255), "layers": [layer], "composite": rgba}


def test_empty_or_cleared_canvas_asks_to_draw():
    blank = np.full((280, 280, 4), 255, dtype=np.uint8)
    for value in (
        {"background": None, "layers": [], "composite": None},
        None,
        sketch_value(Image.fromarray(blank)),
    ):
        with pytest.raises(InputError, match="Draw a digit"):
            predict.preprocess(value)
    with pytest.raises(InputError, match="No digit found"):  # an upload, not the canvas
        predict.preprocess(Image.fromarray(blank))


def test_preprocessing_fits_the_digit_in_20px_centred_by_mass():
    image28 = predict.preprocess(sketch_value(render(1, canvas=800, left=40, top=500, height=250)))
    assert image28.shape == (28, 28) and image28.dtype == np.float32
    rows, cols = np.nonzero(image28 > 0.05)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 in (20, 21)
    cy, cx = (np.indices(image28.shape) * image28).reshape(2, -1).sum(1) / image28.sum()
    assert abs(cy - 14) < 1.0 and abs(cx - 14) < 1.0
    assert image28.max() > 0.9 and image28[0].max() == 0  # white ink on black, empty border


def test_transparent_white_and_photo_backgrounds_give_the_same_input():
    on_white = predict.preprocess(render(3).convert("RGB"))
    on_transparent = predict.preprocess(render(3, transparent=True))
    np.testing.assert_allclose(on_white, on_transparent, atol=1e-6)
    # a photo: grey paper, dark grey ink, slight noise
    gray = np.asarray(render(3).convert("L"), dtype=np.float32)
    photo = 150 + gray * (40 / 255) + np.random.default_rng(0).normal(0, 3, gray.shape)
    from_photo = predict.preprocess(Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)))
    assert np.abs(from_photo - on_white).mean() < 0.05


def test_sixteen_bit_and_cmyk_uploads_are_accepted():
    gray16 = Image.fromarray(np.asarray(render(7).convert("L"), dtype=np.uint16) * 257)
    cmyk = render(7).convert("RGB").convert("CMYK")
    expected = predict.preprocess(render(7).convert("RGB"))
    for image in (gray16, cmyk):
        np.testing.assert_allclose(predict.preprocess(image), expected, atol=0.02)


def test_net_maps_a_batch_of_28x28_images_to_10_logits():
    net = DigitNet().eval()
    assert net(torch.rand(5, 1, 28, 28)).shape == (5, 10)


@needs_data("MNIST", "raw")
def test_mnist_digits_uploaded_as_small_images_are_read_like_mnist():
    """A teacher uploads MNIST's own 28x28 digits (dark ink on white): through the app's
    preprocessing they must score close to the raw test accuracy (a 3x3 median filter, fine for
    photos, erased their thin strokes: 98.2 % on the first 2,000)."""
    from models.digits.data import load_mnist

    images, labels = load_mnist(DATA, train=False)
    images, labels = images[:1000, 0].numpy(), labels[:1000].numpy()
    uploads = [Image.fromarray((255 - image * 255).astype(np.uint8)) for image in images]
    probs = predict.classify(np.stack([predict.preprocess(u) for u in uploads]))
    assert (probs.argmax(1) == labels).mean() >= 0.99


@needs_data("MNIST", "raw")
def test_mnist_digits_as_stored_white_on_black_are_read_like_their_dark_on_light_copies():
    """MNIST's own files hold white ink on black: such an upload is inverted (its border is
    dark) and then read exactly as the same digit in dark ink on white."""
    from models.digits.data import load_mnist

    images, labels = load_mnist(DATA, train=False)
    images, labels = images[:1000, 0].numpy(), labels[:1000].numpy()
    stored = [Image.fromarray((image * 255).round().astype(np.uint8)) for image in images]
    inverted = [Image.fromarray(255 - np.asarray(image)) for image in stored]
    seen = np.stack([predict.preprocess(image) for image in stored])
    np.testing.assert_allclose(seen, np.stack([predict.preprocess(i) for i in inverted]), atol=1e-6)
    assert (predict.classify(seen).argmax(1) == labels).mean() >= 0.99
    as_png = predict.predict(np.asarray(stored[0].convert("RGB")))  # an RGB file of it too
    assert max(as_png, key=as_png.get) == str(labels[0])


def test_background_polarity_is_read_from_the_border():
    assert not predict.light_on_dark(np.asarray(render(3).convert("L"), np.float32) / 255)
    white_on_black = 1 - np.asarray(render(3).convert("L"), np.float32) / 255
    assert predict.light_on_dark(white_on_black)
    np.testing.assert_allclose(
        predict.preprocess(Image.fromarray((white_on_black * 255).round().astype(np.uint8))),
        predict.preprocess(render(3).convert("L")),
        atol=1e-6,
    )
    dim_photo = 0.25 + 0.15 * np.asarray(render(3).convert("L"), np.float32) / 255
    assert not predict.light_on_dark(dim_photo)  # dark grey paper, darker ink: no inversion
    with pytest.raises(InputError, match="No digit found"):  # black and empty is still blank
        predict.preprocess(Image.new("L", (100, 100), 0))


@pytest.mark.parametrize("height,left,top", [(600, 150, 100), (300, 60, 420), (140, 600, 40)])
def test_drawn_digits_on_a_large_canvas_are_recognised(height, left, top):
    """Thick strokes at different sizes and places on an 800x800 canvas, through the same
    preprocessing as the sketchpad."""
    width = max(12, height // 12)
    wrong = {}
    for digit in range(10):
        image = render(digit, canvas=800, left=left, top=top, height=height, width=width)
        probs = predict.predict(sketch_value(image))
        if max(probs, key=probs.get) != str(digit):
            wrong[digit] = max(probs, key=probs.get)
    assert not wrong, f"misread (drawn -> predicted): {wrong}"


@needs_data("MNIST", "raw")
def test_torchrun_data_parallel_dry_run_writes_weights(tmp_path):
    """Two CPU processes (Gloo) train one DDP step each and rank 0 writes the weights."""
    import subprocess
    import sys

    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        "-m",
        "models.train",
        "digits",
        "--dry-run",
        "--epochs",
        "1",
        "--device",
        "cpu",
        "--threads",
        "1",
        "--data-dir",
        str(DATA),
        "--out",
        str(tmp_path),
        "--checkpoint",
        str(tmp_path / "ck.pt"),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    weights = tmp_path / "default.safetensors"
    assert weights.is_file()
    from models.common.weights import read_meta

    assert read_meta(weights)["train"]["hardware"].endswith("x2")
