"""The device models run on: CUDA, else Apple's MPS, else the CPU; and in which precision.

The app decides once at start (`use_device(args.device)`); every model it loads then goes to
`model_device()`. Training scripts pick their own with `pick_device(--device)`.
"""

import os
import threading

import torch

DEVICE_ENV = (
    "GALLERY_DEVICE"  # auto | cpu | cuda | mps: the app's device when --device is not given
)

_chosen: torch.device | None = None
_lock = threading.Lock()


def pick_device(preference: str = "auto") -> torch.device:
    """The best available device for "auto", else the one asked for (checked to exist)."""
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
    if preference not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unknown device {preference!r}: use auto, cpu, cuda or mps")
    return torch.device(preference)


def use_device(preference: str) -> torch.device:
    """Decide the device every model of this process is loaded onto (the app calls it once)."""
    global _chosen
    with _lock:
        _chosen = pick_device(preference)
        return _chosen


def model_device() -> torch.device:
    """The device decided by `use_device`; on first use without one, $GALLERY_DEVICE or auto."""
    global _chosen
    with _lock:
        if _chosen is None:
            _chosen = pick_device(os.environ.get(DEVICE_ENV) or "auto")
        return _chosen


def inference_dtype(device: torch.device, half_ok: bool = True) -> torch.dtype:
    """fp16 on CUDA for nets that tolerate it (half the memory, tensor cores); fp32 elsewhere:
    CPUs have no fast fp16 kernels and MPS lacks some of them."""
    return torch.float16 if half_ok and device.type == "cuda" else torch.float32


def to_net(x: torch.Tensor, net: torch.nn.Module) -> torch.Tensor:
    """`x` on the net's device, floating tensors in the net's precision (ids stay integers)."""
    param = next(net.parameters())
    return x.to(param.device, param.dtype if x.is_floating_point() else x.dtype)
