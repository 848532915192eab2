"""The optional perceptual networks from torchvision: VGG16 and VGG19 trained on ImageNet, the
loss networks of Johnson et al. and Gatys et al. Their weights (528 / 548 MB) come through
torch.hub's download (cached under torch.hub.get_dir()); without internet the attempt fails
quickly (models.common.hub probes the network first and does not retry for a minute) and "your
own style" says so. A local copy of the state_dict can be named instead with
$GALLERY_PERCEPTUAL_VGG (models.style.perceptual.from_file reads it, never unpickling code).
"""

import os

from models.common.device import model_device
from models.common.errors import Message
from models.common.hub import (
    cached_file,  # noqa: F401 (the tests ask it what is downloaded)
    get_pretrained,
    torch_hub_state,
    unavailable_says,
)
from models.style.perceptual import Perceptual, from_file, vgg

VGG_ENV = "GALLERY_PERCEPTUAL_VGG"  # a local VGG state_dict file (its name says 16 or 19)
MODEL_IDS = {
    "vgg16": "torchvision/vgg16/IMAGENET1K_V1",
    "vgg19": "torchvision/vgg19/IMAGENET1K_V1",
}


def weights_url(name: str) -> str:
    from torchvision import models

    enum = models.VGG16_Weights if name == "vgg16" else models.VGG19_Weights
    return enum.IMAGENET1K_V1.url


def from_pretrained(model_id: str, local_only: bool) -> Perceptual:
    """The VGG of `model_id` (a value of MODEL_IDS) as a perceptual network on the app's
    device: from torch.hub's cache, or downloaded when `local_only` is False (OSError when it
    is not cached and local_only)."""
    name = next(name for name, id_ in MODEL_IDS.items() if id_ == model_id)
    return vgg(name, torch_hub_state(model_id, weights_url(name), local_only)).to(model_device())


def get_vgg(name: str) -> Perceptual:
    """VGG16 or VGG19 as a perceptual network: $GALLERY_PERCEPTUAL_VGG's file when it is set,
    else torchvision's download; HubUnavailable with a plain message when offline."""
    local = os.environ.get(VGG_ENV)
    if local:
        return from_file(local, name).to(model_device())
    unavailable = Message(
        "The perceptual network {model} could not be downloaded from download.pytorch.org "
        "(this needs internet access). Darknet tiny works offline.",
        model=name.upper(),
    )
    with unavailable_says(unavailable):
        return get_pretrained(f"style/hub/{name}", MODEL_IDS[name], from_pretrained)
