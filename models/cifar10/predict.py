"""CIFAR-10 inference: centre-crop any image to a square, resize to 32x32, classify.

from models.cifar10.predict import predict
predict("cat.jpg")   # {"cat": 0.91, "dog": 0.05, ...}
"""

import numpy as np
import torch
from PIL import Image

from models.cifar10 import SPEC
from models.cifar10.net import IMAGE_SIZE, LABELS, Net, predict_tta
from models.common.batching import MicroBatcher
from models.common.device import to_net
from models.common.errors import InputError
from models.common.gradcam import grad_cam
from models.common.images import ImageInput, center_square, open_image, to_rgb, to_tensor

TTA_LEVEL = 1  # the app averages the image and its mirror (level 2 adds shifts: 3x the cost)
MAX_SIDE = 512  # photos are shrunk to this long side first: plenty for a 32x32 input, and fast


def get_model(variant: str = "default") -> Net:
    return SPEC.get_model(variant)


def load_photo(image: ImageInput) -> Image.Image:
    """The RGB photo of any upload, at most MAX_SIDE a side (what the models and Grad-CAM's
    overlay start from)."""
    return to_rgb(open_image(image, max_side=MAX_SIDE))


def preprocess(image: ImageInput) -> Image.Image:
    """The 32x32 RGB image the model sees."""
    return center_square(load_photo(image), IMAGE_SIZE)


@torch.no_grad()
def classify(batch: torch.Tensor, net: Net | None = None, tta_level: int = TTA_LEVEL):
    """Probabilities (N, 10) for a batch (N, 3, 32, 32) in [0, 1]."""
    net = net or get_model()
    with torch.inference_mode():
        logits = predict_tta(net, to_net(batch, net), tta_level)
        return logits.float().softmax(1).cpu()


def gradcam(image: ImageInput, label: str | None = None, size: int = 224) -> tuple[np.ndarray, str]:
    """Grad-CAM heat map (size, size) in [0, 1] over the centre square the model sees, for
    `label` (default: the top class `predict` gives), and that label. It explains the logit
    `predict` uses, averaged over the image and its mirror, at the net's `cam_layer` (the last
    residual stage: 4x4 cells of 8x8 pixels for a 32x32 input), upsampled straight to `size`."""
    net = get_model()
    x = to_tensor(preprocess(image))[None]
    if label is None:
        target = int(classify(x, net).argmax(1))
    elif label in LABELS:
        target = LABELS.index(label)
    else:
        raise InputError(
            "Unknown class {label!r}: pick one of {labels}.", label=label, labels=", ".join(LABELS)
        )
    heat = grad_cam(net, net.cam_layer, to_net(x, net), target, (size, size), TTA_LEVEL >= 1)
    return heat.cpu().numpy(), LABELS[target]


# requests that arrive together share one forward pass
_batched = MicroBatcher(lambda images: classify(torch.stack(images)))


def predict(image: ImageInput) -> dict[str, float]:
    """Class probabilities {"airplane": p, ..., "truck": p} for any image; concurrent calls are
    batched."""
    probs = _batched(to_tensor(preprocess(image)))
    return {label: float(p) for label, p in zip(LABELS, probs, strict=True)}
