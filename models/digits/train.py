"""Train the digits CNN on MNIST.

    python -m models.train digits --epochs 10            # accuracy: see CARD.md
    python -m models.train digits --resume               # continue an interrupted run

MNIST is read with torchvision from --data-dir (`<data-dir>/MNIST/raw`); --download fetches it.
5,000 training digits (a fixed, seeded pick) are held out for validation; the test
split is only touched by evaluate.py. Augmentation imitates how people draw on the sketchpad:
rotation, scale, shift and thinner or thicker strokes, done on whole batches at once.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from models.common.evaluation import accuracy, in_batches
from models.common.training import (
    TrainRun,
    base_parser,
    recipe,
    split_indices,
    start_training,
)
from models.digits.data import load_mnist
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


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("digits", epochs=10, lr=3e-3, batch_size=128, config=Config)
    args = parser.parse_args(argv)
    ddp, device = start_training(args)

    images, labels = load_mnist(args.data_dir, train=True, download=args.download)
    train_idx, val_idx = split_indices(len(images), HYP["val_size"], HYP["split_seed"])
    x_train, y_train = images[train_idx], labels[train_idx]
    x_val, y_val = images[val_idx], labels[val_idx]
    if args.dry_run:
        x_val, y_val = x_val[:1000], y_val[:1000]
    x_train, y_train = x_train[ddp.rank :: ddp.world_size], y_train[ddp.rank :: ddp.world_size]
    local_batch = args.batch_size // ddp.world_size
    steps_per_epoch = 1 if args.dry_run else len(x_train) // local_batch
    total_steps = max(1, round(args.epochs * steps_per_epoch))

    cfg = args.config
    net = DigitNet(cfg).to(device)
    model = nn.parallel.DistributedDataParallel(net) if ddp.enabled else net
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=HYP["weight_decay"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, total_steps=total_steps, pct_start=HYP["warmup"]
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=HYP["label_smoothing"])
    run = TrainRun(
        args, total_steps, ddp, desc="digits", model=net, optimizer=optimizer, schedule=schedule
    )

    def val_acc() -> float:
        return accuracy(net, in_batches(x_val, y_val, 1000), device)

    while run.step < total_steps:
        model.train()
        order = torch.randperm(len(x_train))
        for i in run.epoch_steps(steps_per_epoch):
            idx = order[i * local_batch : (i + 1) * local_batch]
            optimizer.zero_grad(set_to_none=True)
            images = augment(x_train[idx], HYP["aug"]).to(device)
            loss = loss_fn(model(images), y_train[idx].to(device))
            loss.backward()
            optimizer.step()
            schedule.step()
            run.took_step(loss.item())
        epoch = run.epoch
        acc, train_loss = val_acc(), run.train_loss(device)
        run.end_epoch(epoch, train_loss=train_loss, val_acc=acc, lr=schedule.get_last_lr()[0])
        if ddp.is_main:
            run.progress.write(f"epoch {epoch:.1f}: train loss {train_loss:.4f}, val acc {acc:.4f}")

    if ddp.is_main:  # (also scored here for a run resumed after its last epoch)
        acc = val_acc()
        hyp = recipe(args, HYP, optimizer="AdamW + one-cycle")
        path = run.save_weights(net.state_dict(), hyp, cfg.to_dict(), val_acc=acc)
        print(f"wrote {path} (val acc {acc:.4f}, {run.elapsed:.0f} s)")


if __name__ == "__main__":
    main()
