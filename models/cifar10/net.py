"""Two networks for 32x32 CIFAR-10 images; `build_net(cfg)` picks one by `cfg.arch`.

- "resnet18" (shipped): torchvision's ResNet-18 with the usual CIFAR stem (a 3x3 stride-1 conv,
  no max-pool), 11.2 M parameters.
- "airbench": the airbench94 network (KellerJordan/airbench), widened. A fixed 2x2 "whitening"
  convolution initialised from the eigenvectors of the training set's patch covariance, then
  three conv groups (conv, max-pool, BN, GELU, conv, BN, GELU), a global max-pool and a linear
  head scaled down by `scale`. BatchNorm weights are frozen at one and dirac (identity)
  initialisation lets the deep path start as a shortcut. About 0.6x ResNet-18's CPU time per
  image and trainable in 3 h on 2 CPU cores, but 1.2 points less accurate on test (CARD.md).

Both take RGB in [0, 1] and normalise inside, and name the layer Grad-CAM reads (`cam_layer`).
"""

from dataclasses import dataclass

import torch
from torch import nn

from models.cifar10 import LABELS
from models.common.config import NetConfig

IMAGE_SIZE = 32


@dataclass
class Config(NetConfig):
    arch: str = "resnet18"  # or "airbench"; the fields below up to `scale` are airbench's
    # channels of the three conv groups: airbench94 has (64, 256, 256); on the JPEG copy this
    # width gained 1.9 points of validation accuracy; image + mirror take ~6 ms on 2 CPU cores
    widths: tuple[int, int, int] = (128, 384, 384)
    whiten_kernel: int = 2  # patch size of the whitening layer; 2 * 3 * k * k filters
    bn_momentum: float = 0.4  # PyTorch's convention: weight of the new batch statistics
    scale: float = 1 / 9  # logits multiplier (a fixed temperature)
    mean: tuple[float, float, float] = (0.4914, 0.4822, 0.4465)  # CIFAR-10 channel means
    std: tuple[float, float, float] = (0.2470, 0.2435, 0.2616)  # and standard deviations


class BatchNorm(nn.BatchNorm2d):
    """BatchNorm with the scale frozen at 1 (only the shift is learned)."""

    def __init__(self, channels: int, momentum: float):
        super().__init__(channels, eps=1e-12, momentum=momentum)
        self.weight.requires_grad = False


class Conv(nn.Conv2d):
    """3x3 'same' conv whose first filters start as the identity (dirac init)."""

    def __init__(self, c_in: int, c_out: int):
        super().__init__(c_in, c_out, kernel_size=3, padding="same", bias=False)

    def reset_parameters(self) -> None:
        super().reset_parameters()
        nn.init.dirac_(self.weight.data[: self.in_channels])


class ConvGroup(nn.Module):
    def __init__(self, c_in: int, c_out: int, bn_momentum: float):
        super().__init__()
        self.conv1 = Conv(c_in, c_out)
        self.pool = nn.MaxPool2d(2)
        self.norm1 = BatchNorm(c_out, bn_momentum)
        self.conv2 = Conv(c_out, c_out)
        self.norm2 = BatchNorm(c_out, bn_momentum)
        self.activ = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.activ(self.norm1(self.pool(self.conv1(x))))
        return self.activ(self.norm2(self.conv2(x)))


class CifarNet(nn.Module):
    """The airbench94 network (cfg.arch "airbench")."""

    def __init__(self, cfg: Config = Config(arch="airbench")):
        super().__init__()
        self.cfg = cfg
        w1, w2, w3 = cfg.widths
        k = cfg.whiten_kernel
        self.whiten = nn.Conv2d(3, 2 * 3 * k * k, k, bias=True)
        self.whiten.weight.requires_grad = False  # set from data by init_whitening()
        self.register_buffer("mean", torch.tensor(cfg.mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(cfg.std).view(1, 3, 1, 1), persistent=False)
        self.layers = nn.Sequential(
            nn.GELU(),
            ConvGroup(self.whiten.out_channels, w1, cfg.bn_momentum),  # 31 -> 15
            ConvGroup(w1, w2, cfg.bn_momentum),  # 15 -> 7
            ConvGroup(w2, w3, cfg.bn_momentum),  # 7 -> 3
            nn.AdaptiveMaxPool2d(1),
            nn.Flatten(),
        )
        self.head = nn.Linear(w3, len(LABELS), bias=False)

    @property
    def cam_layer(self) -> nn.Module:
        return self.layers[3]  # the last conv group, 3x3: the one the pooled head reads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 3, 32, 32) RGB in [0, 1] -> logits (N, 10)."""
        x = self.whiten((x - self.mean) / self.std)
        return self.head(self.layers(x)) * self.cfg.scale

    @torch.no_grad()
    def init_whitening(self, images: torch.Tensor, eps: float = 5e-4) -> None:
        """Whitening filters from the eigen-decomposition of the covariance of all k x k patches
        of `images` (N, 3, 32, 32 in [0, 1]); the negated filters follow so GELU keeps both signs."""
        k = self.cfg.whiten_kernel
        x = (images - self.mean) / self.std
        patches = x.unfold(2, k, 1).unfold(3, k, 1).permute(0, 2, 3, 1, 4, 5).reshape(-1, 3 * k * k)
        cov = patches.T @ patches / len(patches)
        eigenvalues, eigenvectors = torch.linalg.eigh(cov)
        filters = (eigenvectors.T / torch.sqrt(eigenvalues + eps)[:, None]).view(-1, 3, k, k)
        self.whiten.weight.copy_(torch.cat([filters, -filters]))


class ResNet18(nn.Module):
    """torchvision's ResNet-18 for 32x32 inputs: a 3x3 stride-1 stem and no max-pool (the usual
    CIFAR adaptation), so its four stages see 32, 16, 8 and 4 pixels."""

    def __init__(self, cfg: Config = Config()):
        super().__init__()
        from torchvision.models import resnet18  # imported here: the app starts without it

        self.cfg = cfg
        self.register_buffer("mean", torch.tensor(cfg.mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(cfg.std).view(1, 3, 1, 1), persistent=False)
        self.body = resnet18(num_classes=len(LABELS))
        self.body.conv1 = nn.Conv2d(3, 64, kernel_size=3, padding=1, bias=False)
        self.body.maxpool = nn.Identity()

    @property
    def cam_layer(self) -> nn.Module:
        return self.body.layer4  # the last stage, 4x4: the one the pooled head reads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 3, 32, 32) RGB in [0, 1] -> logits (N, 10)."""
        return self.body((x - self.mean) / self.std)


Net = ResNet18 | CifarNet


def build_net(cfg: Config) -> Net:
    if cfg.arch == "resnet18":
        return ResNet18(cfg)
    if cfg.arch == "airbench":
        return CifarNet(cfg)
    raise ValueError(f"unknown CIFAR-10 architecture {cfg.arch!r}")


@torch.no_grad()
def predict_tta(net: nn.Module, x: torch.Tensor, level: int = 1) -> torch.Tensor:
    """Logits averaged over test-time augmentations: 0 none, 1 + mirror, 2 + 1-pixel shifts."""
    if level == 0:
        return net(x)
    mirrored = torch.cat([x, x.flip(-1)])
    logits = net(mirrored).view(2, len(x), -1).mean(0)
    if level == 1:
        return logits
    padded = nn.functional.pad(x, (1, 1, 1, 1), mode="reflect")
    shifted = torch.cat([padded[..., :-2, :-2], padded[..., 2:, 2:]])
    shifted = torch.cat([shifted, shifted.flip(-1)])
    return 0.5 * logits + 0.5 * net(shifted).view(4, len(x), -1).mean(0)
