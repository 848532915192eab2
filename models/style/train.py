"""Train one fast style network (Johnson et al.) per preset style.

    python -m models.train style --variant candy --threads 1            # one style
    python -m models.train style --variant candy --threads 1 --resume   # continue it
    bash scripts/train_style_presets.sh                                 # all presets, in turn

The photos (`<data-dir>/style/photos`, 2,000 at 256x256, HELD_OUT kept for evaluate.py) are
the content; the painting `<data-dir>/style/styles/<variant>.jpg` is the style. The loss network
is Darknet tiny (models/style/perceptual.py; --perceptual names another file). Losses are
normalised per layer (content by its target's mean square, each style layer by its target Gram's
mean square), so the weights below read as "how much of each" rather than as magnitudes.
Writes `weights/<variant>.safetensors` (fp16), its `.log.jsonl` and a thumbnail of the painting,
`<variant>.style.jpg`, for the About panel.
"""

from pathlib import Path

import torch
from PIL import Image

from models.common.images import to_tensor
from models.common.paths import artefact
from models.common.training import TrainRun, base_parser, recipe, start_training
from models.style import THUMBNAIL
from models.style import perceptual as perceptual_nets
from models.style.data import load_rgb, random_crops, split, style_path
from models.style.net import Config, TransformerNet
from models.style.perceptual import StyleLoss, content_loss, objective

HYP = {
    "crop": 128,  # training crops, crop x crop pixels, of the 256x256 photos (CPU budget)
    "style_size": 320,  # long side of the painting when its Gram matrices are taken
    # Content layer of Darknet tiny: 10 (256 ch at 1/8, VGG relu4_2's counterpart). Layer 5
    # (128 ch at 1/4, as Johnson et al. take relu2_2) gave the same style loss after 150 steps
    # of candy (1.15) and kept less of the photo at that point: not taken.
    "content_layer": 10,
    "content_weight": 1.0,
    "style_weight": 1.0,  # x the sum over style layers of the backbone's layer weights
    "tv_weight": 0.02,  # total variation (smoothness) of the output
    "log_every": 25,  # steps per log row and checkpoint
}
STYLE_OVERRIDES: dict[str, dict] = {}  # per-style changes to HYP, chosen by looking at outputs


def write_thumbnail(path: Path, out: Path, size: int = 256) -> None:
    image = Image.open(path).convert("RGB")
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, quality=85, optimize=True)


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("style", epochs=1.2, lr=1e-3, batch_size=4, config=Config)
    parser.add_argument(
        "--perceptual",
        default=None,
        help="Darknet tiny safetensors for the loss network (default: $GALLERY_PERCEPTUAL, "
        "else <data-dir>/style/perceptual/...)",
    )
    args = parser.parse_args(argv)
    if args.variant == "default":
        parser.error("--variant names the style: a file stem of <data-dir>/style/styles/*.jpg")
    _, device = start_training(args)
    hyp = {**HYP, **STYLE_OVERRIDES.get(args.variant, {})}

    train_paths, _ = split(args.data_dir)
    painting = style_path(args.data_dir, args.variant)
    perceptual = perceptual_nets.darknet(
        args.perceptual or Path(args.data_dir) / perceptual_nets.DARKNET_FILE,
        hyp["content_layer"],
    ).to(device)
    style_loss = StyleLoss(
        perceptual, to_tensor(load_rgb(painting, hyp["style_size"]))[None].to(device)
    )

    steps_per_epoch = len(train_paths) // args.batch_size
    total_steps = 2 if args.dry_run else max(1, round(args.epochs * steps_per_epoch))
    crop = 64 if args.dry_run else hyp["crop"]
    cfg = args.config.with_overrides(f"style={args.variant}")
    net = TransformerNet(cfg).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    run = TrainRun(args, total_steps, desc=f"style {args.variant}", model=net, optimizer=optimizer)

    sums = {"loss": 0.0, "content": 0.0, "style": 0.0}
    while run.step < total_steps:
        net.train()
        optimizer.zero_grad(set_to_none=True)
        x = random_crops(train_paths, args.batch_size, crop).to(device)
        with torch.no_grad():
            _, x_content = perceptual(x)
        y = net(x)
        style_feats, y_content = perceptual(y)
        content_l, style_l = content_loss(y_content, x_content), style_loss(style_feats)
        loss = objective(hyp, content_l, style_l, y)
        loss.backward()
        optimizer.step()
        run.took_step(loss.item())
        for key, value in (("loss", loss), ("content", content_l), ("style", style_l)):
            sums[key] += value.item()
        if run.step % hyp["log_every"] == 0 or run.step == total_steps:
            n = (run.step - 1) % hyp["log_every"] + 1
            run.end_epoch(
                run.step / steps_per_epoch,
                train_loss=sums["loss"] / n,
                content_loss=sums["content"] / n,
                style_loss=sums["style"] / n,
            )
            sums = dict.fromkeys(sums, 0.0)

    recipe_ = recipe(
        args,
        hyp,
        optimizer="Adam, constant lr",
        steps=total_steps,
        perceptual="Darknet tiny (ImageNet, ml5js, MIT): style layers "
        f"{perceptual.backbone.style_layers}, content layer {perceptual.backbone.content_layer}",
        style_image=painting.name,
    )
    path = run.save_weights(net.state_dict(), recipe_, cfg.to_dict())
    write_thumbnail(painting, artefact(args.out, args.variant, THUMBNAIL))
    print(f"wrote {path} ({total_steps} steps, {run.elapsed:.0f} s)")


if __name__ == "__main__":
    main()
