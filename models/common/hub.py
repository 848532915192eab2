"""Optional pretrained models from the Hugging Face Hub: from the local cache when they are there,
else downloaded. Without internet they cannot be, and the tab says so and keeps its own model."""

import os
import socket
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlparse

from models.common.errors import ModelUnavailable

T = TypeVar("T")


class HubUnavailable(ModelUnavailable):
    """A pretrained model could not be loaded (no internet, or not the kind of model expected)."""


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hub's host answers at all; huggingface_hub would otherwise retry a dead
    network for about a minute before giving up."""
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def load_pretrained(model_id: str, from_pretrained: Callable[[str, bool], T]) -> T:
    """`from_pretrained(model_id, local_only)` for a Hub id or a local folder: from the local
    cache first, else downloaded; HubUnavailable with a plain message when neither works."""
    try:
        return from_pretrained(model_id, True)
    except (OSError, ValueError):
        pass  # not cached here: download it below
    unavailable = HubUnavailable(
        f"The pretrained model {model_id} could not be loaded from the Hugging Face Hub "
        "(this needs internet access). The model trained here still works."
    )
    if os.environ.get("HF_HUB_OFFLINE") == "1" or not hub_reachable():
        raise unavailable
    try:
        return from_pretrained(model_id, False)
    except (OSError, ValueError) as err:
        raise unavailable from err
