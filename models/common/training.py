"""The pieces every training script shares: seeds, DDP set-up, resumable checkpoints, the log.

The loop itself stays in each model's train.py, explicit and readable; this module only holds
what would otherwise be copied between them.
"""

import argparse
import json
import os
import platform
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

from models.common.device import pick_device
from models.common.paths import data_dir, weights_dir


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@dataclass
class Dist:
    """Where this process sits in a `torchrun` launch (rank 0 of 1 when run plainly)."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1


def init_distributed(preference: str) -> tuple[Dist, torch.device]:
    """The training device, joining the process group when launched by torchrun (it sets
    WORLD_SIZE): one process per GPU with NCCL, or per CPU process with Gloo."""
    device = pick_device(preference)
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size == 1:
        return Dist(), device
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device.type == "cuda":
        torch.cuda.set_device(local_rank)
        device = torch.device("cuda", local_rank)
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return Dist(dist.get_rank(), world_size, local_rank), device


def all_reduce_mean(value: float, ddp: Dist, device: torch.device) -> float:
    """The mean of `value` over all processes; the tensor lives on `device` (NCCL: CUDA only)."""
    if not ddp.enabled:
        return value
    t = torch.tensor([value], dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return t.item() / ddp.world_size


def hardware() -> str:
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} threads"


def training_meta(
    args: argparse.Namespace,
    hyp: dict,
    config: dict,
    optimizer: str,
    start: float,
    world_size: int = 1,
    **results: float,
) -> dict:
    """The header saved with the weights: the net's config, the full recipe, results, time, hardware."""
    recipe = {
        **hyp,
        "epochs": args.epochs,
        "lr": args.lr,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "optimizer": optimizer,
    }
    return {
        "config": config,
        "train": {
            "recipe": recipe,
            **results,
            "train_time_s": round(time.time() - start, 1),
            "hardware": f"{hardware()} x{world_size}",
            "torch": torch.__version__,
            "dry_run": args.dry_run,
        },
    }


class Checkpoint:
    """Resumable training state (model, optimizer, step, RNG) in one torch file, read back with
    `weights_only=True` so a checkpoint can never run code. It belongs to a run of
    `total_steps`: resuming it with other --epochs or --batch-size would bend the schedule."""

    def __init__(self, path: Path, total_steps: int):
        self.path = path
        self.total_steps = total_steps

    def save(self, state: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        rng = {"torch_rng": torch.get_rng_state()}
        if torch.cuda.is_available():  # GPU augmentation and dropout draw from these
            rng["cuda_rng"] = torch.cuda.get_rng_state_all()
        torch.save({**state, **rng, "total_steps": self.total_steps}, tmp)
        tmp.replace(self.path)  # atomic: an interrupted save never leaves a broken checkpoint

    def load(self) -> dict | None:
        if not self.path.is_file():
            return None
        state = torch.load(self.path, map_location="cpu", weights_only=True)
        steps = state.pop("total_steps", self.total_steps)
        if steps != self.total_steps:
            raise SystemExit(
                f"{self.path} is from a run of {steps} steps, this one has {self.total_steps}: "
                "resume with the same --epochs and --batch-size, or start again without --resume"
            )
        torch.set_rng_state(state.pop("torch_rng"))
        cuda_rng = state.pop("cuda_rng", None)
        if cuda_rng is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(cuda_rng)
        return state


class TrainLog:
    """One JSON line per epoch (shipped next to the weights; the About panel plots it), plus
    TensorBoard scalars when asked for."""

    def __init__(self, path: Path, tensorboard_dir: Path | None = None, resume: bool = False):
        self.path = path
        self.start = time.time()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not resume:
            path.write_text("")
        self.writer = None
        if tensorboard_dir is not None:
            from torch.utils.tensorboard import SummaryWriter  # optional dependency

            self.writer = SummaryWriter(str(tensorboard_dir))

    def write(self, epoch: int, **metrics: float) -> None:
        row = {"epoch": epoch, **{k: round(float(v), 6) for k, v in metrics.items()}}
        with self.path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        if self.writer is not None:
            for k, v in metrics.items():
                self.writer.add_scalar(k, v, epoch)
            self.writer.flush()


def read_log(path: Path) -> list[dict]:
    """The rows of a TrainLog file; [] when it is missing. Lines that do not parse (the last
    one, cut short by an interrupted run) are skipped."""
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text().splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


class TrainParser(argparse.ArgumentParser):
    """Parses a train.py's flags; the default checkpoint is one file per weights variant
    (checkpoints/MODEL.pt, checkpoints/MODEL-VARIANT.pt), so --resume finds that variant's own."""

    def __init__(self, model: str, **kwargs):
        super().__init__(**kwargs)
        self.model = model

    def parse_args(self, args=None, namespace=None) -> argparse.Namespace:
        parsed = super().parse_args(args, namespace)
        if parsed.checkpoint is None:
            suffix = "" if parsed.variant == "default" else f"-{parsed.variant}"
            parsed.checkpoint = Path("checkpoints") / f"{self.model}{suffix}.pt"
        return parsed


def base_parser(model: str, epochs: float, lr: float, batch_size: int) -> TrainParser:
    """The flags every train.py takes, with that model's defaults."""
    p = TrainParser(
        model,
        prog=f"python -m models.train {model}",
        description=f"Train the {model} model and write its shipped weights.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--data-dir", type=Path, default=data_dir(), help="data sets root")
    p.add_argument("--epochs", type=float, default=epochs, help="training epochs")
    p.add_argument("--lr", type=float, default=lr, help="peak learning rate")
    p.add_argument("--batch-size", type=int, default=batch_size, help="global batch size")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--device", default="auto", help="auto | cpu | cuda | mps")
    p.add_argument("--out", type=Path, default=weights_dir(model), help="weights folder")
    p.add_argument("--variant", default="default", help="file stem of the weights written")
    p.add_argument(
        "--checkpoint", type=Path, default=None, help="default: checkpoints/MODEL[-VARIANT].pt"
    )
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--download", action="store_true", help="download the data set if missing")
    p.add_argument("--tensorboard", type=Path, default=None, help="also log to this folder")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    p.add_argument("--dry-run", action="store_true", help="one small batch per epoch (for CI)")
    return p
