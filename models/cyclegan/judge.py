"""The domain classifier behind the domain score: a small CNN that tells domain A from domain B
(apple from orange, horse from zebra), trained by this project on the real training photos of
the pair, no pretrained network involved. evaluate.py reports its accuracy on the real test
photos, then the share of translated test photos it assigns to the target domain.

    python -m models.cyclegan.judge --pair apple2orange --threads 1   # weights/apple2orange.judge.safetensors
    python -m models.cyclegan.judge --pair horse2zebra --threads 1 --size 96 --epochs 16

A fixed, seeded tenth of the training photos is held out to choose the epoch.
"""

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from models.common.config import NetConfig
from models.common.paths import data_dir, weights_dir
from models.common.training import seed_everything, snapshot, split_indices, training_meta
from models.common.weights import WeightsError, load_net, save_weights
from models.cyclegan.data import PAIRS, cached_domain

SUFFIX = "judge.safetensors"  # weights/<pair>.judge.safetensors
HYP = {"val_share": 0.1, "epochs": 12, "lr": 2e-3, "batch_size": 64, "weight_decay": 5e-4}


@dataclass
class JudgeConfig(NetConfig):
    size: int = 64  # photos are resized to size x size
    widths: tuple[int, ...] = (16, 32, 64, 128)  # channels of the conv stages (2x2 pool after each)


class Judge(nn.Module):
    """(N, 3, size, size) RGB in [0, 1] -> logits (N, 2): domain A, domain B."""

    def __init__(self, cfg: JudgeConfig = JudgeConfig()):
        super().__init__()
        self.cfg = cfg
        layers, c = [], 3
        for w in cfg.widths:
            layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
            layers += [nn.MaxPool2d(2)]
            c = w
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean((2, 3)))


def prepare(images: torch.Tensor, size: int) -> torch.Tensor:
    """(N, 3, H, W) in [0, 1] (float) or uint8 -> (N, 3, size, size) float in [0, 1]."""
    if images.dtype == torch.uint8:
        images = images.float() / 255
    if images.shape[-2:] != (size, size):
        images = F.interpolate(images, size=(size, size), mode="bilinear", antialias=True)
    return images


def judge_path(pair: str) -> Path:
    return weights_dir("cyclegan") / f"{pair}.{SUFFIX}"


def load_judge(pair: str) -> Judge:
    try:
        return load_net(judge_path(pair), lambda c: Judge(JudgeConfig.from_dict(c)))
    except WeightsError as err:
        raise WeightsError(
            f"{err}; train it with `python -m models.cyclegan.judge --pair {pair}`"
        ) from err


@torch.no_grad()
def classify(judge: Judge, images: torch.Tensor, batch: int = 128) -> torch.Tensor:
    """Predicted domain (0 = A, 1 = B) of each image (uint8 or float in [0, 1])."""
    judge.eval()
    out = [
        judge(prepare(images[i : i + batch], judge.cfg.size)).argmax(1)
        for i in range(0, len(images), batch)
    ]
    return torch.cat(out) if out else torch.empty(0, dtype=torch.long)


def augment(x: torch.Tensor) -> torch.Tensor:
    """Random flips and crops of 7/8 of the side, resized back (float images in [0, 1])."""
    n, _, h, w = x.shape
    flip = torch.rand(n) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(-1), x)
    c = h * 7 // 8
    y0, x0 = torch.randint(0, h - c + 1, (2,)).tolist()
    return F.interpolate(x[..., y0 : y0 + c, x0 : x0 + c], size=(h, w), mode="bilinear")


def train(
    pair: str, root: Path, out: Path, cache_dir: Path, epochs: int, dry_run: bool, size: int = 64
) -> Path:
    seed_everything(0)
    start = time.time()
    cfg = JudgeConfig(size=size)
    a = cached_domain(root, pair, "train", "A", cache_dir, side=cfg.size)
    b = cached_domain(root, pair, "train", "B", cache_dir, side=cfg.size)
    images = torch.cat([a, b]).float() / 255
    labels = torch.cat([torch.zeros(len(a)), torch.ones(len(b))]).long()
    train_idx, val_idx = split_indices(len(labels), int(len(labels) * HYP["val_share"]), 0)
    if dry_run:
        train_idx, val_idx, epochs = train_idx[:64], val_idx[:32], 1
    net = Judge(cfg)
    opt = torch.optim.AdamW(net.parameters(), HYP["lr"], weight_decay=HYP["weight_decay"])
    steps = epochs * max(1, len(train_idx) // HYP["batch_size"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, HYP["lr"], total_steps=steps)
    best = (-1.0, 0, {})
    for epoch in range(1, epochs + 1):
        net.train()
        order = train_idx[torch.randperm(len(train_idx))]
        for i in range(max(1, len(order) // HYP["batch_size"])):
            idx = order[i * HYP["batch_size"] : (i + 1) * HYP["batch_size"]]
            loss = F.cross_entropy(net(augment(images[idx])), labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            schedule.step()
        val = (classify(net, images[val_idx]) == labels[val_idx]).float().mean().item()
        print(f"epoch {epoch}: loss {loss.item():.4f}, val accuracy {val:.4f}")
        if val > best[0] or not best[2]:  # (an empty validation set: nan, the last epoch)
            best = (val, epoch, snapshot(net))
    hyp = {**HYP, "epochs": epochs, "best_epoch": best[1]}
    meta = training_meta(hyp, cfg.to_dict(), time.time() - start, dry_run=dry_run, val_acc=best[0])
    path = out / f"{pair}.{SUFFIX}"
    save_weights(best[2], path, meta, half=True)
    print(f"wrote {path} (epoch {best[1]}, val accuracy {best[0]:.4f})")
    return path


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m models.cyclegan.judge", description=__doc__)
    p.add_argument("--pair", default="apple2orange", choices=sorted(PAIRS))
    p.add_argument("--data-dir", type=Path, default=data_dir())
    p.add_argument("--out", type=Path, default=None, help="default: models/cyclegan/weights")
    p.add_argument("--cache-dir", type=Path, default=Path("checkpoints"))
    p.add_argument("--epochs", type=int, default=HYP["epochs"])
    p.add_argument("--size", type=int, default=JudgeConfig.size, help="input side (pixels)")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    out = args.out or (
        Path("checkpoints/dry-run/cyclegan") if args.dry_run else weights_dir("cyclegan")
    )
    train(args.pair, args.data_dir, out, args.cache_dir, args.epochs, args.dry_run, args.size)


if __name__ == "__main__":
    main()
