"""Oxford-IIIT Pet photos with their trimaps, read with torchvision from `<data-dir>/oxford-iiit-pet`.

Trimap pixels are 1 = pet, 2 = background, 3 = border; as targets they become the class
indices of models.pets.net.CLASSES (value - 1). Training decodes the photos once into a cached
file of uint8 tensors at a long side of CACHE_SIDE (decoding 514 JPEGs per epoch would be
wasted time on a 2-core CPU); evaluation reads the originals.
"""

import hashlib
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.common.images import fit_long_side

CACHE_SIDE = 256  # long side of the cached training photos (they are at most 400 px)


def trimap_to_classes(trimap: np.ndarray) -> np.ndarray:
    """Trimap values 1/2/3 -> class indices 0/1/2 (pet, background, border), uint8."""
    trimap = np.asarray(trimap)
    if trimap.size and (trimap.min() < 1 or trimap.max() > 3):
        raise ValueError(f"trimap values must be 1, 2 or 3, got {np.unique(trimap)[:6]}")
    return (trimap - 1).astype(np.uint8)


def pet_dataset(data_dir: Path, split: str, download: bool = False):
    """torchvision's OxfordIIITPet (split 'trainval' or 'test') yielding (PIL RGB, PIL trimap)."""
    from torchvision.datasets import OxfordIIITPet

    return OxfordIIITPet(
        root=str(data_dir), split=split, target_types="segmentation", download=download
    )


def load_pairs(
    data_dir: Path, split: str, download: bool = False, long_side: int | None = None
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """[(image (3, H, W) uint8, classes (H, W) uint8)], resized to `long_side` if given
    (the photo antialiased, the trimap by nearest neighbour)."""
    pairs = []
    for image, trimap in pet_dataset(data_dir, split, download):
        image = image.convert("RGB")
        if long_side is not None and max(image.size) != long_side:
            size = fit_long_side(image.size, long_side)
            image = image.resize(size, Image.Resampling.LANCZOS)
            trimap = trimap.resize(size, Image.Resampling.NEAREST)
        x = torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1).contiguous()
        y = torch.from_numpy(trimap_to_classes(np.asarray(trimap)))
        pairs.append((x, y))
    return pairs


def cached_pairs(data_dir: Path, split: str, cache_dir: Path, download: bool = False):
    """`load_pairs(..., long_side=CACHE_SIDE)` through a torch file, one per data folder."""
    folder = str(Path(data_dir).resolve() / "oxford-iiit-pet")
    key = hashlib.sha1(f"{folder} {split} {CACHE_SIDE}".encode()).hexdigest()[:10]
    path = Path(cache_dir) / f"pets_{split}_{key}.pt"
    if path.is_file():
        saved = torch.load(path, weights_only=True)
        return list(zip(saved["images"], saved["targets"], strict=True))
    pairs = load_pairs(data_dir, split, download, CACHE_SIDE)
    path.parent.mkdir(parents=True, exist_ok=True)
    images, targets = zip(*pairs, strict=True)
    torch.save({"images": list(images), "targets": list(targets)}, path)
    return pairs
