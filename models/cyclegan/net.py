"""CycleGAN's nets (Zhu et al. 2017), laid out as the authors' code lays them out.

`Generator` is the official `ResnetGenerator` (junyanz/pytorch-CycleGAN-and-pix2pix,
models/networks.py) with instance norm (affine=False, so the convs carry biases), reflection
padding and no dropout: one `nn.Sequential` named `model`, so its parameter names are the
official ones and the authors' `latest_net_G_A.pth` / `<name>.pth` files load with
`strict=True`. For ngf=64 and 9 residual blocks (their default):

    model.1   c7s1-64 conv (after ReflectionPad2d(3) at model.0), norm, ReLU
    model.4   d128: 3x3 stride-2 conv         model.7   d256: 3x3 stride-2 conv
    model.10 ... model.18: residual blocks, each `conv_block` = pad, conv (.1), norm, ReLU,
              pad, conv (.5), norm
    model.19  u128: 3x3 stride-2 ConvTranspose2d   model.22  u64: the same
    model.26  c7s1-3 conv (after ReflectionPad2d(3) at model.25), then Tanh

With `Config.upsample` "nearest" or "bilinear" (what this project trains), model.19 and
model.22 are resize-convolutions instead (`ResizeConv`: upsample x2, then a 3x3 conv, names
model.19.conv.*): a transposed conv of kernel 3 and stride 2 overlaps unevenly and paints a
checkerboard on the output (Odena, Dumoulin, Olah 2016, "Deconvolution and Checkerboard
Artifacts"); resizing first gives every output pixel the same number of taps.

`MobileGenerator` is GAN Compression's `sub_mobile_resnet_9blocks` (Li et al. 2020,
mit-han-lab/gan-compression): the same outline with per-layer widths and separable convs in
the residual blocks; its names (model.10.conv_block.1.conv.0 ...) are the authors'.

`Discriminator` is the official `NLayerDiscriminator` (70x70 PatchGAN for n_layers=3).
Images go in and come out in [-1, 1].
"""

import random
from dataclasses import dataclass

import torch
from torch import nn

from models.common.config import NetConfig

STRIDE = 4  # two stride-2 downsamplings: inputs are padded to a multiple of this


@dataclass
class Config(NetConfig):
    ngf: int = 16  # channels of the first conv (official: 64)
    n_blocks: int = 6  # residual blocks at 1/4 resolution (official: 9 at 256 px, 6 at 128 px)
    input_nc: int = 3  # RGB in
    output_nc: int = 3  # RGB out
    image_size: int = 256  # long side the photo is resized to before the net (predict)
    # the two upsamplings: "transpose" (the official ConvTranspose2d; a weights header without
    # this key is one of those), or "nearest" / "bilinear" resize x2 then conv (no checkerboard)
    upsample: str = "nearest"

    def __post_init__(self) -> None:
        if self.upsample not in UPSAMPLING:
            raise ValueError(f"upsample must be one of {', '.join(UPSAMPLING)}")


UPSAMPLING = ("transpose", "nearest", "bilinear")


class ResnetBlock(nn.Module):
    """x + (pad, conv3x3, norm, ReLU, pad, conv3x3, norm)(x); the official `ResnetBlock`."""

    def __init__(self, dim: int):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, kernel_size=3, padding=0, bias=True),
            nn.InstanceNorm2d(dim),
            nn.ReLU(True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(dim, dim, kernel_size=3, padding=0, bias=True),
            nn.InstanceNorm2d(dim),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv_block(x)


class ResizeConv(nn.Module):
    """x2 upsampling by resizing, then a 3x3 conv (reflection padding): the same shapes as the
    official ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1, output_padding=1)."""

    def __init__(self, c_in: int, c_out: int, mode: str):
        super().__init__()
        self.mode = mode
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1, padding_mode="reflect", bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(nn.functional.interpolate(x, scale_factor=2.0, mode=self.mode))


def upsampling(c_in: int, c_out: int, mode: str) -> nn.Module:
    if mode == "transpose":
        return nn.ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1, output_padding=1)
    return ResizeConv(c_in, c_out, mode)


class Generator(nn.Module):
    """(N, 3, H, W) in [-1, 1] -> (N, 3, H, W) in [-1, 1]; H and W multiples of STRIDE."""

    def __init__(self, cfg: Config = Config()):
        super().__init__()
        self.cfg = cfg
        ngf = cfg.ngf
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(cfg.input_nc, ngf, kernel_size=7, padding=0, bias=True),
            nn.InstanceNorm2d(ngf),
            nn.ReLU(True),
        ]
        for i in range(2):  # downsampling
            mult = 2**i
            layers += [
                nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=True),
                nn.InstanceNorm2d(ngf * mult * 2),
                nn.ReLU(True),
            ]
        layers += [ResnetBlock(ngf * 4) for _ in range(cfg.n_blocks)]
        for i in range(2):  # upsampling
            mult = 2 ** (2 - i)
            layers += [
                upsampling(ngf * mult, ngf * mult // 2, cfg.upsample),
                nn.InstanceNorm2d(ngf * mult // 2),
                nn.ReLU(True),
            ]
        layers += [
            nn.ReflectionPad2d(3),
            nn.Conv2d(ngf, cfg.output_nc, kernel_size=7, padding=0),
            nn.Tanh(),
        ]
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


@dataclass
class MobileConfig(NetConfig):
    """GAN Compression's sub_mobile_resnet_9blocks; `channels` is their config string
    16_16_32_16_32_32_16_16: stem, two downsamplings, the hidden widths of blocks 0-2 / 3-5 /
    6-8 (x4), two upsamplings (their code multiplies these as below)."""

    channels: tuple[int, ...] = (16, 16, 32, 16, 32, 32, 16, 16)
    n_blocks: int = 9  # residual blocks, in three equal groups of hidden widths
    input_nc: int = 3
    output_nc: int = 3
    image_size: int = 256  # trained at 256 x 256 (predict runs it at this long side)


class SeparableConv(nn.Module):
    """Depthwise 3x3 conv, instance norm, pointwise 1x1 conv (`conv.0`, `conv.1`, `conv.2`)."""

    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(c_in, c_in, kernel_size=3, groups=c_in, bias=True),
            nn.InstanceNorm2d(c_in),
            nn.Conv2d(c_in, c_out, kernel_size=1, bias=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class MobileResnetBlock(nn.Module):
    """x + (pad, sepconv dim->hidden, norm, ReLU, dropout slot, pad, sepconv hidden->dim,
    norm)(x): indices 1 and 6 hold the convs, as in the authors' block (index 4 is their
    dropout, rate 0 at test time: an Identity here)."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1),
            SeparableConv(dim, hidden),
            nn.InstanceNorm2d(hidden),
            nn.ReLU(True),
            nn.Identity(),
            nn.ReflectionPad2d(1),
            SeparableConv(hidden, dim),
            nn.InstanceNorm2d(dim),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv_block(x)


class MobileGenerator(nn.Module):
    """(N, 3, H, W) in [-1, 1] -> the same; H and W multiples of STRIDE. Layer indices and
    widths of GAN Compression's SubMobileResnetGenerator (instance norm without affine, so every
    conv has a bias; transposed convs upsample, as theirs do)."""

    def __init__(self, cfg: MobileConfig = MobileConfig()):
        super().__init__()
        self.cfg = cfg
        c = cfg.channels
        down1, down2 = c[1] * 2, c[2] * 4  # their `oc * mult * 2` for mult 1 and 2
        dim = down2  # the residual blocks' width
        group = cfg.n_blocks // 3
        hidden = [c[3 + min(b // group, 2)] * 4 for b in range(cfg.n_blocks)]
        up1, up2 = c[6] * 2, c[7]  # their `oc * mult / 2` for mult 4 and 2
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(cfg.input_nc, c[0], kernel_size=7, bias=True),
            nn.InstanceNorm2d(c[0]),
            nn.ReLU(True),
            nn.Conv2d(c[0], down1, 3, stride=2, padding=1, bias=True),
            nn.InstanceNorm2d(down1),
            nn.ReLU(True),
            nn.Conv2d(down1, down2, 3, stride=2, padding=1, bias=True),
            nn.InstanceNorm2d(down2),
            nn.ReLU(True),
        ]
        layers += [MobileResnetBlock(dim, h) for h in hidden]
        for c_in, c_out in ((dim, up1), (up1, up2)):
            layers += [
                nn.ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1, output_padding=1),
                nn.InstanceNorm2d(c_out),
                nn.ReLU(True),
            ]
        layers += [
            nn.ReflectionPad2d(3),
            nn.Conv2d(up2, cfg.output_nc, kernel_size=7),
            nn.Tanh(),
        ]
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


class Discriminator(nn.Module):
    """PatchGAN: (N, 3, H, W) -> (N, 1, h, w) real/fake scores, one per overlapping patch
    (70x70 pixels for n_layers=3). The official `NLayerDiscriminator` with instance norm."""

    def __init__(self, input_nc: int = 3, ndf: int = 64, n_layers: int = 3):
        super().__init__()
        layers: list[nn.Module] = [
            nn.Conv2d(input_nc, ndf, kernel_size=4, stride=2, padding=1),
            nn.LeakyReLU(0.2, True),
        ]
        mult = 1
        for n in range(1, n_layers + 1):
            prev, mult = mult, min(2**n, 8)
            stride = 2 if n < n_layers else 1
            layers += [
                nn.Conv2d(ndf * prev, ndf * mult, 4, stride=stride, padding=1, bias=True),
                nn.InstanceNorm2d(ndf * mult),
                nn.LeakyReLU(0.2, True),
            ]
        layers += [nn.Conv2d(ndf * mult, 1, kernel_size=4, stride=1, padding=1)]
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def init_weights(net: nn.Module, gain: float = 0.02) -> None:
    """The official 'normal' init: conv weights N(0, 0.02), biases 0."""
    for m in net.modules():
        if isinstance(m, nn.Conv2d | nn.ConvTranspose2d):
            nn.init.normal_(m.weight, 0.0, gain)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


class ImagePool:
    """The history of generated images the discriminator also sees (Shrivastava et al.): until
    `size` images are stored each query returns its own images; then each image is, with
    probability 1/2, swapped for a random stored one (which it replaces)."""

    def __init__(self, size: int = 50, rng: random.Random | None = None):
        self.size = size
        self.images: list[torch.Tensor] = []
        self.rng = rng or random.Random(0)

    def query(self, images: torch.Tensor) -> torch.Tensor:
        if self.size == 0:
            return images
        out = []
        for image in images.detach():
            image = image[None]
            if len(self.images) < self.size:
                self.images.append(image.clone())
                out.append(image)
            elif self.rng.random() < 0.5:
                i = self.rng.randrange(self.size)
                out.append(self.images[i].clone())
                self.images[i] = image.clone()
            else:
                out.append(image)
        return torch.cat(out)

    def state_dict(self) -> dict:
        return {"images": list(self.images)}

    def load_state_dict(self, state: dict) -> None:
        self.images = list(state["images"])


def gan_loss(scores: torch.Tensor, real: bool) -> torch.Tensor:
    """Least-squares GAN loss (LSGAN): mean (score - 1)^2 for real, score^2 for fake."""
    target = torch.ones_like(scores) if real else torch.zeros_like(scores)
    return nn.functional.mse_loss(scores, target)


def official_names(ngf: int = 64, n_blocks: int = 9) -> dict[str, tuple[int, ...]]:
    """The names and shapes of the official ResnetGenerator's state dict (instance norm, no
    dropout), written out from its layer list independently of `Generator`: what the authors'
    checkpoints hold, for checking that a file or this net matches."""
    shapes = {"model.1": (ngf, 3, 7, 7), "model.4": (ngf * 2, ngf, 3, 3)}
    shapes["model.7"] = (ngf * 4, ngf * 2, 3, 3)
    for b in range(n_blocks):
        for conv in (1, 5):
            shapes[f"model.{10 + b}.conv_block.{conv}"] = (ngf * 4, ngf * 4, 3, 3)
    up = 10 + n_blocks
    shapes[f"model.{up}"] = (ngf * 4, ngf * 2, 3, 3)  # ConvTranspose2d: (in, out, k, k)
    shapes[f"model.{up + 3}"] = (ngf * 2, ngf, 3, 3)
    shapes[f"model.{up + 7}"] = (3, ngf, 7, 7)
    names = {}
    for prefix, shape in shapes.items():
        names[f"{prefix}.weight"] = shape
        bias = shape[1] if prefix in (f"model.{up}", f"model.{up + 3}") else shape[0]
        names[f"{prefix}.bias"] = (bias,)
    return names
