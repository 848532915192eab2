"""Digits inference: MNIST-style preprocessing of a sketch or photo, then the CNN.

from models.digits.predict import predict
predict("seven.png")   # {"7": 0.98, "1": 0.01, ...}
"""

import numpy as np
import torch
from PIL import Image, ImageFilter

from models.common.batching import MicroBatcher
from models.common.device import to_net
from models.common.errors import InputError
from models.common.images import ImageInput, open_image, to_gray
from models.digits import SPEC
from models.digits.net import IMAGE_SIZE, LABELS, DigitNet

DIGIT_BOX = 20  # MNIST: the digit's long side is scaled to 20 px inside the 28x28 frame
MIN_CONTRAST = 0.15  # ink darker than the paper by less than this counts as an empty canvas
INK_THRESHOLD = 0.25  # after contrast stretching, fainter pixels are paper
MAX_SIDE = 512  # larger photos are shrunk first: plenty for one digit, and fast
MEDIAN_MIN_SIDE = 100  # smaller images (MNIST's own 28x28) have 2-3 px strokes a median erases


def get_model(variant: str = "default") -> DigitNet:
    return SPEC.get_model(variant)


def light_on_dark(gray: np.ndarray) -> bool:
    """Whether an image (H, W) in [0, 1] is light ink on a dark background, as MNIST stores its
    digits. The paper's tone is the median of the one-pixel border (where a single digit seldom
    reaches); the ink is the extreme farther from it. So a dimly lit photo, grey paper with
    darker ink, is still dark on light."""
    border = np.concatenate([gray[0], gray[-1], gray[1:-1, 0], gray[1:-1, -1]])
    paper = float(np.median(border))
    return float(gray.max()) - paper > paper - float(gray.min())


def ink_from_sketch(value: dict | ImageInput | None) -> np.ndarray | None:
    """Ink in [0, 1] (H, W) from a Gradio Sketchpad value or an image of one digit, dark ink on
    light paper or (inverted first) light ink on a dark background; None for an empty canvas.
    Transparent pixels count as paper (white)."""
    if isinstance(value, dict):  # Gradio 6 Sketchpad: {"background", "layers", "composite"}
        value = value.get("composite")
    if value is None:
        return None
    gray = to_gray(open_image(value, max_side=MAX_SIDE))
    if max(gray.size) >= MEDIAN_MIN_SIDE:
        gray = gray.filter(ImageFilter.MedianFilter(3))  # removes a photo's speckle
    pixels = np.asarray(gray)
    if light_on_dark(pixels / 255):
        pixels = 255 - pixels  # then read exactly as the same digit in dark ink on white
    ink = 1 - pixels.astype(np.float32) / 255
    paper = float(np.median(ink))
    contrast = float(ink.max()) - paper
    if contrast < MIN_CONTRAST:
        return None
    ink = np.clip((ink - paper) / contrast, 0, 1)  # photos: grey paper -> 0, darkest ink -> 1
    ink[ink < INK_THRESHOLD] = 0
    return ink


def mnist_style(ink: np.ndarray) -> np.ndarray:
    """Crop to the ink, scale the long side to 20 px (aspect kept), centre by centre of mass in
    28x28, as MNIST was made. Returns (28, 28) float32 in [0, 1], white ink on black."""
    rows, cols = np.nonzero(ink)
    crop = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    h, w = crop.shape
    scale = DIGIT_BOX / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = Image.fromarray((crop * 255).astype(np.uint8)).resize(size, Image.Resampling.LANCZOS)
    digit = np.asarray(small, dtype=np.float32) / 255
    total = digit.sum()
    cy, cx = (np.indices(digit.shape) * digit).reshape(2, -1).sum(1) / max(total, 1e-6)
    top = int(np.clip(round(IMAGE_SIZE / 2 - cy), 0, IMAGE_SIZE - digit.shape[0]))
    left = int(np.clip(round(IMAGE_SIZE / 2 - cx), 0, IMAGE_SIZE - digit.shape[1]))
    frame = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    frame[top : top + digit.shape[0], left : left + digit.shape[1]] = digit
    return frame


def preprocess(value: dict | ImageInput | None) -> np.ndarray:
    """The 28x28 image the model sees; InputError when there is no ink (a sketch: "Draw a
    digit ..."; an image: "No digit found ...")."""
    ink = ink_from_sketch(value)
    if ink is None:
        if value is None or isinstance(value, dict):
            raise InputError("Draw a digit: the canvas is empty.")
        raise InputError(
            "No digit found: the image looks blank. Use dark ink on light paper (or light ink "
            "on a dark background)."
        )
    return mnist_style(ink)


@torch.no_grad()
def classify(images: np.ndarray, net: DigitNet | None = None) -> np.ndarray:
    """Probabilities (N, 10) for preprocessed images (N, 28, 28)."""
    net = net or get_model()
    x = to_net(torch.from_numpy(np.asarray(images, dtype=np.float32)).unsqueeze(1), net)
    with torch.inference_mode():
        return net(x).float().softmax(1).cpu().numpy()


# requests that arrive together share one forward pass
_batched = MicroBatcher(lambda images: classify(np.stack(images)))


def probabilities(image28: np.ndarray) -> np.ndarray:
    """Probabilities (10,) for one preprocessed image (28, 28), batched with concurrent calls."""
    return _batched(image28)


def predict(value: dict | ImageInput | None) -> dict[str, float]:
    """Class probabilities {"0": p0, ..., "9": p9} for a sketch or an image of one digit."""
    probs = probabilities(preprocess(value))
    return {label: float(p) for label, p in zip(LABELS, probs, strict=True)}
