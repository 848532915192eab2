"""models.export: TorchScript + ONNX files that match PyTorch, a check that catches files that
don't, and the committed records it wrote (models/<name>/weights/<net>.export.json)."""

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from onnx import numpy_helper
from torch import nn

from models import export
from models.common.paths import ROOT


def tiny_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 3, 1)).eval()


class BakedScale(nn.Module):
    """Multiplies by the input's width as a Python float: a trace bakes the width it saw in."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * float(x.shape[-1])


def tiny_target(net: nn.Module, name: str = "tiny") -> export.Target:
    return export.image_net(
        "digits", name, "a test net", lambda: net, (32, 32), (24, 16), "image01", "out"
    )


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_tiny_net_exports_files_that_match_pytorch(tmp_path: Path):
    record = export.check(tiny_target(tiny_net()), tmp_path, runs=0)
    assert record["passed"]
    assert (tmp_path / "tiny.pt").is_file() and (tmp_path / "tiny.onnx").is_file()
    # the second sample is a batch of 2 at another size: the dynamic axes work
    assert record["dynamic_axes"] == ["batch", "height", "width"]
    assert record["samples"] == 2
    assert max(record["max_abs_diff"].values()) <= record["tolerance"]
    assert "latency_ms_p50" not in record  # runs=0: no timing


def test_parity_check_catches_a_perturbed_onnx_file(tmp_path: Path):
    target, net = tiny_target(tiny_net()), tiny_net()
    samples = target.samples()
    script_path, onnx_path = export.export(target, net, samples[0], tmp_path)
    model = onnx.load(str(onnx_path))
    weight = model.graph.initializer[0]
    perturbed = numpy_helper.to_array(weight) + np.float32(0.01)
    weight.CopyFrom(numpy_helper.from_array(perturbed, weight.name))
    onnx.save(model, str(onnx_path))
    with export.quiet_exporters():
        script = torch.jit.load(str(script_path))
    diffs = export.max_differences(target, net, script, export.ort_session(onnx_path), samples)
    assert diffs["torchscript"] <= target.tolerance
    assert diffs["onnxruntime"] > target.tolerance


def test_a_size_baked_into_the_trace_fails_the_check_and_the_command(tmp_path, monkeypatch):
    target = tiny_target(BakedScale(), "baked")
    record = export.check(target, tmp_path, runs=0)
    assert not record["passed"]  # traced at width 32, checked at 24: off by a factor
    assert min(record["max_abs_diff"].values()) > 1
    monkeypatch.setitem(export.TARGETS, "digits", lambda: [target])
    monkeypatch.setattr(export, "record_path", lambda model, net: tmp_path / f"{net}.json")
    with pytest.raises(SystemExit) as exit_info:
        export.main(["digits", "--out", str(tmp_path), "--runs", "0"])
    assert exit_info.value.code == 1
    assert not (tmp_path / "baked.json").exists()  # a failed check writes no record


def test_command_records_figures_of_a_passing_net(tmp_path, monkeypatch):
    monkeypatch.setitem(export.TARGETS, "digits", lambda: [tiny_target(tiny_net())])
    monkeypatch.setattr(export, "record_path", lambda model, net: tmp_path / f"{net}.json")
    export.main(["digits", "--out", str(tmp_path / "files"), "--runs", "2"])
    record = json.loads((tmp_path / "tiny.json").read_text())
    assert record["passed"] and record["runs"] == 2 and record["threads"] == 1
    assert set(record["latency_ms_p50"]) == {"pytorch", "torchscript", "onnxruntime"}
    assert all(ms > 0 for ms in record["latency_ms_p50"].values())
    assert record["opset"] == export.OPSET and record["torch"] == torch.__version__


def test_shipped_digits_weights_export_and_match(tmp_path: Path):
    (target,) = export.digits_targets()
    record = export.check(target, tmp_path, runs=0)
    assert record["passed"], record["max_abs_diff"]
    assert record["inputs"] == {"image": "1x1x28x28"}


def committed_records() -> list[tuple[Path, dict]]:
    paths = sorted((ROOT / "models").glob(f"*/weights/*.{export.SUFFIX}"))
    return [(path, json.loads(path.read_text(encoding="utf-8"))) for path in paths]


def test_every_committed_record_met_its_tolerance():
    records = committed_records()
    assert {record["model"] for _, record in records} == set(export.MODELS)
    for path, record in records:
        assert path.name == f"{record['net']}.{export.SUFFIX}"
        assert record["tolerance"] == export.TOLERANCES[record["tolerance_of"]], path
        assert record["passed"], path
        assert max(record["max_abs_diff"].values()) <= record["tolerance"], path
        assert all(ms > 0 for ms in record["latency_ms_p50"].values()), path
        assert record["files"][0].startswith(f"build/export/{record['model']}/"), path
    for model in export.MODELS:  # the About panel shows one net's figures per tab
        defaults = [r for _, r in records if r["model"] == model and r["tab_default"]]
        assert len(defaults) == 1, model
