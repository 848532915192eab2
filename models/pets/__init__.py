"""Pet segmentation: an encoder-decoder trained on Oxford-IIIT Pet trimaps (pet / background /
border), its encoder initialised from an ImageNet-trained Darknet tiny."""

from models.common.spec import Figure, Metric, ModelSpec
from models.pets.net import Config, PetNet

SPEC = ModelSpec(
    name="pets",
    architecture="UNet-style encoder-decoder: Darknet tiny encoder (ImageNet-pretrained, 15 "
    "conv layers to 1/16), transposed-conv decoder with skip connections at 1/8, 1/4, 1/2; "
    "3 classes (pet, background, border), 1.45 M parameters",
    training_data="Oxford-IIIT Pet subset: 450 of its 514 trainval photos (64 held out for "
    "validation), mostly Abyssinian, Bengal and American bulldog; random resized crops, flips, "
    "rotation, colour jitter",
    build=lambda config: PetNet(Config.from_dict(config)),
    metrics=(
        Metric("pet_iou", "pet IoU", "percent"),
        Metric("mean_iou", "mean IoU (pet, background)", "percent"),
        Metric("pixel_accuracy", "pixel accuracy", "percent"),
    ),
    curves=("train_loss", "val_iou"),
    figures=(Figure("samples.png", "Test photos: truth (green outline) and prediction"),),
)
