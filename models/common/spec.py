"""What a model package declares about itself, once: `SPEC = ModelSpec(...)` in its __init__.py.

The app's tab list, `python -m models.train`, `python -m models.evaluate`, the About panel and
the loader all read that one declaration (timm's registered model configs play this part):

    SPEC = ModelSpec(
        name="digits",
        architecture="CNN: ...",
        training_data="MNIST, ...",
        build=NetBuilder("models.digits.net", "DigitNet"),
        metrics=(Metric("accuracy", "accuracy"),),
        curves=("train_loss", "val_acc"),
        figures=(Figure("confusion.png", "Confusion matrix"),),
    )
    net = SPEC.get_model()          # loaded once, on the device the app chose

Every file of a weights variant sits beside the others under one stem: `default.safetensors`,
`default.log.jsonl`, `default.metrics.json`, `default.confusion.png`, ...
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from models.common.device import inference_dtype, model_device
from models.common.loading import load_once
from models.common.paths import WEIGHTS, artefact, weights_dir
from models.common.weights import WeightsError, load_net

if TYPE_CHECKING:  # (torch is imported by the first model load, not by the app's start)
    import torch
    from torch import nn

# How a metric reads: a fraction shown as a percentage (accuracy, IoU), a score already on a
# 0-100 scale (BLEU, chrF, ROUGE x 100), a plain number, or a loss where lower is better.
FORMATS: dict[str, Callable[[float], str]] = {
    "percent": lambda v: f"{v:.2%}",
    "points": lambda v: f"{v:.1f}",
    "number": lambda v: f"{v:.4g}",
    "loss": lambda v: f"{v:.4g} (lower is better)",
}


@dataclass(frozen=True)
class Metric:
    """One figure of the metrics file: its key there, its name for people, how it reads."""

    key: str  # e.g. "accuracy", "bleu_zh_en"
    label: str  # e.g. "accuracy", "BLEU zh→en"
    format: str = "percent"  # a key of FORMATS
    # what CI asks of the shipped weights on a sample of the real split (the package's
    # evaluate.sample_scores; tests/test_shipped_weights.py): at least `floor`, at most `ceiling`
    floor: float | None = None
    ceiling: float | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"metric {self.key!r}: unknown format {self.format!r}")

    def show(self, value: object) -> str | None:
        """The value as text, or None when it is not a finite number (an odd metrics file)."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return None
        return FORMATS[self.format](value)


@dataclass(frozen=True)
class Figure:
    """An image the evaluation writes beside the weights (confusion matrix, sample outputs)."""

    suffix: str  # e.g. "confusion.png": the file is default.confusion.png (the whole model's)
    caption: str


@dataclass(frozen=True)
class NetBuilder:
    """`build` of a spec whose net is `factory(Config.from_dict(config))` in `module`, imported at
    the first build (the app starts without torch)."""

    module: str  # e.g. "models.digits.net", which defines Config and the factory
    factory: str = "build_net"  # a function or the nn.Module class taking the Config

    def __call__(self, config: dict) -> nn.Module:
        module = importlib.import_module(self.module)
        return getattr(module, self.factory)(module.Config.from_dict(config))


@dataclass(frozen=True)
class ModelSpec:
    name: str  # the package under models/, the tab's key and its weights folder
    architecture: str  # prose for the About panel
    training_data: str
    build: Callable[[dict], nn.Module]  # the net from the Config dict in its weights header
    metrics: tuple[Metric, ...] = ()  # the first is the headline
    curves: tuple[str, ...] = ("train_loss",)  # columns of the training log to plot
    figures: tuple[Figure, ...] = ()
    variants: tuple[str, ...] = ("default",)  # weights files the tab's model reads
    train_command: str = ""  # default: python -m models.train NAME
    eval_command: str = ""  # default: python -m models.evaluate NAME
    half_on_gpu: bool = True  # fp16 on CUDA is safe for this net (no overflow-prone sums)
    loader: str = ""  # the tab's model: "module:function" (default: models.NAME.predict:get_model)
    sample_data: tuple[str, ...] = ()  # the data set sample_scores reads, under the data dir
    train_data: tuple[str, ...] = ()  # the data set train.py reads, under the data dir
    # train.py flags of the tests' dry runs, one tuple a run (they add --dry-run, --epochs 2,
    # --data-dir, --out, --checkpoint): the settings as shipped, on a tiny net where it matters
    dry_runs: tuple[tuple[str, ...], ...] = ((),)
    tiny: dict | None = None  # a tiny net's config, for tests (None: the net needs files that
    # only training writes, such as a vocabulary)

    @property
    def train(self) -> str:
        return self.train_command or f"python -m models.train {self.name}"

    @property
    def evaluate(self) -> str:
        return self.eval_command or f"python -m models.evaluate {self.name}"

    def weights_path(self, variant: str = "default") -> Path:
        return self.artefact(variant, WEIGHTS)

    def artefact(self, variant: str, suffix: str) -> Path:
        return artefact(weights_dir(self.name), variant, suffix)

    def load(
        self,
        variant: str = "default",
        device: torch.device | None = None,
        dtype: torch.dtype | None = None,
    ) -> nn.Module:
        """The net of one weights file, in eval mode, on `device` (default: the app's) in the
        dtype policy's precision (fp16 on CUDA where the spec allows it, else fp32)."""
        device = device or model_device()
        dtype = dtype or inference_dtype(device, self.half_on_gpu)
        try:
            net = load_net(self.weights_path(variant), self.build)
        except WeightsError as err:
            raise WeightsError(f"{err}; rebuild it with `{self.train}`") from err
        return net.to(device, dtype)

    def get_model(self, variant: str = "default") -> nn.Module:
        """`load(variant)` once per process, on first use (thread-safe)."""
        return load_once(f"{self.name}/{variant}", lambda: self.load(variant))

    def load_default(self) -> nn.Module:
        """The tab's model as its predict module's get_model loads it (--preload, the benchmark):
        always an nn.Module, the net itself or one holding the net with what it reads (a
        vocabulary, a tokenizer)."""
        module, _, function = (self.loader or f"models.{self.name}.predict:get_model").partition(
            ":"
        )
        return getattr(importlib.import_module(module), function)()

    def sample_scores(self, data_root: Path) -> dict[str, float]:
        """The shipped weights' metrics on a sample of the real split: what the metrics'
        floors and ceilings are checked against (models/NAME/evaluate.py:sample_scores)."""
        return importlib.import_module(f"models.{self.name}.evaluate").sample_scores(data_root)

    def entry_point(self, command: str) -> Callable[[list[str]], None]:
        """`main(argv)` of models/NAME/train.py or evaluate.py."""
        return importlib.import_module(f"models.{self.name}.{command}").main
