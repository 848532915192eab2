"""Faults break one tab only: a broken weights or vocabulary file, a Hub model that cannot be
downloaded, a bug in a predict function. The broken tab says what is wrong and what to run; every
other tab keeps answering.

The shipped files are copied into a temporary GALLERY_WEIGHTS_DIR and the copies corrupted; the
app is built from them (its About panels read them too) and its endpoints called as Gradio would
(tests/test_properties.py: the endpoints come from the app itself, so a new tab is covered).
"""

import importlib
import importlib.util
import json
import re
import shutil
import sys
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import torch
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from safetensors import safe_open
from safetensors.torch import load_file, save_file

import app
from models import MODELS
from models.common import hub, loading
from models.common.paths import ROOT
from tests.conftest import upload_folder
from tests.test_properties import (
    CHOICES,
    ENDPOINTS,
    Files,
    ImageFile,
    answer_or_message,
    assert_answers,
    choice_values,
    one_torch_thread,
    public_endpoints,
    raw_value,
    tab_of,
    typical,
)

# gr.Warning outside a request (a pretrained choice, offline, where the tab degrades) warns
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

try:  # huggingface_hub's HTTP client: httpx2 since huggingface_hub 2, httpx before
    from httpx2 import ReadTimeout
except ImportError:
    from httpx import ReadTimeout


@pytest.fixture(scope="module")
def files() -> Files:
    with one_torch_thread(), upload_folder() as folder:  # (see tests/test_properties.py)
        yield Files(folder)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # no test here may reach the network


def typical_raw(block_fn, files: Files) -> list:
    return [raw_value(typical(c), files) for c in block_fn.inputs]


# ---- broken weights and vocabulary files


def rewrite(path: Path, change_tensors=None, change_meta=None, metadata=None) -> None:
    """Save the file again with its tensors and/or its header's meta dict changed."""
    tensors = load_file(str(path))
    with safe_open(str(path), framework="pt") as f:
        meta = json.loads(f.metadata()["meta"])
    if change_tensors:
        tensors = change_tensors(tensors)
    if change_meta:
        change_meta(meta)
    path.unlink()
    save_file(tensors, str(path), metadata=metadata or {"meta": json.dumps(meta)})


def floats_as(dtype: torch.dtype):
    def change(tensors: dict) -> dict:
        return {k: v.to(dtype) if v.is_floating_point() else v for k, v in tensors.items()}

    return change


def one_tensor_reshaped(tensors: dict) -> dict:
    name = next(k for k, v in tensors.items() if v.ndim >= 2)
    tensors[name] = tensors[name].flatten()[1:].clone()  # one element short, flattened
    return tensors


FAULTS = {
    "missing": lambda p: p.unlink(),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "wrong-shape": lambda p: rewrite(p, change_tensors=one_tensor_reshaped),
    "int8": lambda p: rewrite(p, change_tensors=floats_as(torch.int8)),
    "float64": lambda p: rewrite(p, change_tensors=floats_as(torch.float64)),
    "no-config": lambda p: rewrite(p, change_meta=lambda meta: meta.pop("config")),
    "unknown-field": lambda p: rewrite(
        p, change_meta=lambda meta: meta["config"].update(no_such_field=1)
    ),
    "non-json-meta": lambda p: rewrite(p, metadata={"meta": '{"config": {"widths": [8,'}),
    "vocabulary-missing": lambda p: p.unlink(),
}
# Each fault once, spread over the tabs and both of sentiment's weights files (every fault on
# every file would take a minute). The dtype faults may load: torch casts what it copies.
CASES = [
    ("missing", "cifar10", "default.safetensors"),
    ("truncated", "digits", "default.safetensors"),
    ("wrong-shape", "sentiment", "chars.safetensors"),
    ("int8", "digits", "default.safetensors"),
    ("float64", "sentiment", "chars.safetensors"),
    ("no-config", "sentiment", "default.safetensors"),
    ("unknown-field", "cifar10", "default.safetensors"),
    ("non-json-meta", "digits", "default.safetensors"),
    ("vocabulary-missing", "sentiment", "chars.vocab.json"),
]
MAY_LOAD = {"int8", "float64"}


@pytest.fixture
def weights_copy(tmp_path, monkeypatch, fresh_cache) -> Path:
    """GALLERY_WEIGHTS_DIR holding a copy of every model's shipped files."""
    for name in MODELS:
        shipped = ROOT / "models" / name / "weights"
        if shipped.is_dir():  # (a tab still training may have none yet)
            shutil.copytree(shipped, tmp_path / name)
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("fault, broken, filename", CASES, ids=[c[0] for c in CASES])
def test_a_broken_weights_file_breaks_only_its_own_tab_and_says_how_to_rebuild_it(
    fault, broken, filename, weights_copy, files
):
    """int8 and float64 copies of a fp16 file load (load_state_dict casts what it copies) and
    the tab answers: float64 as before, int8 with its weights truncated to mostly zeros (the
    digits net then says 10% for every class); accepted, as long as nothing fails with a generic
    error. Every other fault gives the broken tab's message naming the file and the command."""
    path = weights_copy / broken / filename
    FAULTS[fault](path)
    endpoints = public_endpoints(app.build_app())  # the About panels read the broken file too
    messages, answered = [], set()
    for block_fn in endpoints.values():
        tab = tab_of(block_fn)
        if tab != broken:
            if tab not in answered:  # one endpoint of each other tab shows that it works
                assert_answers(block_fn, typical_raw(block_fn, files))
                answered.add(tab)
            continue
        message = answer_or_message(block_fn, typical_raw(block_fn, files))
        if message is not None:  # (the previews need no model: they answer)
            messages.append(message)
            assert str(path) in message, message
            assert "rebuild it with" in message and f"python -m models.train {broken}" in message
    assert answered == set(MODELS) - {broken}
    assert messages or fault in MAY_LOAD, f"no endpoint of {broken} noticed the {fault} file"


# ---- the Hub's models: a download that fails or hangs

HANG_S = 60.0  # how long a hanging network stays silent; a message must come well before


def pretrained_calls(files: Files) -> list:
    """(event, raw inputs with a Hub model chosen, the same with the default choice) for every
    event of the app, public or not, that offers a pretrained model."""
    blocks = app.build_app()
    calls, seen = [], set()
    for block_fn in blocks.fns.values():
        for i, component in enumerate(block_fn.inputs):
            if not isinstance(component, CHOICES) or block_fn.fn in seen:
                continue
            for choice in [v for v in choice_values(component) if "pretrained" in str(v)]:
                seen.add(block_fn.fn)
                default = typical_raw(block_fn, files)
                calls.append((block_fn, [*default[:i], choice, *default[i + 1 :]], default))
    return calls


def hub_modules() -> list[types.ModuleType]:
    return [
        importlib.import_module(f"models.{name}.hub")
        for name in MODELS
        if importlib.util.find_spec(f"models.{name}.hub")
    ]


def assert_hub_message_or_answer(block_fn, raw, within_s: float) -> None:
    """The Hub model's message (or, for an event that degrades, an answer), soon enough."""
    start = time.monotonic()
    message = answer_or_message(block_fn, raw)
    elapsed = time.monotonic() - start
    assert elapsed < within_s, f"{block_fn.name}: {elapsed:.1f} s"
    if message is not None:
        assert "could not be" in message and "still works" in message, message


@pytest.fixture
def hub_state(monkeypatch, fresh_cache):
    """No remembered failures, the network allowed (each test stubs what it reaches)."""
    monkeypatch.setattr(hub, "_failed_at", {})
    monkeypatch.setattr(hub, "_downloads", {})
    monkeypatch.setattr(hub, "_used", type(hub._used)())
    monkeypatch.delenv("HF_HUB_OFFLINE")


def test_a_hub_probe_that_hangs_gives_the_message_within_seconds_and_the_trained_model_answers(
    monkeypatch, hub_state, files
):
    calls = pretrained_calls(files)
    assert len(calls) >= 2  # CIFAR-10 and sentiment
    for block_fn, _, default in calls:  # the trained models load first: not part of the wait
        assert_answers(block_fn, default)

    downloads = []  # (none may start: the probe never answers)

    def not_cached(model_id: str, local_only: bool):
        if not local_only:
            downloads.append(model_id)
        raise OSError("not in the local cache")

    for module in hub_modules():
        monkeypatch.setattr(module, "from_pretrained", not_cached)
    release = threading.Event()  # the hanging probes end with the test

    def hang(*args, **kwargs):
        release.wait(HANG_S)
        raise OSError("no answer")

    monkeypatch.setattr(hub, "socket", types.SimpleNamespace(create_connection=hang))
    try:
        # All at once, as several users might: each waits for its model's probe (3 s) or for
        # the failure another call of the same model remembers, and none waits longer.
        with ThreadPoolExecutor(len(calls)) as pool:
            done = [
                pool.submit(assert_hub_message_or_answer, block_fn, pretrained, HANG_S / 3)
                for block_fn, pretrained, _ in calls
            ]
            for future in done:
                future.result()
    finally:
        release.set()
    assert not downloads
    for block_fn, _, default in calls:
        assert_answers(block_fn, default)


@pytest.mark.parametrize(
    "error",
    [OSError("We couldn't connect to 'https://huggingface.co'"), ReadTimeout("timed out")],
    ids=["oserror", "read-timeout"],
)
def test_a_hub_download_that_fails_gives_the_message(error, monkeypatch, hub_state, files):
    """transformers turns most download failures into OSError, but re-raises the HTTP client's
    own: a read timeout mid-download (after huggingface_hub's retries) is an httpx2 error. (That
    the trained models still answer after, the hanging probe's test shows.)"""

    def from_pretrained(model_id: str, local_only: bool):
        raise OSError("not in the local cache") if local_only else error

    monkeypatch.setattr(hub, "hub_reachable", lambda timeout=3.0: True)
    for module in hub_modules():
        monkeypatch.setattr(module, "from_pretrained", from_pretrained)
    calls = pretrained_calls(files)
    for block_fn, pretrained, _ in calls:  # the first call starts the download and returns
        message = answer_or_message(block_fn, pretrained)  # (or hears a failure already seen)
        assert message is None or "being downloaded" in message or "could not be" in message
    for download in list(hub._downloads.values()):
        download.join(HANG_S)
    for block_fn, pretrained, _ in calls:  # then the failure is what they hear
        assert_hub_message_or_answer(block_fn, pretrained, within_s=HANG_S / 3)


# ---- a bug: an unexpected exception at the UI edge


def injected_fault(monkeypatch, name: str) -> str:
    """Make every model load of tab `name` raise a RuntimeError (each goes through load_once
    under a key "<name>/...", whichever module loads it); its text."""
    text = f"injected fault in {name}"
    real = loading.load_once

    def load_once(key: str, factory):
        if key.startswith(f"{name}/"):
            raise RuntimeError(text)
        return real(key, factory)

    importlib.import_module(f"models.{name}.predict")
    for module in list(sys.modules.values()):  # every module holding it by name, too
        if getattr(module, "load_once", None) is real:
            monkeypatch.setattr(module, "load_once", load_once)
    return text


def logged_traceback(caplog, reference: str) -> str:
    records = [r for r in caplog.records if r.name == "gallery" and reference in r.getMessage()]
    assert records and records[0].exc_info, f"no traceback logged under [ref {reference}]"
    return caplog.text


REFERENCE = re.compile(r"\[ref ([0-9a-f]{8})\]")


@pytest.mark.parametrize("name", MODELS)
def test_an_unexpected_exception_is_logged_with_its_traceback_and_shown_with_a_reference(
    name, monkeypatch, caplog, files
):
    text = injected_fault(monkeypatch, name)
    shown = 0
    for api_name, block_fn in ENDPOINTS.items():
        if tab_of(block_fn) != name:
            continue
        message = answer_or_message(block_fn, typical_raw(block_fn, files))
        if message is None:  # (needs no model)
            continue
        shown += 1
        reference = REFERENCE.search(message)
        assert reference, f"/{api_name}: {message}"
        assert len(message) < 200 and text not in message and "RuntimeError" not in message
        log = logged_traceback(caplog, reference.group(1))
        assert "Traceback" in log and f"RuntimeError: {text}" in log
    assert shown, f"no endpoint of {name} calls its model"


def test_the_running_app_shows_an_unexpected_exception_as_a_reference_the_log_names(
    app_url, monkeypatch, caplog, files
):
    text = injected_fault(monkeypatch, "digits")
    client = Client(app_url, verbose=False)
    seven = handle_file(files.path(ImageFile("RGB", (280, 280))))
    with pytest.raises(AppError) as raised:
        client.predict(seven, api_name="/digits")
    message = str(raised.value)  # our short message, not Gradio's generic one
    assert message.startswith("Something went wrong on the server [ref "), message
    assert text not in message and "Traceback" not in message
    log = logged_traceback(caplog, REFERENCE.search(message).group(1))
    assert f"RuntimeError: {text}" in log
