"""Train the digits CNN on MNIST.

    python -m models.train digits --epochs 10            # accuracy: see CARD.md
    python -m models.train digits --resume               # continue an interrupted run

MNIST is read with torchvision from --data-dir (`<data-dir>/MNIST/raw`); --download fetches it.
5,000 training digits (a fixed, seeded pick) are held out for validation; the test
split is only touched by evaluate.py. Augmentation imitates how people draw on the sketchpad:
rotation, scale, shift and thinner or thicker strokes, done on whole batches at once.
"""

import math
import time

import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from models.common.training import (
    Checkpoint,
    TrainLog,
    all_reduce_mean,
    base_parser,
    init_distributed,
    seed_everything,
    training_meta,
)
from models.common.weights import save_weights
from models.digits.net import Config, DigitNet

HYP = {
    "val_size": 5000,  # training digits held out for model selection
    "split_seed": 0,  # fixed, so runs with other seeds are compared on the same digits
    "weight_decay": 5e-4,  # AdamW
    "label_smoothing": 0.1,
    "warmup": 0.15,  # fraction of steps the one-cycle schedule spends warming up
    "aug": {
        "rotate_deg": 12,  # +- rotation
        "scale": 0.12,  # +- relative zoom
        "shift_px": 2.5,  # +- translation in pixels
        "p_thicker": 0.25,  # chance of a 3x3 dilation (thick sketchpad brush)
        "p_thinner": 0.15,  # chance of a half-strength erosion (thin pen)
    },
}


def load_mnist(data_dir, train: bool, download: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as (N, 1, 28, 28) float images in [0, 1] and int64 labels."""
    from torchvision.datasets import MNIST

    ds = MNIST(root=str(data_dir), train=train, download=download)
    return ds.data.unsqueeze(1).float().div(255), ds.targets.long()


def split_train_val(images, labels, val_size: int, seed: int = 0):
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    val, train = order[:val_size], order[val_size:]
    return (images[train], labels[train]), (images[val], labels[val])


def augment(x: torch.Tensor, aug: dict) -> torch.Tensor:
    """Random affine (rotate, zoom, shift) and stroke width for a batch (N, 1, 28, 28)."""
    n = x.size(0)
    angle = (torch.rand(n) * 2 - 1) * math.radians(aug["rotate_deg"])
    zoom = 1 + (torch.rand(n) * 2 - 1) * aug["scale"]
    shift = (torch.rand(n, 2) * 2 - 1) * aug["shift_px"] * 2 / x.size(-1)  # grid units: [-1, 1]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, align_corners=False)
    pick = torch.rand(n, 1, 1, 1)
    thicker = F.max_pool2d(x, 3, stride=1, padding=1)
    thinner = (x - F.max_pool2d(-x, 3, stride=1, padding=1)) / 2  # halfway to the 3x3 erosion
    x = torch.where(pick < aug["p_thicker"], thicker, x)
    return torch.where(pick > 1 - aug["p_thinner"], thinner, x)


@torch.no_grad()
def accuracy(net: nn.Module, images: torch.Tensor, labels: torch.Tensor, device, bs=1000) -> float:
    net.eval()
    correct = 0
    for i in range(0, len(images), bs):
        logits = net(images[i : i + bs].to(device))
        correct += (logits.argmax(1).cpu() == labels[i : i + bs]).sum().item()
    return correct / len(images)


def main(argv: list[str] | None = None) -> None:
    args = base_parser("digits", epochs=10, lr=3e-3, batch_size=128).parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    ddp, device = init_distributed(args.device)

    train_images, train_labels = load_mnist(args.data_dir, train=True, download=args.download)
    (x_train, y_train), (x_val, y_val) = split_train_val(
        train_images, train_labels, HYP["val_size"], seed=HYP["split_seed"]
    )
    x_train, y_train = x_train[ddp.rank :: ddp.world_size], y_train[ddp.rank :: ddp.world_size]
    local_batch = args.batch_size // ddp.world_size
    steps_per_epoch = 1 if args.dry_run else len(x_train) // local_batch
    total_steps = max(1, round(args.epochs * steps_per_epoch))

    cfg = Config()
    net = DigitNet(cfg).to(device)
    model = nn.parallel.DistributedDataParallel(net) if ddp.enabled else net
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=HYP["weight_decay"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, total_steps=total_steps, pct_start=HYP["warmup"]
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=HYP["label_smoothing"])

    checkpoint = Checkpoint(args.checkpoint, total_steps)
    step, elapsed = 0, 0.0
    if args.resume and (state := checkpoint.load()) is not None:
        net.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step, elapsed = state["step"], state["elapsed"]
        print(f"resumed from {args.checkpoint} at step {step}/{total_steps}")
    log = TrainLog(args.out / f"{args.variant}.log.jsonl", args.tensorboard, resume=step > 0)

    start = time.time() - elapsed
    progress = tqdm(total=total_steps, initial=step, disable=not ddp.is_main, desc="digits")
    while step < total_steps:
        model.train()
        order = torch.randperm(len(x_train))
        epoch_loss, batches = 0.0, 0
        for i in range(steps_per_epoch):
            if step >= total_steps:
                break
            idx = order[i * local_batch : (i + 1) * local_batch]
            images = augment(x_train[idx], HYP["aug"]).to(device)
            loss = loss_fn(model(images), y_train[idx].to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            step, batches, epoch_loss = step + 1, batches + 1, epoch_loss + loss.item()
            progress.update()
            progress.set_postfix(loss=f"{loss.item():.3f}")
        epoch = step / steps_per_epoch
        val_acc = accuracy(net, x_val[:1000] if args.dry_run else x_val, y_val, device)
        train_loss = all_reduce_mean(epoch_loss / max(batches, 1), ddp, device)
        if ddp.is_main:
            log.write(
                round(epoch, 2),
                train_loss=train_loss,
                val_acc=val_acc,
                lr=schedule.get_last_lr()[0],
                time_s=time.time() - start,
            )
            progress.write(f"epoch {epoch:.1f}: train loss {train_loss:.4f}, val acc {val_acc:.4f}")
            checkpoint.save(
                {
                    "model": net.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "step": step,
                    "elapsed": time.time() - start,
                }
            )
    progress.close()

    if ddp.is_main:  # (also scored here for a run resumed after its last epoch)
        val_acc = accuracy(net, x_val[:1000] if args.dry_run else x_val, y_val, device)
        meta = training_meta(
            args, HYP, cfg.to_dict(), "AdamW + one-cycle", start, ddp.world_size, val_acc=val_acc
        )
        path = args.out / f"{args.variant}.safetensors"
        save_weights(net.state_dict(), path, meta, half=True)
        print(f"wrote {path} (val acc {val_acc:.4f}, {meta['train']['train_time_s']} s)")


if __name__ == "__main__":
    main()
