"""The PyTorch demo gallery: one Gradio tab per demo in demos.DEMOS.

python app.py [--host 127.0.0.1] [--port 7860] [--share] [--device auto|cpu|cuda]
              [--data-dir DIR] [--preload]
              [--serve ray [--ray-address ADDRESS] [--replicas N | --max-replicas N]
                           [--replica-cpus C] [--replica-gpus G]]

By default every model runs in this process. With --serve ray each tab's model runs in a Ray
Serve deployment (serving/ray_backend.py) and this process is only the UI.
"""

import argparse
import ctypes
import os
import socket
from pathlib import Path

import gradio as gr

from demos import DEMOS
from demos.common import run_models_on_ray
from demos.i18n import I18N, SWITCH_CSS, SWITCH_HTML, SWITCH_JS, t
from models import get_spec
from models.common.device import DEVICE_ENV, DEVICES, use_device
from models.common.errors import ModelUnavailable
from models.common.images import MAX_FILE_BYTES
from models.common.paths import DATA_ENV, default_data_dir, use_data_dir

TITLE = "PyTorch demo gallery"  # the browser tab's title; the page's own follows the language
QUEUE_SIZE = 64  # waiting requests beyond this get Gradio's "queue is full" message
QUICK_EVENTS = 8  # UI events without a model call (clearing outputs) run at once, per event
# Uploads and output images live in Gradio's cache folder: every 10 minutes those over an hour
# old go, so a shared link that serves for weeks does not fill the disk.
CACHE_DELETION = (600, 3600)  # (every this many seconds, delete files older than this many)


# what every launch of the app needs, tests' included: the upload cap, our translations and the
# page's language switch
LAUNCH = dict(
    max_file_size=MAX_FILE_BYTES,
    i18n=I18N,
    theme=gr.themes.Soft(),
    js=SWITCH_JS,
    css=SWITCH_CSS,
)


def build_app(delete_cache: tuple[int, int] = CACHE_DELETION) -> gr.Blocks:
    """The UI; no model is loaded here. `delete_cache`: see CACHE_DELETION."""
    with gr.Blocks(title=TITLE, delete_cache=delete_cache) as app:
        with gr.Row(equal_height=True):
            gr.Markdown(f"# {t('app.title')}")
            gr.HTML(SWITCH_HTML, elem_id="language-switch", padding=False)
        gr.Markdown(t("app.intro"))
        with gr.Tabs():
            for key, demo in DEMOS.items():
                with gr.Tab(demo.TITLE, id=key):
                    demo.build()
    # model calls share one limit across tabs (demos.common.MODEL_CALLS); the rest use this
    app.queue(max_size=QUEUE_SIZE, default_concurrency_limit=QUICK_EVENTS)
    return app


def free_port() -> int:
    """A TCP port of this machine that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_in_background(app: gr.Blocks, port: int | None = None) -> str:
    """Serve `app` on this machine only, without blocking (tests, benchmarks); its URL."""
    port = port or free_port()
    app.launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **LAUNCH
    )
    return f"http://127.0.0.1:{port}/"


MALLOC_ARENAS = 2  # see limit_malloc_arenas


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Let glibc's malloc use at most `arenas` arenas; False where that cannot be set (not glibc).
    By default each of the server's worker threads may get an arena of its own (up to 8 per
    core), and each keeps what it freed: under load the server's RSS kept growing, 1,091 MB to
    1,732 MB over 1,000 requests, against 1,086 MB to 1,261 MB, flat after the first 250, with 2
    (`python -m benchmarks.load`). The same as MALLOC_ARENA_MAX=2 in the environment."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_arena_max = -8  # (glibc's malloc.h)
    return libc.mallopt(m_arena_max, arenas) == 1


def preload() -> None:
    """Load every model now; a broken one is reported and leaves the other tabs working."""
    for key in DEMOS:
        try:
            get_spec(key).load_default()
        except ModelUnavailable as err:
            print(f"warning: tab {key!r} has no model: {err}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Hugging Face Spaces set GRADIO_SERVER_NAME/PORT; elsewhere only this machine can connect
    p.add_argument(
        "--host",
        default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        help="address to bind (0.0.0.0: every interface)",
    )
    p.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    p.add_argument("--share", action="store_true", help="also serve a public gradio.live link")
    p.add_argument(
        "--device",
        choices=DEVICES,
        default=None,
        help=f"where models run (default: ${DEVICE_ENV}, else auto: CUDA, else MPS, else CPU)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"data sets root (default: ${DATA_ENV}, else {default_data_dir()})",
    )
    p.add_argument("--preload", action="store_true", help="load every model at start")
    ray = p.add_argument_group("Ray Serve (--serve ray; needs pip install 'ray[serve]')")
    ray.add_argument("--serve", choices=("embedded", "ray"), default="embedded")
    ray.add_argument(
        "--ray-address",
        default=os.environ.get("RAY_ADDRESS"),
        help="the cluster to join (auto: the one started on this machine; default: $RAY_ADDRESS,"
        " else a cluster of this process's own)",
    )
    ray.add_argument("--replicas", type=int, default=1, help="replicas per tab's model")
    ray.add_argument("--max-replicas", type=int, help="autoscale each tab from 1 to this many")
    ray.add_argument("--replica-cpus", type=float, default=0.25, help="CPUs each replica holds")
    ray.add_argument("--replica-gpus", type=float, default=0.0, help="GPUs each (0.25: a quarter)")
    return p.parse_args(argv)


def serve_with_ray(args: argparse.Namespace) -> None:
    """Deploy each tab's model to Ray Serve (kept where already running) and route the tabs'
    model calls there; this process then loads no model."""
    from serving.ray_backend import RAY_MODEL_CALLS, Scale, connect

    scale = Scale(args.replicas, args.max_replicas, args.replica_cpus, args.replica_gpus)
    data_dir = str(args.data_dir.resolve()) if args.data_dir else None
    try:
        connect(
            args.ray_address,
            scale=scale,
            device_name=args.device,
            data_dir=data_dir,
            preload=args.preload,
        )
    except ConnectionError as err:  # (no cluster there, or another auth token)
        raise SystemExit(f"no Ray cluster to join at {args.ray_address}: {err}") from None
    run_models_on_ray(RAY_MODEL_CALLS)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    limit_malloc_arenas()  # before the server starts its threads
    if args.device:
        use_device(args.device)  # decided once; every model loads onto it
    if args.data_dir:
        use_data_dir(args.data_dir)
    if args.share:
        print("warning: --share makes this app reachable by anyone with the public link")
    if args.serve == "ray":
        serve_with_ray(args)  # (--preload: each replica loads its tab's model as it starts)
    app = build_app()
    if args.preload and args.serve == "embedded":
        preload()
    app.launch(server_name=args.host, server_port=args.port, share=args.share, **LAUNCH)


if __name__ == "__main__":
    main()
