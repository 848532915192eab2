"""GAN Compression's horse->zebra generator (Li et al., CVPR 2020; mit-han-lab/gan-compression,
BSD-2-Clause, (c) 2020 Muyang Li and Ji Lin; built on pytorch-CycleGAN-and-pix2pix, BSD): a
CycleGAN generator compressed to 0.357 M parameters, trained by its authors on a GPU at 256 px.

The original file is their `latest_net_G.pth` (sub_mobile_resnet_9blocks, config
16_16_32_16_32_32_16_16), kept under the data directory; `python -m models.cyclegan.convert`
writes it as the shipped `weights/horse2zebra-compressed.safetensors` (float32, the config in
the header), which the tab loads. `net.MobileGenerator` is the architecture.
"""

from pathlib import Path

import torch

from models.common.device import inference_dtype, model_device
from models.common.errors import InputError
from models.common.loading import load_once
from models.common.paths import WEIGHTS, artefact, data_dir, weights_dir
from models.common.weights import WeightsError, load_net
from models.cyclegan.net import MobileConfig, MobileGenerator

VARIANT = "horse2zebra-compressed"  # weights/<VARIANT>.safetensors
DIRECTIONS = ("horse2zebra",)  # the directions it translates (its authors trained this one)
SOURCE = Path("pretrained/cyclegan-horse2zebra-compressed/latest_net_G.pth")  # under data_dir
CONVERT = "python -m models.cyclegan.convert"


def source_path() -> Path:
    return data_dir() / SOURCE


def weights_path() -> Path:
    return artefact(weights_dir("cyclegan"), VARIANT, WEIGHTS)


def load_pth(path: Path) -> MobileGenerator:
    """The authors' file as a MobileGenerator (weights_only: no code runs; strict names)."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    net = MobileGenerator(MobileConfig())
    net.load_state_dict(state, strict=True)
    return net.eval()


def build(config: dict) -> MobileGenerator:
    return MobileGenerator(MobileConfig.from_dict(config))


def load(path: Path | None = None) -> MobileGenerator:
    """The converted generator (CPU, float32); WeightsError naming the command that writes it."""
    path = path or weights_path()
    try:
        return load_net(path, build)
    except WeightsError as err:
        raise WeightsError(f"{err}; rebuild it with `{CONVERT}`") from err


def load_any(path: Path) -> MobileGenerator:
    """From the authors' .pth or the converted .safetensors (training's teacher takes either)."""
    return load(path) if path.suffix == ".safetensors" else load_pth(path)


def check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise InputError(
            "The GAN Compression generator translates {known} only, not {direction}: choose "
            "another model for this direction.",
            known=", ".join(DIRECTIONS),
            direction=direction,
        )


def get_model(direction: str = "horse2zebra") -> MobileGenerator:
    """The shipped converted generator, loaded once on the app's device."""
    check_direction(direction)

    def factory() -> MobileGenerator:
        device = model_device()
        return load().to(device, inference_dtype(device))

    return load_once(f"cyclegan/{VARIANT}", factory)


def translate(image, direction: str = "horse2zebra"):
    """`predict.translate` through GAN Compression's generator: the tab asks for it by name, so
    that no net crosses from a model server to the UI (python app.py --serve ray)."""
    from models.cyclegan import predict

    return predict.translate(image, direction, net=get_model(direction))
