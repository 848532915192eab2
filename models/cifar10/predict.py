"""CIFAR-10 inference: centre-crop any image to a square, resize to 32x32, classify.

from models.cifar10.predict import predict
predict("cat.jpg")   # {"cat": 0.91, "dog": 0.05, ...}
"""

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.cifar10.net import IMAGE_SIZE, LABELS, Config, Net, build_net, predict_tta
from models.common.cards import ModelInfo
from models.common.device import pick_device
from models.common.errors import InputError
from models.common.gradcam import grad_cam
from models.common.images import ImageInput, center_square, open_image, to_rgb, to_tensor
from models.common.loading import load_once
from models.common.paths import weights_dir
from models.common.weights import load_net

TTA_LEVEL = 1  # the app averages the image and its mirror (level 2 adds shifts: 3x the cost)


def weights_path(variant: str = "default") -> Path:
    return weights_dir("cifar10") / f"{variant}.safetensors"


INFO = ModelInfo(
    key="cifar10",
    architecture="ResNet-18 (torchvision, 3x3 stem for 32x32 inputs), test-time mirror averaging",
    training_data="CIFAR-10, 45,000 training images (5,000 held out for validation), "
    "random flip, 4-pixel translation and cutout",
    metric="accuracy",
    train_command="python -m models.train cifar10 --device cuda",
    eval_command="python -m models.evaluate cifar10",
    weights=weights_path(),
)


def load(variant: str = "default", device: torch.device | None = None) -> Net:
    net = load_net(weights_path(variant), lambda config: build_net(Config.from_dict(config)))
    return net.to(device or pick_device())


def get_model(variant: str = "default") -> Net:
    return load_once(f"cifar10/{variant}", lambda: load(variant))


def preprocess(image: ImageInput) -> Image.Image:
    """The 32x32 RGB image the model sees."""
    return center_square(to_rgb(open_image(image, max_side=512)), IMAGE_SIZE)


@torch.no_grad()
def classify(batch: torch.Tensor, net: Net | None = None, tta_level: int = TTA_LEVEL):
    """Probabilities (N, 10) for a batch (N, 3, 32, 32) in [0, 1]."""
    net = net or get_model()
    with torch.inference_mode():
        logits = predict_tta(net, batch.to(next(net.parameters()).device), tta_level)
        return logits.softmax(1).cpu()


def gradcam(image: ImageInput, label: str | None = None, size: int = 224) -> tuple[np.ndarray, str]:
    """Grad-CAM heat map (size, size) in [0, 1] over the centre square the model sees, for
    `label` (default: the top class `predict` gives, mirror averaging included), and that
    label. Taken at the net's `cam_layer` (8x8 for ResNet-18), fine enough to point at an object
    in a 32x32 image."""
    net = get_model()
    x = to_tensor(preprocess(image))[None]
    if label is None:
        target = int(classify(x, net).argmax(1))
    elif label in LABELS:
        target = LABELS.index(label)
    else:
        raise InputError(f"Unknown class {label!r}: pick one of {', '.join(LABELS)}.")
    heat = grad_cam(net, net.cam_layer, x.to(next(net.parameters()).device), target)[None, None]
    heat = torch.nn.functional.interpolate(
        heat, size=(size, size), mode="bilinear", align_corners=False
    )
    return heat[0, 0].cpu().numpy(), LABELS[target]


def predict(image: ImageInput) -> dict[str, float]:
    """Class probabilities {"airplane": p, ..., "truck": p} for any image."""
    probs = classify(to_tensor(preprocess(image))[None])[0]
    return {label: float(p) for label, p in zip(LABELS, probs, strict=True)}
