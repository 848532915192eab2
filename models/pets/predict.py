"""Pet segmentation inference: any photo in, the pet mask at the photo's own resolution out.

from models.pets.predict import segment
result = segment("cat.jpg")      # Segmentation: mask (H, W) bool, probability, classes, pet_share

The photo is resized to the net's long side (Config.image_size), padded to its stride, and the
logits come back resized to the photo's size (models.common.images.run_image_to_image).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from models.common.device import to_net
from models.common.errors import Message
from models.common.images import ImageInput, fit_long_side, open_photo, run_image_to_image
from models.pets import SPEC
from models.pets.net import BACKGROUND, PET, PetNet

WORK_SIDE = 1024  # logits are resized to at most this long side; PIL scales further up
THRESHOLD = 0.5  # pet where the probability of pet against background is above this
# When to say so: a predicted pet region smaller than NO_PET_SHARE of the photo is "no pet";
# one whose mean pet probability is under SURE_PROBABILITY, or smaller than SURE_SHARE of the
# photo, is "unsure". Chosen on the validation photos and scikit-image's photos without a pet
# (see CARD.md, "Saying when it is unsure").
NO_PET_SHARE = 0.01
SURE_SHARE = 0.03
SURE_PROBABILITY = 0.85
PET_FOUND, UNSURE, NO_PET = "pet", "unsure", "no pet"


@dataclass
class Segmentation:
    """What segment() finds, all at the resolution of the decoded photo `image`."""

    image: Image.Image  # the photo as RGB
    mask: np.ndarray  # (H, W) bool: pet
    probability: np.ndarray  # (H, W) float32: probability of pet against background
    classes: np.ndarray  # (H, W) uint8: the trimap prediction, 0 pet / 1 background / 2 border
    pet_share: float  # share of the photo's pixels that are pet
    notice: Message | None = None  # e.g. the photo was processed at a reduced size


def region_probability(result: Segmentation) -> float:
    """The mean probability of pet over the pixels called pet (0 when there are none)."""
    return float(result.probability[result.mask].mean()) if result.mask.any() else 0.0


def verdict(result: Segmentation) -> str:
    """PET_FOUND, UNSURE or NO_PET, from the predicted region's area and mean probability."""
    if result.pet_share < NO_PET_SHARE:
        return NO_PET
    if result.pet_share < SURE_SHARE or region_probability(result) < SURE_PROBABILITY:
        return UNSURE
    return PET_FOUND


def get_model(variant: str = "default") -> PetNet:
    return SPEC.get_model(variant)


TOO_SMALL = Message(
    "The image is {width}x{height} pixels: too small to find a pet in (at least {n} pixels a side)."
)


def load_photo(image: ImageInput) -> Image.Image:
    """The RGB photo of any upload (InputError for unreadable, tiny or empty images)."""
    return open_photo(image, TOO_SMALL)


def from_logits(
    photo: Image.Image,
    run: Callable[[torch.Tensor], torch.Tensor],
    long_side: int,
    multiple: int,
) -> Segmentation:
    """The Segmentation of `photo` by `run`, a function from a (1, 3, h, w) batch in [0, 1] to
    (1, 3, h, w) logits over pet / background / border (the trained net, or the pretrained
    model's logits mapped to those classes). Logits are resized to at most WORK_SIDE; a larger
    photo gets its probabilities and classes scaled up by PIL (fast, and no 3-channel float
    copy of a 12-megapixel photo)."""
    work = fit_long_side(photo.size, min(max(photo.size), WORK_SIDE))
    with torch.inference_mode():
        logits, notice = run_image_to_image(photo, run, long_side, multiple, out_size=work)
        probability = torch.sigmoid(logits[PET] - logits[BACKGROUND]).numpy()
        classes = logits.argmax(0).to(torch.uint8).numpy()
    if work != photo.size:
        probability = np.asarray(
            Image.fromarray(probability, mode="F").resize(photo.size, Image.Resampling.BILINEAR)
        )
        classes = np.asarray(Image.fromarray(classes).resize(photo.size, Image.Resampling.NEAREST))
    mask = probability > THRESHOLD
    return Segmentation(photo, mask, probability, classes, float(mask.mean()), notice)


def shrink(result: Segmentation, max_side: int) -> Segmentation:
    """The same segmentation at a long side of at most `max_side` (for display)."""
    if max(result.image.size) <= max_side:
        return result
    size = fit_long_side(result.image.size, max_side)
    probability = np.asarray(
        Image.fromarray(result.probability, mode="F").resize(size, Image.Resampling.BILINEAR)
    )
    classes = np.asarray(Image.fromarray(result.classes).resize(size, Image.Resampling.NEAREST))
    image = result.image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    mask = probability > THRESHOLD
    return Segmentation(image, mask, probability, classes, result.pet_share, result.notice)


def segment(image: ImageInput, net: PetNet | None = None) -> Segmentation:
    """The pet mask, probabilities and trimap classes of any photo, at its resolution."""
    net = net or get_model()
    photo = load_photo(image)
    return from_logits(photo, lambda x: net(to_net(x, net)), net.cfg.image_size, net.stride)


def mask_image(mask: np.ndarray) -> Image.Image:
    """The binary mask as an 8-bit image: white = pet, black = background."""
    return Image.fromarray(np.where(mask, 255, 0).astype(np.uint8), mode="L")
