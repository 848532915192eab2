"""Train the CIFAR-10 classifier: ResNet-18 (shipped) or the airbench94 net, readable.

    python -m models.train cifar10 --device cuda       # ResNet-18: 2 min on an H200, ~30 h on 2 CPUs
    python -m models.train cifar10 --arch airbench     # airbench94 net: 40 s on an H200, ~3 h on 2 CPUs
    python -m models.train cifar10 --resume            # continue an interrupted run
    torchrun --nproc_per_node=8 -m models.train cifar10 --device cuda
    python -m models.train cifar10 --arch airbench --teacher weights/big.safetensors   # distil

Both recipes: Nesterov SGD, label smoothing, random flip + translation, a triangular schedule,
test-time mirror (+ shift). ResNet-18 adds cutout and trains long (134 epochs); airbench
(KellerJordan/airbench) decouples lr and weight decay from batch size and momentum, raises the
lr 64x on BatchNorm shifts and starts from data-derived whitening filters.
5,000 training images (seeded) are held out for validation; evaluate.py alone reads the test split.
With `--teacher`, the loss also pulls the net towards trained teachers' predictions on the same
augmented batch (Hinton et al. 2015's distillation); on this data set it did not beat plain
training (CARD.md lists the runs).
On CUDA the forward and backward passes run in bfloat16 autocast.
"""

from dataclasses import replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from models.cifar10.data import cached_cifar10
from models.cifar10.net import CifarNet, Config, build_net, predict_tta
from models.common.evaluation import accuracy, in_batches
from models.common.training import (
    TrainRun,
    base_parser,
    recipe,
    split_indices,
    start_training,
)
from models.common.weights import load_net

SPLIT = {
    "val_size": 5000,  # training images held out for model selection
    "split_seed": 0,  # fixed, so runs with other seeds (e.g. teachers) share the validation set
    "tta_level": 2,  # final validation also with 0 none, 1 mirror, 2 mirror + shifts
}
DRY_RUN_VAL = 50  # validation images a --dry-run scores (ResNet-18 with TTA: 0.1 s each)
RECIPES = {
    "resnet18": {
        "epochs": 134,
        "lr": 0.4,  # peak, for the mean loss of a 512-image batch
        "batch_size": 512,
        "momentum": 0.9,  # Nesterov
        "weight_decay": 5e-4,  # L2 on conv and linear weights, none on BatchNorm and biases
        "label_smoothing": 0.1,
        "schedule": (0.0, 0.15, 0.0),  # triangle: start factor, peak position, end factor
        "translate": 4,  # random crop from a 4-pixel reflect padding
        "cutout": 11,  # side of the square blacked out at a random place (0: none)
        "loss": "mean",
    },
    "airbench": {
        "epochs": 30,
        "lr": 10.0,  # per 1024 examples, decoupled from momentum (see airbench_optimizer)
        "batch_size": 1024,
        "momentum": 0.85,
        "weight_decay": 0.015,  # per 1024 examples, decoupled from the lr
        "bias_scaler": 64.0,  # lr multiplier for BatchNorm shifts
        "label_smoothing": 0.2,
        "schedule": (0.2, 0.2, 0.0),
        "translate": 2,
        "cutout": 0,
        "loss": "sum",
        "whiten_images": 5000,  # images used to estimate the whitening filters
    },
}


def augment(images: torch.Tensor, pad: int, cutout: int = 0) -> torch.Tensor:
    """Random horizontal flip, random translation by up to `pad` pixels and, if `cutout`, a
    black `cutout`-pixel square (odd side) centred anywhere, clipped at the border; per image."""
    n, _, h, w = images.shape
    flip = torch.rand(n, device=images.device) < 0.5
    images = torch.where(flip.view(-1, 1, 1, 1), images.flip(-1), images)
    padded = F.pad(images, (pad,) * 4, mode="reflect")
    dy, dx = torch.randint(0, 2 * pad + 1, (2, n)).tolist()
    images = torch.stack(
        [padded[i, :, y : y + h, x : x + w] for i, (y, x) in enumerate(zip(dy, dx, strict=True))]
    )
    if cutout:
        cy, cx = torch.randint(0, h, (n, 1, 1)), torch.randint(0, w, (n, 1, 1))
        rows, cols = torch.arange(h).view(1, -1, 1), torch.arange(w).view(1, 1, -1)
        inside = ((rows - cy).abs() <= cutout // 2) & ((cols - cx).abs() <= cutout // 2)
        images = images * ~inside[:, None].to(images.device)
    return images


def triangle(step: int, total: int, start: float, peak: float, end: float) -> float:
    """Learning-rate factor: linear from `start` to 1 at `peak`*total, then linear to `end`."""
    top = peak * total
    if step < top:
        return start + (1 - start) * step / top
    return 1 + (end - 1) * (step - top) / max(total - top, 1)


def val_accuracy(net: nn.Module, images, labels, device, tta_level: int = 0) -> float:
    """Accuracy on uint8 images, averaged over test-time augmentations up to `tta_level`."""
    return accuracy(
        net,
        in_batches(images, labels, 1000),
        device,
        forward=lambda x: predict_tta(net, x.float() / 255, tta_level),
    )


def distillation_loss(
    logits: torch.Tensor, teacher_logits: torch.Tensor, temperature: float
) -> torch.Tensor:
    """Per-example KL(teacher || student) of temperature-softened predictions, times T^2 so the
    gradient scale does not depend on T."""
    t = temperature
    return (t * t) * F.kl_div(
        F.log_softmax(logits / t, dim=1),
        F.log_softmax(teacher_logits / t, dim=1),
        log_target=True,
        reduction="none",
    ).sum(1)


def airbench_optimizer(net: CifarNet, lr: float, batch_size: int, hyp: dict) -> torch.optim.SGD:
    """Decoupled hyperparameters (airbench): `lr` is per 1024 examples, independent of momentum."""
    kilostep_scale = 1024 * (1 + 1 / (1 - hyp["momentum"]))
    lr = lr / kilostep_scale
    wd = hyp["weight_decay"] * batch_size / kilostep_scale
    lr_bias = lr * hyp["bias_scaler"]
    params = [(n, p) for n, p in net.named_parameters() if p.requires_grad]
    norm = [p for n, p in params if "norm" in n]
    other = [p for n, p in params if "norm" not in n]
    groups = [
        dict(params=norm, lr=lr_bias, weight_decay=wd / lr_bias, base_lr=lr_bias),
        dict(params=other, lr=lr, weight_decay=wd / lr, base_lr=lr),
    ]
    return torch.optim.SGD(groups, momentum=hyp["momentum"], nesterov=True)


def resnet_optimizer(net: nn.Module, lr: float, hyp: dict) -> torch.optim.SGD:
    """Plain Nesterov SGD; weight decay on conv and linear weights only."""
    weights = [p for p in net.parameters() if p.ndim > 1]
    others = [p for p in net.parameters() if p.ndim <= 1]
    groups = [
        dict(params=weights, weight_decay=hyp["weight_decay"], base_lr=lr),
        dict(params=others, weight_decay=0.0, base_lr=lr),
    ]
    return torch.optim.SGD(groups, lr=lr, momentum=hyp["momentum"], nesterov=True)


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("cifar10", epochs=None, lr=None, batch_size=None, config=Config)
    parser.add_argument("--arch", choices=sorted(RECIPES), default="resnet18")
    parser.add_argument("--compile", action="store_true", help="torch.compile the net")
    parser.add_argument("--cache-dir", type=Path, default=Path("checkpoints"))
    parser.add_argument(
        "--teacher", type=Path, nargs="+", help="weights of trained nets to distil from (averaged)"
    )
    parser.add_argument("--distill-weight", type=float, default=0.7, help="share of the KD loss")
    parser.add_argument("--temperature", type=float, default=2.0, help="softening for the KD loss")
    args = parser.parse_args(argv)
    hyp = {**RECIPES[args.arch], **SPLIT}
    for name in ("epochs", "lr", "batch_size"):  # flags override the recipe's values
        if getattr(args, name) is None:
            setattr(args, name, hyp[name])
    ddp, device = start_training(args)

    images, labels = cached_cifar10(args.data_dir, True, args.cache_dir, args.download)
    train_idx, val_idx = split_indices(len(images), hyp["val_size"], hyp["split_seed"])
    x_train, y_train = images[train_idx], labels[train_idx]
    x_val, y_val = images[val_idx], labels[val_idx]
    if args.dry_run:
        x_val, y_val = x_val[:DRY_RUN_VAL], y_val[:DRY_RUN_VAL]
    local_batch = args.batch_size // ddp.world_size
    steps_per_epoch = 1 if args.dry_run else len(x_train) // args.batch_size
    total_steps = max(1, round(args.epochs * steps_per_epoch))

    cfg = replace(args.config, arch=args.arch)  # --config widths=... sets airbench's channels
    net = build_net(cfg)
    if args.arch == "airbench":
        net.init_whitening(x_train[: hyp["whiten_images"]].float() / 255)
    # channels-last suits the GPU's tensor cores; on the CPU it was slower (notes)
    memory_format = torch.channels_last if device.type == "cuda" else torch.contiguous_format
    net = net.to(device, memory_format=memory_format)
    model = nn.parallel.DistributedDataParallel(net) if ddp.enabled else net
    forward = torch.compile(model) if args.compile else model
    if args.arch == "airbench":
        optimizer = airbench_optimizer(net, args.lr, args.batch_size, hyp)
    else:
        optimizer = resnet_optimizer(net, args.lr, hyp)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=hyp["label_smoothing"], reduction="none")
    reduce = torch.sum if hyp["loss"] == "sum" else torch.mean  # airbench's lr assumes a sum
    teachers = [
        load_net(path, lambda c: build_net(Config.from_dict(c))).to(device)
        for path in args.teacher or []
    ]
    kd = args.distill_weight if teachers else 0.0
    autocast = torch.autocast("cuda", torch.bfloat16, enabled=device.type == "cuda")
    run = TrainRun(args, total_steps, ddp, desc="cifar10", model=net, optimizer=optimizer)

    while run.step < total_steps:
        model.train()
        perm = torch.randperm(len(x_train))
        for i in run.epoch_steps(steps_per_epoch):
            # every rank draws the same global batch and trains on its own slice of it
            idx = perm[i * args.batch_size : (i + 1) * args.batch_size]
            idx = idx[ddp.rank * local_batch : (ddp.rank + 1) * local_batch]
            x = augment(x_train[idx].to(device).float() / 255, hyp["translate"], hyp["cutout"])
            x = x.contiguous(memory_format=memory_format)
            factor = triangle(run.step, total_steps, *hyp["schedule"])
            for group in optimizer.param_groups:
                group["lr"] = group["base_lr"] * factor
            with autocast:
                logits = forward(x).float()
                loss = loss_fn(logits, y_train[idx].to(device))
                if teachers:
                    with torch.no_grad():
                        teacher_logits = torch.stack([t(x).float() for t in teachers]).mean(0)
                    kd_loss = distillation_loss(logits, teacher_logits, args.temperature)
                    loss = (1 - kd) * loss + kd * kd_loss
                mean_loss = loss.mean().item()
                loss = reduce(loss)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            run.took_step(mean_loss)
        epoch = run.epoch
        val_acc, train_loss = val_accuracy(net, x_val, y_val, device), run.train_loss(device)
        run.end_epoch(epoch, train_loss=train_loss, val_acc=val_acc, lr_factor=factor)
        if ddp.is_main:
            run.progress.write(
                f"epoch {epoch:.1f}: train loss {train_loss:.4f}, val acc {val_acc:.4f}"
            )

    if ddp.is_main:  # (also scored here for a run resumed after its last epoch)
        levels = {"val_acc": 0, "val_acc_mirror": 1, "val_acc_tta": hyp["tta_level"]}
        scores = {k: val_accuracy(net, x_val, y_val, device, level) for k, level in levels.items()}
        hyp |= {"arch": args.arch, "teachers": [p.name for p in args.teacher or []]}
        hyp["distill_weight"] = kd
        if teachers:
            hyp["temperature"] = args.temperature
        hyp = recipe(args, hyp, optimizer="SGD Nesterov + triangle")
        path = run.save_weights(net.state_dict(), hyp, cfg.to_dict(), **scores)
        print(f"wrote {path} (" + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()) + ")")


if __name__ == "__main__":
    main()
