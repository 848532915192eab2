"""Pet segmentation: shapes at any size and mode, trimaps, the metric, training, the pretrained
option offline, shipped-weights quality, bad input."""

import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from models.common import hub as common_hub
from models.common.errors import InputError
from models.common.hub import HubUnavailable
from models.common.weights import save_weights
from models.pets import SPEC, hub, predict
from models.pets.data import trimap_to_classes
from models.pets.metrics import pet_confusion, scores
from models.pets.net import BACKGROUND, BORDER, CLASSES, PET, Config, PetNet
from tests.conftest import DATA, needs_data

TINY = Config(decoder=(8, 8, 8), skip=(4, 4, 4), image_size=64)


@pytest.fixture
def tiny_pets(tmp_path, monkeypatch, fresh_cache) -> Path:
    """GALLERY_WEIGHTS_DIR with a small random-init pets net (untrained)."""
    torch.manual_seed(0)
    path = tmp_path / "pets" / "default.safetensors"
    save_weights(PetNet(TINY).state_dict(), path, {"config": TINY.to_dict()})
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    return tmp_path


def photo(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A light background with a dark ellipse, in `mode`."""
    yy, xx = np.mgrid[:height, :width]
    inside = ((xx - width / 2) / (width / 3)) ** 2 + ((yy - height / 2) / (height / 3)) ** 2 < 1
    rgb = np.where(inside[..., None], (90, 60, 30), (200, 220, 240)).astype(np.uint8)
    return Image.fromarray(rgb).convert(mode)


@pytest.mark.parametrize(
    "size, mode",
    [((97, 61), "RGB"), ((61, 97), "L"), ((333, 17), "RGBA"), ((16, 16), "P"), ((250, 251), "LA")],
)
def test_mask_comes_back_at_the_input_size_for_odd_sizes_and_modes(tiny_pets, size, mode):
    result = predict.segment(photo(*size, mode))
    height_width = (size[1], size[0])
    assert result.mask.shape == result.probability.shape == result.classes.shape == height_width
    assert result.mask.dtype == bool and result.image.size == size
    assert set(np.unique(result.classes)) <= {PET, BACKGROUND, BORDER}
    assert 0.0 <= result.pet_share <= 1.0 and result.pet_share == pytest.approx(result.mask.mean())
    assert predict.mask_image(result.mask).size == size


def test_mask_image_is_white_where_the_pet_is():
    mask = np.zeros((3, 4), bool)
    mask[1, 2] = True
    image = predict.mask_image(mask)
    assert image.mode == "L" and image.size == (4, 3)
    assert np.asarray(image)[1, 2] == 255 and np.asarray(image).sum() == 255


def test_trimap_values_decode_to_pet_background_border():
    classes = trimap_to_classes(np.array([[1, 2], [3, 1]], np.uint8))
    assert classes.tolist() == [[PET, BACKGROUND], [BORDER, PET]]
    assert [CLASSES[i] for i in (PET, BACKGROUND, BORDER)] == ["pet", "background", "border"]
    with pytest.raises(ValueError, match="1, 2 or 3"):
        trimap_to_classes(np.array([[0, 4]]))


def test_iou_matches_a_hand_computed_example_and_ignores_the_border():
    # truth: 4 pet, 4 background, 2 border pixels; prediction: 3 of the pets, 1 background
    # wrongly as pet, and whatever on the border (ignored)
    target = torch.tensor([PET] * 4 + [BACKGROUND] * 4 + [BORDER] * 2)
    pet = torch.tensor([1, 1, 1, 0, 1, 0, 0, 0, 1, 0], dtype=torch.bool)
    counts = pet_confusion(pet, target)
    assert counts.tolist() == [[3, 1], [1, 3]]
    s = scores(counts)
    assert s["pet_iou"] == pytest.approx(3 / 5)  # |pred & true| / |pred | true| = 3 / (4 + 1)
    assert s["background_iou"] == pytest.approx(3 / 5)
    assert s["mean_iou"] == pytest.approx(3 / 5)
    assert s["pixel_accuracy"] == pytest.approx(6 / 8)
    assert scores(np.zeros((2, 2)))["pet_iou"] == 1.0  # no pet anywhere, none predicted


def test_tiny_and_unreadable_images_give_clear_messages(tiny_pets, tmp_path):
    with pytest.raises(InputError, match="8x8 pixels: too small"):
        predict.segment(photo(8, 8))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(InputError):
        predict.segment(str(broken))
    text = tmp_path / "notes.png"
    text.write_text("hello")
    with pytest.raises(InputError, match="not an image"):
        predict.segment(str(text))


def test_huge_photo_is_segmented_at_the_net_size_and_answered_at_full_size(tiny_pets):
    big = photo(4000, 3000)
    start = time.perf_counter()
    result = predict.segment(big)
    assert result.mask.shape == (3000, 4000)
    assert time.perf_counter() - start < 10  # (about 1 s here: the net runs at its long side)


def write_fake_pets(root: Path, n: int = 6) -> None:
    """A tiny data set in the Oxford-IIIT Pet layout torchvision reads."""
    base = root / "oxford-iiit-pet"
    (base / "images").mkdir(parents=True)
    (base / "annotations" / "trimaps").mkdir(parents=True)
    lines = []
    for i in range(n):
        name = f"Abyssinian_{i + 1}"
        image = photo(48 + 4 * i, 40)
        image.save(base / "images" / f"{name}.jpg")
        trimap = np.where(np.asarray(image.convert("L")) < 128, 1, 2).astype(np.uint8)
        trimap[0] = 3
        Image.fromarray(trimap).save(base / "annotations" / "trimaps" / f"{name}.png")
        lines.append(f"{name} 1 1 1")
    for split in ("trainval", "test"):
        (base / "annotations" / f"{split}.txt").write_text("\n".join(lines) + "\n")


def test_train_dry_run_writes_weights_that_predict_loads(tmp_path, monkeypatch, fresh_cache):
    from models.common.training import read_log
    from models.pets import train

    write_fake_pets(tmp_path / "data")
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path / "weights"))
    out = tmp_path / "weights" / "pets"
    args = ["--dry-run", "--data-dir", str(tmp_path / "data"), "--out", str(out)]
    args += ["--checkpoint", str(tmp_path / "ck.pt"), "--cache-dir", str(tmp_path / "cache")]
    args += ["--encoder-weights", "none", "--batch-size", "4", "--epochs", "2"]
    args += ["--config", "decoder=8/8/8,skip=4/4/4,image_size=64"]
    train.main(args)
    rows = read_log(out / "default.log.jsonl")
    assert [r["epoch"] for r in rows] == [1, 2]
    assert {"train_loss", "val_iou"} <= rows[-1].keys()
    assert predict.get_model().cfg == TINY
    assert predict.segment(photo(50, 30)).mask.shape == (30, 50)
    train.main([*args, "--resume"])  # a finished run resumes to the same weights
    assert len(read_log(out / "default.log.jsonl")) == 2


def test_encoder_loads_the_darknet_tiny_file_layout(tmp_path):
    from safetensors.torch import save_file

    from models.pets.net import load_encoder

    source = PetNet(TINY).encoder.state_dict()
    fake = {k: torch.randn_like(v.float()) for k, v in source.items() if "num_batches" not in k}
    fake["classifier.weight"] = torch.zeros(1000, 128, 1, 1)  # present in the file, not used
    save_file(fake, tmp_path / "darknet.safetensors")
    net = PetNet(TINY)
    names = load_encoder(net, tmp_path / "darknet.safetensors")
    assert len(names) == 75  # 15 conv layers x (conv weight + 4 BN tensors)
    assert torch.equal(net.encoder.features[0].conv.weight, fake["features.0.conv.weight"])


def test_pretrained_option_offline_says_it_needs_internet_quickly(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))  # nothing cached
    monkeypatch.setattr(common_hub, "hub_reachable", lambda timeout=3.0: False)
    monkeypatch.setattr(common_hub, "_failed_at", {})
    start = time.perf_counter()
    with pytest.raises(HubUnavailable, match="needs internet access"):
        hub.segment(photo(64, 48))
    assert time.perf_counter() - start < 5


def test_pretrained_cat_and_dog_classes_become_the_pet():
    categories = ["__background__", "cat", "person", "dog"]
    logits = torch.full((1, 4, 1, 3), -10.0)
    logits[0, 1, 0, 0] = 10  # a cat pixel
    logits[0, 3, 0, 1] = 10  # a dog pixel
    logits[0, 2, 0, 2] = 10  # a person: background
    mapped = hub.pet_logits(logits, categories)
    assert mapped.shape == (1, 3, 1, 3)
    assert mapped.argmax(1).tolist() == [[[PET, PET, BACKGROUND]]]
    assert torch.allclose(mapped[:, :2].exp().sum(1), torch.ones(1, 1, 3), atol=1e-5)


@needs_data("oxford-iiit-pet", "annotations")
@pytest.mark.skipif(not SPEC.weights_path().is_file(), reason="no shipped pets weights")
def test_shipped_weights_beat_floor_on_test_sample(fresh_cache):
    from models.pets import evaluate

    result, _ = evaluate.evaluate(DATA, limit=12)
    assert result["pet_iou"] > 0.70, result  # the full test split: see CARD.md


@pytest.mark.skipif(not SPEC.weights_path().is_file(), reason="no shipped pets weights")
def test_photo_without_a_pet_gives_a_near_empty_mask_and_no_error(fresh_cache):
    import skimage

    result = predict.segment(skimage.data.coffee())
    assert result.pet_share < 0.15
    cat = predict.segment(skimage.data.chelsea())
    assert cat.pet_share > 0.2
