"""Johnson et al.'s fast style network and the perceptual losses it is trained with.

TransformerNet follows pytorch/examples `fast_neural_style/transformer_net.py` (module names
included, so that its checkpoints load with `strict=True` at widths 32/64/128 and 5 blocks):
reflection padding, instance norm, residual blocks and nearest upsampling + conv instead of
transposed convs (no checkerboards). This project's default is slimmer, 16/32/64 channels, so a
512x512 photo runs in well under a second on a 2-core CPU.

Inputs and outputs are RGB in [0, 1] (the output is not squashed: predict clamps it).
The losses (Gatys et al.): content = mean squared difference of one layer's features; style =
squared difference of Gram matrices, summed over layers with weights; total variation smooths.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from models.common.config import NetConfig

STRIDE = 4  # two stride-2 convs: inputs are padded to a multiple of this


@dataclass
class Config(NetConfig):
    widths: tuple[int, int, int] = (16, 32, 64)  # channels at 1/1, 1/2, 1/4 of the input
    blocks: int = 5  # residual blocks at 1/4
    style: str = ""  # the preset's name (the weights file's stem), for the About panel


class ConvLayer(nn.Module):
    """Reflection pad + conv (fast_neural_style's name and layout)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int = 1):
        super().__init__()
        self.reflection_pad = nn.ReflectionPad2d(kernel // 2)
        self.conv2d = nn.Conv2d(c_in, c_out, kernel, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2d(self.reflection_pad(x))


class ResidualBlock(nn.Module):
    """x + IN(conv(relu(IN(conv(x))))), as in Johnson et al. (no ReLU after the sum)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = ConvLayer(channels, channels, 3)
        self.in1 = nn.InstanceNorm2d(channels, affine=True)
        self.conv2 = ConvLayer(channels, channels, 3)
        self.in2 = nn.InstanceNorm2d(channels, affine=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.in1(self.conv1(x)))
        return x + self.in2(self.conv2(y))


class UpsampleConvLayer(nn.Module):
    """Nearest x`upsample` then reflection pad + conv: no checkerboard artefacts."""

    def __init__(self, c_in: int, c_out: int, kernel: int, upsample: int = 1):
        super().__init__()
        self.upsample = upsample
        self.reflection_pad = nn.ReflectionPad2d(kernel // 2)
        self.conv2d = nn.Conv2d(c_in, c_out, kernel)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.upsample > 1:
            x = F.interpolate(x, scale_factor=self.upsample, mode="nearest")
        return self.conv2d(self.reflection_pad(x))


class TransformerNet(nn.Module):
    """(N, 3, H, W) RGB in [0, 1], H and W multiples of STRIDE -> stylised (N, 3, H, W)."""

    def __init__(self, cfg: Config = Config()):
        super().__init__()
        self.cfg = cfg
        c1, c2, c3 = cfg.widths
        self.conv1, self.in1 = ConvLayer(3, c1, 9), nn.InstanceNorm2d(c1, affine=True)
        self.conv2, self.in2 = ConvLayer(c1, c2, 3, 2), nn.InstanceNorm2d(c2, affine=True)
        self.conv3, self.in3 = ConvLayer(c2, c3, 3, 2), nn.InstanceNorm2d(c3, affine=True)
        for i in range(cfg.blocks):
            self.add_module(f"res{i + 1}", ResidualBlock(c3))
        self.deconv1 = UpsampleConvLayer(c3, c2, 3, upsample=2)
        self.in4 = nn.InstanceNorm2d(c2, affine=True)
        self.deconv2 = UpsampleConvLayer(c2, c1, 3, upsample=2)
        self.in5 = nn.InstanceNorm2d(c1, affine=True)
        self.deconv3 = ConvLayer(c1, 3, 9)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.in1(self.conv1(x)))
        y = F.relu(self.in2(self.conv2(y)))
        y = F.relu(self.in3(self.conv3(y)))
        for i in range(self.cfg.blocks):
            y = getattr(self, f"res{i + 1}")(y)
        y = F.relu(self.in4(self.deconv1(y)))
        y = F.relu(self.in5(self.deconv2(y)))
        return self.deconv3(y)
