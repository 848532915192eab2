"""The device models run on: CUDA, else Apple's MPS, else the CPU; and in which precision.

The app says which at start (`use_device(args.device)`); every model it loads then goes to
`model_device()`. Training scripts pick their own with `pick_device(--device)`. "auto" is
resolved at the first model load, so the app starts without importing torch (1.6 of 5.4 s of a
cold start on a 2-core CPU); a device asked for by name is checked at once.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

DEVICE_ENV = (
    "GALLERY_DEVICE"  # auto | cpu | cuda | mps: the app's device when --device is not given
)
DEVICES = ("auto", "cpu", "cuda", "mps")

_preference: str | None = None  # what use_device was told
_chosen: torch.device | None = None
_lock = threading.Lock()


def pick_device(preference: str = "auto") -> torch.device:
    """The best available device for "auto", else the one asked for (checked to exist)."""
    import torch

    preference = preference.lower()
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
    if preference not in DEVICES:
        raise ValueError(f"unknown device {preference!r}: use {', '.join(DEVICES)}")
    return torch.device(preference)


def use_device(preference: str) -> None:
    """Decide the device every model of this process is loaded onto (the app calls it once):
    "auto" at the first model load, a named one now (ValueError or RuntimeError if it can't be)."""
    global _preference, _chosen
    if preference.lower() not in DEVICES:
        raise ValueError(f"unknown device {preference!r}: use {', '.join(DEVICES)}")
    with _lock:
        _preference, _chosen = preference, None
        if preference.lower() != "auto":
            _chosen = pick_device(preference)


def model_device() -> torch.device:
    """The device decided by `use_device`, else by $GALLERY_DEVICE, else auto: picked once, at
    the first call."""
    global _chosen
    with _lock:
        if _chosen is None:
            _chosen = pick_device(_preference or os.environ.get(DEVICE_ENV) or "auto")
        return _chosen


def decided_device() -> torch.device | None:
    """The device models load onto, or None while it is still "auto" and no model has loaded
    (an About panel says so rather than import torch to find out)."""
    with _lock:
        return _chosen


def inference_dtype(device: torch.device, half_ok: bool = True) -> torch.dtype:
    """fp16 on CUDA for nets that tolerate it (half the memory, tensor cores); fp32 elsewhere:
    CPUs have no fast fp16 kernels and MPS lacks some of them."""
    import torch

    return torch.float16 if half_ok and device.type == "cuda" else torch.float32


def to_net(x: torch.Tensor, net: torch.nn.Module) -> torch.Tensor:
    """`x` on the net's device, floating tensors in the net's precision (ids stay integers)."""
    param = next(net.parameters())
    return x.to(param.device, param.dtype if x.is_floating_point() else x.dtype)
