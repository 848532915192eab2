"""What the About panels show, read from files next to the weights (never typed by hand):
the weights header (config, training recipe, time, hardware), the evaluation's metrics JSON,
and the per-epoch training log."""

import json
from dataclasses import dataclass
from pathlib import Path

from safetensors import SafetensorError, safe_open

from models.common.training import read_log
from models.common.weights import WeightsError


@dataclass(frozen=True)
class ModelInfo:
    """The prose of one model's About panel; numbers come from the files below."""

    key: str  # e.g. "digits"
    architecture: str
    training_data: str
    metric: str  # key in metrics.json shown as the headline, e.g. "accuracy"
    train_command: str
    eval_command: str
    weights: Path
    more_weights: tuple[Path, ...] = ()  # other files the model reads, e.g. a second view

    @property
    def all_weights(self) -> tuple[Path, ...]:
        return (self.weights, *self.more_weights)

    @property
    def log(self) -> Path:
        return log_path(self.weights)

    @property
    def metrics_file(self) -> Path:
        return self.weights.with_name(self.weights.stem + ".metrics.json")

    @property
    def confusion_image(self) -> Path:
        return self.weights.with_name(self.weights.stem + ".confusion.png")


def log_path(weights: Path) -> Path:
    """The per-epoch training log written beside a weights file."""
    return weights.with_name(weights.stem + ".log.jsonl")


BUFFERS = ("running_mean", "running_var", "num_batches_tracked")  # BatchNorm state, not parameters


def weights_summary(path: Path) -> dict:
    """Parameter count and header metadata of a safetensors file, without loading the tensors;
    {} when the file is missing, WeightsError naming it when it is unreadable."""
    if not path.is_file():
        return {}
    try:
        with safe_open(str(path), framework="pt") as f:
            params = 0
            for name in f.keys():
                if name.endswith(BUFFERS):
                    continue
                count = 1
                for dim in f.get_slice(name).get_shape():
                    count *= dim
                params += count
            meta = json.loads((f.metadata() or {}).get("meta", "{}"))
    except (SafetensorError, OSError, ValueError) as err:
        raise WeightsError(f"weights file {path} is unreadable ({err})") from err
    return {"params": params, **meta}


def read_metrics(info: ModelInfo) -> dict:
    """The evaluation's metrics; {} when the file is missing or unreadable (cut short)."""
    try:
        return json.loads(info.metrics_file.read_text())
    except (OSError, ValueError):
        return {}


def training_curves(info: ModelInfo) -> list[dict]:
    """The log rows of every weights file, each tagged with its file's stem ("weights")."""
    return [{**row, "weights": w.stem} for w in info.all_weights for row in read_log(log_path(w))]
