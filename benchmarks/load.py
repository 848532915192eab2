"""Load on the running app: N concurrent gradio_client clients over every tab's endpoints.

    python -m benchmarks.load [--clients 32] [--seconds 60] [--max-requests 1000] [--url URL]
                              [--endpoints digits,cifar10,sentiment] [--app-args "..."]

The batching gain: the same run with GALLERY_MAX_BATCH=1 (no batching) and without it, e.g.
    GALLERY_MAX_BATCH=1 python -m benchmarks.load --endpoints digits,cifar10,sentiment

Ray Serve mode, one or two replicas per model (the RSS figures are then the front's alone):
    python -m benchmarks.load --app-args "--serve ray --ray-address auto --replicas 2"

Without --url it starts `python app.py [--app-args]` in a subprocess (shipped weights, its own Gradio cache
folder) and watches that process: peak RSS, RSS after the first and the last quarter of the
requests (flat means nothing piles up), and the size of the cache folder. Each client sends
valid requests, one after another, to every public endpoint in turn (the long "your own style"
job excepted, which has its own queue); the run stops after --seconds or --max-requests,
whichever comes first. Prints per-endpoint p50/p95/p99, throughput, errors and "queue is
full" answers (the app's QUEUE_SIZE turning requests away, not lost ones).
"""

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from gradio_client import Client, handle_file

from app import free_port
from tests.strokes import render

SKIPPED = {"stylize_custom"}  # a long job (seconds of optimisation): its own queue, one at a time
REVIEW = "房间干净，服务热情，早餐也很丰富，下次还会再来。"
ARTICLE = (
    "The city council approved a plan to build more bike lanes on Tuesday. The plan adds forty "
    "kilometres of protected lanes over three years. Supporters say the lanes will make cycling "
    "safer and cut traffic. Some shop owners worry about losing parking spaces. The first lanes "
    "open next spring."
)


def photo(name: str) -> str:
    """A sample photo shipped with the app (models/common/samples)."""
    from models.common.samples import sample

    return str(sample(name))


def requests_by_endpoint(seven: str) -> dict[str, Callable[[Client], object]]:
    """One valid request per endpoint, each as a function of a client."""
    cat, coffee = handle_file(photo("chelsea")), handle_file(photo("coffee"))
    sketch = {"background": None, "layers": [], "composite": handle_file(seven)}
    return {
        "digits": lambda c: c.predict(handle_file(seven), api_name="/digits"),
        "digits_preview": lambda c: c.predict(handle_file(seven), api_name="/digits_preview"),
        "digits_sketch": lambda c: c.predict(sketch, api_name="/digits_sketch"),
        "cifar10": lambda c: c.predict(cat, api_name="/cifar10"),
        "cifar10_preview": lambda c: c.predict(cat, api_name="/cifar10_preview"),
        "cifar10_gradcam": lambda c: c.predict(cat, "top class", api_name="/cifar10_gradcam"),
        "segment_pet": lambda c: c.predict(cat, api_name="/segment_pet"),
        "stylize": lambda c: c.predict(coffee, api_name="/stylize"),
        "cyclegan": lambda c: c.predict(coffee, api_name="/cyclegan"),
        "cyclegan_round_trip": lambda c: c.predict(coffee, api_name="/cyclegan_round_trip"),
        "sentiment": lambda c: c.predict(REVIEW, api_name="/sentiment"),
        "sentiment_batch": lambda c: c.predict([REVIEW, "太失望了"], api_name="/sentiment_batch"),
        "translate": lambda c: c.predict("我们明天去公园。", api_name="/translate"),
        "summarize": lambda c: c.predict(ARTICLE, api_name="/summarize"),
    }


class Server:
    """`python app.py [app_args]` in a subprocess with a fresh Gradio cache folder; its RSS and
    cache size. Its output goes to `log` (default: nowhere)."""

    def __init__(self, app_args: list[str] = (), log: Path | None = None, start_s: float = 120):
        self.port = free_port()
        self.cache = Path(tempfile.mkdtemp(prefix="gallery-load-cache-"))
        env = {**os.environ, "GRADIO_TEMP_DIR": str(self.cache), "GRADIO_ANALYTICS_ENABLED": "0"}
        output = log.open("wb") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(self.port), *app_args],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + start_s
        while True:
            try:
                Client(self.url, verbose=False)
                return
            except Exception:  # not listening yet
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the app did not start") from None
                time.sleep(0.5)

    def status(self, field: str) -> int:
        """A memory figure of the server from /proc (VmRSS, VmHWM), in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def cache_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.cache.rglob("*") if f.is_file())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def percentile(times: list[float], q: float) -> float:
    return float(np.percentile(times, q)) if times else float("nan")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=60.0, help="stop sending after this long")
    p.add_argument("--max-requests", type=int, default=1000, help="stop after this many")
    p.add_argument("--url", help="a running app (default: start one and watch its memory)")
    p.add_argument("--endpoints", help="only these, comma-separated (default: every one)")
    p.add_argument(
        "--app-args",
        default="",
        help='more arguments of the app started, e.g. "--serve ray --ray-address auto --replicas 2"',
    )
    args = p.parse_args()

    server = None if args.url else Server(shlex.split(args.app_args), start_s=300)
    url = args.url or server.url
    seven = str(Path(tempfile.mkdtemp()) / "seven.png")
    render(7).convert("RGB").save(seven)
    calls = requests_by_endpoint(seven)
    if args.endpoints:
        calls = {name: calls[name] for name in args.endpoints.split(",")}
    offered = set(
        Client(url, verbose=False).view_api(print_info=False, return_format="dict")[
            "named_endpoints"
        ]
    )
    untested = {e.lstrip("/") for e in offered} - calls.keys() - SKIPPED
    if untested and not args.endpoints:
        print(f"note: no request written for {', '.join(sorted(untested))}")
    warm = Client(url, verbose=False)
    for call in calls.values():  # every model loaded once before timing
        call(warm)
    rss_loaded = server.status("VmRSS") if server else 0

    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    queue_full: dict[str, int] = defaultdict(int)
    sent, lock = [0], threading.Lock()
    rss_marks: dict[int, int] = {}  # requests sent -> server RSS
    deadline = time.monotonic() + args.seconds

    def client_loop(index: int) -> None:
        client = Client(url, verbose=False)
        names = list(calls)
        turn = index
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= args.max_requests:
                    return
                sent[0] += 1
                if server and sent[0] % 250 == 0:  # is memory flat as requests go on?
                    rss_marks[sent[0]] = server.status("VmRSS")
            name = names[turn % len(names)]
            turn += 1
            t = time.perf_counter()
            try:
                calls[name](client)
                latencies[name].append(1000 * (time.perf_counter() - t))
            except Exception as err:  # a benchmark counts failures instead of stopping
                if "queue is full" in str(err).lower():
                    queue_full[name] += 1
                else:
                    errors[name].append(f"{type(err).__name__}: {err}"[:200])

    start = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start

    answered = sum(len(t) for t in latencies.values())
    failed = sum(len(e) for e in errors.values())
    full = sum(queue_full.values())
    print(
        f"{sent[0]} requests from {args.clients} clients in {wall:.1f} s: {answered} answered "
        f"({answered / wall:.1f}/s), {failed} errors, {full} 'queue is full', "
        f"{sent[0] - answered - failed - full} lost"
    )
    print(f"{'endpoint':22s} {'n':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} errors full")
    for name in calls:
        times = latencies.get(name, [])
        print(
            f"{name:22s} {len(times):5d} {statistics.median(times) if times else float('nan'):8.0f}"
            f" {percentile(times, 95):8.0f} {percentile(times, 99):8.0f}"
            f" {len(errors.get(name, [])):6d} {queue_full.get(name, 0):4d}"
        )
    for name, messages in errors.items():
        print(f"  {name}: {messages[0]}")
    if server:
        rss_marks[sent[0]] = server.status("VmRSS")
        marks = ", ".join(f"{v / 2**20:.0f} MB after {k}" for k, v in sorted(rss_marks.items()))
        print(
            f"server RSS: {rss_loaded / 2**20:.0f} MB with every model loaded, {marks} requests; "
            f"peak {server.status('VmHWM') / 2**20:.0f} MB"
        )
        print(f"Gradio cache folder: {server.cache_bytes() / 2**20:.1f} MB ({server.cache})")
        server.stop()


if __name__ == "__main__":
    main()
