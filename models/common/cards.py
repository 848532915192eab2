"""What the About panels show, read from files beside the weights (never typed by hand): the
weights header (config, recipe, time, hardware), the evaluation's metrics JSON and the
per-epoch training log. Which metrics, curves and figures a model has, its ModelSpec says.

Files are written by interrupted runs and edited by people, so each reader degrades: a missing
or odd file gives a note for its part of the panel, never an exception that stops the app.
"""

import json
import math
from pathlib import Path

from safetensors import SafetensorError, safe_open

from models.common.errors import Message
from models.common.paths import LOG, METRICS
from models.common.spec import Metric, ModelSpec
from models.common.weights import WeightsError

BUFFERS = ("running_mean", "running_var", "num_batches_tracked")  # BatchNorm state, not parameters


def read_log(path: Path) -> list[dict]:
    """The rows of a TrainLog file; [] when it is missing or unreadable. Lines that do not parse
    (the last one, cut short by an interrupted run; bytes that are not UTF-8) are skipped."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:  # missing, a folder, no permission
        return []
    rows = []
    for line in lines:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def weights_summary(path: Path) -> dict:
    """Parameter count and header metadata of a safetensors file, without loading the tensors;
    {} when the file is missing, WeightsError naming it when it is unreadable."""
    if not path.is_file():
        return {}
    try:
        with safe_open(str(path), framework="numpy") as f:
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
        message = Message("weights file {path} is unreadable ({reason})", path=path, reason=err)
        raise WeightsError(message) from err
    return {"params": params, **(meta if isinstance(meta, dict) else {})}


def read_metrics(spec: ModelSpec, variant: str = "default") -> tuple[dict, Message | None]:
    """The evaluation's metrics and, when they cannot be shown, why: the file is missing (not
    measured yet), cut short or not a JSON object."""
    path = spec.artefact(variant, METRICS)
    command = f"{spec.evaluate} --write"
    if not path.is_file():
        return {}, Message("not measured yet: run `{command}`", command=command)
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        note = "the metrics file `{name}` is unreadable: run `{command}`"
        return {}, Message(note, name=path.name, command=command)
    if not isinstance(metrics, dict):
        note = "the metrics file `{name}` holds no metrics: run `{command}`"
        return {}, Message(note, name=path.name, command=command)
    return metrics, None


def measured(spec: ModelSpec, metrics: dict) -> list[tuple[Metric, float]]:
    """The spec's metrics that the file holds as finite numbers, with their values."""
    return [(m, metrics[m.key]) for m in spec.metrics if m.show(metrics.get(m.key)) is not None]


def split_of(metrics: dict) -> tuple[str | None, int | None]:
    """The split the metrics were measured on and its number of examples, as far as the file
    says."""
    split, n = metrics.get("split"), metrics.get("n")
    return (
        split if isinstance(split, str) and split else None,
        n if isinstance(n, int) and not isinstance(n, bool) else None,
    )


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def training_curves(spec: ModelSpec) -> list[dict]:
    """The log rows of every weights file, tagged with its file's stem ("weights"), keeping the
    epoch and the spec's curves where they are numbers; rows without a numeric epoch are skipped."""
    rows = []
    for variant in spec.variants:
        for row in read_log(spec.artefact(variant, LOG)):
            if not is_number(row.get("epoch")):
                continue
            values = {k: row[k] for k in spec.curves if is_number(row.get(k))}
            if values:
                rows.append({"epoch": row["epoch"], **values, "weights": variant})
    return rows
