"""The load-once cache and the Hub models on top of it: interleavings made deterministic with
events, and fake `from_pretrained` callables (no network, no Hub downloads)."""

import socket
import threading
import time
from collections import OrderedDict

import pytest
import torch

from models.common import hub, loading
from models.common.weights import WeightsError

WAIT_S = 5.0  # upper bound on any wait here, so a broken lock fails the test instead of hanging


def run_in_thread(fn, *args) -> tuple[threading.Thread, list]:
    """Start fn(*args) in a thread; its result lands in the list."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(fn(*args)), daemon=True)
    thread.start()
    return thread, result


class Held:
    """A loader that starts, then waits for `release` before returning `value`: a load a test
    can catch half-way."""

    def __init__(self, value: object = "slow"):
        self.value = value
        self.started, self.release = threading.Event(), threading.Event()

    def __call__(self, *args) -> object:
        self.started.set()
        self.release.wait(WAIT_S)
        return self.value


class CountingLock:
    """A lock that counts the threads that have asked for it, so a test can wait for them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self.asked = 0

    def __enter__(self) -> None:
        with self._cond:
            self.asked += 1
            self._cond.notify_all()
        self._lock.acquire()

    def __exit__(self, *exc) -> None:
        self._lock.release()

    def wait_for(self, n: int) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.asked >= n, WAIT_S)


def test_load_once_runs_factory_once_under_8_concurrent_first_calls(fresh_cache, monkeypatch):
    lock = CountingLock()
    monkeypatch.setitem(loading._locks, "slow", lock)
    calls = []

    def slow_factory():
        calls.append(1)
        assert lock.wait_for(8)  # all 8 callers are at the key's lock while this one loads
        return object()

    threads = [run_in_thread(loading.load_once, "slow", slow_factory) for _ in range(8)]
    for thread, _ in threads:
        thread.join(WAIT_S)
    results = [result[0] for _, result in threads]
    assert len(calls) == 1 and all(r is results[0] for r in results)


def test_load_once_does_not_cache_a_failure(fresh_cache):
    attempts = []

    def failing():
        attempts.append(1)
        raise WeightsError("missing")

    for _ in range(2):
        with pytest.raises(WeightsError):
            loading.load_once("broken", failing)
    assert len(attempts) == 2 and "broken" not in loading.loaded_keys()


def test_loading_one_key_does_not_block_another(fresh_cache):
    slow = Held("slow")
    started, release = slow.started, slow.release

    slow_thread, slow_result = run_in_thread(loading.load_once, "a", slow)
    assert started.wait(WAIT_S)
    fast_thread, fast_result = run_in_thread(loading.load_once, "b", lambda: "fast")
    fast_thread.join(WAIT_S)
    assert fast_result == ["fast"] and not release.is_set()  # while "a" is still loading
    release.set()
    slow_thread.join(WAIT_S)
    assert slow_result == ["slow"]


def test_forget_between_store_and_return_still_returns_the_model(fresh_cache, monkeypatch):
    class ForgetOnStore(dict):
        """Drops what is stored at once, as another thread's forget() right after would."""

        def __setitem__(self, key, value):
            super().__setitem__(key, value)
            self.pop(key)

    monkeypatch.setattr(loading, "_cache", ForgetOnStore())
    model = object()
    assert loading.load_once("k", lambda: model) is model


def test_forget_during_a_load_keeps_the_stale_model_out_of_the_cache(fresh_cache):
    old_weights = Held("old")
    started, release = old_weights.started, old_weights.release

    thread, result = run_in_thread(loading.load_once, "k", old_weights)
    assert started.wait(WAIT_S)
    loading.forget("k")  # e.g. the weights file changed while the old one was being read
    release.set()
    thread.join(WAIT_S)
    assert result == ["old"]  # its caller still gets an answer
    assert "k" not in loading.loaded_keys()
    assert loading.load_once("k", lambda: "new") == "new"


def test_forget_all_during_a_load_keeps_the_stale_model_out_too(fresh_cache):
    old_weights = Held("old")
    started, release = old_weights.started, old_weights.release

    thread, _ = run_in_thread(loading.load_once, "k", old_weights)
    assert started.wait(WAIT_S)
    loading.forget()
    release.set()
    thread.join(WAIT_S)
    assert loading.load_once("k", lambda: "new") == "new"


@pytest.fixture
def fresh_hub(monkeypatch, fresh_cache):
    """No Hub model used or failed before; the probe and any download fail the test."""
    monkeypatch.setattr(hub, "_used", OrderedDict())
    monkeypatch.setattr(hub, "_sizes", {})
    monkeypatch.setattr(hub, "_failed_at", {})
    monkeypatch.setattr(hub, "_downloads", {})
    monkeypatch.setattr(hub, "hub_reachable", lambda: pytest.fail("probed the network"))


def finish_downloads() -> None:
    """Wait for the background downloads started so far."""
    for thread in list(hub._downloads.values()):
        thread.join(WAIT_S)


class FakeHub:
    """A from_pretrained whose models are all in the local cache: a float32 net of
    `sizes[id]` bytes each; counts loads per id."""

    def __init__(self, **sizes: int) -> None:
        self.sizes = sizes
        self.loads: dict[str, int] = {}

    def __call__(self, model_id: str, local_only: bool) -> torch.nn.Module:
        assert local_only, "tried to download"
        self.loads[model_id] = self.loads.get(model_id, 0) + 1
        return torch.nn.Linear(self.sizes.get(model_id, 1) // 4, 1, bias=False)


def test_hub_models_stay_resident_up_to_a_byte_budget(fresh_hub, monkeypatch):
    monkeypatch.setattr(hub, "MAX_RESIDENT_HUB_BYTES", 1000)
    fake = FakeHub(a=400, b=400, c=400, huge=4000)
    for key in ("a", "b", "a", "b"):  # two alternating choices that fit: loaded once each
        hub.get_pretrained(f"t/hub/{key}", key, fake)
    assert fake.loads == {"a": 1, "b": 1} and loading.loaded_keys() == ["t/hub/a", "t/hub/b"]
    hub.get_pretrained("t/hub/c", "c", fake)  # a third would pass the budget: a goes
    assert loading.loaded_keys() == ["t/hub/b", "t/hub/c"]
    hub.get_pretrained("t/hub/huge", "huge", fake)  # over the budget alone: kept, alone
    assert loading.loaded_keys() == ["t/hub/huge"]
    hub.get_pretrained("t/hub/a", "a", fake)  # the huge one's known size: out before a loads
    assert loading.loaded_keys() == ["t/hub/a"] and fake.loads["a"] == 2


def test_a_hub_model_asked_for_while_another_loads_bounds_them_both(fresh_hub, monkeypatch):
    """A load overtaken by a newer choice goes to its caller but is not kept when both would
    pass the budget."""
    monkeypatch.setattr(hub, "MAX_RESIDENT_HUB_BYTES", 500)
    slow = Held(torch.nn.Linear(100, 1, bias=False))  # 400 bytes
    started, release = slow.started, slow.release

    thread, result = run_in_thread(hub.get_pretrained, "t/hub/slow", "slow", slow)
    assert started.wait(WAIT_S)
    hub.get_pretrained("t/hub/b", "b", FakeHub(b=400))
    release.set()
    thread.join(WAIT_S)
    assert len(result) == 1 and loading.loaded_keys() == ["t/hub/b"]


def test_a_download_runs_in_the_background_and_the_request_returns_at_once(fresh_hub, monkeypatch):
    """Minutes of download must not hold one of the model-call slots every tab shares."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "hub_reachable", lambda: True)
    cached, downloads, release = set(), [], threading.Event()

    def from_hub(model_id: str, local_only: bool) -> torch.nn.Module:
        if local_only:
            if model_id not in cached:
                raise OSError("not in the local cache")
            return torch.nn.Linear(2, 1)
        downloads.append(model_id)
        release.wait(WAIT_S)
        cached.add(model_id)
        return torch.nn.Linear(2, 1)

    for _ in range(3):  # the first starts the download; the others find it running
        t0 = time.perf_counter()
        with pytest.raises(hub.HubDownloading, match="being downloaded"):
            hub.get_pretrained("t/hub/big", "big", from_hub)
        assert time.perf_counter() - t0 < WAIT_S / 2  # (not waiting for the download)
    assert downloads == ["big"] and loading.loaded_keys() == []
    release.set()
    finish_downloads()
    assert isinstance(hub.get_pretrained("t/hub/big", "big", from_hub), torch.nn.Linear)
    assert downloads == ["big"] and loading.loaded_keys() == ["t/hub/big"]


def test_an_offline_failure_is_remembered_for_a_while(fresh_hub, monkeypatch):
    probes, now = [], [1000.0]
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "hub_reachable", lambda: probes.append(1) or False)
    monkeypatch.setattr(hub.time, "monotonic", lambda: now[0])

    def not_cached(model_id: str, local_only: bool):
        assert local_only, "tried to download"
        raise OSError("not in the local cache")

    errors = []
    for wait in (0, 59):
        now[0] += wait
        with pytest.raises(hub.HubUnavailable, match="needs internet") as err:
            hub.get_pretrained("t/hub/x", "x", not_cached)
        errors.append(err.value)
    assert len(probes) == 1 and errors[0] is not errors[1]
    assert str(errors[0]) == str(errors[1])
    now[0] += 2  # 61 s after the failure: try again
    with pytest.raises(hub.HubUnavailable, match="needs internet"):
        hub.get_pretrained("t/hub/x", "x", not_cached)
    assert len(probes) == 2


def test_a_model_of_the_wrong_kind_is_not_remembered_as_offline(fresh_hub, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "hub_reachable", lambda: True)

    def wrong_kind(model_id: str, local_only: bool):
        if local_only:
            raise OSError("not in the local cache")
        raise hub.HubUnavailable(f"{model_id} is not a CIFAR-10 classifier")  # once downloaded

    with pytest.raises(hub.HubDownloading):
        hub.load_pretrained("imagenet", wrong_kind)
    finish_downloads()
    for _ in range(2):
        with pytest.raises(hub.HubUnavailable, match="not a CIFAR-10 classifier"):
            hub.load_pretrained("imagenet", wrong_kind)


def test_probe_is_bounded_in_time_even_when_dns_hangs(monkeypatch):
    def hanging_dns(*args, **kwargs):
        time.sleep(5)
        raise socket.gaierror("no network here")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_dns)
    t0 = time.perf_counter()
    assert hub.hub_reachable(timeout=0.5) is False
    assert time.perf_counter() - t0 < 3.0  # well before the lookup's 5 s


@pytest.mark.parametrize(
    "module, call",
    [
        ("models.pets.hub", lambda m: m.get_model()),
        ("models.cyclegan.hub", lambda m: m.get_model("horse2zebra")),
        ("models.style.hub", lambda m: m.get_vgg("vgg19")),
    ],
)
def test_a_download_under_way_is_said_as_such_by_every_tabs_hub_wrapper(
    module, call, fresh_hub, monkeypatch
):
    """The tabs' own offline messages must not hide it: the network is up, the file coming."""
    import importlib

    hub_module = importlib.import_module(module)
    monkeypatch.delenv(hub_module.__dict__.get("LOCAL_ENV", "GALLERY_NO_SUCH_ENV"), raising=False)
    monkeypatch.delenv("GALLERY_PERCEPTUAL_VGG", raising=False)

    def downloading(key, model_id, from_pretrained):
        raise hub._downloading(model_id)

    monkeypatch.setattr(hub_module, "get_pretrained", downloading)
    with pytest.raises(hub.HubDownloading, match="being downloaded"):
        call(hub_module)
