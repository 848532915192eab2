"""Shared fixtures: tiny weights written in the test, the real data dir, a running app."""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import torch

from models import MODELS, get_spec
from models.common import loading
from models.common.paths import data_dir
from models.common.weights import save_weights

DATA = data_dir()


# CI sets this (.ci/run): there a missing data set fails its tests instead of skipping them, so
# the quality floors of the shipped weights can never go quietly unchecked.
REQUIRE_DATA = os.environ.get("GALLERY_REQUIRE_DATA") == "1"


def needs_data(*parts: str):
    """Skip (with the reason) when a data set is absent, e.g. needs_data("MNIST", "raw"); fail
    instead under GALLERY_REQUIRE_DATA=1."""
    path = DATA.joinpath(*parts)
    if path.exists():
        return pytest.mark.data(path)
    if REQUIRE_DATA:
        return pytest.mark.missing_data(path)
    return pytest.mark.skip(reason=f"data set not found at {path}")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "data(path): the test reads a data set at path")
    config.addinivalue_line("markers", "missing_data(path): the data set is required, absent")


def pytest_runtest_setup(item) -> None:
    for mark in item.iter_markers("missing_data"):
        pytest.fail(f"data set not found at {mark.args[0]} (GALLERY_REQUIRE_DATA=1)", False)


@pytest.fixture
def fresh_cache():
    """Models cached by load_once are dropped before and after the test."""
    loading.forget()
    yield
    loading.forget()


def write_tiny_weights(folder: Path) -> None:
    """Every weights variant of every model whose SPEC declares a tiny net, random-init
    (untrained), under folder/<model>/ as GALLERY_WEIGHTS_DIR lays them out."""
    torch.manual_seed(0)
    for name in MODELS:
        spec = get_spec(name)
        if spec.tiny is None:
            continue
        net = spec.build(spec.tiny)
        for variant in spec.variants:
            path = folder / name / f"{variant}.safetensors"
            save_weights(net.state_dict(), path, {"config": spec.tiny})


@pytest.fixture
def tiny_weights(tmp_path, monkeypatch, fresh_cache) -> Path:
    """GALLERY_WEIGHTS_DIR with a tiny random-init net (SPEC.tiny) for every variant of the
    image models; the models without one have no weights there."""
    write_tiny_weights(tmp_path)
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def sample_scores():
    """sample_scores(name): the shipped weights' figures on the sample of the real split that
    CI checks (SPEC.sample_scores), computed once per session; skipped or failed, as
    needs_data, when that data is absent."""
    computed: dict[str, dict] = {}

    def scores(name: str) -> dict:
        spec = get_spec(name)
        for part in spec.sample_data:
            if not (DATA / part).exists():
                message = f"data set not found at {DATA / part}"
                if REQUIRE_DATA:
                    pytest.fail(f"{message} (GALLERY_REQUIRE_DATA=1)", False)
                pytest.skip(message)
        if name not in computed:
            loading.forget()  # the shipped weights, whatever an earlier test loaded
            computed[name] = spec.sample_scores(DATA)
        return computed[name]

    return scores


def dry_run_data(name: str, root: Path) -> list[str]:
    """The data flags of a model's dry runs: a stand-in data set (tests/stand_ins.py) where the
    real one would take minutes to read or is not needed, else the real data dir."""
    from tests import stand_ins

    if name == "cifar10":
        return ["--data-dir", str(stand_ins.cifar10_sample(root, root / "cache"))]
    if name == "pets":
        return ["--data-dir", str(stand_ins.pets(root / "data")), "--cache-dir", str(root)]
    if name == "cyclegan":
        return ["--data-dir", str(stand_ins.cyclegan(root / "data")), "--cache-dir", str(root)]
    for part in get_spec(name).train_data:
        if not (DATA / part).exists():
            message = f"data set not found at {DATA / part}"
            if REQUIRE_DATA:
                pytest.fail(f"{message} (GALLERY_REQUIRE_DATA=1)", False)
            pytest.skip(message)
    return ["--data-dir", str(DATA)]


@pytest.fixture(scope="session")
def dry_run(tmp_path_factory):
    """dry_run(name) -> (weights folder, flags of the last run): the model's dry runs
    (SPEC.dry_runs: two epochs each, a checkpoint per variant) run once per session, into
    <folder>/<name> as GALLERY_WEIGHTS_DIR lays them out."""
    done: dict[str, tuple[Path, list[str]]] = {}

    def run(name: str) -> tuple[Path, list[str]]:
        if name in done:
            return done[name]
        spec = get_spec(name)
        root = tmp_path_factory.mktemp(f"dry-run-{name}")
        out = root / name
        data = dry_run_data(name, root)
        threads = torch.get_num_threads()  # (a run's --threads sets the process's count)
        try:
            for i, flags in enumerate(spec.dry_runs):
                args = ["--dry-run", "--epochs", "2", *data, "--out", str(out)]
                args += ["--checkpoint", str(root / f"run{i}.pt")]
                args += [flag.format(out=out) for flag in flags]
                spec.entry_point("train")(args)
        finally:
            torch.set_num_threads(threads)
        done[name] = root, args
        return done[name]

    return run


def hub_model_cached(model_id: str) -> bool:
    """Whether a Hub model is in the local cache (tests of the offline message then skip)."""
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model_id, "config.json"), str)


@contextlib.contextmanager
def upload_folder():
    """A fresh folder inside Gradio's upload folder: where the app accepts files as uploaded
    (demos.common.uploaded_path refuses other server paths)."""
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder())
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=root, prefix="tests-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def app_url():
    """The gallery with its shipped weights, launched in this process; yields its URL."""
    import app

    loading.forget()
    blocks = app.build_app()
    yield app.launch_in_background(blocks)
    blocks.close()


@pytest.fixture(scope="module")
def client(app_url):
    """A gradio_client Client of the launched gallery."""
    from gradio_client import Client

    return Client(app_url, verbose=False)


# Browser tests (tests/browser.py): one Chromium and one English page of the app per test module
@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, app_url):
    from tests.browser import browser_page

    with browser_page(browser, app_url) as page:
        page.get_by_role("tab", name="Digits", exact=True).wait_for()
        yield page
