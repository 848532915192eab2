"""The shared core every tab is built on: the registry, net configs, the device and its
precision, the model-call limit shared by all tabs."""

from dataclasses import dataclass

import numpy as np
import pytest
import torch
from PIL import Image

from models import MODELS, get_spec
from models.common import device as devices
from models.common.config import NetConfig
from models.common.training import base_parser


@dataclass
class ToyConfig(NetConfig):
    widths: tuple[int, ...] = (8, 16)  # channels per stage
    dropout: float = 0.1
    use_dropout: bool = True
    name: str = "toy"
    steps: int = 3
    pair: tuple[int, int] = (1, 2)


def test_config_overrides_parse_each_fields_type():
    cfg = ToyConfig().with_overrides("widths=4/8/16, dropout=0, use_dropout=False,name=x,steps=7")
    assert cfg == ToyConfig((4, 8, 16), 0.0, False, "x", 7, (1, 2))
    assert ToyConfig().with_overrides("use_dropout=true").use_dropout is True
    assert ToyConfig().with_overrides("").widths == (8, 16)


@pytest.mark.parametrize(
    "text, message",
    [
        ("width=3", "expected key=value"),
        ("dropout", "expected key=value"),
        ("use_dropout=maybe", "not a boolean"),
        ("steps=2.5", "invalid literal"),
        ("widths=4/x", "invalid literal"),
        ("pair=1/2/3", "expected 2 values"),
    ],
)
def test_config_overrides_refuse_unknown_keys_and_bad_values(text, message):
    with pytest.raises(ValueError, match=message):
        ToyConfig().with_overrides(text)


def test_config_round_trips_through_json_lists_and_refuses_unknown_fields():
    cfg = ToyConfig(widths=(1, 2, 3), use_dropout=False)
    assert ToyConfig.from_dict({**cfg.to_dict(), "widths": [1, 2, 3]}) == cfg
    with pytest.raises(ValueError, match="no field 'depth'"):
        ToyConfig.from_dict({"depth": 3})


def test_train_parser_turns_config_flag_into_the_nets_config(capsys):
    parser = base_parser("toy", epochs=1, lr=0.1, batch_size=4, config=ToyConfig)
    args = parser.parse_args(["--config", "use_dropout=False,widths=2/2"])
    assert args.config == ToyConfig(widths=(2, 2), use_dropout=False)
    assert args.checkpoint.name == "toy.pt"
    dry = parser.parse_args(["--dry-run"])  # never the real run's checkpoint or weights
    assert dry.checkpoint.name == "toy-dry-run.pt" and dry.out != args.out
    with pytest.raises(SystemExit):
        parser.parse_args(["--config", "use_dropout=nope"])
    assert "not a boolean" in capsys.readouterr().err


def test_every_model_declares_one_spec_that_tabs_and_commands_read():
    import demos
    from models.train import run

    assert list(demos.DEMOS) == list(MODELS)
    for name in MODELS:
        spec = get_spec(name)
        assert spec.name == name and spec.metrics and spec.variants
        assert callable(spec.entry_point("train")) and callable(spec.entry_point("evaluate"))
        assert demos.DEMOS[name].TITLE and callable(demos.DEMOS[name].build)
    with pytest.raises(KeyError, match="unknown model 'cubism'"):
        get_spec("cubism")
    with pytest.raises(SystemExit, match="usage: python -m models.train"):
        run("train", ["cubism"])


def test_the_device_is_decided_once_and_not_reread_from_the_environment(monkeypatch):
    monkeypatch.setattr(devices, "_chosen", None)
    monkeypatch.setenv(devices.DEVICE_ENV, "cpu")
    assert devices.model_device() == torch.device("cpu")
    monkeypatch.setenv(devices.DEVICE_ENV, "tpu")  # read on first use only: no error now
    assert devices.model_device() == torch.device("cpu")
    monkeypatch.setattr(devices, "_preference", None)
    devices.use_device("cpu")
    assert devices.model_device() == torch.device("cpu")
    with pytest.raises(ValueError, match="unknown device"):
        devices.use_device("tpu")
    devices.use_device("auto")  # resolved at the first model load, not now
    assert devices._chosen is None
    assert devices.model_device() == devices.pick_device("auto")


def test_the_apps_flags_win_over_the_environment_and_leave_it_in_charge_when_absent(
    monkeypatch, tmp_path
):
    import app
    from models.common import paths

    monkeypatch.setattr(paths, "_data_dir", None)
    monkeypatch.setattr(devices, "_preference", None)
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path / "from-env"))
    args = app.parse_args([])
    assert args.device is None and args.data_dir is None  # the environment's, then the default
    assert paths.data_dir() == tmp_path / "from-env"
    paths.use_data_dir(app.parse_args(["--data-dir", str(tmp_path / "flag")]).data_dir)
    assert paths.data_dir() == tmp_path / "flag"
    assert app.parse_args(["--device", "cpu"]).device == "cpu"


def test_precision_policy_is_fp16_on_cuda_only_where_the_net_allows():
    cuda, cpu = torch.device("cuda"), torch.device("cpu")
    assert devices.inference_dtype(cuda, half_ok=True) == torch.float16
    assert devices.inference_dtype(cuda, half_ok=False) == torch.float32
    assert devices.inference_dtype(cpu, half_ok=True) == torch.float32
    assert get_spec("sentiment").half_on_gpu is False  # Integrated Gradients stay in fp32


def test_image_tabs_predict_with_an_fp16_net_as_they_would_on_a_gpu(tiny_weights):
    """The predict functions feed a net in its own precision and read fp32 back (CPU fp16 kernels
    stand in for CUDA's here)."""
    from models.cifar10 import predict as cifar10
    from models.digits import predict as digits

    digit_net = get_spec("digits").load(device=torch.device("cpu"), dtype=torch.float16)
    probs = digits.classify(np.zeros((2, 28, 28), np.float32), digit_net)
    assert probs.dtype == np.float32 and np.allclose(probs.sum(1), 1, atol=1e-3)
    cifar_net = get_spec("cifar10").load(device=torch.device("cpu"), dtype=torch.float16)
    x = torch.rand(1, 3, 32, 32)
    half, full = cifar10.classify(x, cifar_net), cifar10.classify(x, get_spec("cifar10").load())
    assert half.dtype == torch.float32 and torch.allclose(half, full, atol=2e-2)
    assert len(cifar10.predict(Image.new("RGB", (50, 40), "red"))) == 10


def test_every_model_call_in_the_app_joins_a_bounded_concurrency_group():
    """Eight tabs cannot start more model calls at once than MODEL_CONCURRENCY, plus the batched
    classifiers' requests that form one forward pass per model; events that only clear outputs
    stay outside both groups."""
    import app
    from demos.common import MODEL_CONCURRENCY
    from models.common.batching import MAX_BATCH

    blocks = app.build_app()
    fns = blocks.fns.values()
    limits = {"models": MODEL_CONCURRENCY, "batched": MAX_BATCH}
    grouped = {group: [fn for fn in fns if fn.concurrency_id == group] for group in limits}
    for group, limit in limits.items():
        assert {fn.concurrency_limit for fn in grouped[group]} == {limit}
    names = {group: {fn.api_name for fn in grouped[group]} for group in limits}
    assert {"cifar10_gradcam", "sentiment_batch", "digits_preview", "cifar10_preview"} <= names[
        "models"
    ]
    assert {"digits", "digits_sketch", "cifar10", "sentiment"} <= names["batched"]
    model_functions = {"show", "show_upload", "analyse_shown", "reanalyse", "batch_shown"}
    for fn in fns:
        if fn.fn is not None and fn.fn.__name__ in model_functions:
            assert fn.concurrency_id in limits, fn.fn.__name__
        if fn.fn is not None and fn.fn.__name__ == "<lambda>":
            assert fn.concurrency_id not in limits


def test_checkpoint_of_another_run_or_damaged_raises_checkpoint_error_not_system_exit(tmp_path):
    from models.common.training import Checkpoint, CheckpointError

    path = tmp_path / "run.pt"
    Checkpoint(path, total_steps=2).save({"step": 1})
    assert Checkpoint(path, total_steps=2).load()["step"] == 1
    with pytest.raises(CheckpointError, match="from a run of 2 steps, this one has 3"):
        Checkpoint(path, total_steps=3).load()
    path.write_bytes(path.read_bytes()[:40])  # cut short, as by a full disk
    with pytest.raises(CheckpointError, match="unreadable"):
        Checkpoint(path, total_steps=2).load()
    torch.save([1, 2], path)  # a torch file, but no training state
    with pytest.raises(CheckpointError, match="no training state"):
        Checkpoint(path, total_steps=2).load()


def test_training_log_with_bytes_that_are_not_utf8_keeps_its_good_rows(tmp_path):
    from models.common.cards import read_log

    log = tmp_path / "default.log.jsonl"
    log.write_bytes(b'{"epoch": 1, "train_loss": 0.5}\n\xff\xfe\x00garbage\n{"epoch": 2}\n')
    assert [row["epoch"] for row in read_log(log)] == [1, 2]
    assert read_log(tmp_path) == []  # a folder where the file should be


def test_app_deletes_cached_uploads_and_outputs_once_they_are_old():
    import app

    assert app.build_app().delete_cache == app.CACHE_DELETION
    frequency, age = app.CACHE_DELETION
    assert frequency <= age <= 24 * 3600  # a day's uploads at most stay on the server's disk
