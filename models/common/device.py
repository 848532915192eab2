"""Pick the device a model runs on: CUDA, else Apple's MPS, else the CPU."""

import os

import torch

DEVICE_ENV = "GALLERY_DEVICE"  # auto | cpu | cuda | mps; `app.py --device` sets it


def pick_device(preference: str | None = None) -> torch.device:
    """The best available device, or the one asked for (argument, else $GALLERY_DEVICE)."""
    preference = (preference or os.environ.get(DEVICE_ENV) or "auto").lower()
    if preference == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if preference == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda was asked for, but CUDA is not available")
    if preference == "mps" and not torch.backends.mps.is_available():
        raise RuntimeError("--device mps was asked for, but MPS is not available")
    if preference not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unknown device {preference!r}: use auto, cpu, cuda or mps")
    return torch.device(preference)
