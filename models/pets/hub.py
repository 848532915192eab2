"""The optional pretrained model: torchvision's DeepLabV3 (MobileNetV3-Large backbone) trained on
a COCO subset with the 20 Pascal VOC classes; its cat and dog classes together are the pet.

Why this one: of torchvision's segmentation models it is the smallest (11 M parameters, 42 MB)
and fast on a CPU; it saw many breeds of cats and dogs in COCO, so it shows what broad
pretraining buys over the net trained here on 514 photos of mostly three breeds. Its weights
come through torch.hub's download (cached under torch.hub.get_dir()); without internet the
attempt fails quickly (models.common.hub probes the network first and does not retry for a
minute), the tab says the model needs internet, and the model trained here keeps working.
"""

import torch

from models.common.device import model_device
from models.common.errors import Message
from models.common.hub import (
    cached_file,  # noqa: F401 (the tests ask it what is downloaded)
    get_pretrained,
    torch_hub_state,
    unavailable_says,
)
from models.common.images import ImageInput
from models.pets.predict import Segmentation, from_logits, load_photo

MODEL_ID = "torchvision/deeplabv3_mobilenet_v3_large/COCO_WITH_VOC_LABELS_V1"
PET_CLASSES = ("cat", "dog")  # VOC categories that count as pet
LONG_SIDE = 520  # torchvision's resize for these weights
NO_CLASS = -1e4  # logit given to the border class, which this model does not have


def weights():
    from torchvision.models.segmentation import DeepLabV3_MobileNet_V3_Large_Weights

    return DeepLabV3_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1


def from_pretrained(model_id: str, local_only: bool):
    """(net on the app's device, its categories, mean, std): from torch.hub's cache, or
    downloaded when `local_only` is False; OSError when not cached and local_only."""
    from torchvision.models.segmentation import deeplabv3_mobilenet_v3_large

    w = weights()
    state = torch_hub_state(model_id, w.url, local_only)
    categories = list(w.meta["categories"])
    net = deeplabv3_mobilenet_v3_large(
        weights=None, weights_backbone=None, num_classes=len(categories), aux_loss=True
    )
    net.load_state_dict(state)
    transforms = w.transforms()
    return net.eval().to(model_device()), categories, transforms.mean, transforms.std


def get_model():
    unavailable = Message(
        "The pretrained model {model} could not be downloaded from download.pytorch.org "
        "(this needs internet access). The model trained here still works.",
        model="torchvision DeepLabV3",
    )
    with unavailable_says(unavailable):
        return get_pretrained(f"pets/hub/{MODEL_ID}", MODEL_ID, from_pretrained)


def pet_logits(logits: torch.Tensor, categories: list[str]) -> torch.Tensor:
    """(N, C, H, W) logits over `categories` -> (N, 3, H, W) log-probabilities over pet (the
    PET_CLASSES together), background (all the others) and border (never)."""
    log_p = logits.float().log_softmax(1)
    pet = [categories.index(name) for name in PET_CLASSES]
    other = [i for i in range(len(categories)) if i not in pet]
    pet_lp = log_p[:, pet].logsumexp(1)
    other_lp = log_p[:, other].logsumexp(1)
    return torch.stack([pet_lp, other_lp, torch.full_like(pet_lp, NO_CLASS)], 1)


def segment(image: ImageInput) -> Segmentation:
    """segment() of models.pets.predict, by the pretrained model (no border class)."""
    net, categories, mean, std = get_model()
    photo = load_photo(image)
    param = next(net.parameters())
    mean_t = torch.tensor(mean).view(1, 3, 1, 1)
    std_t = torch.tensor(std).view(1, 3, 1, 1)

    def run(x: torch.Tensor) -> torch.Tensor:
        x = ((x - mean_t) / std_t).to(param.device, param.dtype)
        return pet_logits(net(x)["out"], categories)

    return from_logits(photo, run, LONG_SIDE, 16)
