"""Ray Serve mode (`python app.py --serve ray`): each tab's model code runs in a Ray Serve
deployment, and the Gradio front calls it through a deployment handle.

The seam is `models.common.loading.LazyModule`, through which every tab holds its model code
(`cifar10 = LazyModule("models.cifar10.predict")`). In this mode its functions become calls to
the tab's deployment, `TabServer`, which imports the same module in its replicas and calls the
function there: weights load and forward passes run in the replicas, never in the front. The
module's classes and constants stay the front's own (results are instances of them), so the
front imports the model code but loads no model.

What crosses between them, pickled by Ray: the arguments, with every file of Gradio's upload
folder sent by value (`Upload`: a replica on another node has no such path), and a `Reply`, the
function's value or the error it raised (an input error keeps its template, so the front still
shows it in the reader's language). A request whose replica died is sent again, to another
replica or to the one Serve starts in its place. A watchdog reads the deployments' status every
few seconds (and calls the cluster down when its GCS port refuses connections, not when a
status is slow): a tab whose deployment failed or whose cluster is down answers at once with a
clear message (ModelUnavailable) instead of waiting, and the other tabs keep working; a cluster
that comes back is joined again.
"""

import importlib
import inspect
import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import ray
from ray import serve
from ray.exceptions import ActorAlreadyExistsError, RayActorError
from ray.serve.exceptions import RayServeException, ReplicaUnavailableError
from ray.serve.handle import DeploymentHandle

from models import MODELS
from models.common import device, loading, paths
from models.common.errors import InputError, Message, ModelUnavailable
from models.common.hub import HubUnavailable

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
RAY_MODEL_CALLS = 32  # the UI's model calls at once (demos.common.run_models_on_ray)
RETRIES = 3  # attempts of a request whose replica died (Serve replaces it meanwhile)
POLL_S = 1.0  # a waiting request looks at the watchdog's verdict this often
REPLACE_S = 120.0  # requests wait this long for a tab's replicas to be replaced
READY_S = 300.0  # the front waits this long for the deployments to start
JOIN_S = 30.0  # a cluster that came back is joined within this
WATCH_EVERY_S = 2.0  # the watchdog reads the deployments' status this often; a status slower
WATCH_DEADLINE_S = 5.0  # than this (a busy machine) leaves the last verdict standing ...
SILENT_S = 60.0  # ... unless none came for this long. A closed GCS port: down at once
REPLICA_LOST = (RayActorError, ReplicaUnavailableError)  # the replica died or cannot be reached
USER_ERRORS = (InputError, ModelUnavailable, HubUnavailable)  # sent to the UI as they are
# Why a tab cannot answer (demos/i18n/zh.py translates them)
CLUSTER_DOWN = Message("the Ray cluster does not answer, so neither does this tab's model server.")
NOT_RUNNING = Message("this tab's model server (a Ray Serve deployment) is not running.")
FAILING = Message("this tab's model server (a Ray Serve deployment) keeps failing.")


@dataclass(frozen=True)
class Upload:
    """A file of the front's upload folder, sent by value."""

    name: str
    data: bytes


@dataclass
class Reply:
    """What a replica answers: the function's value, or the error the UI is to show."""

    value: object = None
    error: BaseException | None = None

    def unwrap(self) -> object:
        if self.error is not None:
            raise self.error
        return self.value


def reply_to(call: Callable[[], object]) -> Reply:
    """`call()` as a Reply. An error the UI explains travels as it is; any other is a bug,
    logged here with its traceback and sent as a plain RuntimeError (its own class may not
    unpickle in the front), which the front reports as unexpected."""
    try:
        return Reply(value=call())
    except USER_ERRORS as err:
        return Reply(error=err)
    except Exception as err:
        log.exception("model server error")
        return Reply(error=RuntimeError(f"{type(err).__name__}: {err}"))


class TabServer:
    """One tab's model code in a Ray Serve replica: the functions of its `models.<tab>.*`
    modules, called by name. Models load lazily, once per replica, as in the embedded app."""

    def __init__(
        self,
        tab: str,
        device_name: str | None = None,
        data_dir: str | None = None,
        preload: bool = False,
    ):
        import torch

        from models import get_spec

        self.tab = tab
        if device_name:  # (else $GALLERY_DEVICE, else the best the replica's node has)
            device.use_device(device_name)
        if data_dir:
            paths.use_data_dir(data_dir)
        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 1)
        torch.set_num_threads(max(1, round(cpus)))  # replicas share the cores: no oversubscribing
        self.files = Path(tempfile.mkdtemp(prefix=f"gallery-{tab}-"))
        if preload:
            try:
                get_spec(tab).load_default()
            except ModelUnavailable as err:  # (said again to each request that needs it)
                log.warning("the %s tab has no model: %s", tab, err)

    def function(self, module: str, name: str) -> Callable:
        if module.split(".")[:2] != ["models", self.tab]:
            raise ValueError(f"{module} is not model code of the {self.tab} tab")
        return getattr(importlib.import_module(module), name)

    def received(self, value: object) -> object:
        """The arguments with each Upload written to this replica's disk, as its path."""
        if isinstance(value, Upload):
            folder = self.files / uuid.uuid4().hex
            folder.mkdir()
            (folder / value.name).write_bytes(value.data)
            return str(folder / value.name)
        if isinstance(value, (list, tuple)):
            return type(value)(self.received(v) for v in value)
        if isinstance(value, dict):
            return {k: self.received(v) for k, v in value.items()}
        return value

    def call(self, module: str, name: str, args: tuple, kwargs: dict) -> Reply:
        fn = self.function(module, name)
        return reply_to(lambda: fn(*self.received(args), **self.received(kwargs)))

    def stream(self, module: str, name: str, args: tuple, kwargs: dict) -> Iterator[Reply]:
        """A generator function's items, each as it comes (a long job's steps)."""
        steps = self.function(module, name)(*self.received(args), **self.received(kwargs))
        done = object()
        while (reply := reply_to(lambda: next(steps, done))).value is not done:
            yield reply
            if reply.error is not None:
                return


def sent(value: object, uploads: Path) -> object:
    """The arguments with each file of Gradio's upload folder as an Upload (by value)."""
    if isinstance(value, (str, Path)) and len(str(value)) < 4096:
        path = Path(value)
        if path.is_absolute() and path.is_relative_to(uploads) and path.is_file():
            return Upload(path.name, path.read_bytes())
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(sent(v, uploads) for v in value)
    if isinstance(value, dict):
        return {k: sent(v, uploads) for k, v in value.items()}
    return value


def app_problem(app, unhealthy_s: float = 0.0) -> Message | None:
    """Why a Serve application cannot answer, or None while it runs or (re)starts replicas:
    Serve replaces a replica that died, and requests wait for it (UNHEALTHY meanwhile) unless
    that has lasted `unhealthy_s` > REPLACE_S."""
    if app is None or app.status in ("DELETING", "NOT_STARTED"):
        return NOT_RUNNING
    if app.status == "DEPLOY_FAILED" or (app.status == "UNHEALTHY" and unhealthy_s > REPLACE_S):
        return FAILING
    return None


class Pending:
    """A call that may never return (one to a lost cluster waits for it), run in a thread.
    `answer(seconds)` waits that long for it; a call still waiting is waited on again rather
    than started anew, so no threads pile up while the cluster is down."""

    def __init__(self, call: Callable[[], object]):
        self.call = call
        self.thread: threading.Thread | None = None
        self.answers: list = []

    def run(self, answers: list) -> None:
        try:
            answers.append(self.call())
        except Exception as err:  # (the cluster is down or was left: no answer)
            log.info("no answer from the Ray cluster: %s", err)

    def waiting(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def answer(self, seconds: float) -> tuple[bool, object]:
        """(True, its value) if it returned within `seconds`, else (False, None)."""
        if not self.waiting():
            self.answers = []
            self.thread = threading.Thread(target=self.run, args=(self.answers,), daemon=True)
            self.thread.start()
        self.thread.join(seconds)
        return (True, self.answers[0]) if self.answers else (False, None)


def listening(address: str, seconds: float = 2.0) -> bool:
    """Whether something accepts connections at "host:port" (the cluster's GCS server): a
    cluster that is down refuses them at once, however busy the machine is."""
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=seconds).close()
        return True
    except (OSError, ValueError):
        return False


class RemoteModule(ModuleType):
    """A model module as the front sees it in Ray mode: functions run in the tab's deployment;
    classes and constants are the module's own."""

    def __init__(self, name: str, backend: "RayBackend"):
        super().__init__(name)
        self._local = importlib.import_module(name)
        self._backend = backend
        self._tab = name.split(".")[1]

    def __getattr__(self, attr: str) -> object:
        value = getattr(self._local, attr)
        if not inspect.isfunction(value) or not value.__module__.startswith("models."):
            return value
        if inspect.isgeneratorfunction(value):
            return lambda *args, **kwargs: self._backend.stream(self._tab, self, attr, args, kwargs)
        return lambda *args, **kwargs: self._backend.call(self._tab, self, attr, args, kwargs)


class RayBackend:
    """The front's side: a handle per tab, the modules LazyModule asks for, and a watchdog
    thread that reads the deployments' status every WATCH_EVERY_S (`down`: why a tab cannot
    answer now) and, when the cluster comes back after it was lost, joins it again."""

    def __init__(self, address: str | None, tabs: tuple[str, ...], deploy_args: dict):
        from gradio.utils import get_upload_folder

        self.address, self.tabs, self.deploy_args = address, tabs, deploy_args
        self.uploads = Path(get_upload_folder()).resolve()
        self.modules: dict[str, RemoteModule] = {}
        self.lock = threading.Lock()
        self.down: dict[str, Message | None] = {}
        self.starting: dict[str, bool] = {}
        self.unhealthy_since: dict[str, float] = {}
        # (serve.status would start a cluster of its own in this process where Ray is not
        # initialized: a lost cluster has no status)
        self.status = Pending(lambda: serve.status() if ray.is_initialized() else None)
        self.gcs, self.last_status = "", time.monotonic()
        self.joining = Pending(self.join)
        self.join()
        self.wait_until_ready()
        threading.Thread(target=self.watch, daemon=True, name="ray-watchdog").start()

    def join(self) -> bool:
        ray.init(address=self.address, runtime_env=runtime_env(), log_to_driver=False)
        self.gcs = ray.get_runtime_context().gcs_address
        try:
            self.handles = deploy(self.tabs, **self.deploy_args)
        except ActorAlreadyExistsError:  # another front started Serve in the meantime: use it
            time.sleep(2)
            self.handles = deploy(self.tabs, **self.deploy_args)
        self.last_status = time.monotonic()
        return True

    def wait_until_ready(self, seconds: float = READY_S) -> None:
        """Until every tab's deployment runs or has failed (its tab then says so)."""
        deadline = time.monotonic() + seconds
        while True:
            self.read_status()
            starting = [tab for tab in self.tabs if self.starting.get(tab)]
            if (self.down and not starting) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        for tab in starting:
            log.warning("the %s deployment is still starting after %.0f s", tab, seconds)
        for tab, why in self.down.items():
            if why:
                log.error("the %s tab cannot answer: %s", tab, why)

    def watch(self) -> None:
        while True:
            time.sleep(WATCH_EVERY_S)
            lost = all(why == CLUSTER_DOWN for why in self.down.values())
            if lost and self.address and not self.joining.waiting():
                ray.shutdown()  # (the session of a cluster that restarted is gone)
                self.joining.answer(JOIN_S)
            self.read_status()

    def read_status(self) -> None:
        if not listening(self.gcs):
            self.down = dict.fromkeys(self.tabs, CLUSTER_DOWN)
            return
        answered, status = self.status.answer(WATCH_DEADLINE_S)
        if not answered:  # (busy, or hung: the verdict stands for a while)
            if time.monotonic() - self.last_status > SILENT_S:
                self.down = dict.fromkeys(self.tabs, CLUSTER_DOWN)
            return
        if status is None:  # (this process left the cluster: it is joining it again)
            self.down = dict.fromkeys(self.tabs, CLUSTER_DOWN)
            return
        self.last_status = time.monotonic()
        apps = {tab: status.applications.get(tab) for tab in self.tabs}
        now = time.monotonic()
        for tab, app in apps.items():
            if app is not None and app.status == "UNHEALTHY":
                self.unhealthy_since.setdefault(tab, now)
            else:
                self.unhealthy_since.pop(tab, None)
        self.starting = {
            tab: app is not None and app.status == "DEPLOYING" for tab, app in apps.items()
        }
        self.down = {
            tab: app_problem(app, now - self.unhealthy_since.get(tab, now))
            for tab, app in apps.items()
        }

    def module(self, name: str) -> ModuleType:
        parts = name.split(".")
        if parts[0] != "models" or len(parts) < 2 or parts[1] not in self.tabs:
            return importlib.import_module(name)
        with self.lock:
            if name not in self.modules:
                self.modules[name] = RemoteModule(name, self)
            return self.modules[name]

    def check(self, tab: str) -> None:
        why = self.down.get(tab)
        if why:
            raise ModelUnavailable(why)

    def call(self, tab: str, module: RemoteModule, name: str, args, kwargs) -> object:
        args, kwargs = sent(args, self.uploads), sent(kwargs, self.uploads)
        for attempt in range(RETRIES):
            self.check(tab)
            response = self.handles[tab].call.remote(module.__name__, name, args, kwargs)
            try:
                while True:
                    try:
                        return response.result(timeout_s=POLL_S).unwrap()
                    except TimeoutError:
                        self.check(tab)  # (still running, or never to answer)
            except REPLICA_LOST:
                log.warning("a %s replica died during %s (attempt %d)", tab, name, attempt + 1)
            except RayServeException as err:  # (its deployment failed before the watchdog saw)
                log.error("the %s deployment cannot answer: %r", tab, err)
                raise ModelUnavailable(FAILING) from None
        raise ModelUnavailable(FAILING)

    def stream(self, tab: str, module: RemoteModule, name: str, args, kwargs) -> Iterator:
        """A generator function's steps from the replica; closing it (a stop) cancels the run
        there. Not retried: its steps so far were already shown."""
        self.check(tab)
        args, kwargs = sent(args, self.uploads), sent(kwargs, self.uploads)
        handle = self.handles[tab].options(stream=True)
        steps = handle.stream.remote(module.__name__, name, args, kwargs)
        try:
            for reply in steps:
                yield reply.unwrap()
        except (*REPLICA_LOST, RayServeException):
            raise ModelUnavailable(FAILING) from None
        finally:
            steps.cancel()


@dataclass(frozen=True)
class Scale:
    """How each tab's deployment runs: `replicas` fixed, or autoscaled between 1 and
    `max_replicas`; CPUs and (fractional) GPUs per replica."""

    replicas: int = 1
    max_replicas: int | None = None
    cpus: float = 0.25
    gpus: float = 0.0

    def options(self) -> dict:
        scaling = (
            {"autoscaling_config": {"min_replicas": 1, "max_replicas": self.max_replicas}}
            if self.max_replicas
            else {"num_replicas": self.replicas}
        )
        actor = {"num_cpus": self.cpus, "num_gpus": self.gpus}
        # (requests a replica works on at once: enough for its micro-batches to form; the
        # others wait in the front's handle for a free replica)
        return {**scaling, "ray_actor_options": actor, "max_ongoing_requests": 8}


def deploy(
    tabs: tuple[str, ...] = MODELS,
    scale: Scale = Scale(),
    device_name: str | None = None,
    data_dir: str | None = None,
    preload: bool = False,
) -> dict[str, DeploymentHandle]:
    """One Serve application per tab (named after it), so one that fails leaves the others
    running; an application already running with the same options is kept as it is. Returns
    at once: their replicas start meanwhile (RayBackend.wait_until_ready)."""
    deployment = serve.deployment(TabServer)
    targets = [
        serve.RunTarget(
            deployment.options(name=tab, **scale.options()).bind(
                tab, device_name, data_dir, preload
            ),
            name=tab,
            route_prefix=None,
        )
        for tab in tabs
    ]
    handles = serve.run_many(targets, wait_for_applications_running=False)
    return dict(zip(tabs, handles, strict=True))


def runtime_env() -> dict:
    """What the replicas run with: this checkout's code (sent to every node, less what git
    ignores) and the GALLERY_* settings of this process."""
    settings = {k: v for k, v in os.environ.items() if k.startswith("GALLERY_")}
    excludes = [".git", ".venv", "build", "checkpoints", "runs", "data", ".*_cache", ".hypothesis"]
    return {"working_dir": str(ROOT), "excludes": excludes, "env_vars": settings}


def connect(address: str | None, tabs: tuple[str, ...] = MODELS, **deploy_args) -> RayBackend:
    """Join the Ray cluster at `address` ("auto": the one started on this machine; None: start
    one in this process), deploy the tabs' model servers (kept if already running), and make
    every LazyModule call them."""
    # A front outlives its cluster: by default Ray ends a process that lost it for 60 s, and
    # with it every tab; this way the tabs say the cluster is down, and it is joined again.
    os.environ.setdefault("RAY_gcs_rpc_server_reconnect_timeout_s", str(10**8))
    backend = RayBackend(address, tabs, deploy_args)
    loading.modules_from(backend.module)
    return backend
