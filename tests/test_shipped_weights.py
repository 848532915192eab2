"""Every weights file the app ships: present, loadable strictly into its net, and measured.

Never skipped: a commit that deletes or damages a shipped file fails here, whatever data the
machine has. (How good each model is, on a sample of its real test split, the tabs' own floor
tests check; in CI they run, since .ci/run requires the data directory.)
"""

import pytest
import torch

from models import MODELS, get_spec
from models.common.cards import read_metrics

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
