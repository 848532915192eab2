"""CIFAR-10: a ResNet-18 trained here on the ten classes of 32x32 photos, with Grad-CAM."""

from models.common.spec import Figure, Metric, ModelSpec, NetBuilder

# What the tab shows before a model loads (this package's __init__ imports no torch)
LABELS = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
HUB_MODEL = "nielsr/vit-base-patch16-224-in21k-finetuned-cifar10"  # the pretrained choice (hub.py)


SPEC = ModelSpec(
    name="cifar10",
    architecture="ResNet-18 (torchvision, 3x3 stem for 32x32 inputs), test-time mirror averaging",
    training_data="CIFAR-10, 45,000 training images (5,000 held out for validation), "
    "random flip, 4-pixel translation and cutout",
    build=NetBuilder("models.cifar10.net"),
    metrics=(Metric("accuracy", "accuracy", floor=0.90),),  # measured: 92.72 % on all 10,000
    curves=("train_loss", "val_acc"),
    figures=(Figure("confusion.png", "Confusion matrix"),),
    sample_data=("cifar10/test",),
    train_data=("cifar10/train",),
    # the shipped recipe (ResNet-18, cutout) as the teacher of a small distilled airbench net
    dry_runs=(
        ("--batch-size", "32", "--variant", "teacher"),
        ("--batch-size", "32", "--arch", "airbench", "--config", "widths=16/32/32")
        + ("--teacher", "{out}/teacher.safetensors"),
    ),
    tiny={"arch": "airbench", "widths": [8, 8, 8]},
    train_command="python -m models.train cifar10 --device cuda",
)
