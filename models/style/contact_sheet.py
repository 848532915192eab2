"""A contact sheet of the preset styles (rows: content photos, columns: the photo and each
style), so a person can judge the networks at a glance.

    python -m models.style.contact_sheet                       # scikit-image's sample photos
    python -m models.style.contact_sheet --photos a.jpg b.jpg  # your own (not for committing)
    python -m models.style.contact_sheet --checkpoints         # nets still training

Writes models/style/weights/default.contact_sheet.jpg by default (the shipped figure uses only photos
scikit-image ships, never the training data).
"""

import argparse
from pathlib import Path

import skimage
import torch
from PIL import Image, ImageDraw

from models.common.paths import weights_dir
from models.style import SPEC, STYLES
from models.style.net import TransformerNet
from models.style.predict import load_photo, stylize

SAMPLES = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg")  # in scikit-image's wheel


def sample_photos() -> list[Path]:
    return [Path(skimage.data.__file__).parent / name for name in SAMPLES]


def from_checkpoint(style: str) -> TransformerNet | None:
    """The net of a style still training (checkpoints/style-<style>.pt), or None."""
    path = Path("checkpoints") / f"style-{style}.pt"
    if not path.is_file():
        return None
    state = torch.load(path, map_location="cpu", weights_only=True)
    net = TransformerNet()
    net.load_state_dict(state["model"])
    return net.eval()


def sheet(photos: list[Path], styles: list[str], cell: int, checkpoints: bool) -> Image.Image:
    nets = {}
    for style in styles:
        net = from_checkpoint(style) if checkpoints else None
        if net is None and SPEC.weights_path(style).is_file():
            net = SPEC.get_model(style)
        if net is not None:
            nets[style] = net
    columns = ["photo", *nets]
    rows = []
    for path in photos:
        photo = load_photo(path)
        tiles = [photo] + [stylize(photo, s, 256, net=n).image for s, n in nets.items()]
        for tile in tiles:
            tile.thumbnail((cell, cell), Image.Resampling.LANCZOS)
        rows.append(tiles)
    top = 20  # the column names
    height = top + sum(max(tile.height for tile in row) for row in rows)
    grid = Image.new("RGB", (cell * len(columns), height), "white")
    draw = ImageDraw.Draw(grid)
    for j, name in enumerate(columns):
        draw.text((j * cell + 4, 4), name, fill="black")
    y = top
    for row in rows:
        for j, tile in enumerate(row):
            grid.paste(tile, (j * cell, y))
        y += max(tile.height for tile in row)
    return grid


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m models.style.contact_sheet", description=__doc__)
    p.add_argument("--photos", nargs="*", type=Path, default=None, help="content photos")
    p.add_argument("--styles", nargs="*", default=list(STYLES))
    p.add_argument("--cell", type=int, default=192, help="pixels per tile")
    p.add_argument("--checkpoints", action="store_true", help="prefer training checkpoints")
    p.add_argument("--out", type=Path, default=weights_dir("style") / "default.contact_sheet.jpg")
    args = p.parse_args(argv)
    grid = sheet(args.photos or sample_photos(), args.styles, args.cell, args.checkpoints)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.out, quality=88, optimize=True)
    print(f"wrote {args.out} ({grid.width}x{grid.height})")


if __name__ == "__main__":
    main()
