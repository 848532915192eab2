"""MNIST as tensors, read with torchvision from `<data-dir>/MNIST/raw` (--download fetches it)."""

from pathlib import Path

import torch


def load_mnist(
    data_dir: Path, train: bool, download: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST as (N, 1, 28, 28) float images in [0, 1] and int64 labels."""
    from torchvision.datasets import MNIST

    ds = MNIST(root=str(data_dir), train=train, download=download)
    return ds.data.unsqueeze(1).float().div(255), ds.targets.long()
