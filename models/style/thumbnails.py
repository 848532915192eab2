"""The preset gallery's thumbnails: one fixed sample photo (models/common/samples/astronaut.jpg,
NASA, public domain) in each of the 26 pretrained presets, small JPEGs the tab ships and shows
(nothing is computed when the app starts).

    python -m models.style.thumbnails      # -> models/style/weights/presets/style-N.jpg
"""

import argparse
from pathlib import Path

from models.common.paths import weights_dir
from models.common.samples import FOLDER
from models.style import PRESETS

SAMPLE = FOLDER / "astronaut.jpg"
WORK_SIDE = 384  # stylised at this size (the strokes' scale of a 512-px result), then shrunk
SIDE = 128  # the thumbnail's long side
QUALITY = 80


def thumbnail_path(preset: str, folder: Path | None = None) -> Path:
    return (folder or weights_dir("style") / "presets") / f"{preset}.jpg"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m models.style.thumbnails", description=__doc__)
    p.add_argument("--out", type=Path, default=weights_dir("style") / "presets")
    args = p.parse_args(argv)
    from models.style.predict import stylize  # (torch: not for the app, which only reads paths)

    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for preset in PRESETS:
        image = stylize(SAMPLE, preset, WORK_SIDE).image
        image.thumbnail((SIDE, SIDE))
        path = thumbnail_path(preset, args.out)
        image.save(path, quality=QUALITY, optimize=True)
        total += path.stat().st_size
    print(f"wrote {len(PRESETS)} thumbnails to {args.out} ({total / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
