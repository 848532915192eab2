"""Pet IoU, mean IoU (pet, background) and pixel accuracy of the shipped weights on the
Oxford-IIIT Pet test split (129 photos here), border pixels ignored, at each photo's own
resolution, through predict.segment as the app runs it.

python -m models.evaluate pets                 # the three figures
python -m models.evaluate pets --limit 20      # on a seeded sample of 20 test photos
python -m models.evaluate pets --split val     # on the 64 trainval photos training held out
python -m models.evaluate pets --variant effnet            # another trained weights file
python -m models.evaluate pets --model deeplab-offline     # DeepLabV3-MobileNetV2 (converted)
python -m models.evaluate pets --model deeplab-offline --long-side 321
python -m models.evaluate pets --pretrained    # torchvision's DeepLabV3 instead (needs internet)
python -m models.evaluate pets --write         # also weights/<variant>.metrics.json and
                                               # weights/<variant>.samples.png
"""

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.common.evaluation import eval_parser, write_metrics
from models.common.images import overlay_mask
from models.common.paths import METRICS
from models.common.training import split_indices
from models.pets import SPEC, predict
from models.pets.data import pet_dataset, trimap_to_classes
from models.pets.metrics import pet_confusion, scores
from models.pets.train import HYP

MODEL_NAMES = {
    "trained": "trained here",
    "deeplab-offline": "DeepLabV3-MobileNetV2 PASCAL VOC (converted TFLite: cat+dog)",
    "pretrained": "torchvision DeepLabV3-MobileNetV3 (COCO with VOC classes: cat+dog)",
}
SHEET = (4, 3)  # sample sheet: columns x rows of test photos
TILE = 192  # their height in the sheet


def sample(n: int, limit: int | None) -> list[int]:
    """All indices, or an even seeded sample of `limit` of them, in order."""
    if limit is None or limit >= n:
        return list(range(n))
    return sorted(np.random.default_rng(0).permutation(n)[:limit].tolist())


def photos(data_root: Path, split: str) -> tuple[object, list[int]]:
    """The data set and the indices of `split`: test, or val (the trainval photos train.py
    holds out, the same fixed seeded pick)."""
    if split == "test":
        ds = pet_dataset(data_root, "test")
        return ds, list(range(len(ds)))
    ds = pet_dataset(data_root, "trainval")
    val_size = min(HYP["val_size"], len(ds) // 5)
    _, val_idx = split_indices(len(ds), val_size, HYP["split_seed"])
    return ds, val_idx.tolist()


def segmenter(model: str, variant: str, long_side: int | None) -> Callable:
    """The segment function of a model: trained (the `variant` weights file), deeplab-offline,
    or pretrained (torchvision's, needs internet)."""
    if model == "pretrained":
        from models.pets import hub

        return hub.segment
    if model == "deeplab-offline":
        from models.pets import deeplab

        return functools.partial(deeplab.segment, long_side=long_side or deeplab.LONG_SIDE)
    net = SPEC.load(variant)
    if long_side:
        net.cfg = dataclasses.replace(net.cfg, image_size=long_side)
    return functools.partial(predict.segment, net=net)


def evaluate(
    data_root: Path,
    variant: str = "default",
    limit: int | None = None,
    pretrained: bool = False,
    split: str = "test",
    model: str = "trained",
    long_side: int | None = None,
) -> tuple[dict, list[Image.Image]]:
    """The scores over the test split (or val, or a sample of either) and a few outlined
    results."""
    model = "pretrained" if pretrained else model
    segment = segmenter(model, variant, long_side)
    ds, indices = photos(data_root, split)
    counts, tiles = np.zeros((2, 2), np.int64), []
    picks = [indices[i] for i in sample(len(indices), limit)]
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
    name = "Oxford-IIIT Pet " + ("test" if split == "test" else "val (held out of trainval)")
    name += f", sample of {len(picks)}" if len(picks) < len(indices) else ""
    result = {"split": name, "n": len(picks), **scores(counts), "confusion": counts.tolist()}
    result["model"] = MODEL_NAMES[model] + (f", variant {variant}" if model == "trained" else "")
    if long_side:
        result["long_side"] = long_side
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


def sample_scores(data_root: Path) -> dict[str, float]:
    """The CI check's figures: the net trained here on 12 test photos, a seeded sample."""
    return evaluate(data_root, limit=12)[0]


def main(argv: list[str] | None = None) -> None:
    parser = eval_parser("pets", __doc__)
    parser.add_argument("--pretrained", action="store_true", help="evaluate the Hub option")
    parser.add_argument("--model", choices=sorted(MODEL_NAMES), default="trained")
    parser.add_argument("--split", choices=("test", "val"), default="test")
    parser.add_argument("--long-side", type=int, default=None, help="run the net at this size")
    args = parser.parse_args(argv)
    result, tiles = evaluate(
        args.data_dir,
        args.variant,
        args.limit,
        args.pretrained,
        args.split,
        args.model,
        args.long_side,
    )
    print(f"{result['model']}: {result['split']} ({result['n']} photos, border pixels ignored)")
    for metric in SPEC.metrics:
        print(f"  {metric.label}: {result[metric.key]:.4f}")
    print(f"  background IoU: {result['background_iou']:.4f}")
    if args.write:
        variant = {"trained": args.variant, "deeplab-offline": "deeplab-mnv2"}.get(args.model)
        if variant is None or args.pretrained:
            raise SystemExit("--write: only for the shipped models (trained, deeplab-offline)")
        if args.split != "test":
            variant += f".{args.split}"
        weights = SPEC.weights_path(variant)
        write_metrics(SPEC.artefact(variant, METRICS), result)
        sheet = contact_sheet(tiles).quantize(256)  # a palette PNG: a third of the size
        sheet.save(SPEC.artefact(variant, "samples.png"), optimize=True)
        print(f"wrote metrics and sample sheet next to {weights}")


if __name__ == "__main__":
    main()
