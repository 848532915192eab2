"""CIFAR-10 as uint8 tensors (N, 3, 32, 32), decoded once.

Offline the data is the ImageFolder of JPEGs at `<data-dir>/cifar10/{train,test}/<class>/`;
otherwise torchvision's CIFAR10 (the original pickles, fetched with `download=True`).
"""

import hashlib
from pathlib import Path

import numpy as np
import torch

from models.cifar10.net import LABELS


def load_cifar10(
    data_dir: Path, train: bool, download: bool = False, limit: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 3, 32, 32) uint8 and labels (N,) int64. `limit` takes an even, seeded sample."""
    folder = Path(data_dir) / "cifar10" / ("train" if train else "test")
    if folder.is_dir():
        from torchvision.datasets import ImageFolder

        ds = ImageFolder(str(folder))
        if ds.classes != LABELS:
            raise ValueError(f"{folder} has classes {ds.classes}, expected {LABELS}")
        samples = ds.samples
        if limit is not None:
            pick = np.random.default_rng(0).permutation(len(samples))[:limit]
            samples = [samples[i] for i in sorted(pick)]
        images = np.stack([np.asarray(ds.loader(path)) for path, _ in samples])
        labels = np.array([label for _, label in samples])
    else:
        from torchvision.datasets import CIFAR10

        ds = CIFAR10(root=str(data_dir), train=train, download=download)
        images, labels = ds.data, np.array(ds.targets)
        if limit is not None:
            pick = np.sort(np.random.default_rng(0).permutation(len(images))[:limit])
            images, labels = images[pick], labels[pick]
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(labels)


def cache_path(data_dir: Path, train: bool, cache_dir: Path) -> Path:
    """One decoded-data file per split and source: another --data-dir, or the ImageFolder
    appearing or going, means another file, never a stale one."""
    split = "train" if train else "test"
    folder = Path(data_dir).resolve() / "cifar10" / split
    source = f"{folder} {'imagefolder' if folder.is_dir() else 'torchvision'}"
    return cache_dir / f"cifar10_{split}_{hashlib.sha1(source.encode()).hexdigest()[:10]}.npz"


def cached_cifar10(data_dir: Path, train: bool, cache_dir: Path, download: bool = False):
    """`load_cifar10` through a .npz cache (decoding 50,000 JPEGs takes a while on a CPU)."""
    path = cache_path(data_dir, train, cache_dir)
    if path.is_file():
        with np.load(path, allow_pickle=False) as f:
            return torch.from_numpy(f["images"]), torch.from_numpy(f["labels"])
    images, labels = load_cifar10(data_dir, train, download)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(path, images=images.numpy(), labels=labels.numpy())
    return images, labels
