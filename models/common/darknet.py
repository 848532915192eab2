"""Darknet "tiny": the ImageNet classifier of ../shared/data/style/perceptual, written from its
README's layer table (names included, so that safetensors file loads as it is).

Used as the pets tab's encoder and as the style tab's perceptual (content and style) network.
Inputs are RGB in [0, 1], no mean or std. The weights are third-party: the app reads them from
the data directory (or a file a flag or environment variable names), never from the repository.
"""

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

# Darknet tiny, features 0..18: ("conv", out channels, kernel) or ("pool",).
DARKNET_TINY = (
    ("conv", 16, 3),
    ("pool",),
    ("conv", 32, 3),
    ("pool",),
    ("conv", 16, 1),
    ("conv", 128, 3),
    ("conv", 16, 1),
    ("conv", 128, 3),
    ("pool",),
    ("conv", 32, 1),
    ("conv", 256, 3),
    ("conv", 32, 1),
    ("conv", 256, 3),
    ("pool",),
    ("conv", 64, 1),
    ("conv", 512, 3),
    ("conv", 64, 1),
    ("conv", 512, 3),
    ("conv", 128, 1),
)
DARKNET_FILE = Path("style/perceptual/darknet_tiny_imagenet.safetensors")  # under the data dir


class ConvBN(nn.Module):
    """Darknet's block: conv (no bias) -> BatchNorm (eps 1e-3) -> LeakyReLU(0.1)."""

    def __init__(self, c_in: int, c_out: int, k: int):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, eps=1e-3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(self.bn(self.conv(x)), 0.1)


class DarknetTiny(nn.Module):
    """The classifier's `features` (indices 0-18 of the README's table), or its first
    `depth` layers; `forward` returns the outputs at `taps` (feature indices, in order).
    2x2 pools with ceil_mode equal Keras 'same' padding on odd sizes."""

    def __init__(self, taps: tuple[int, ...], depth: int = len(DARKNET_TINY)):
        super().__init__()
        if not taps or max(taps) >= depth or any(DARKNET_TINY[i][0] != "conv" for i in taps):
            raise ValueError(f"taps {taps} must be conv layers among the first {depth}")
        self.taps = tuple(taps)
        layers, c = [], 3
        for spec in DARKNET_TINY[:depth]:
            if spec[0] == "pool":
                layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
            else:
                layers.append(ConvBN(c, spec[1], spec[2]))
                c = spec[1]
        self.features = nn.Sequential(*layers)

    def channels(self) -> list[int]:
        return [self.features[i].conv.out_channels for i in self.taps]

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        taps = []
        for i, layer in enumerate(self.features[: self.taps[-1] + 1]):
            x = layer(x)
            if i in self.taps:
                taps.append(x)
        return taps


def load_darknet(module: DarknetTiny, path) -> list[str]:
    """Copy the Darknet tiny ImageNet weights (safetensors, the README's names) into `module`
    (its layers only: a truncated module takes the first ones); returns the names loaded.
    ValueError names the file when it is not that network's weights."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError) as err:
        raise ValueError(f"{path} is not a readable safetensors file ({err})") from err
    own = module.state_dict()
    state = {k: v for k, v in tensors.items() if k in own}
    try:
        missing, unexpected = module.load_state_dict(state, strict=False)
    except RuntimeError as err:  # a tensor of another shape
        raise ValueError(f"{path} does not fit Darknet tiny ({str(err)[:300]})") from err
    real_missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if real_missing or unexpected:
        raise ValueError(f"{path}: missing {real_missing[:3]}, unexpected {unexpected[:3]}")
    return sorted(state)
