"""Optional pretrained models from the Hugging Face Hub: from the local cache when they are there,
else downloaded. Without internet they cannot be, and the tab says so and keeps its own model.

`get_pretrained` keeps at most MAX_RESIDENT_HUB_MODELS of them in memory, and a model that could
not be had is not tried again for RETRY_AFTER_S seconds, so an offline choice answers at once.
"""

import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlparse

from models.common import loading
from models.common.device import model_device
from models.common.errors import Message, ModelUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_RESIDENT_HUB_MODELS = 1  # each is hundreds of MB: trying every choice must not keep them all
RETRY_AFTER_S = 60.0  # how long a failed model id fails at once instead of probing the network

_used: OrderedDict[str, None] = OrderedDict()  # keys get_pretrained has seen, least recent first
_used_guard = threading.Lock()
_failed_at: dict[str, float] = {}  # model id -> time.monotonic() of its last failure


class HubUnavailable(ModelUnavailable):
    """A pretrained model could not be loaded (no internet, or not the kind of model expected)."""


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


def _failed(model_id: str) -> HubUnavailable:
    """Remember that `model_id` could not be had, and say so."""
    _failed_at[model_id] = time.monotonic()
    return _unavailable(model_id)


def _unavailable(model_id: str) -> HubUnavailable:
    return HubUnavailable(
        Message(
            "The pretrained model {model} could not be loaded from the Hugging Face Hub "
            "(this needs internet access). The model trained here still works.",
            model=model_id,
        )
    )


def load_pretrained(model_id: str, from_pretrained: Callable[[str, bool], T]) -> T:
    """`from_pretrained(model_id, local_only)` for a Hub id or a local folder: from the local
    cache first, else downloaded; HubUnavailable with a plain message when neither works, and
    at once for RETRY_AFTER_S seconds after that (the caller holds the model's lock meanwhile)."""
    failed_at = _failed_at.get(model_id)
    if failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER_S:
        raise _unavailable(model_id)
    try:
        return from_pretrained(model_id, True)
    except (OSError, ValueError):
        pass  # not cached here: download it below
    if os.environ.get("HF_HUB_OFFLINE") == "1" or not hub_reachable():
        raise _failed(model_id)
    try:
        model = from_pretrained(model_id, False)
    except HubUnavailable:
        raise  # (downloaded, but not the kind of model expected: its own message)
    except Exception as err:  # OSError, ValueError, and the HTTP client's own errors, which
        # transformers re-raises as they are (httpx2.ReadTimeout mid-download is no OSError)
        log.warning("downloading %s failed", model_id, exc_info=True)
        raise _failed(model_id) from err
    _failed_at.pop(model_id, None)
    return model


def _forget_least_recent() -> None:
    """Forget every Hub model but the MAX_RESIDENT_HUB_MODELS most recently asked for; also one
    still loading, which then goes to its caller without being kept."""
    with _used_guard:
        for key in list(_used)[: max(0, len(_used) - MAX_RESIDENT_HUB_MODELS)]:
            loading.forget(key)


def get_pretrained(key: str, model_id: str, from_pretrained: Callable[[str, bool], T]) -> T:
    """`load_pretrained(model_id, from_pretrained)`, kept by `load_once` under `key` while it
    is among the MAX_RESIDENT_HUB_MODELS Hub models most recently asked for."""
    with _used_guard:
        _used.pop(key, None)
        _used[key] = None  # the most recent now
    _forget_least_recent()  # before loading, so the old model's memory is free for the new one
    model = loading.load_once(key, lambda: load_pretrained(model_id, from_pretrained))
    # Again after: a newer model asked for while this one loaded may have made this one old.
    _forget_least_recent()
    return model


def seq2seq_from_pretrained(model_id: str, local_only: bool):
    """(tokenizer, model) of a transformers sequence-to-sequence model (a translator, a
    summarizer), in eval mode on the app's device: a `from_pretrained` for get_pretrained."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_id, local_files_only=local_only)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_id, local_files_only=local_only)
    return tokenizer, model.eval().to(model_device())
