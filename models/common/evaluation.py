"""Shared by the evaluate.py scripts: confusion matrices, their plot, the metrics file."""

import datetime
import json
import subprocess
import sys
from pathlib import Path

import numpy as np


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


def save_evaluation(weights: Path, result: dict, labels: list[str], title: str) -> None:
    """<stem>.metrics.json and <stem>.confusion.png next to the weights (the About panel shows them)."""
    write_metrics(weights.with_name(f"{weights.stem}.metrics.json"), result)
    plot_confusion(
        np.array(result["confusion"]),
        labels,
        weights.with_name(f"{weights.stem}.confusion.png"),
        title,
    )
    print(f"wrote metrics and confusion matrix next to {weights}")


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
