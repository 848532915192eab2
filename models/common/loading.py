"""Lazy, thread-safe, load-once cache for models.

Nothing loads at import. The first call to `load_once(key, factory)` runs `factory()`; concurrent
first calls for the same key wait for that one run, while other keys load in parallel. A factory
that raises caches nothing, so a fixed file is picked up by the next call.
"""

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_cache: dict[str, object] = {}
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def load_once(key: str, factory: Callable[[], T]) -> T:
    if key in _cache:
        return _cache[key]  # type: ignore[return-value]
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _cache:
            _cache[key] = factory()
    return _cache[key]  # type: ignore[return-value]


def loaded_keys() -> list[str]:
    return list(_cache)


def forget(key: str | None = None) -> None:
    """Drop one cached model (or all): for tests and for reloading changed weights."""
    with _locks_guard:
        if key is None:
            _cache.clear()
        else:
            _cache.pop(key, None)
