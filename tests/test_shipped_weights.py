"""Every weights file the app ships: present, loadable strictly into its net, measured, and
still as good as its card says on a sample of the real split.

The file checks never skip: a commit that deletes or damages a shipped file fails here, whatever
data the machine has. The floors skip without the data set, except in CI (.ci/run requires it).
"""

import pytest
import torch

from models import MODELS, get_spec
from models.common.cards import read_metrics
from models.common.paths import ROOT

VARIANTS = [(name, variant) for name in MODELS for variant in get_spec(name).variants]


@pytest.mark.parametrize("name, variant", VARIANTS, ids=[f"{n}/{v}" for n, v in VARIANTS])
def test_every_declared_weights_file_is_shipped_and_loads_strictly(name, variant):
    spec = get_spec(name)
    path = spec.weights_path(variant)
    assert path.is_file(), f"{path} is missing: rebuild it with `{spec.train}`"
    net = spec.load(variant, device=torch.device("cpu"), dtype=torch.float32)  # strict
    tensors = [*net.parameters(), *net.buffers()]
    assert tensors and all(torch.isfinite(t).all() for t in tensors if t.is_floating_point())


def converted_nets() -> dict:
    """The pretrained networks converted once into this project's modules (the defaults of
    the style, CycleGAN and pets tabs), each as its loader."""
    from models.cyclegan import compressed
    from models.pets import deeplab
    from models.style import pretrained

    nets = {f"style/{stem}": (lambda s=stem: pretrained.load(s)) for stem in pretrained.BUILDERS}
    return {**nets, "cyclegan/compressed": compressed.load, "pets/deeplab": deeplab.load}


CONVERTED = converted_nets()


@pytest.mark.parametrize("name", CONVERTED)
def test_every_converted_pretrained_net_is_shipped_and_loads_strictly(name):
    net = CONVERTED[name]()
    tensors = [*net.parameters(), *net.buffers()]
    assert tensors and all(torch.isfinite(t).all() for t in tensors if t.is_floating_point())


@pytest.mark.parametrize("name", MODELS)
def test_every_model_ships_its_measured_headline_figure(name):
    spec = get_spec(name)
    metrics, note = read_metrics(spec)
    headline = spec.metrics[0]
    assert headline.show(metrics.get(headline.key)) is not None, note or metrics


@pytest.mark.parametrize("name", MODELS)
def test_shipped_weights_keep_every_metric_floor_on_a_sample_of_the_real_split(name, sample_scores):
    """Each metric of SPEC.metrics with a floor (or a ceiling) against the figure of
    evaluate.sample_scores: a seeded sample of the split the card's figure comes from."""
    spec = get_spec(name)
    bounded = [m for m in spec.metrics if m.floor is not None or m.ceiling is not None]
    assert bounded, f"{name}: no metric of SPEC.metrics has a floor"
    scores = sample_scores(name)
    for metric in bounded:
        value = scores[metric.key]
        if metric.floor is not None:
            assert value >= metric.floor, f"{metric.label}: {value} < {metric.floor}"
        if metric.ceiling is not None:
            assert value <= metric.ceiling, f"{metric.label}: {value} > {metric.ceiling}"


def written_forms(value: float, format: str) -> set[str]:
    """How the card and the README may write a figure: a fraction as 99.59 / 99.6 (%) or 0.9959,
    a score or a ratio to two or one decimals."""
    if format == "percent":
        return {f"{100 * value:.2f}", f"{100 * value:.1f}", f"{value:.4f}"}
    return {f"{value:.2f}", f"{value:.1f}"}


@pytest.mark.parametrize("name", MODELS)
def test_the_card_and_the_readme_quote_the_measured_headline_figure(name):
    """The metrics file the evaluation writes is the source; the prose that repeats its
    headline figure must not drift from it."""
    spec = get_spec(name)
    metrics, note = read_metrics(spec)
    headline = spec.metrics[0]
    forms = written_forms(metrics[headline.key], headline.format)
    card = (ROOT / "models" / name / "CARD.md").read_text()
    readme = (ROOT / "README.md").read_text()
    assert any(form in card for form in forms), f"CARD.md lacks {headline.label}: {forms}"
    assert any(form in readme for form in forms), f"README.md lacks {headline.label}: {forms}"


@pytest.mark.parametrize("name", MODELS)
def test_the_tabs_model_loads_as_one_module(name, fresh_cache):
    """get_model's one return type (SPEC.load_default): an nn.Module, the net or one holding it
    with what it reads."""
    model = get_spec(name).load_default()
    assert isinstance(model, torch.nn.Module) and not model.training
    assert sum(p.numel() for p in model.parameters()) > 0
