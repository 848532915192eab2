"""Optional pretrained models from the Hugging Face Hub (or torch.hub): from the local cache when
they are there, else downloaded. Without internet they cannot be, and the tab says so and keeps
its own model.

A download (up to GBs, minutes) never runs inside a request: the first request starts it in a
background thread and is told to come back, so it holds none of the model-call slots every tab
shares (demos.common.MODEL_CALLS) for longer than a cache lookup. Once the files are cached, a
request loads them from disk (seconds). `get_pretrained` keeps the most recently used models in
memory up to MAX_RESIDENT_HUB_BYTES together (at least the newest one), and a model that could
not be had is not tried again for RETRY_AFTER_S seconds, so an offline choice answers at once.
"""

import contextlib
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from models.common import loading
from models.common.device import model_device
from models.common.errors import Message, ModelUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)

# Two alternating choices (a ViT and a RoBERTa: ~0.7 GB together) stay loaded; a third that would
# pass this pushes the least recently used out. Each is hundreds of MB, a GB for some.
MAX_RESIDENT_HUB_BYTES = 2 * 1024**3
RETRY_AFTER_S = 60.0  # how long a failed model id fails at once instead of probing the network

_used: OrderedDict[str, int] = OrderedDict()  # key -> bytes (0 while loading), least recent first
_sizes: dict[str, int] = {}  # key -> bytes its model took when last loaded (kept after eviction)
_used_guard = threading.Lock()
_failed_at: dict[str, tuple[float, "HubUnavailable"]] = {}  # model id -> (monotonic time, why)
_downloads: dict[str, threading.Thread] = {}  # model id -> its download, while it runs
_downloads_guard = threading.Lock()


class HubUnavailable(ModelUnavailable):
    """A pretrained model could not be loaded (no internet, or not the kind of model expected)."""


class HubDownloading(HubUnavailable):
    """A pretrained model is being downloaded in the background: ask again shortly."""


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hub's host answers within `timeout` seconds; huggingface_hub would otherwise
    retry a dead network for about a minute before giving up. The probe runs in a daemon thread
    because the connect timeout does not bound the DNS lookup, which can hang far longer."""
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname
    answered: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection((host, 443), timeout=timeout).close()
            answered.append(True)
        except OSError:
            answered.append(False)

    thread = threading.Thread(target=probe, name="hub-probe", daemon=True)
    thread.start()
    thread.join(timeout)  # a probe still running is left behind: a daemon, it ends on its own
    return answered == [True]


def _unavailable(model_id: str) -> HubUnavailable:
    return HubUnavailable(
        Message(
            "The pretrained model {model} could not be loaded from the Hugging Face Hub "
            "(this needs internet access). The model trained here still works.",
            model=model_id,
        )
    )


def _downloading(model_id: str) -> HubDownloading:
    return HubDownloading(
        Message(
            "The pretrained model {model} is being downloaded (first use: this can take a few "
            "minutes). The model trained here answers meanwhile; try this choice again shortly.",
            model=model_id,
        )
    )


def _failed(model_id: str, why: HubUnavailable) -> HubUnavailable:
    """Remember for RETRY_AFTER_S that `model_id` could not be had, and why."""
    _failed_at[model_id] = (time.monotonic(), why)
    return why


def _download(model_id: str, from_pretrained: Callable[[str, bool], object]) -> None:
    """The background download: fetch the files into the local cache, remember a failure."""
    try:
        from_pretrained(model_id, False)  # (the model it builds goes; requests load from disk)
        _failed_at.pop(model_id, None)
    except HubUnavailable as err:  # downloaded, but not the kind of model expected
        _failed(model_id, err)
    except Exception:  # OSError, ValueError and HTTP clients' own errors (httpx timeouts)
        log.warning("downloading %s failed", model_id, exc_info=True)
        _failed(model_id, _unavailable(model_id))
    finally:
        with _downloads_guard:
            _downloads.pop(model_id, None)


def load_pretrained(model_id: str, from_pretrained: Callable[[str, bool], T]) -> T:
    """`from_pretrained(model_id, local_only=True)` for a Hub id or a local folder already in
    the local cache. Otherwise HubDownloading, having started the download in the background,
    or HubUnavailable with a plain message when the network is down or the last try failed
    under RETRY_AFTER_S ago."""
    failed = _failed_at.get(model_id)
    if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER_S:
        raise type(failed[1])(*failed[1].args)  # a fresh error each time: same message
    with _downloads_guard:
        if model_id in _downloads:
            raise _downloading(model_id)
    try:
        return from_pretrained(model_id, True)
    except (OSError, ValueError):
        pass  # not cached here: download it in the background
    if os.environ.get("HF_HUB_OFFLINE") == "1" or not hub_reachable():
        raise _failed(model_id, _unavailable(model_id))
    with _downloads_guard:
        if model_id not in _downloads:
            thread = threading.Thread(
                target=_download, args=(model_id, from_pretrained), daemon=True
            )
            _downloads[model_id] = thread
            thread.start()
    raise _downloading(model_id)


def model_bytes(model: object) -> int:
    """Bytes of the tensors of a model, or of the nn.Modules in a tuple (tokenizer, model)."""
    import torch

    parts = model if isinstance(model, tuple | list) else (model,)
    return sum(
        t.numel() * t.element_size()
        for part in parts
        if isinstance(part, torch.nn.Module)
        for t in (*part.parameters(), *part.buffers())
    )


def _forget_least_recent(room: int = 0) -> None:
    """Forget the least recently used Hub models until the rest, plus `room` bytes for one
    about to load, fit MAX_RESIDENT_HUB_BYTES; the most recent one always stays. A model
    forgotten while it still loads goes to its caller without being kept."""
    with _used_guard:
        while len(_used) > 1 and sum(_used.values()) + room > MAX_RESIDENT_HUB_BYTES:
            key, _ = _used.popitem(last=False)
            loading.forget(key)


def get_pretrained(key: str, model_id: str, from_pretrained: Callable[[str, bool], T]) -> T:
    """`load_pretrained(model_id, from_pretrained)`, kept by `load_once` under `key` while the
    models used since fit MAX_RESIDENT_HUB_BYTES."""
    with _used_guard:
        _used[key] = _used.pop(key, 0)  # the most recent now
    # before loading, so the old models' memory is free for this one (its size if known)
    _forget_least_recent(room=0 if key in loading.loaded_keys() else _sizes.get(key, 0))
    try:
        model = loading.load_once(key, lambda: load_pretrained(model_id, from_pretrained))
    except HubUnavailable:
        with _used_guard:
            _used.pop(key, None)  # nothing resident: it takes no room
        raise
    size = model_bytes(model)
    with _used_guard:
        _sizes[key] = size
        if key in _used:
            _used[key] = size
    # Again after: its size is known now, and a newer model may have loaded meanwhile.
    _forget_least_recent()
    return model


@contextlib.contextmanager
def unavailable_says(message: Message) -> Iterator[None]:
    """A HubUnavailable raised inside says `message` instead (where the model comes from, what
    works without it); a download under way keeps its own message (to try again shortly).

        with unavailable_says(Message("... could not be downloaded from ...")):
            return get_pretrained(key, model_id, from_pretrained)
    """
    try:
        yield
    except HubDownloading:
        raise
    except HubUnavailable as err:
        raise HubUnavailable(message) from err


def cached_file(url: str) -> Path:
    """Where torch.hub keeps the download of `url`."""
    import torch

    return Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(url).path).name


def torch_hub_state(model_id: str, url: str, local_only: bool) -> dict:
    """The state dict torch.hub downloads from `url` (its hash checked; tensors only, no code
    runs), read from torch.hub's cache; OSError when it is not there and `local_only`."""
    import torch

    if local_only and not cached_file(url).is_file():
        raise OSError(f"{model_id} is not in torch.hub's cache")
    return torch.hub.load_state_dict_from_url(
        url, progress=False, map_location="cpu", check_hash=True, weights_only=True
    )


def seq2seq_from_pretrained(model_id: str, local_only: bool):
    """(tokenizer, model) of a transformers sequence-to-sequence model (a translator, a
    summarizer), in eval mode on the app's device: a `from_pretrained` for get_pretrained."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_id, local_files_only=local_only)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_id, local_files_only=local_only)
    return tokenizer, model.eval().to(model_device())


def get_seq2seq(tab: str, model_id: str, from_pretrained: Callable[[str, bool], T]) -> T:
    """A tab's Hub sequence-to-sequence model (tokenizer, model), kept by get_pretrained under
    the key "<tab>/hub/<model_id>". The tab passes its module's `from_pretrained` (default
    seq2seq_from_pretrained; tests replace it there)."""
    return get_pretrained(f"{tab}/hub/{model_id}", model_id, from_pretrained)
