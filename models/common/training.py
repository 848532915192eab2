"""The pieces every training script shares: seeds, DDP set-up, resumable checkpoints, the log.

The loop itself stays in each model's train.py, explicit and readable; this module only holds
what would otherwise be copied between them.
"""

import argparse
import json
import math
import os
import pickle
import platform
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from tqdm import tqdm

from models.common.config import NetConfig
from models.common.device import pick_device
from models.common.paths import LOG, WEIGHTS, artefact, data_dir, weights_dir
from models.common.weights import save_weights


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


def recipe(args: argparse.Namespace, hyp: dict, **more) -> dict:
    """The full recipe saved with the weights: the script's hyperparameters, the flags every
    run sets (epochs, lr, batch size, seed: those this script has) and anything else it names."""
    flags = {
        k: getattr(args, k) for k in ("epochs", "lr", "batch_size", "seed") if hasattr(args, k)
    }
    return {**hyp, **flags, **more}


def training_meta(
    recipe: dict,
    config: dict,
    train_time_s: float,
    world_size: int = 1,
    dry_run: bool = False,
    **results: float,
) -> dict:
    """The header saved with the weights: the net's config, the recipe, results, time, hardware.
    The recipe is whatever the script's training needs (one lr or two, epochs or steps)."""
    return {
        "config": config,
        "train": {
            "recipe": recipe,
            **results,
            "train_time_s": round(train_time_s, 1),
            "hardware": f"{hardware()} x{world_size}",
            "torch": torch.__version__,
            "dry_run": dry_run,
        },
    }


def split_indices(n: int, val_size: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(train, validation) indices of a fixed, seeded pick of `val_size` out of `n` examples:
    the same seed always holds out the same examples, whatever the run's own --seed."""
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[val_size:], order[:val_size]


class CheckpointError(ValueError):
    """A checkpoint that cannot be resumed: unreadable, or from a run of another length."""


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
        try:
            state = torch.load(self.path, map_location="cpu", weights_only=True)
        except (RuntimeError, EOFError, pickle.UnpicklingError) as err:  # cut short, not ours
            raise CheckpointError(
                f"{self.path} is unreadable ({err}): start again without --resume"
            ) from err
        if not isinstance(state, dict) or "torch_rng" not in state:
            raise CheckpointError(
                f"{self.path} holds no training state: start again without --resume"
            )
        steps = state.pop("total_steps", self.total_steps)
        if steps != self.total_steps:
            raise CheckpointError(
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


def snapshot(net: torch.nn.Module) -> dict[str, torch.Tensor]:
    """A copy of the net's weights on the CPU, e.g. the best epoch's, kept while training goes on."""
    return {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}


class TrainRun:
    """What surrounds each train.py's explicit loop: resuming from the checkpoint, a log row and
    a checkpoint per epoch, the weights and their header at the end.

        run = TrainRun(args, total_steps, ddp, model=net, optimizer=optimizer)
        while run.step < total_steps:
            for i in run.epoch_steps(steps_per_epoch):
                ...  # one explicit step: loss, backward, optimizer step
                run.took_step(loss.item())
            run.end_epoch(epoch, train_loss=run.train_loss(), val_acc=acc)
        run.save_weights(net.state_dict(), recipe(args, HYP), cfg.to_dict(), val_acc=acc)

    `stateful` objects (net, optimizer, schedule) are saved and restored by name; `extra` is
    any other state that must survive an interruption (e.g. the best epoch so far). The run
    owns the progress bar (`run.progress`, on the main process only)."""

    def __init__(
        self,
        args: argparse.Namespace,
        total_steps: int,
        ddp: Dist = Dist(),
        extra: dict | None = None,
        desc: str = "",
        **stateful,
    ):
        self.args, self.ddp, self.stateful = args, ddp, stateful
        self.total_steps = total_steps
        self.checkpoint = Checkpoint(args.checkpoint, total_steps)
        self.step, elapsed, self.extra = 0, 0.0, extra or {}
        try:
            state = self.checkpoint.load() if args.resume else None
        except CheckpointError as err:
            raise SystemExit(str(err)) from None  # the command line's answer: say it, stop
        if state is not None:
            for name, obj in stateful.items():
                obj.load_state_dict(state[name])
            self.step, elapsed = state["step"], state["elapsed"]
            self.extra = state.get("extra", self.extra)
            print(f"resumed from {args.checkpoint} at step {self.step}/{total_steps}")
        self.log = None
        if ddp.is_main:
            path = artefact(args.out, args.variant, LOG)
            self.log = TrainLog(path, args.tensorboard, resume=self.step > 0)
        self.start = time.time() - elapsed
        self.progress = tqdm(
            total=total_steps, initial=self.step, disable=not ddp.is_main, desc=desc
        )
        self.loss_sum, self.loss_count = 0.0, 0  # the epoch's so far
        self.steps_per_epoch = 1

    def epoch_steps(self, steps_per_epoch: int) -> Iterator[int]:
        """The indices of one epoch's steps, ending early at the run's last step (a resumed
        run starts mid-epoch at a fresh order); the epoch's mean loss starts again."""
        self.loss_sum, self.loss_count = 0.0, 0
        self.steps_per_epoch = steps_per_epoch
        for i in range(steps_per_epoch):
            if self.step >= self.total_steps:
                return
            yield i

    def took_step(self, loss: float, **shown: str) -> None:
        """Count a step taken with its loss; the bar shows the loss (or `shown` instead)."""
        self.step += 1
        self.loss_sum, self.loss_count = self.loss_sum + loss, self.loss_count + 1
        self.progress.update()
        self.progress.set_postfix(shown or {"loss": f"{loss:.3f}"})

    @property
    def epoch(self) -> float:
        """Epochs trained so far (fractional for a run cut mid-epoch), by epoch_steps' length."""
        return self.step / self.steps_per_epoch

    def train_loss(self, device: torch.device | None = None) -> float:
        """The mean loss of the epoch's steps, over all processes (a torchrun launch's
        reduction runs on `device`: the training device; NCCL reduces CUDA tensors only)."""
        mean = self.loss_sum / max(self.loss_count, 1)
        return all_reduce_mean(mean, self.ddp, device or torch.device("cpu"))

    @property
    def elapsed(self) -> float:
        """Seconds of training so far, interrupted runs' time included."""
        return time.time() - self.start

    def end_epoch(self, epoch: float, **metrics: float) -> None:
        """Log the epoch's figures and save a checkpoint to resume from (main process only);
        the progress bar closes after the last step."""
        if self.step >= self.total_steps:
            self.progress.close()
        if not self.ddp.is_main:
            return
        self.log.write(round(epoch, 2), **metrics, time_s=self.elapsed)
        state = {name: obj.state_dict() for name, obj in self.stateful.items()}
        self.checkpoint.save(
            {**state, "step": self.step, "elapsed": self.elapsed, "extra": self.extra}
        )

    def save_if_best(
        self, score: float, state_dict: dict, recipe: dict, config: dict, **results: float
    ) -> Path | None:
        """Model selection: write the weights when `score` (higher is better, on validation)
        beats the run's best so far, which is kept in the checkpoint across resumes."""
        if score <= self.extra.get("best_score", -math.inf):
            return None
        self.extra["best_score"] = score
        return self.save_weights(state_dict, recipe, config, **results)

    def save_weights(self, state_dict: dict, recipe: dict, config: dict, **results: float) -> Path:
        """The shipped file: fp16 weights with config, recipe, results, time and hardware."""
        meta = training_meta(
            recipe, config, self.elapsed, self.ddp.world_size, self.args.dry_run, **results
        )
        path = artefact(self.args.out, self.args.variant, WEIGHTS)
        save_weights(state_dict, path, meta, half=True)
        return path


class TrainParser(argparse.ArgumentParser):
    """Parses a train.py's flags. The default checkpoint is one file per weights variant
    (checkpoints/MODEL.pt, checkpoints/MODEL-VARIANT.pt), so --resume finds that variant's own;
    --config becomes the net's Config with the overrides applied."""

    def __init__(self, model: str, config: type[NetConfig] | None, **kwargs):
        super().__init__(**kwargs)
        self.model, self.config = model, config

    def parse_args(self, args=None, namespace=None) -> argparse.Namespace:
        parsed = super().parse_args(args, namespace)
        suffix = "" if parsed.variant == "default" else f"-{parsed.variant}"
        if parsed.dry_run:  # a trial run never overwrites a real run's checkpoint or weights
            suffix += "-dry-run"
        if parsed.out is None:
            dry_run_out = Path("checkpoints") / "dry-run" / self.model
            parsed.out = dry_run_out if parsed.dry_run else weights_dir(self.model)
        if parsed.checkpoint is None:
            parsed.checkpoint = Path("checkpoints") / f"{self.model}{suffix}.pt"
        if self.config is not None:
            try:
                parsed.config = self.config().with_overrides(parsed.config)
            except ValueError as err:
                self.error(str(err))
        return parsed


def base_parser(
    model: str,
    epochs: float | None,
    lr: float | None,
    batch_size: int | None,
    config: type[NetConfig] | None = None,
) -> TrainParser:
    """The flags every train.py takes, with that model's defaults; `config` is the net's Config
    class, which --config key=value,... overrides."""
    p = TrainParser(
        model,
        config,
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
    p.add_argument(
        "--out", type=Path, default=None, help="weights folder (default: models/MODEL/weights)"
    )
    p.add_argument("--variant", default="default", help="file stem of the weights written")
    p.add_argument(
        "--checkpoint", type=Path, default=None, help="default: checkpoints/MODEL[-VARIANT].pt"
    )
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--download", action="store_true", help="download the data set if missing")
    p.add_argument("--tensorboard", type=Path, default=None, help="also log to this folder")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    p.add_argument("--dry-run", action="store_true", help="one small batch per epoch (for CI)")
    if config is not None:
        p.add_argument(
            "--config",
            default="",
            help="net settings, e.g. dropout=0.3,widths=16/32 ('/' separates tuple items; "
            "booleans: true/false)",
        )
    return p


def start_training(args: argparse.Namespace) -> tuple[Dist, torch.device]:
    """Threads, seeds and the device (joining the torchrun group): every train.py's first lines."""
    if args.threads:
        torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    return init_distributed(args.device)
