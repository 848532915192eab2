"""The CycleGAN data sets in the authors' layout: `<data-dir>/cyclegan/<pair>/{trainA,trainB,testA,testB}`.

A pair such as `apple2orange` has domain A (apples) and domain B (oranges), unpaired. The
authors' download script fetches the same folders (their `datasets/download_cyclegan_dataset.sh`
from http://efrosgans.eecs.berkeley.edu/cyclegan/datasets/<pair>.zip). Training decodes a
domain once into a cached uint8 tensor (N, 3, S, S) at CACHE_SIDE; decoding ~1000 JPEGs per
epoch would be wasted time on a 2-core CPU.
"""

import hashlib
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.common.errors import InputError

# pair -> (name of domain A, name of domain B); directions are "<A>2<B>" and "<B>2<A>"
PAIRS = {
    "apple2orange": ("apple", "orange"),
    "horse2zebra": ("horse", "zebra"),
}
CACHE_SIDE = 192  # training images are cached at this size (the originals are 256 x 256)
SUFFIXES = (".jpg", ".jpeg", ".png")
DOWNLOAD = "http://efrosgans.eecs.berkeley.edu/cyclegan/datasets/{pair}.zip"


def directions() -> dict[str, tuple[str, str]]:
    """direction name -> (pair, 'A' or 'B': the domain translated from)."""
    out = {}
    for pair, (a, b) in PAIRS.items():
        out[f"{a}2{b}"] = (pair, "A")
        out[f"{b}2{a}"] = (pair, "B")
    return out


def reverse(direction: str) -> str:
    """apple2orange -> orange2apple."""
    src, _, dst = direction.partition("2")
    return f"{dst}2{src}"


def domain_files(data_dir: Path, pair: str, split: str, domain: str) -> list[Path]:
    """The image files of one folder, e.g. (pair='apple2orange', split='train', domain='A')."""
    folder = Path(data_dir) / "cyclegan" / pair / f"{split}{domain}"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder} not found: download {DOWNLOAD.format(pair=pair)} and unzip it into "
            f"{Path(data_dir) / 'cyclegan'}"
        )
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)


def load_images(files: list[Path], side: int) -> torch.Tensor:
    """(N, 3, side, side) uint8 of the files as RGB, squashed to side x side (they are square)."""
    out = torch.empty(len(files), 3, side, side, dtype=torch.uint8)
    for i, path in enumerate(files):
        with Image.open(path) as image:
            image = image.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)
        out[i] = torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1)
    return out


def cached_domain(
    data_dir: Path, pair: str, split: str, domain: str, cache_dir: Path, side: int = CACHE_SIDE
) -> torch.Tensor:
    """`load_images` of one folder through a torch file in `cache_dir`."""
    files = domain_files(data_dir, pair, split, domain)
    folder = str(Path(data_dir).resolve() / "cyclegan" / pair / f"{split}{domain}")
    key = hashlib.sha1(f"{folder} {len(files)} {side}".encode()).hexdigest()[:10]
    path = Path(cache_dir) / f"cyclegan_{pair}_{split}{domain}_{key}.pt"
    if path.is_file():
        return torch.load(path, weights_only=True)
    images = load_images(files, side)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(images, path)
    return images


def check_direction(direction: str) -> tuple[str, str]:
    """(pair, domain) of a direction name; InputError naming the known ones otherwise."""
    known = directions()
    if direction not in known:
        raise InputError(
            "Unknown direction {direction}: choose one of {known}.",
            direction=repr(direction),
            known=", ".join(known),
        )
    return known[direction]
