"""Handwritten digits: a small CNN trained on MNIST, read from a sketch or a photo."""

from models.common.spec import Figure, Metric, ModelSpec, NetBuilder

LABELS = [str(d) for d in range(10)]  # (the tab's chart shows them before the model loads)


SPEC = ModelSpec(
    name="digits",
    architecture="CNN: 3 conv stages (32, 64, 128 channels) with BatchNorm, global average pool",
    training_data="MNIST, 55,000 training digits (5,000 held out for validation), augmented "
    "with rotation, zoom, shift and stroke width",
    build=NetBuilder("models.digits.net", "DigitNet"),
    metrics=(Metric("accuracy", "accuracy", floor=0.99),),  # measured: 99.59 % on all 10,000
    curves=("train_loss", "val_acc"),
    figures=(Figure("confusion.png", "Confusion matrix"),),
    sample_data=("MNIST/raw",),
    train_data=("MNIST/raw",),
    tiny={"widths": [4, 8, 8]},
)
