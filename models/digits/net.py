"""A small CNN for 28x28 handwritten digits (MNIST)."""

from dataclasses import dataclass

import torch
from torch import nn

from models.common.config import NetConfig
from models.digits import LABELS

IMAGE_SIZE = 28  # MNIST: 20x20 digit centred by centre of mass in a 28x28 frame


@dataclass
class Config(NetConfig):
    widths: tuple[int, int, int] = (32, 64, 128)  # channels of the three conv stages
    dropout: float = 0.2  # before the classifier
    mean: float = 0.1307  # MNIST training-set pixel mean (images in [0, 1])
    std: float = 0.3081  # and standard deviation; the net normalises its own input


def conv_bn(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()
    )


class DigitNet(nn.Module):
    """28x28 -> [conv, pool] -> 14x14 -> [conv x2, pool] -> 7x7 -> conv -> global pool -> 10."""

    def __init__(self, cfg: Config = Config()):
        super().__init__()
        w1, w2, w3 = cfg.widths
        self.cfg = cfg
        self.features = nn.Sequential(
            conv_bn(1, w1),
            nn.MaxPool2d(2),
            conv_bn(w1, w2),
            conv_bn(w2, w2),
            nn.MaxPool2d(2),
            conv_bn(w2, w3),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.classifier = nn.Sequential(nn.Dropout(cfg.dropout), nn.Linear(w3, len(LABELS)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 1, 28, 28) ink in [0, 1] (white digit on black, as in MNIST) -> logits (N, 10)."""
        x = (x - self.cfg.mean) / self.cfg.std
        return self.classifier(self.features(x))
