"""Shared by the train.py and evaluate.py scripts: accuracy over batches, the evaluate
commands' flags, confusion matrices and their plot, the metrics file."""

import argparse
import datetime
import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.common.paths import METRICS, data_dir


def in_batches(inputs: torch.Tensor, labels: torch.Tensor, size: int):
    """(inputs, labels) slices of at most `size` examples, in order."""
    for i in range(0, len(labels), size):
        yield inputs[i : i + size], labels[i : i + size]


@torch.no_grad()
def accuracy(
    net: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    device: torch.device,
    forward: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> float:
    """Share of examples whose top logit is the label, with the net in eval mode; `forward`
    (default: the net) may wrap it, e.g. to average test-time augmentations."""
    net.eval()
    forward = forward or net
    correct = total = 0
    for inputs, labels in batches:
        predicted = forward(inputs.to(device)).argmax(1).cpu()
        correct += (predicted == labels).sum().item()
        total += len(labels)
    return correct / max(total, 1)


def eval_parser(model: str, description: str, variant: bool = True) -> argparse.ArgumentParser:
    """The flags every evaluate.py takes (--variant where one weights file is evaluated); a
    script adds its own."""
    p = argparse.ArgumentParser(
        prog=f"python -m models.evaluate {model}",
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--data-dir", type=Path, default=data_dir(), help="data sets root")
    if variant:
        p.add_argument("--variant", default="default", help="weights file stem to evaluate")
    p.add_argument("--limit", type=int, default=None, help="evaluate a sample of N examples")
    p.add_argument("--write", action="store_true", help="write the metrics JSON (and figures)")
    return p


def confusion_matrix(predictions: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """counts[true, predicted]."""
    flat = labels.astype(np.int64) * num_classes + predictions.astype(np.int64)
    return np.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)


def plot_confusion(counts: np.ndarray, labels: list[str], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 5.6), dpi=100)
    ax.imshow(np.log1p(counts), cmap="Blues")
    ticks = range(len(labels))
    ax.set_xticks(ticks, labels, rotation=45, ha="right")
    ax.set_yticks(ticks, labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    size = min(16, 70 / len(labels))  # 7 pt for ten classes, larger for fewer
    for (i, j), n in np.ndenumerate(counts):
        colour = "white" if i == j else "black"
        ax.text(j, i, str(n), ha="center", va="center", fontsize=size, color=colour)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def save_evaluation(spec, variant: str, result: dict, labels: list[str], title: str) -> None:
    """<variant>.metrics.json and <variant>.confusion.png next to a spec's weights (the About
    panel shows them)."""
    write_metrics(spec.artefact(variant, METRICS), result)
    plot_confusion(
        np.array(result["confusion"]), labels, spec.artefact(variant, "confusion.png"), title
    )
    print(f"wrote metrics and confusion matrix next to {spec.weights_path(variant)}")


def write_metrics(path: Path, metrics: dict) -> dict:
    """Save `metrics` with the command, commit and date that produced them."""
    record = {
        **metrics,
        "command": "python -m models.evaluate " + " ".join(sys.argv[1:]),
        "commit": git_commit(),
        "date": datetime.date.today().isoformat(),
    }
    path.write_text(json.dumps(record, indent=2) + "\n")
    return record
