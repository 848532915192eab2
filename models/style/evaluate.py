"""How far each preset's network moves photos to its style: on the HELD_OUT photos no network
trained on (models/style/data.py), stylised at 256 px through predict.stylize as the app runs
it, the perceptual network's style loss (the training objective's Gram term: per-layer
normalised, weighted sum) of the stylised photos against the painting, of the unstyled photos
for comparison, their ratio (target >= 5), and the content loss (normalised, against the photo).

python -m models.evaluate style                     # every preset with weights
python -m models.evaluate style --variant candy     # one
python -m models.evaluate style --limit 4           # on the first 4 held-out photos
python -m models.evaluate style --write             # weights/<style>.metrics.json per style and
                                                    # default.metrics.json, the summary
"""

import time
from pathlib import Path

import torch

from models.common.evaluation import eval_parser, write_metrics
from models.common.paths import METRICS
from models.style import SPEC, STYLES, predict
from models.style import perceptual as perceptual_nets
from models.style.data import load_rgb, split, style_path
from models.style.net import gram
from models.style.train import HYP, STYLE_OVERRIDES

SIZE = 256  # the held-out photos' size, and the stylised output's long side


@torch.no_grad()
def style_scores(perceptual, painting: torch.Tensor, photos: list, styled: list) -> dict:
    """Mean style loss of `styled` and of the unstyled `photos` against `painting`, and the
    mean content loss of `styled` against `photos` (tensors (1, 3, H, W) in [0, 1])."""
    feats, _ = perceptual(painting)
    grams = [gram(f) for f in feats]
    norms = [1.0 / g.pow(2).mean().item() for g in grams]
    weights = perceptual.backbone.style_weights

    def layer_losses(x: torch.Tensor) -> list[float]:
        """Each style layer's normalised Gram loss, unweighted."""
        fs, _ = perceptual(x)
        return [
            n * (gram(f) - g).pow(2).mean().item() for f, g, n in zip(fs, grams, norms, strict=True)
        ]

    photo_layers = torch.tensor([layer_losses(x) for x in photos]).mean(0)
    styled_layers = torch.tensor([layer_losses(y) for y in styled]).mean(0)
    w = torch.tensor(weights)
    s_photo, s_styled = [(w * photo_layers).sum().item()], [(w * styled_layers).sum().item()]
    content = []
    for x, y in zip(photos, styled, strict=True):
        _, cx = perceptual(x)
        _, cy = perceptual(y)
        content.append(((cy - cx).pow(2).mean() / cx.pow(2).mean()).item())
    mean = lambda v: sum(v) / len(v)  # noqa: E731
    return {
        "style_loss": mean(s_styled),
        "style_loss_photo": mean(s_photo),
        "style_ratio": mean(s_photo) / mean(s_styled),
        "content_loss": mean(content),
        "style_layers": list(perceptual.backbone.style_layers),
        "style_layer_weights": list(weights),
        "style_loss_by_layer": [round(v, 5) for v in styled_layers.tolist()],
        "style_loss_photo_by_layer": [round(v, 5) for v in photo_layers.tolist()],
    }


def evaluate(
    data_root: Path, style: str, limit: int | None = None, perceptual=None, net=None
) -> dict:
    from models.common.images import to_tensor

    hyp = {**HYP, **STYLE_OVERRIDES.get(style, {})}
    perceptual = perceptual or perceptual_nets.darknet(
        Path(data_root) / perceptual_nets.DARKNET_FILE, hyp["content_layer"]
    )
    net = net or SPEC.load(style, device=torch.device("cpu"))
    painting = to_tensor(load_rgb(style_path(data_root, style), hyp["style_size"]))[None]
    _, held_out = split(data_root)
    held_out = held_out[:limit]
    photos, styled, start = [], [], time.perf_counter()
    for path in held_out:
        photo = load_rgb(path)
        photos.append(to_tensor(photo)[None])
        styled.append(to_tensor(predict.stylize(photo, style, SIZE, net=net).image)[None])
    seconds = (time.perf_counter() - start) / len(held_out)
    return {
        "split": f"{len(held_out)} held-out photos (style/photos, seeded pick), {SIZE} px",
        "n": len(held_out),
        **style_scores(perceptual, painting, photos, styled),
        "s_per_photo_256": round(seconds, 3),
        "perceptual": "Darknet tiny",
    }


def main(argv: list[str] | None = None) -> None:
    p = eval_parser("style", __doc__.split("\n\n")[0])
    p.set_defaults(variant="all")
    args = p.parse_args(argv)
    styles = STYLES if args.variant == "all" else (args.variant,)
    results = {}
    for style in styles:
        if not SPEC.weights_path(style).is_file():
            print(f"{style}: no weights ({SPEC.weights_path(style)}), skipped")
            continue
        results[style] = r = evaluate(args.data_dir, style, args.limit)
        by_layer = ", ".join(
            f"{p / max(s, 1e-12):.1f}x"
            for p, s in zip(r["style_loss_photo_by_layer"], r["style_loss_by_layer"], strict=True)
        )
        print(
            f"{style:14s} style loss {r['style_loss']:.4f} (photos {r['style_loss_photo']:.4f}, "
            f"{r['style_ratio']:.1f}x lower; by layer {by_layer}), content loss "
            f"{r['content_loss']:.3f}"
        )
        if args.write:
            write_metrics(SPEC.artefact(style, METRICS), r)
    if args.write and args.variant == "all" and results:
        ratios = [r["style_ratio"] for r in results.values()]
        summary = {
            "split": next(iter(results.values()))["split"] + f"; {len(results)} styles",
            "style_ratio": min(ratios),
            "style_loss": sum(r["style_loss"] for r in results.values()) / len(results),
            "style_loss_photo": sum(r["style_loss_photo"] for r in results.values()) / len(results),
            "content_loss": sum(r["content_loss"] for r in results.values()) / len(results),
            "note": "style_ratio: the lowest of the styles; the other figures: their mean",
            "styles": {s: {k: v for k, v in r.items() if k != "split"} for s, r in results.items()},
        }
        write_metrics(SPEC.artefact("default", METRICS), summary)
        print(f"wrote the metrics next to {SPEC.weights_path(styles[0])}")


if __name__ == "__main__":
    main()
