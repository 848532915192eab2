"""The style tab's data, read from the data directory (`<data-dir>/style`):

- `styles/<name>.jpg`: the style paintings (long side <= 512); a preset is named by its stem.
- `photos/*.jpg`: 2,000 natural 256x256 photos the fast networks are trained on; a fixed,
  seeded pick of HELD_OUT of them is kept for the quality figure (evaluate.py) and never
  trained on.
"""

from pathlib import Path

import torch
from PIL import Image

from models.common.images import fit_long_side, to_tensor
from models.common.training import split_indices

HELD_OUT = 20  # photos kept out of training for evaluate.py
SPLIT_SEED = 0


def style_path(data_dir: Path, name: str) -> Path:
    path = Path(data_dir) / "style" / "styles" / f"{name}.jpg"
    if not path.is_file():
        raise SystemExit(f"no style image {path}: is --data-dir right?")
    return path


def photo_paths(data_dir: Path) -> list[Path]:
    folder = Path(data_dir) / "style" / "photos"
    paths = sorted(folder.glob("*.jpg"))
    if not paths:
        raise SystemExit(f"no photos in {folder}: is --data-dir right?")
    return paths


def split(data_dir: Path) -> tuple[list[Path], list[Path]]:
    """(training photos, held-out photos): the same HELD_OUT photos for every style and run."""
    paths = photo_paths(data_dir)
    train_idx, held_idx = split_indices(len(paths), min(HELD_OUT, len(paths) // 5), SPLIT_SEED)
    return [paths[i] for i in train_idx], [paths[i] for i in held_idx]


def load_rgb(path: Path, long_side: int | None = None) -> Image.Image:
    image = Image.open(path).convert("RGB")
    if long_side is not None and max(image.size) != long_side:
        image = image.resize(fit_long_side(image.size, long_side), Image.Resampling.LANCZOS)
    return image


def random_crops(paths: list[Path], n: int, crop: int) -> torch.Tensor:
    """(n, 3, crop, crop) in [0, 1]: random photos, each a random crop (flipped half the time)
    of the photo scaled so its short side is at least `crop`. Draws from torch's generator,
    which the training checkpoint saves, so a resumed run sees the same batches."""
    out = []
    for i in torch.randperm(len(paths))[:n].tolist():
        image = Image.open(paths[i]).convert("RGB")
        short = min(image.size)
        if short < crop:
            scale = crop / short
            image = image.resize(
                (round(image.width * scale), round(image.height * scale)),
                Image.Resampling.BILINEAR,
            )
        left = int(torch.randint(0, image.width - crop + 1, ()))
        top = int(torch.randint(0, image.height - crop + 1, ()))
        image = image.crop((left, top, left + crop, top + crop))
        if torch.rand(()) < 0.5:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        out.append(to_tensor(image))
    return torch.stack(out)
