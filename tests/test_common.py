"""The shared core: device choice, lazy loading, image input, weights files."""

import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from models.common import images, loading
from models.common.cards import weights_summary
from models.common.device import pick_device
from models.common.weights import WeightsError, load_net, load_weights, save_weights


def test_pick_device_prefers_what_is_asked_and_rejects_unknown():
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(ValueError):
        pick_device("tpu")


def test_load_once_runs_factory_once_under_8_concurrent_first_calls(fresh_cache):
    calls = []

    def slow_factory():
        calls.append(1)
        time.sleep(0.2)  # long enough that all threads arrive while loading
        return object()

    results = [None] * 8
    barrier = threading.Barrier(8)

    def worker(i):
        barrier.wait()
        results[i] = loading.load_once("slow", slow_factory)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_load_once_does_not_cache_a_failure(fresh_cache):
    attempts = []

    def failing():
        attempts.append(1)
        raise WeightsError("missing")

    for _ in range(2):
        with pytest.raises(WeightsError):
            loading.load_once("broken", failing)
    assert len(attempts) == 2 and "broken" not in loading.loaded_keys()


def test_loading_one_key_does_not_block_another(fresh_cache):
    started = threading.Event()

    def slow():
        started.set()
        time.sleep(1.0)
        return "slow"

    t = threading.Thread(target=loading.load_once, args=("a", slow))
    t.start()
    started.wait()
    t0 = time.perf_counter()
    assert loading.load_once("b", lambda: "fast") == "fast"
    assert time.perf_counter() - t0 < 0.5
    t.join()


@pytest.mark.parametrize(
    "mode", ["RGB", "RGBA", "LA", "L", "1", "P", "CMYK", "YCbCr", "I;16", "I", "F"]
)
def test_odd_modes_become_8bit_rgb_with_transparency_over_white(mode):
    base = Image.new("RGB", (16, 8), (0, 0, 0))
    if mode in ("I;16", "I"):
        image = Image.fromarray(np.full((8, 16), 65535, dtype=np.uint16)).convert(mode)
    elif mode == "F":
        image = Image.fromarray(np.full((8, 16), 1.0, dtype=np.float32))
    else:
        image = base.convert(mode)
    rgb = images.to_rgb(image)
    assert rgb.mode == "RGB" and rgb.size == (16, 8)
    if mode in ("I;16", "I", "F"):
        assert np.asarray(rgb).min() == 255  # full-scale 16-bit / 1.0 float is white
    transparent = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert np.asarray(images.to_rgb(transparent)).min() == 255


def test_open_image_rejects_a_non_image_file_with_a_clear_message(tmp_path):
    path = tmp_path / "notes.png"
    path.write_bytes(b"this is text, not a picture")
    with pytest.raises(images.InputError, match="not an image"):
        images.open_image(path)


def test_open_image_rejects_a_truncated_file(tmp_path):
    path = tmp_path / "cut.png"
    Image.effect_noise((64, 64), 50).save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(images.InputError):
        images.open_image(path)


def test_open_image_rejects_a_malformed_header(tmp_path):
    path = tmp_path / "bad.ppm"
    path.write_bytes(b"P6\n80\xe1\xb9 60\n255\n" + bytes(100))  # the width is not a number
    with pytest.raises(images.InputError, match="damaged"):
        images.open_image(path)


def test_huge_jpeg_is_decoded_at_reduced_size(tmp_path):
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (8000, 8000), (200, 30, 30)).save(path, quality=50)
    opened = images.open_image(path, max_side=512)
    assert max(opened.size) <= 512
    assert opened.getpixel((10, 10))[0] > 150


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
    Image.new("RGB", (20000, 300), (200, 30, 30)).save(path)
    assert max(images.open_image(path, max_side=512).size) == 512
    assert decoded == [(2500, 38)]


def test_multi_picture_jpeg_from_a_phone_counts_as_jpeg(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_DECODED_PIXELS", 100 * 100)  # as if it were huge
    path = tmp_path / "photo.mpo"
    frames = [Image.new("RGB", (300, 200), colour) for colour in ("red", "blue")]
    frames[0].save(path, "MPO", save_all=True, append_images=frames[1:])
    assert Image.open(path).format == "MPO"
    assert images.open_image(path).size == (300, 200)


def test_image_over_pixel_limit_is_refused_before_decoding(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    path = tmp_path / "big.png"
    Image.new("L", (200, 200)).save(path)
    with pytest.raises(images.InputError, match="megapixels"):
        images.open_image(path)


def test_huge_array_is_refused_and_a_large_one_shrunk():
    with pytest.raises(images.InputError, match="megapixels"):
        images.open_image(np.zeros((5000, 5000), dtype=np.uint8))
    assert images.open_image(np.zeros((3000, 1500, 3), dtype=np.uint8)).size == (1024, 2048)


def test_huge_png_is_refused_before_decoding_and_a_large_one_is_read(tmp_path):
    huge = tmp_path / "huge.png"
    Image.new("RGB", (8000, 8000), (200, 30, 30)).save(huge)  # flat colour: a small file
    with pytest.raises(images.InputError, match="save it as JPEG"):
        images.open_image(huge)
    large = tmp_path / "large.png"
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(large)
    assert max(images.open_image(large, max_side=512).size) == 512


def test_center_square_crops_the_middle():
    wide = Image.new("RGB", (300, 100), (255, 0, 0))
    wide.paste((0, 0, 255), (100, 0, 200, 100))  # blue middle third
    square = images.center_square(wide, 32)
    assert square.size == (32, 32)
    assert np.asarray(square)[..., 2].mean() > 250  # only the blue middle is kept


def test_weights_round_trip_in_half_precision_with_meta(tmp_path):
    net = torch.nn.Linear(3, 2)
    path = tmp_path / "w.safetensors"
    save_weights(net.state_dict(), path, {"config": {"n": 3}}, half=True)
    state, meta = load_weights(path)
    assert meta == {"config": {"n": 3}}
    assert state["weight"].dtype == torch.float32
    torch.testing.assert_close(state["weight"], net.weight.detach(), atol=1e-3, rtol=1e-3)


def test_missing_or_mismatched_weights_name_the_file(tmp_path):
    with pytest.raises(WeightsError, match="not found: .*nowhere.safetensors"):
        load_weights(tmp_path / "nowhere.safetensors")
    path = tmp_path / "w.safetensors"
    save_weights(torch.nn.Linear(3, 2).state_dict(), path, {"config": {}})
    with pytest.raises(WeightsError, match="does not fit"):
        load_net(path, lambda config: torch.nn.Linear(4, 2))

    def unknown_arch(config: dict) -> torch.nn.Module:
        raise ValueError("unknown arch 'vit'")

    with pytest.raises(WeightsError, match="does not fit.*unknown arch"):
        load_net(path, unknown_arch)
    path.write_bytes(path.read_bytes()[:40])  # truncated
    with pytest.raises(WeightsError, match="unreadable"):
        load_weights(path)


def test_weights_summary_counts_parameters_not_batchnorm_buffers(tmp_path):
    from models.cifar10.net import Config, ResNet18

    net = ResNet18(Config())
    path = tmp_path / "w.safetensors"
    save_weights(net.state_dict(), path, {"config": net.cfg.to_dict()}, half=True)
    summary = weights_summary(path)
    assert summary["params"] == sum(p.numel() for p in net.parameters())
    assert summary["config"]["arch"] == "resnet18"


def test_each_weights_variant_resumes_from_its_own_checkpoint():
    from models.common.training import base_parser

    parser = base_parser("sentiment", epochs=1, lr=1e-3, batch_size=8)
    assert parser.parse_args([]).checkpoint == Path("checkpoints/sentiment.pt")
    chars = parser.parse_args(["--variant", "chars", "--resume"])
    assert chars.checkpoint == Path("checkpoints/sentiment-chars.pt")
    given = parser.parse_args(["--variant", "chars", "--checkpoint", "x.pt"])
    assert given.checkpoint == Path("x.pt")
