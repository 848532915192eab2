"""The domain score of the shipped generators on the real test photos of each pair, through
predict.translate as the app runs it (photos at Config.image_size, 256 px):

- judge accuracy: the pair's domain classifier (judge.py, trained here on the real training
  photos) on the real test photos of both domains;
- target share: the share of translated test photos that the judge assigns to the target domain;
- cycle L1: mean |x - G_back(G(x))| of the test photos, pixels in [-1, 1].

The test photos are 256x256, the net's own size, so they go through the net in batches of 8
(the same computation as predict.translate, which pads and resizes nothing for them).

python -m models.evaluate cyclegan                       # every shipped direction
python -m models.evaluate cyclegan --direction horse2zebra --limit 20
python -m models.evaluate cyclegan --write               # also weights/<direction>.metrics.json,
    # weights/default.metrics.json (the About panel's summary: means over the directions whose
    # metrics files exist) and the contact sheet weights/default.samples.png (4 test
    # photos of each direction over their translations)
"""

import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.common.evaluation import eval_parser, write_metrics
from models.common.paths import METRICS
from models.cyclegan import SPEC
from models.cyclegan.data import check_direction, directions, domain_files, reverse
from models.cyclegan.judge import classify, load_judge
from models.cyclegan.net import STRIDE
from models.cyclegan.predict import generator_fn, translate

SHEET_COLUMNS = 4  # test photos per direction on the contact sheet
TILE = 160  # their size there


def sample(files: list[Path], limit: int | None) -> list[Path]:
    """All files, or an even seeded sample of `limit` of them, in order."""
    if limit is None or limit >= len(files):
        return files
    picks = np.random.default_rng(0).permutation(len(files))[:limit]
    return [files[i] for i in sorted(picks.tolist())]


def judge_batch(images: list[Image.Image], size: int) -> torch.Tensor:
    """PIL images -> (N, 3, size, size) uint8, resized as judge.py's training photos were."""
    arrays = [
        np.asarray(im.convert("RGB").resize((size, size), Image.Resampling.LANCZOS))
        for im in images
    ]
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()


def judge_accuracy(data_root: Path, pair: str, limit: int | None) -> tuple[float, int]:
    judge = load_judge(pair)
    correct = n = 0
    for label, domain in enumerate("AB"):
        files = sample(domain_files(data_root, pair, "test", domain), limit)
        with torch.inference_mode():
            predicted = classify(judge, judge_batch([Image.open(f) for f in files], judge.cfg.size))
        correct += (predicted == label).sum().item()
        n += len(files)
    return correct / max(n, 1), n


def load_photos(files: list[Path]) -> list[Image.Image]:
    photos = []
    for path in files:
        with Image.open(path) as image:
            photos.append(image.convert("RGB"))
    return photos


def as_batch(photos: list[Image.Image]) -> torch.Tensor:
    """Same-size RGB photos -> (N, 3, H, W) float in [0, 1]."""
    arrays = np.stack([np.asarray(p, dtype=np.float32) / 255 for p in photos])
    return torch.from_numpy(arrays).permute(0, 3, 1, 2)


def quantized(y: torch.Tensor) -> torch.Tensor:
    """As predict.to_image leaves it: 8-bit pixels (then back to [0, 1])."""
    return (y.clamp(0, 1) * 255).round() / 255


def translate_all(photos: list[Image.Image], net, batch: int = 8) -> list[torch.Tensor]:
    """Each photo translated as predict.translate does it (resized to the net's long side,
    padded to its stride, the output at the photo's size) — in batches when the photos are
    already at the net's size, as the 256x256 test photos are; else one by one."""
    run = generator_fn(net)
    side = net.cfg.image_size
    out = []
    with torch.inference_mode():
        for i in range(0, len(photos), batch):
            group = photos[i : i + batch]
            if all(p.size == (side, side) for p in group) and side % STRIDE == 0:
                out.extend(quantized(run(as_batch(group))))
            else:
                out.extend(as_batch([translate(p, "", net=net).image]) for p in group)
    return [y if y.dim() == 3 else y[0] for y in out]


def to_pil(y: torch.Tensor) -> Image.Image:
    return Image.fromarray((y * 255).round().to(torch.uint8).permute(1, 2, 0).numpy())


def evaluate(data_root: Path, direction: str, limit: int | None = None):
    """(metrics of one direction, [(input, translated)] for the contact sheet)."""
    pair, source = check_direction(direction)
    target = 1 if source == "A" else 0
    net, back = SPEC.load(direction), SPEC.load(reverse(direction))
    judge = load_judge(pair)
    files = sample(domain_files(data_root, pair, "test", source), limit)
    photos = load_photos(files)
    there = translate_all(photos, net)
    again = translate_all([to_pil(y) for y in there], back)
    l1 = [
        (2 * (as_batch([p])[0] - y)).abs().mean().item() for p, y in zip(photos, again, strict=True)
    ]
    every = max(1, len(files) // SHEET_COLUMNS)
    tiles = [(photos[i], to_pil(there[i])) for i in range(0, len(files), every)]
    with torch.inference_mode():
        predicted = classify(judge, torch.stack(there) if there else torch.empty(0, 3, 1, 1))
    accuracy, n_real = judge_accuracy(data_root, pair, limit)
    split = f"CycleGAN {pair} test{source}" + (f", sample of {len(files)}" if limit else "")
    result = {
        "direction": direction,
        "split": split,
        "n": len(files),
        "target_share": (predicted == target).float().mean().item(),
        "judge_accuracy": accuracy,
        "judge_n": n_real,
        "cycle_l1": float(np.mean(l1)),
        "image_size": net.cfg.image_size,
    }
    return result, tiles[:SHEET_COLUMNS]


def contact_sheet(rows: dict[str, list[tuple[Image.Image, Image.Image]]]) -> Image.Image:
    """Per direction two rows: the test photos, and under them their translations."""
    sheet = Image.new("RGB", (TILE * SHEET_COLUMNS, 2 * TILE * len(rows)), "white")
    for r, tiles in enumerate(rows.values()):
        for c, (photo, translated) in enumerate(tiles):
            for k, image in enumerate((photo, translated)):
                tile = image.copy()
                tile.thumbnail((TILE, TILE))
                sheet.paste(tile, (c * TILE, (2 * r + k) * TILE))
    return sheet


def shipped() -> list[str]:
    return [d for d in directions() if SPEC.weights_path(d).is_file()]


def sheet_tiles(data_root: Path, direction: str) -> list[tuple[Image.Image, Image.Image]]:
    """SHEET_COLUMNS test photos of the direction's source domain, evenly picked, translated."""
    pair, source = check_direction(direction)
    files = domain_files(data_root, pair, "test", source)
    picks = files[:: max(1, len(files) // SHEET_COLUMNS)][:SHEET_COLUMNS]
    net = SPEC.load(direction)
    return [(Image.open(f).convert("RGB"), translate(f, direction, net=net).image) for f in picks]


def summarize(data_root: Path) -> None:
    """default.metrics.json (the About panel's figures: means over the shipped directions whose
    metrics files exist, and each one's target share) and the contact sheet of all of them."""
    results = {}
    for direction in shipped():
        path = SPEC.artefact(direction, METRICS)
        if path.is_file():
            results[direction] = json.loads(path.read_text())
    if not results:
        return
    mean = {k: float(np.mean([r[k] for r in results.values()])) for k in SPEC_KEYS}
    summary = {
        **mean,
        **{f"target_share_{d}": r["target_share"] for d, r in results.items()},
        "split": "CycleGAN test photos, mean over " + ", ".join(results),
        "n": sum(r["n"] for r in results.values()),
        "directions": results,
    }
    write_metrics(SPEC.artefact("default", METRICS), summary)
    rows = {d: sheet_tiles(data_root, d) for d in results}
    path = SPEC.artefact("default", "samples.png")
    contact_sheet(rows).quantize(256).save(path, optimize=True)  # palette PNG: a third the size
    print("mean over " + ", ".join(results) + ": " + json.dumps(mean))
    print(f"wrote {SPEC.artefact('default', METRICS).name} and the contact sheet {path}")


def main(argv: list[str] | None = None) -> None:
    parser = eval_parser("cyclegan", __doc__, variant=False)
    parser.add_argument("--direction", default=None, help="one direction (default: all shipped)")
    args = parser.parse_args(argv)
    names = [args.direction] if args.direction else shipped()
    for direction in names:
        result, _ = evaluate(args.data_dir, direction, args.limit)
        print(
            f"{direction} ({result['split']}, {result['n']} photos): target share "
            f"{result['target_share']:.4f}, judge accuracy {result['judge_accuracy']:.4f} "
            f"({result['judge_n']} real test photos), cycle L1 {result['cycle_l1']:.4f}"
        )
        if args.write:
            write_metrics(SPEC.artefact(direction, METRICS), result)
    if args.write:
        summarize(args.data_dir)


SPEC_KEYS = ("target_share", "judge_accuracy", "cycle_l1")

if __name__ == "__main__":
    main()
