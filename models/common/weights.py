"""Shipped weights: safetensors state_dicts with the net's Config as JSON in the header.

`load()` of a model rebuilds its net from the file alone (nanoGPT keeps `model_args` in the
checkpoint for the same reason). Files from elsewhere are never unpickled.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from safetensors import SafetensorError, safe_open

from models.common.errors import ModelUnavailable

if TYPE_CHECKING:  # (torch is imported by the first save or load, not by the app's start)
    import torch


class WeightsError(ModelUnavailable):
    """A weights file is missing, unreadable or does not fit the net; the message names the file."""


def save_weights(
    state_dict: dict[str, torch.Tensor], path: Path, meta: dict, half: bool = False
) -> None:
    """Write `state_dict` (fp16 floats if `half`) with `meta` (JSON-able) in the header."""
    from safetensors.torch import save_file

    tensors = {
        k: (v.half() if half and v.is_floating_point() else v).detach().cpu().contiguous()
        for k, v in state_dict.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")  # atomic: a running app never reads a half-written file
    save_file(tensors, str(tmp), metadata={"meta": json.dumps(meta)})
    tmp.replace(path)


def read_meta(path: Path) -> dict:
    with safe_open(str(path), framework="numpy") as f:
        return json.loads((f.metadata() or {}).get("meta", "{}"))


def load_weights(path: Path) -> tuple[dict[str, torch.Tensor], dict]:
    """The float32 state_dict and the header's meta dict; WeightsError names the file on failure."""
    from safetensors.torch import load_file

    if not path.is_file():
        raise WeightsError(f"weights file not found: {path}")
    try:
        tensors = load_file(str(path))
        meta = read_meta(path)
    except (SafetensorError, OSError, ValueError) as err:
        raise WeightsError(f"weights file {path} is unreadable ({err})") from err
    state = {k: v.float() if v.is_floating_point() else v for k, v in tensors.items()}
    return state, meta


def load_net(path: Path, build: Callable[[dict], torch.nn.Module]) -> torch.nn.Module:
    """The net that `build(meta["config"])` makes, with the file's weights (strict), in eval mode
    on the CPU. A file whose config or tensors do not fit raises WeightsError naming it."""
    state, meta = load_weights(path)
    try:
        net = build(meta["config"])
        net.load_state_dict(state, strict=True)
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        reason = str(err).strip().splitlines()[0][:300]
        raise WeightsError(f"weights file {path} does not fit the network ({reason})") from err
    return net.eval()
