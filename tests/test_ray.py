"""Ray Serve mode (`python app.py --serve ray`, serving/ray_backend.py) against the embedded app.

First its pieces, without a cluster. Then a local Ray cluster is started here (its own port, temp dir and auth token, so it meets no other
cluster of this machine), the app's front is joined to it in a subprocess with the shipped
weights, and the same requests go to it and to the embedded app of this process. The last tests
break things on purpose: a killed replica, a deployment that fails, the whole cluster down.
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("ray.serve", reason="ray[serve] is not installed (see requirements-dev.txt)")

from app import free_port  # noqa: E402
from benchmarks.load import Server, photo, requests_by_endpoint  # noqa: E402
from tests.browser import needs_chromium  # noqa: E402
from tests.strokes import render  # noqa: E402

RAY = Path(sys.executable).with_name("ray")
CLUSTER_DOWN = "Ray cluster does not answer"  # serving.ray_backend's messages
FAILING = "keeps failing"


# The pieces, without a cluster


def test_an_input_error_crosses_pickled_with_its_template_and_other_errors_as_plain_text():
    import pickle

    from demos.i18n import text
    from models.common.errors import InputError
    from serving.ray_backend import reply_to

    def too_big():
        raise InputError("The file is over {mb} MB; upload a smaller one.", mb=25)

    error = pickle.loads(pickle.dumps(reply_to(too_big))).error
    assert isinstance(error, InputError)
    assert text(error.args[0], "zh") == "文件超过 25 MB，请上传小一些的文件。"  # translatable still
    bug = reply_to(lambda: {}["missing"]).error
    assert type(bug) is RuntimeError and "KeyError" in str(bug)
    assert reply_to(lambda: 7).unwrap() == 7


def test_uploads_travel_by_value_and_other_paths_stay_paths(tmp_path):
    from serving.ray_backend import TabServer, Upload, sent

    uploads = tmp_path / "gradio"
    uploads.mkdir()
    photo_path = uploads / "cat.png"
    photo_path.write_bytes(b"picture bytes")
    args = sent(([str(photo_path), "/etc/hostname"], {"image": photo_path}, 3), uploads)
    assert args[0] == [Upload("cat.png", b"picture bytes"), "/etc/hostname"]
    assert args[1]["image"] == Upload("cat.png", b"picture bytes") and args[2] == 3
    replica = TabServer.__new__(TabServer)  # (only its folder: no Ray, no model)
    replica.files = tmp_path / "replica"
    replica.files.mkdir()
    received = replica.received(args)
    arrived = Path(received[0][0])
    assert arrived.read_bytes() == b"picture bytes" and arrived.is_relative_to(replica.files)
    assert received[0][1] == "/etc/hostname" and received[2] == 3


def test_a_deployments_status_says_why_its_tab_cannot_answer():
    from types import SimpleNamespace

    from serving.ray_backend import FAILING, NOT_RUNNING, REPLACE_S, app_problem

    def app(status):
        return SimpleNamespace(status=status)

    assert app_problem(None) == NOT_RUNNING and app_problem(app("DELETING")) == NOT_RUNNING
    assert app_problem(app("DEPLOY_FAILED")) == FAILING
    assert app_problem(app("RUNNING")) is None and app_problem(app("DEPLOYING")) is None
    assert app_problem(app("UNHEALTHY"), unhealthy_s=1) is None  # a replica being replaced
    assert app_problem(app("UNHEALTHY"), unhealthy_s=REPLACE_S + 1) == FAILING


def test_model_functions_go_to_the_backend_and_the_rest_stays_local():
    from models.cifar10 import net
    from serving.ray_backend import RemoteModule

    class Backend:
        def call(self, tab, module, name, args, kwargs):
            return ("remote", tab, name, args)

        def stream(self, tab, module, name, args, kwargs):
            yield ("streamed", name)

    module = RemoteModule("models.cifar10.predict", Backend())
    assert module.classify("photo.png") == ("remote", "cifar10", "classify", ("photo.png",))
    assert module.LABELS is net.LABELS and module.TTA_LEVEL == 1  # constants: the module's own
    assert module.Net is net.Net  # a class (results are instances of theirs): the module's own


def test_a_call_that_never_returns_is_waited_on_not_started_again():
    from serving.ray_backend import Pending

    started, release = [], threading.Event()
    pending = Pending(lambda: started.append(1) or release.wait())
    assert pending.answer(0.05) == (False, None)
    assert pending.answer(0.05) == (False, None)
    assert started == [1]  # one thread, however often it is asked
    release.set()
    assert pending.answer(1) == (True, True)
    assert not pending.waiting()


# A local cluster and the app's front joined to it


class Cluster:
    """A one-node Ray cluster (`ray start --head --block`) in its own process group: kill()
    takes it down at once, every Ray process of it, as a crashed machine would."""

    def __init__(self) -> None:
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))  # (socket paths are short)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if not RAY.is_file():
            pytest.skip(f"no ray command beside {sys.executable} (pip install 'ray[serve]')")
        log = self.temp / "start.log"
        self.process = subprocess.Popen(
            [RAY, "start", "--head", "--block", f"--port={self.port}", "--num-cpus=4",
             f"--temp-dir={self.temp}", "--include-dashboard=false", "--disable-usage-stats",
             "--object-store-memory=300000000"],
            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while "Ray runtime started" not in log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.skip(f"a local Ray cluster did not start: {log.read_text()[-500:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def replica_pids(self, tab: str) -> set[int]:
        found = subprocess.run(["pgrep", "-f", f"ServeReplica:{tab}:"], capture_output=True)
        return {int(pid) for pid in found.stdout.split()}


@pytest.fixture(scope="module")
def cluster():
    with pytest.MonkeyPatch.context() as env:  # (the front and every client inherit them)
        env.setenv("RAY_AUTH_MODE", "token")
        env.setenv("RAY_AUTH_TOKEN", secrets.token_hex(32))
        env.delenv("RAY_ADDRESS", raising=False)
        cluster = Cluster()
        cluster.start()
        yield cluster
        cluster.kill()
        shutil.rmtree(cluster.temp, ignore_errors=True)


@pytest.fixture(scope="module")
def ray_front(cluster):
    """`python app.py --serve ray` joined to the cluster: the UI here, every model there."""
    log = cluster.temp / "front.log"
    try:
        front = Server(["--serve", "ray", "--ray-address", cluster.address], log, start_s=300)
    except SystemExit:
        pytest.fail(f"the Ray front did not start:\n{log.read_text()[-3000:]}")
    yield front
    front.stop()


@pytest.fixture(scope="module")
def ray_client(ray_front):
    from gradio_client import Client

    return Client(ray_front.url, verbose=False)


@pytest.fixture(scope="module")
def seven(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("ray") / "seven.png"
    render(7).convert("RGB").save(path)
    return str(path)


def assert_same(embedded: object, ray: object, where: str) -> None:
    """The two apps' answers alike: equal text and labels, scores to float noise, pictures to
    a grey level (the replicas run on fewer threads, which sums floats in another order)."""
    if isinstance(embedded, (list, tuple)):
        assert len(embedded) == len(ray), where
        for i, (a, b) in enumerate(zip(embedded, ray, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(embedded, dict):
        assert embedded.keys() == ray.keys(), where
        for key in embedded:
            assert_same(embedded[key], ray[key], f"{where}.{key}")
    elif isinstance(embedded, float):
        assert embedded == pytest.approx(ray, rel=1e-3, abs=1e-4), where
    elif isinstance(embedded, str) and Path(embedded).suffix in (".png", ".webp", ".jpg"):
        a, b = (np.asarray(Image.open(p).convert("RGB"), dtype=float) for p in (embedded, ray))
        assert a.shape == b.shape, where
        assert np.abs(a - b).mean() < 0.5 and np.abs(a - b).max() <= 16, where
    else:
        assert embedded == ray, where


def test_every_endpoint_answers_as_the_embedded_app(client, ray_client, seven):
    from gradio_client import handle_file

    from demos.style import OWN_EXAMPLES

    names = set(ray_client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert names == set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    calls = requests_by_endpoint(seven)
    content, painting = OWN_EXAMPLES[0]
    calls["stylize_custom"] = lambda c: c.predict(
        handle_file(content), handle_file(painting), 2, api_name="/stylize_custom"
    )  # (a streamed job: each step comes from the replica as it is done)
    assert {f"/{name}" for name in calls} == names  # every endpoint, no more
    for name, call in calls.items():
        assert_same(call(client), call(ray_client), name)


def test_the_about_panels_say_where_the_models_run(ray_front, app_url):
    import httpx

    said = "this tab's own Ray Serve deployment"
    # (both pages carry it once, in the translations they send)
    in_tables = httpx.get(app_url + "config").text.count(said)
    assert httpx.get(ray_front.url + "config").text.count(said) == in_tables + 8  # one per tab


@needs_chromium
def test_a_person_gets_the_cat_and_its_heat_map_in_a_browser_on_the_ray_front(browser, ray_front):
    from demos.cifar10 import EXAMPLES
    from tests.browser import active_panel, browser_page, screenshot, shown_label

    with browser_page(browser, ray_front.url) as page:
        page.get_by_role("tab", name="CIFAR-10", exact=True).click()
        panel = active_panel(page)
        panel.locator("#cifar10-results").wait_for()
        panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
        assert shown_label(panel, "cat") == "cat"
        panel.locator("#cifar10-gradcam img[src*='gradio_api/file']").wait_for(timeout=20_000)
        assert page.get_by_text("Error", exact=True).count() == 0
        screenshot(page, "ray-cifar10")


def test_bad_input_gets_the_same_clear_message_in_both_languages(client, ray_client, tmp_path):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    not_image = tmp_path / "photo.png"
    not_image.write_text("this is text, not a picture")
    for app in (client, ray_client):
        with pytest.raises(AppError, match="not an image"):
            app.predict(handle_file(str(not_image)), api_name="/cifar10")
        with pytest.raises(AppError, match="Type or paste"):
            app.predict("   ", api_name="/sentiment")
    chinese = Client(ray_client.src, verbose=False, headers={"accept-language": "zh-CN"})
    with pytest.raises(
        AppError, match="不是可读取的图片"
    ):  # the replica's InputError, in the reader's language
        chinese.predict(handle_file(str(not_image)), api_name="/cifar10")


def test_a_killed_replica_is_replaced_and_requests_keep_being_answered(cluster, ray_client):
    from gradio_client import Client, handle_file

    cat = handle_file(photo("chelsea"))
    assert ray_client.predict(cat, api_name="/cifar10")["label"] == "cat"
    replicas = cluster.replica_pids("cifar10")
    assert len(replicas) == 1, replicas
    (replica,) = replicas
    labels, errors = [], []
    stop = time.monotonic() + 20

    def keep_asking() -> None:
        client = Client(ray_client.src, verbose=False)
        while time.monotonic() < stop:
            try:
                labels.append(client.predict(cat, api_name="/cifar10")["label"])
            except Exception as err:  # counted: the test is that there are none
                errors.append(str(err))

    clients = [threading.Thread(target=keep_asking) for _ in range(4)]
    for thread in clients:
        thread.start()
    time.sleep(3)
    answered_before = len(labels)
    os.kill(replica, signal.SIGKILL)  # while requests are in flight
    for thread in clients:
        thread.join()
    assert errors == []
    assert set(labels) == {"cat"}
    assert len(labels) > answered_before + 8, (answered_before, len(labels))  # answered after too
    assert cluster.replica_pids("cifar10") - {replica}  # a new replica took its place


def test_a_deployment_that_fails_says_so_in_its_tab_and_the_other_tabs_keep_working(
    cluster, ray_client, seven
):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    # Replace the pets tab's deployment with one whose replicas cannot start
    failing = (
        "import ray; from ray import serve\n"
        f"ray.init(address={cluster.address!r})\n"
        "@serve.deployment(name='pets', max_constructor_retry_count=1)\n"
        "class Broken:\n"
        "    def __init__(self): raise RuntimeError('a broken model server')\n"
        "serve.run(Broken.bind(), name='pets', route_prefix=None)\n"
    )
    subprocess.run([sys.executable, "-c", failing], capture_output=True, timeout=120)
    cat = handle_file(photo("chelsea"))
    t = time.monotonic()
    with pytest.raises(AppError, match=FAILING):
        ray_client.predict(cat, api_name="/segment_pet")
    assert time.monotonic() - t < 10  # at once, not after a timeout
    assert ray_client.predict(handle_file(seven), api_name="/digits")["label"] == "7"
    assert ray_client.predict(cat, api_name="/cifar10")["label"] == "cat"


def test_a_cluster_that_is_down_gets_a_clear_message_and_is_joined_again_when_back(
    cluster, ray_client, seven
):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    cluster.kill()
    time.sleep(8)  # the watchdog's deadline
    for _ in range(2):
        t = time.monotonic()
        with pytest.raises(AppError, match=CLUSTER_DOWN):
            ray_client.predict(handle_file(seven), api_name="/digits")
        assert time.monotonic() - t < 5
    cluster.start()  # the same address
    deadline = time.monotonic() + 150
    while True:
        try:
            assert ray_client.predict(handle_file(seven), api_name="/digits")["label"] == "7"
            break
        except AppError as err:
            assert CLUSTER_DOWN in str(err) or "not running" in str(err)
            assert time.monotonic() < deadline, "the front did not join the cluster again"
            time.sleep(2)
