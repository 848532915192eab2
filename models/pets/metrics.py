"""Segmentation scores over pet and background, border pixels ignored (the Oxford-IIIT Pet
convention: the trimap's border band is neither right nor wrong)."""

import numpy as np
import torch

from models.pets.net import BACKGROUND, PET


def pet_confusion(pet: torch.Tensor, target: torch.Tensor) -> np.ndarray:
    """counts[true, predicted] over {0: pet, 1: background}: `pet` a boolean mask, `target`
    class indices of the same shape; border and ignored pixels are skipped."""
    valid = (target == PET) | (target == BACKGROUND)
    true = (target[valid] != PET).long()  # 0 = pet, 1 = background
    predicted = (~pet[valid]).long()
    return torch.bincount(true * 2 + predicted, minlength=4).reshape(2, 2).numpy()


def scores(counts: np.ndarray) -> dict[str, float]:
    """pet IoU, background IoU, their mean, and pixel accuracy from pet_confusion counts.
    An IoU whose class is absent from both prediction and truth counts as 1."""
    counts = np.asarray(counts, dtype=np.float64)
    ious = []
    for c in (0, 1):
        union = counts[c, :].sum() + counts[:, c].sum() - counts[c, c]
        ious.append(counts[c, c] / union if union else 1.0)
    total = counts.sum()
    return {  # plain floats: they go into JSON files and weights_only checkpoints
        "pet_iou": float(ious[0]),
        "background_iou": float(ious[1]),
        "mean_iou": float(ious[0] + ious[1]) / 2,
        "pixel_accuracy": float(np.trace(counts) / total) if total else 1.0,
    }
