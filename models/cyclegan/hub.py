"""The optional pretrained generators: the CycleGAN authors' own (ngf 64, 9 residual blocks,
trained 200 epochs at 256 px on a GPU), for comparison with the small ones trained here.

They are the `<name>.pth` files of http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/
(the authors' `scripts/download_cyclegan_model.sh <name>`; a training run of theirs saves the
same layout as `latest_net_G_A.pth` / `latest_net_G_B.pth`). Two ways to get one:

- by name, downloaded into torch.hub's cache on first use (needs internet; without it the tab
  says so and the generators trained here keep working);
- a local file: set GALLERY_CYCLEGAN_PTH to a folder holding `<direction>.pth` files (e.g.
  apple2orange.pth), to such a file, or to `direction=path` pairs separated by commas
  (`apple2orange=latest_net_G_A.pth,orange2apple=latest_net_G_B.pth`). A file serves only the
  direction it is named for: one generator never stands in for another.

Files are read with `torch.load(weights_only=True)` (no code runs), and must hold the official
ResnetGenerator's parameter names; the net's width and depth are read from the shapes. A file
of another layout gets a clear message.
"""

import os
import re
from pathlib import Path

import torch

from models.common.device import inference_dtype, model_device
from models.common.errors import InputError, Message
from models.common.hub import HubUnavailable, get_pretrained, unavailable_says
from models.common.images import ImageInput
from models.common.loading import load_once
from models.cyclegan.data import check_direction
from models.cyclegan.net import Config, Generator
from models.cyclegan.predict import Translation, generator_fn, load_photo, translate_photo

URL = "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/{name}.pth"
LOCAL_ENV = "GALLERY_CYCLEGAN_PTH"  # folder, <direction>.pth file or direction=path pairs
LONG_SIDE = 256  # the authors' models were trained on 256 x 256 crops
# InstanceNorm buffers that checkpoints saved by old PyTorch versions hold (the authors' test
# code drops them too): instance norm without affine has no state.
STALE = re.compile(r".*\.(running_mean|running_var|num_batches_tracked)$")


def config_of(state: dict[str, torch.Tensor]) -> Config:
    """The Config whose Generator has this state dict's layout (InputError if none has)."""
    first = state.get("model.1.weight")
    if not isinstance(first, torch.Tensor) or first.dim() != 4 or first.shape[1:] != (3, 7, 7):
        raise InputError(
            "This checkpoint is not a CycleGAN ResNet generator in the official layout "
            "(no model.1.weight of shape (ngf, 3, 7, 7)).",
        )
    blocks = {int(m.group(1)) for k in state if (m := re.match(r"model\.(\d+)\.conv_block\.", k))}
    return Config(
        ngf=first.shape[0], n_blocks=len(blocks), image_size=LONG_SIDE, upsample="transpose"
    )


def generator_from_state(state: object, name: str) -> Generator:
    """A Generator holding an official-layout state dict, loaded with strict=True."""
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise InputError("The checkpoint {name} holds no state dict of tensors.", name=name)
    state = {k.removeprefix("module."): v for k, v in state.items() if not STALE.match(k)}
    net = Generator(config_of(state))
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as err:
        detail = str(err).splitlines()[1:2] or [str(err)[:200]]
        raise InputError(
            "The checkpoint {name} does not have the layout of the official CycleGAN ResNet "
            "generator: {detail}",
            name=name,
            detail=detail[0].strip()[:300],
        ) from None
    return net.eval()


def load_file(path: Path) -> Generator:
    """An official generator from a local .pth file (weights_only: no code runs)."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise InputError("No checkpoint file {name}.", name=str(path)) from None
    except Exception:  # pickle, zip and weights-only errors have no common base class
        raise InputError(
            "The checkpoint {name} could not be read as a PyTorch state dict.", name=path.name
        ) from None
    return generator_from_state(state, path.name)


def local_file(direction: str) -> Path | None:
    """The file GALLERY_CYCLEGAN_PTH names for `direction`, or None when it names none."""
    for entry in filter(None, (e.strip() for e in os.environ.get(LOCAL_ENV, "").split(","))):
        name, pair, value = entry.partition("=")
        if pair:  # direction=path
            if name.strip() == direction:
                return Path(value.strip())
            continue
        path = Path(entry)
        if path.is_dir() and (path / f"{direction}.pth").is_file():
            return path / f"{direction}.pth"
        if path.stem == direction:
            return path
    return None


def on_device(net: Generator) -> Generator:
    device = model_device()
    return net.to(device, inference_dtype(device))


def from_pretrained(direction: str, local_only: bool) -> Generator:
    """The authors' generator for `direction` from torch.hub's cache, or (unless `local_only`)
    downloaded there; OSError when it cannot be had."""
    url = URL.format(name=direction)
    path = Path(torch.hub.get_dir()) / "checkpoints" / f"cyclegan_{direction}.pth"
    if not path.is_file():
        if local_only:
            raise OSError(f"{path} is not downloaded")
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.hub.download_url_to_file(url, str(path), progress=False)
    try:
        return on_device(load_file(path))
    except InputError as err:  # downloaded, but not a generator: its own message
        raise HubUnavailable(err.message) from err


def get_model(direction: str) -> Generator:
    """The authors' generator for `direction`: the local file GALLERY_CYCLEGAN_PTH names
    (InputError when it is not one), else the download (HubUnavailable without internet)."""
    check_direction(direction)
    path = local_file(direction)
    if path is not None:
        return load_once(f"cyclegan/local/{path.resolve()}", lambda: on_device(load_file(path)))
    unavailable = Message(
        "The authors' pretrained generator {model} could not be downloaded from "
        "efrosgans.eecs.berkeley.edu (this needs internet access; or set {env} to a "
        "local .pth file). The model trained here still works.",
        model=direction,
        env=LOCAL_ENV,
    )
    with unavailable_says(unavailable):
        return get_pretrained(f"cyclegan/hub/{direction}", direction, from_pretrained)


def translate(image: ImageInput, direction: str) -> Translation:
    """predict.translate by the authors' pretrained generator."""
    net = get_model(direction)
    photo = load_photo(image)
    out, shown, notice = translate_photo(photo, generator_fn(net), LONG_SIDE)
    return Translation(out, shown, direction, notice)
