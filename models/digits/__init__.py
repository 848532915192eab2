"""Handwritten digits: a small CNN trained on MNIST, read from a sketch or a photo."""

from models.common.spec import Figure, Metric, ModelSpec

LABELS = [str(d) for d in range(10)]  # (the tab's chart shows them before the model loads)


def build(config: dict):
    """The net of a weights header's config (imported here: the app starts without torch)."""
    from models.digits.net import Config, DigitNet

    return DigitNet(Config.from_dict(config))


SPEC = ModelSpec(
    name="digits",
    architecture="CNN: 3 conv stages (32, 64, 128 channels) with BatchNorm, global average pool",
    training_data="MNIST, 55,000 training digits (5,000 held out for validation), augmented "
    "with rotation, zoom, shift and stroke width",
    build=build,
    metrics=(Metric("accuracy", "accuracy"),),
    curves=("train_loss", "val_acc"),
    figures=(Figure("confusion.png", "Confusion matrix"),),
)
