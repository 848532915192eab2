"""Tiny data sets in the real ones' layouts, for the training dry runs whose real data would take
minutes to read (conftest.dry_run)."""

from pathlib import Path

import numpy as np
from PIL import Image

from tests.conftest import DATA
from tests.photos import disc_photo


def cifar10_sample(root: Path, cache: Path) -> Path:
    """The real data dir, with 6,000 CIFAR-10 training images decoded into train.py's cache in
    `cache` (decoding all 50,000 takes minutes)."""
    from models.cifar10.data import cache_path, load_cifar10

    images, labels = load_cifar10(DATA, train=True, limit=6000)
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(cache_path(DATA, True, cache), images=images.numpy(), labels=labels.numpy())
    return DATA


def pets(root: Path, n: int = 6) -> Path:
    """A data dir with n photos in the Oxford-IIIT Pet layout torchvision reads."""
    base = root / "oxford-iiit-pet"
    (base / "images").mkdir(parents=True)
    (base / "annotations" / "trimaps").mkdir(parents=True)
    lines = []
    for i in range(n):
        name = f"Abyssinian_{i + 1}"
        image = disc_photo(48 + 4 * i, 40, disc=(90, 60, 30))
        image.save(base / "images" / f"{name}.jpg")
        trimap = np.where(np.asarray(image.convert("L")) < 128, 1, 2).astype(np.uint8)
        trimap[0] = 3
        Image.fromarray(trimap).save(base / "annotations" / "trimaps" / f"{name}.png")
        lines.append(f"{name} 1 1 1")
    for split in ("trainval", "test"):
        (base / "annotations" / f"{split}.txt").write_text("\n".join(lines) + "\n")
    return root


def cyclegan(root: Path, pair: str = "apple2orange", n: int = 3, size: int = 256) -> Path:
    """A data dir with n photos in each training folder of a CycleGAN pair."""
    for folder in ("trainA", "trainB"):
        (root / "cyclegan" / pair / folder).mkdir(parents=True)
        for i in range(n):
            disc_photo(size, size).save(root / "cyclegan" / pair / folder / f"{i}.jpg")
    return root
