"""The shared core: device choice, lazy loading, image input, weights files."""

from pathlib import Path

import pytest
import torch

from models.common.cards import weights_summary
from models.common.device import pick_device
from models.common.weights import WeightsError, load_net, load_weights, save_weights


def test_pick_device_prefers_what_is_asked_and_rejects_unknown():
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(ValueError):
        pick_device("tpu")


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
