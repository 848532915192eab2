"""Pet segmentation: an encoder-decoder trained on Oxford-IIIT Pet trimaps (pet / background /
border), its encoder initialised from an ImageNet-trained EfficientNet-Lite0 (variant "default")
or Darknet tiny (variant "darknet"). The tab's default model is the converted DeepLabV3-
MobileNetV2 (models/pets/deeplab.py), which has its own loader."""

from models.common.spec import Figure, Metric, ModelSpec, NetBuilder

SPEC = ModelSpec(
    name="pets",
    architecture="UNet-style encoder-decoder: EfficientNet-Lite0 encoder (ImageNet-pretrained, "
    "to 1/32), transposed-conv decoder with skip connections at 1/16, 1/8, 1/4, logits at 1/4 "
    "upsampled; 3 classes (pet, background, border), 3.99 M parameters",
    training_data="Oxford-IIIT Pet subset: 450 of its 514 trainval photos (64 held out for "
    "validation), mostly Abyssinian, Bengal and American bulldog; random resized crops, flips, "
    "rotation, colour jitter",
    build=NetBuilder("models.pets.net", "PetNet"),
    metrics=(
        Metric("pet_iou", "pet IoU", "percent", floor=0.70),  # the full test split: CARD.md
        Metric("mean_iou", "mean IoU (pet, background)", "percent"),
        Metric("pixel_accuracy", "pixel accuracy", "percent"),
    ),
    curves=("train_loss", "val_iou"),
    figures=(Figure("samples.png", "Test photos: truth (green outline) and prediction"),),
    variants=("default", "darknet"),
    sample_data=("oxford-iiit-pet/annotations",),
    train_data=("oxford-iiit-pet/annotations",),
    dry_runs=(
        ("--encoder-weights", "none", "--batch-size", "4")
        + ("--config", "decoder=8/8/8,skip=4/4/4,image_size=64,encoder=darknet"),
    ),
    tiny={"decoder": [8, 8, 8], "skip": [4, 4, 4], "image_size": 64, "encoder": "darknet"},
    train_command="python -m models.train pets --threads 1",
)
