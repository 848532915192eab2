"""The offline pretrained model: DeepLabV3 with a MobileNetV2 backbone trained on PASCAL VOC
(21 classes; its cat and dog together are the pet), rebuilt in PyTorch from the uint8 TFLite
file of google-coral/test_data (`deeplabv3_mnv2_pascal_quant.tflite`, Apache-2.0).

    python -m models.pets.convert          # once: the TFLite file -> weights/deeplab-mnv2.safetensors

The graph, as the TFLite file has it (read with models/pets/convert.py): MobileNetV2 (depth 1.0,
BatchNorm folded into the convs' biases, ReLU6) at output stride 16: its 13th block keeps
stride 1 and the last three depthwise convs are dilated by 2; then the "ASPP-lite" head of
DeepLab's mobile configuration, no atrous branches: a 1x1 conv (aspp0) and image pooling
(global average, 1x1 conv, broadcast back), both 256 channels with ReLU, concatenated, a 1x1
projection to 256 (ReLU) and the 1x1 classifier to 21 logits at 1/16 of the input, which TF
upsamples bilinearly with align_corners. Input: RGB as (pixel - 128) / 128, the file's uint8
quantisation. The head's ReLUs are bounded above where the file's uint8 activations end
(`head_clip`, read from the file: it was trained with those ranges, and image pooling in
particular exceeds its range on some photos). The file runs at a fixed 513 x 513; this net runs at any size (image pooling is a
global average, so it equals the file's 33 x 33 pool at 513).
"""

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from models.common.device import model_device
from models.common.images import ImageInput
from models.common.loading import load_once
from models.common.paths import artefact, weights_dir
from models.common.weights import WeightsError, load_weights
from models.pets.hub import pet_logits
from models.pets.predict import Segmentation, from_logits, load_photo

VARIANT = "deeplab-mnv2"  # weights/<VARIANT>.safetensors
CONVERT = "python -m models.pets.convert"  # the command that writes it
VOC_CLASSES = (
    "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair",
    "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
    "train", "tvmonitor",
)  # fmt: skip
PET_CLASSES = ("cat", "dog")
STEM = 32
# MobileNetV2's 17 inverted residual blocks: (expansion, output channels, stride, dilation),
# at output stride 16 as the TFLite graph has them.
BLOCKS = (
    (1, 16, 1, 1),
    (6, 24, 2, 1), (6, 24, 1, 1),
    (6, 32, 2, 1), (6, 32, 1, 1), (6, 32, 1, 1),
    (6, 64, 2, 1), (6, 64, 1, 1), (6, 64, 1, 1), (6, 64, 1, 1),
    (6, 96, 1, 1), (6, 96, 1, 1), (6, 96, 1, 1),
    (6, 160, 1, 1), (6, 160, 1, 2), (6, 160, 1, 2),
    (6, 320, 1, 2),
)  # fmt: skip
ASPP = 256
STRIDE = 16
LONG_SIDE = 321  # photos are resized to this long side (validation IoU and speed: CARD.md)


def conv(c_in: int, c_out: int, k: int = 1, stride: int = 1, dilation: int = 1, groups: int = 1):
    """A conv with bias (the BatchNorm folded in); padding as TF's 'same' for odd sizes."""
    return nn.Conv2d(c_in, c_out, k, stride, dilation * (k // 2), dilation, groups)


class InvertedResidual(nn.Module):
    """1x1 expand + ReLU6 (unless expansion 1), 3x3 depthwise + ReLU6, 1x1 project (linear);
    a residual when stride 1 and the channels agree."""

    def __init__(self, c_in: int, expansion: int, c_out: int, stride: int, dilation: int):
        super().__init__()
        mid = c_in * expansion
        self.expand = conv(c_in, mid) if expansion != 1 else None
        self.depthwise = conv(mid, mid, 3, stride, dilation, groups=mid)
        self.project = conv(mid, c_out)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu6(self.expand(x)) if self.expand is not None else x
        y = self.project(F.relu6(self.depthwise(y)))
        return x + y if self.residual else y


class DeepLabV3MobileNetV2(nn.Module):
    """(N, 3, H, W) RGB in [0, 1] -> (N, 21, ceil(H/16), ceil(W/16)) VOC logits (for odd sizes
    16k + 1, as TF runs it: 513 -> 33)."""

    def __init__(self, num_classes: int = len(VOC_CLASSES)):
        super().__init__()
        self.stem = conv(3, STEM, 3, 2)
        blocks, c = [], STEM
        for expansion, c_out, stride, dilation in BLOCKS:
            blocks.append(InvertedResidual(c, expansion, c_out, stride, dilation))
            c = c_out
        self.blocks = nn.Sequential(*blocks)
        self.aspp0 = conv(c, ASPP)
        self.image_pooling = conv(c, ASPP)
        self.concat_projection = conv(2 * ASPP, ASPP)
        self.logits = conv(ASPP, num_classes)
        # upper bounds of the ReLUs after aspp0, image_pooling and concat_projection
        self.register_buffer("head_clip", torch.full((3,), float("inf")))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = (x * 255 - 128) / 128  # the TFLite input's quantisation: scale 1/128, zero point 128
        f = self.blocks(F.relu6(self.stem(x)))
        clip = self.head_clip.tolist()
        aspp = self.aspp0(f).clamp(0, clip[0])
        pooled = self.image_pooling(f.mean((2, 3), keepdim=True)).clamp(0, clip[1])
        y = torch.cat([pooled.expand(-1, -1, *f.shape[-2:]), aspp], 1)
        return self.logits(self.concat_projection(y).clamp(0, clip[2]))


def weights_path() -> Path:
    return artefact(weights_dir("pets"), VARIANT, "safetensors")


def load(path: Path | None = None) -> DeepLabV3MobileNetV2:
    """The converted net (strict load, eval mode, CPU); WeightsError names the file and the
    command that rebuilds it."""
    path = path or weights_path()
    try:
        state, _ = load_weights(path)
        net = DeepLabV3MobileNetV2()
        net.load_state_dict(state, strict=True)
    except WeightsError as err:
        raise WeightsError(f"{err}; rebuild it with `{CONVERT}`") from err
    except RuntimeError as err:  # tensors of other names or shapes
        reason = str(err).strip().splitlines()[0][:300]
        raise WeightsError(
            f"weights file {path} does not fit DeepLabV3-MobileNetV2 ({reason}); rebuild it "
            f"with `{CONVERT}`"
        ) from err
    return net.eval()


def get_model() -> DeepLabV3MobileNetV2:
    return load_once(f"pets/{VARIANT}", lambda: load().to(model_device()))


def run(net: DeepLabV3MobileNetV2, x: torch.Tensor) -> torch.Tensor:
    """(1, 3, h, w) RGB in [0, 1], h and w multiples of 16 -> (1, 3, h, w) log-probabilities
    over pet / background / border (never). The photo is padded by one more pixel to 16k + 1,
    the size at which these stride-2 convs pad as TF did and align_corners upsampling puts the
    logits' pixels on the input's; cat and dog are merged before upsampling (3 maps, not 21)."""
    h, w = x.shape[-2:]
    x = F.pad(x, (0, 1, 0, 1), mode="replicate")
    param = next(net.parameters())
    logits = pet_logits(net(x.to(param.device, param.dtype)), list(VOC_CLASSES))
    up = F.interpolate(logits, size=(h + 1, w + 1), mode="bilinear", align_corners=True)
    return up[..., :h, :w]


def segment(image: ImageInput, long_side: int = LONG_SIDE) -> Segmentation:
    """segment() of models.pets.predict, by DeepLabV3-MobileNetV2 (no border class)."""
    net = get_model()
    photo = load_photo(image)
    return from_logits(photo, lambda x: run(net, x), long_side - 1, STRIDE)
