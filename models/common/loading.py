"""Lazy, thread-safe, load-once cache for models.

Nothing loads at import. The first call to `load_once(key, factory)` runs `factory()`; concurrent
first calls for the same key wait for that one run, while other keys load in parallel. A factory
that raises caches nothing, so a fixed file is picked up by the next call. `forget(key)` drops a
model, also one still loading: that load returns its model to its caller but does not cache it.

`LazyModule(name)` defers the import of a module (and of torch behind it) the same way: the
tabs hold their model code through it, so the app starts without importing torch. It is also
the one seam between a tab and its model code: `modules_from(source)` makes every LazyModule
find its module through `source(name)` instead (Ray Serve mode, serving/ray_backend.py, where
the functions run in the tab's model server).
"""

import importlib
import threading
from collections import defaultdict
from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

T = TypeVar("T")

_MISSING = object()  # (a factory may return None, so None cannot mean "not cached")
_cache: dict[str, object] = {}
_locks: dict[str, threading.Lock] = {}  # one per key: its loads run one at a time
_generations: defaultdict[str, int] = defaultdict(int)  # bumped by forget(key)
_guard = threading.Lock()  # guards the three dicts; never held while a factory runs


def load_once(key: str, factory: Callable[[], T]) -> T:
    value = _cache.get(key, _MISSING)  # one lookup: a forget() cannot fall between two
    if value is not _MISSING:
        return value  # type: ignore[return-value]
    with _guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        with _guard:
            value = _cache.get(key, _MISSING)
            generation = _generations[key]
        if value is not _MISSING:
            return value  # type: ignore[return-value]  (loaded while we waited)
        value = factory()
        with _guard:
            # A forget() during the load makes this model stale: don't let it overwrite that.
            if _generations[key] == generation:
                _cache[key] = value
    return value


def loaded_keys() -> list[str]:
    with _guard:
        return list(_cache)


def forget(key: str | None = None) -> None:
    """Drop one cached model (or all), and cancel the caching of any that are still loading:
    for tests, for reloading changed weights and for bounding the memory models take."""
    with _guard:
        for k in list(_locks) if key is None else [key]:
            _generations[k] += 1  # (every key that has started loading has a lock)
        if key is None:
            _cache.clear()
        else:
            _cache.pop(key, None)


_module_source: Callable[[str], object] = importlib.import_module


def modules_from(source: Callable[[str], object] | None) -> None:
    """Where every LazyModule finds its module: `source(name)`, or (None) the import here."""
    global _module_source
    _module_source = source or importlib.import_module


class LazyModule(ModuleType):
    """Module `name`, imported at the first use of one of its attributes (by importlib, which
    is thread-safe; the stdlib's LazyLoader is not before Python 3.12)."""

    def __getattr__(self, attr: str) -> object:
        return getattr(_module_source(self.__name__), attr)
