"""Pet IoU, mean IoU (pet, background) and pixel accuracy of the shipped weights on the
Oxford-IIIT Pet test split (129 photos here), border pixels ignored, at each photo's own
resolution, through predict.segment as the app runs it.

python -m models.evaluate pets                 # the three figures
python -m models.evaluate pets --limit 20      # on a seeded sample of 20 test photos
python -m models.evaluate pets --pretrained    # torchvision's DeepLabV3 instead (needs internet)
python -m models.evaluate pets --write         # also weights/<variant>.metrics.json and
                                               # weights/<variant>.samples.png
"""

import functools
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.common.evaluation import eval_parser, write_metrics
from models.common.images import overlay_mask
from models.common.paths import METRICS
from models.pets import SPEC, predict
from models.pets.data import pet_dataset, trimap_to_classes
from models.pets.metrics import pet_confusion, scores

SHEET = (4, 3)  # sample sheet: columns x rows of test photos
TILE = 192  # their height in the sheet


def sample(n: int, limit: int | None) -> list[int]:
    """All indices, or an even seeded sample of `limit` of them, in order."""
    if limit is None or limit >= n:
        return list(range(n))
    return sorted(np.random.default_rng(0).permutation(n)[:limit].tolist())


def evaluate(
    data_root: Path, variant: str = "default", limit: int | None = None, pretrained: bool = False
) -> tuple[dict, list[Image.Image]]:
    """The scores over the test split (or a sample of it) and a few outlined results."""
    ds = pet_dataset(data_root, "test")
    if pretrained:
        from models.pets import hub

        segment = hub.segment
    else:
        net = SPEC.load(variant)
        segment = functools.partial(predict.segment, net=net)
    counts, tiles = np.zeros((2, 2), np.int64), []
    picks = sample(len(ds), limit)
    for n, i in enumerate(picks):
        photo, trimap = ds[i]
        result = segment(photo)
        target = torch.from_numpy(trimap_to_classes(np.asarray(trimap)))
        counts += pet_confusion(torch.from_numpy(result.mask), target)
        if (
            n % max(1, len(picks) // (SHEET[0] * SHEET[1])) == 0
            and len(tiles) < SHEET[0] * SHEET[1]
        ):
            truth = overlay_mask(result.image, target.numpy() == 0, (0, 200, 0), 0.0, (0, 255, 0))
            shown = overlay_mask(truth, result.mask, outline=None)
            tiles.append(shown.resize((round(TILE * photo.width / photo.height), TILE)))
    split = "Oxford-IIIT Pet test" + (f", sample of {len(picks)}" if len(picks) < len(ds) else "")
    result = {"split": split, "n": len(picks), **scores(counts), "confusion": counts.tolist()}
    if pretrained:
        result["model"] = "torchvision DeepLabV3-MobileNetV3 (COCO with VOC classes: cat+dog)"
    return result, tiles


def contact_sheet(tiles: list[Image.Image]) -> Image.Image:
    """The tiles in rows of SHEET[0], each row as wide as its photos."""
    rows = [tiles[i : i + SHEET[0]] for i in range(0, len(tiles), SHEET[0])]
    width = max(sum(t.width for t in row) for row in rows)
    sheet = Image.new("RGB", (width, TILE * len(rows)), "white")
    for r, row in enumerate(rows):
        x = 0
        for tile in row:
            sheet.paste(tile, (x, r * TILE))
            x += tile.width
    return sheet


def main(argv: list[str] | None = None) -> None:
    parser = eval_parser("pets", __doc__)
    parser.add_argument("--pretrained", action="store_true", help="evaluate the Hub option")
    args = parser.parse_args(argv)
    result, tiles = evaluate(args.data_dir, args.variant, args.limit, args.pretrained)
    print(f"{result['split']} ({result['n']} photos, border pixels ignored)")
    for metric in SPEC.metrics:
        print(f"  {metric.label}: {result[metric.key]:.4f}")
    print(f"  background IoU: {result['background_iou']:.4f}")
    if args.write and not args.pretrained:
        weights = SPEC.weights_path(args.variant)
        write_metrics(SPEC.artefact(args.variant, METRICS), result)
        sheet = contact_sheet(tiles).quantize(256)  # a palette PNG: a third of the size
        sheet.save(SPEC.artefact(args.variant, "samples.png"), optimize=True)
        print(f"wrote metrics and sample sheet next to {weights}")


if __name__ == "__main__":
    main()
