"""Explanations: Grad-CAM, the digits preview, About panels fed by training logs, the names the
"Use via API" page gives inputs and outputs."""

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import gradio as gr
import numpy as np
import pytest
import torch
from torch import nn

from demos import DEMOS
from demos.common import about_facts, about_markdown, about_panel
from demos.i18n import t
from models import MODELS
from models.common.cards import training_curves
from models.common.gradcam import grad_cam
from models.common.images import overlay_heatmap
from models.common.spec import Metric, ModelSpec
from models.common.weights import save_weights


def square_images(n: int, side: torch.Tensor) -> torch.Tensor:
    """Dark 16x16 images with a bright 5x5 square in the left (side 0) or right (side 1) half,
    or none (side 2): so each side's class needs the square as positive evidence."""
    x = torch.rand(n, 1, 16, 16) * 0.1
    for i in range(n):
        if side[i] == 2:
            continue
        top = int(torch.randint(0, 11, ()))
        left = int(torch.randint(0, 3, ())) + 8 * int(side[i])
        x[i, :, top : top + 5, left : left + 5] = 1.0
    return x


def test_gradcam_points_at_the_square_a_model_trained_here_relies_on():
    torch.manual_seed(0)
    features = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, padding=1),
        nn.ReLU(),
    )
    net = nn.Sequential(features, nn.Flatten(), nn.Linear(8 * 8 * 8, 3))  # the head sees where
    side = torch.randint(0, 3, (384,))
    x = square_images(384, side)
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    for _ in range(150):
        loss = nn.functional.cross_entropy(net(x), side)
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    for s in (0, 1):
        image = square_images(1, torch.tensor([s]))
        square = image[0, 0] == 1
        heat = grad_cam(net, features, image, target=s)
        assert heat.shape == (16, 16) and heat.max() == 1.0 and heat.min() >= 0
        left, right = heat[:, :8].mean(), heat[:, 8:].mean()
        assert (left > right) if s == 0 else (right > left)
        assert heat[square].mean() > 2 * heat[~square].mean()  # on the square
        # the peak lies on the square, to within the feature map's cell (2 pixels)
        near = nn.functional.max_pool2d(square[None].float(), 5, 1, 2)[0].bool()
        assert near.flatten()[heat.argmax()]
        # shown 4x larger, as the tab upsamples: the peak scales with it
        large = grad_cam(net, features, image, target=s, size=(64, 64))
        assert near.repeat_interleave(4, 0).repeat_interleave(4, 1).flatten()[large.argmax()]


def test_gradcam_of_a_mirrored_image_is_the_mirrored_map():
    """With mirror averaging the mirrored view's map is flipped back before it is added: so the
    map of a mirrored photo is exactly the mirror of the photo's map. Adding the two maps
    without the flip would give the same map for both."""
    torch.manual_seed(3)
    features = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    net = nn.Sequential(features, nn.Flatten(), nn.Linear(6 * 8 * 8, 3)).eval()
    x = square_images(1, torch.tensor([0]))
    heat = grad_cam(net, features, x, target=1, mirror=True)
    torch.testing.assert_close(
        grad_cam(net, features, x.flip(-1), target=1, mirror=True), heat.flip(-1)
    )
    assert not torch.allclose(heat, heat.flip(-1), atol=0.05)  # the map is not symmetric itself


def test_gradcam_equals_class_activation_mapping_for_a_gap_linear_head():
    """For conv -> global average pool -> linear, Grad-CAM reduces to CAM (Zhou et al., 2016):
    ReLU(sum_k w[c, k] * A_k), checked by hand here."""
    torch.manual_seed(1)
    conv = nn.Conv2d(3, 4, 3, padding=1)
    head = nn.Linear(4, 3)
    net = nn.Sequential(conv, nn.AdaptiveAvgPool2d(1), nn.Flatten(), head).eval()
    x = torch.rand(1, 3, 8, 8)
    with torch.no_grad():
        cam = torch.relu((head.weight[2][:, None, None] * conv(x)[0]).sum(0))
    torch.testing.assert_close(grad_cam(net, conv, x, target=2), cam / cam.max())
    # with mirror averaging: the mean logit of both views, the mirror's map flipped back
    with torch.no_grad():
        weighted = (head.weight[2][:, None, None] * conv(x)[0]).sum(0)
        mirrored = (head.weight[2][:, None, None] * conv(x.flip(-1))[0]).sum(0)
        both = torch.relu(weighted + mirrored.flip(-1))
    torch.testing.assert_close(grad_cam(net, conv, x, target=2, mirror=True), both / both.max())


def test_gradcam_is_right_while_other_threads_run_the_same_net():
    """The app shares one net between requests: a Grad-CAM must use its own activations even
    when classifications and other Grad-CAMs pass through the hooked layer at the same time."""

    class Slow(nn.Module):  # widens the window in which threads overlap
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            time.sleep(0.002)
            return x

    torch.manual_seed(2)
    conv = nn.Conv2d(3, 4, 3, padding=1)
    net = nn.Sequential(Slow(), conv, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))
    net.eval()
    x = torch.rand(1, 3, 8, 8)
    expected = grad_cam(net, conv, x, target=1)
    stop = threading.Event()

    def classify_until_stopped() -> None:
        while not stop.is_set():
            with torch.inference_mode():
                net(torch.rand(1, 3, 8, 8))

    def explain(n: int) -> list[torch.Tensor]:
        return [grad_cam(net, conv, x, target=1) for _ in range(n)]

    with ThreadPoolExecutor(4) as pool:
        background = [pool.submit(classify_until_stopped) for _ in range(2)]
        try:
            cams = [pool.submit(explain, 20) for _ in range(2)]
            results = [heat for future in cams for heat in future.result()]
        finally:
            stop.set()
        for future in background:
            future.result()
    for heat in results:
        torch.testing.assert_close(heat, expected)


def test_heatmap_overlay_keeps_the_image_size():
    from PIL import Image

    out = overlay_heatmap(Image.new("RGB", (40, 30), "white"), np.zeros((30, 40)))
    assert out.size == (40, 30) and out.mode == "RGB"


def save_toy_weights(weights, log_rows: list[dict] | None, train: dict | None = None) -> None:
    train = train or {"recipe": {"epochs": 2}, "train_time_s": 60, "hardware": "test CPU"}
    save_weights(nn.Linear(2, 2).state_dict(), weights, {"config": {}, "train": train})
    if log_rows is not None:
        weights.with_name(weights.stem + ".log.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in log_rows)
        )


def toy_spec(tmp_path, monkeypatch, log_rows: list[dict] | None, **fields) -> ModelSpec:
    """A model "toy" whose weights, log and metrics sit in tmp_path/toy/."""
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    spec = ModelSpec(
        name="toy",
        architecture="a linear layer",
        training_data="nothing",
        build=lambda config: nn.Linear(2, 2),
        **{
            "metrics": (Metric("accuracy", "accuracy"),),
            "curves": ("train_loss", "val_acc"),
            **fields,
        },
    )
    save_toy_weights(spec.weights_path(), log_rows)
    spec.artefact("default", "metrics.json").write_text(
        json.dumps({"accuracy": 0.5, "n": 10, "split": "toy"})
    )
    return spec


def fact(spec: ModelSpec, heading: str) -> str:
    """The About panel's line under a heading, e.g. fact(spec, "parameters") -> "6"."""
    token = str(t(f"common.{heading}"))
    (line,) = [line for line in about_facts(spec) if token in line]
    return line.split(":** ", 1)[1]


def panel_text_and_plots(spec: ModelSpec) -> tuple[str, list[gr.LinePlot]]:
    with gr.Blocks() as demo:
        about_panel(spec)
    text = " ".join(b.value for b in demo.blocks.values() if isinstance(b, gr.Markdown))
    return text, [b for b in demo.blocks.values() if isinstance(b, gr.LinePlot)]


def test_training_log_parses_and_the_about_panel_plots_it(tmp_path, monkeypatch):
    rows = [
        {"epoch": 1, "train_loss": 0.9, "val_acc": 0.6, "lr": 0.1},
        {"epoch": 2, "train_loss": 0.5, "val_acc": 0.8, "lr": 0.01},
    ]
    spec = toy_spec(tmp_path, monkeypatch, rows)
    assert training_curves(spec) == [
        {
            "epoch": r["epoch"],
            "train_loss": r["train_loss"],
            "val_acc": r["val_acc"],
            "weights": "default",
        }
        for r in rows
    ]
    text, plots = panel_text_and_plots(spec)
    assert [plot.y for plot in plots] == ["train_loss", "val_acc"]
    assert "**50.00%** accuracy on toy (10 examples)" in text
    assert fact(spec, "parameters") == "6"


def test_about_panel_of_a_two_file_model_counts_and_plots_both(tmp_path, monkeypatch):
    rows = [{"epoch": 1, "val_acc": 0.6}, {"epoch": 2, "val_acc": 0.8}]
    spec = toy_spec(tmp_path, monkeypatch, rows, variants=("default", "chars"))
    train = {"recipe": {"epochs": 2}, "train_time_s": 60, "hardware": "other GPU"}
    save_toy_weights(spec.weights_path("chars"), [{"epoch": 1, "val_acc": 0.7}], train)
    assert [row["weights"] for row in training_curves(spec)] == ["default", "default", "chars"]
    text, plots = panel_text_and_plots(spec)
    assert fact(spec, "parameters") == "12"
    assert "`chars` 2 epochs, 1 min on other GPU" in fact(spec, "training") in text
    (plot,) = plots
    assert plot.color == "weights"
    spec.weights_path("chars").unlink()
    assert "chars.safetensors` is missing" in about_markdown(spec)


def test_missing_training_log_hides_the_curves_with_a_note(tmp_path, monkeypatch):
    text, plots = panel_text_and_plots(toy_spec(tmp_path, monkeypatch, None))
    assert not plots
    assert str(t("common.no_curves")) in text


@pytest.mark.parametrize(
    "content, note",
    [
        ('{"accuracy": 0.9', "unreadable"),  # cut short by an interrupted write
        ("", "unreadable"),  # empty
        ("[0.9]", "holds no metrics"),  # valid JSON, not an object
        ('{"split": "test", "n": 10}', "names none of this model's metrics"),
        ('{"accuracy": "high"}', "names none of this model's metrics"),
        ('{"accuracy": NaN}', "names none of this model's metrics"),
    ],
)
def test_an_odd_metrics_file_gets_a_note_and_the_panel_still_builds(
    tmp_path, monkeypatch, content, note
):
    spec = toy_spec(tmp_path, monkeypatch, [{"epoch": 1, "val_acc": 0.5}])
    spec.artefact("default", "metrics.json").write_text(content)
    text, plots = panel_text_and_plots(spec)
    assert note in text and len(plots) == 1


def test_metrics_without_split_or_count_still_show_their_figure(tmp_path, monkeypatch):
    spec = toy_spec(tmp_path, monkeypatch, None)
    spec.artefact("default", "metrics.json").write_text('{"accuracy": 0.25, "n": "many"}')
    assert fact(spec, "measured") == "**25.00%** accuracy"


def test_each_metric_reads_in_its_own_format(tmp_path, monkeypatch):
    metrics = (
        Metric("bleu", "BLEU", "points"),
        Metric("iou", "IoU", "percent"),
        Metric("val_loss", "validation loss", "loss"),
    )
    spec = toy_spec(tmp_path, monkeypatch, None, metrics=metrics)
    spec.artefact("default", "metrics.json").write_text(
        '{"bleu": 27.34, "iou": 0.8125, "val_loss": 1.5, "split": "dev"}'
    )
    text = about_markdown(spec)
    assert "**27.3** BLEU, **81.25%** IoU, **1.5 (lower is better)** validation loss on dev" in text
    with pytest.raises(ValueError, match="unknown format"):
        Metric("x", "x", "percentage")


def test_a_cut_or_odd_training_log_plots_only_its_sound_rows(tmp_path, monkeypatch):
    spec = toy_spec(tmp_path, monkeypatch, None, curves=("train_loss", "val_iou"))
    spec.artefact("default", "log.jsonl").write_text(
        '{"epoch": 1, "train_loss": 0.9, "val_iou": 0.4}\n'
        '{"train_loss": 0.8}\n'  # no epoch
        '{"epoch": 2, "train_loss": "nan?", "val_iou": 0.5}\n'  # a value that is no number
        "[1, 2]\n"  # not a row
        '{"epoch": 3, "train_loss": 0.7, "val_i'  # cut short
    )
    assert training_curves(spec) == [
        {"epoch": 1, "train_loss": 0.9, "val_iou": 0.4, "weights": "default"},
        {"epoch": 2, "val_iou": 0.5, "weights": "default"},
    ]
    _, plots = panel_text_and_plots(spec)
    assert [plot.y for plot in plots] == ["train_loss", "val_iou"]
    spec.artefact("default", "log.jsonl").write_text("")
    text, plots = panel_text_and_plots(spec)
    assert not plots and str(t("common.no_curves")) in text


def test_training_summary_reads_steps_or_epochs_and_tolerates_a_bare_header(tmp_path, monkeypatch):
    spec = toy_spec(tmp_path, monkeypatch, None)
    train = {"recipe": {"steps": 4000, "lr_g": 2e-4, "lr_d": 1e-4}, "train_time_s": 600}
    save_toy_weights(spec.weights_path(), None, train)
    assert fact(spec, "training") == "4000 steps, 10 min"
    save_weights(nn.Linear(2, 2).state_dict(), spec.weights_path(), {"config": {}})
    assert fact(spec, "training") == "training recipe not recorded"


# Gradio names an unlabelled component "value_<id>" (an output) or "parameter_<id>" (an input) on
# the "Use via API" page and in gradio_client's view_api.
@pytest.mark.parametrize("tab", MODELS)
def test_api_page_names_every_input_and_output_of_a_tab_after_its_label(tab):
    with gr.Blocks() as demo:
        DEMOS[tab].build()
    endpoints = demo.get_api_info()["named_endpoints"]
    assert endpoints, f"tab {tab} declares no endpoint"
    generated = re.compile(r"(value|parameter)_\d+")
    for name, endpoint in endpoints.items():
        for role in ("parameters", "returns"):
            for item in endpoint[role]:
                names = [str(item.get("label") or ""), str(item.get("parameter_name") or "x")]
                assert all(n and not generated.fullmatch(n) for n in names), (name, role, item)
