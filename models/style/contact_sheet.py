"""A contact sheet of the preset styles (rows: content photos, columns: the photo and each
style), so a person can judge the networks at a glance.

    python -m models.style.contact_sheet                       # scikit-image's sample photos
    python -m models.style.contact_sheet --photos a.jpg b.jpg  # your own (not for committing)
    python -m models.style.contact_sheet --checkpoints         # nets still training
    python -m models.style.contact_sheet --pretrained          # the 26 pretrained presets

Writes models/style/weights/default.contact_sheet.jpg by default (the six nets trained here, on
photos scikit-image ships, never the training data); --pretrained writes
weights/multistyle26.contact_sheet.jpg: the 26 presets over the four content photos of the data
set (pytorch/examples, neural-style) and two of its held-out photos, 112 px tiles.
"""

import argparse
from pathlib import Path

import torch
from PIL import Image, ImageDraw

from models.common.paths import data_dir, weights_dir
from models.common.samples import sample
from models.style import SPEC, STYLES
from models.style.net import TransformerNet
from models.style.predict import load_photo, stylize
from models.style.pretrained import PRESETS

SAMPLES = ("astronaut", "chelsea", "coffee", "rocket")  # shipped in models/common/samples
PRETRAINED_CELL = 112  # 27 columns x 112 px: about 3000 px wide
WORK_SIDE = 256  # each tile is stylised at this long side, then shrunk to the cell


def sample_photos() -> list[Path]:
    return [sample(name) for name in SAMPLES]


def from_checkpoint(style: str) -> TransformerNet | None:
    """The net of a style still training (checkpoints/style-<style>.pt), or None."""
    path = Path("checkpoints") / f"style-{style}.pt"
    if not path.is_file():
        return None
    state = torch.load(path, map_location="cpu", weights_only=True)
    net = TransformerNet()
    net.load_state_dict(state["model"])
    return net.eval()


def data_photos(data: Path) -> list[Path]:
    """The data set's four content photos and the first two held-out photos."""
    from models.style.data import split

    content = sorted((data / "style" / "content").glob("*.jpg"))
    return content + split(data)[1][:2]


def sheet(photos: list[Path], styles: list[str], cell: int, checkpoints: bool) -> Image.Image:
    nets = {}
    for style in styles:
        if style in PRESETS:
            nets[style] = None  # the pretrained multi-style net
            continue
        net = from_checkpoint(style) if checkpoints else None
        if net is None and SPEC.weights_path(style).is_file():
            net = SPEC.get_model(style)
        if net is not None:
            nets[style] = net
    columns = ["photo", *nets]
    rows = []
    for path in photos:
        photo = load_photo(path)
        tiles = [photo] + [stylize(photo, s, WORK_SIDE, net=n).image for s, n in nets.items()]
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
    p.add_argument("--pretrained", action="store_true", help="the 26 pretrained presets")
    p.add_argument("--data-dir", type=Path, default=data_dir(), help="for --pretrained's photos")
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    if args.pretrained:
        photos = args.photos or data_photos(args.data_dir)
        styles, cell, stem = list(PRESETS), PRETRAINED_CELL, "multistyle26"
    else:
        photos, styles, cell, stem = (
            args.photos or sample_photos(),
            args.styles,
            args.cell,
            "default",
        )
    args.out = args.out or weights_dir("style") / f"{stem}.contact_sheet.jpg"
    grid = sheet(photos, styles, cell, args.checkpoints)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.out, quality=88, optimize=True)
    print(f"wrote {args.out} ({grid.width}x{grid.height})")


if __name__ == "__main__":
    main()
