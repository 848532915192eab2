"""The optional pretrained model: a ViT-Base/16 pretrained on ImageNet-21k and fine-tuned on
CIFAR-10, from the Hugging Face Hub through transformers.

Why nielsr/vit-base-patch16-224-in21k-finetuned-cifar10: it is the model of Hugging Face's own
ViT fine-tuning tutorial (98.55 % on its evaluation split, by its card; not measured here), its
labels are CIFAR-10's class names, and at 86 M parameters it answers in a fraction of a second
on a CPU. It shows what pretraining on 14 M images buys over the ResNet-18 trained here from
CIFAR-10 alone. Without internet it cannot be downloaded; the tab then says so and keeps using
the model trained here.
"""

import torch

from models.cifar10 import HUB_MODEL, LABELS
from models.cifar10.predict import load_photo
from models.common.device import model_device
from models.common.hub import HubUnavailable, get_pretrained
from models.common.images import ImageInput, center_square


def from_pretrained(model_id: str, local_only: bool):
    """(image processor, model on the best device, the model's class names in output order)."""
    from transformers import AutoImageProcessor, AutoModelForImageClassification

    processor = AutoImageProcessor.from_pretrained(model_id, local_files_only=local_only)
    model = AutoModelForImageClassification.from_pretrained(model_id, local_files_only=local_only)
    names = [str(model.config.id2label[i]).lower() for i in range(model.config.num_labels)]
    if sorted(names) != sorted(LABELS):
        raise HubUnavailable(f"{model_id} is not a CIFAR-10 classifier: its classes are {names}")
    return processor, model.eval().to(model_device()), names


def get_model(model_id: str = HUB_MODEL):
    return get_pretrained(f"cifar10/hub/{model_id}", model_id, from_pretrained)


@torch.no_grad()
def predict(image: ImageInput, model_id: str = HUB_MODEL) -> dict[str, float]:
    """Class probabilities in CIFAR-10's order, for the centre square of any image (the
    processor resizes it to the model's input size)."""
    processor, model, names = get_model(model_id)
    photo = load_photo(image)
    inputs = processor(images=center_square(photo, min(photo.size)), return_tensors="pt")
    logits = model(pixel_values=inputs["pixel_values"].to(model.device)).logits
    probs = dict(zip(names, logits.softmax(-1)[0].tolist(), strict=True))
    return {label: probs[label] for label in LABELS}
