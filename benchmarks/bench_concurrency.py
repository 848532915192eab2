"""How the app shares its models between tabs under load: many clients at once, across tabs.

    python -m benchmarks.bench_concurrency [--clients 24] [--rounds 3]

Launches the app (shipped weights) in this process, counts the model calls running at once
(every event in the "models" concurrency group is wrapped by a counter), and sends `--clients`
concurrent gradio_client requests spread over the image tabs' slow Grad-CAM and the quick
sentiment and digits endpoints. Prints the most model calls seen at once (the limit is
demos.common.MODEL_CONCURRENCY), per-endpoint latency p50/p95 and the errors. With --long-job,
also the digits latency while a "your own style" job runs (its own group, demos.common.LONG_JOBS).
"""

import argparse
import functools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from gradio_client import Client, handle_file

from benchmarks import p50_p95


class InFlight:
    """Counts calls running at once and remembers the most seen."""

    def __init__(self):
        self.now = self.most = 0
        self.lock = threading.Lock()

    def wrap(self, fn):
        @functools.wraps(fn)
        def counted(*args, **kwargs):
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                return fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.now -= 1

        return counted


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=24, help="concurrent requests per round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--limit", type=int, default=None, help="try another limit on model calls")
    p.add_argument(
        "--long-job",
        action="store_true",
        help="also: digits requests while a long job (/stylize_custom, 100 steps) runs",
    )
    args = p.parse_args()

    import app
    from demos.cifar10 import EXAMPLES
    from demos.common import MODEL_CONCURRENCY
    from tests.strokes import render

    blocks = app.build_app()
    counter = InFlight()
    for block_fn in blocks.fns.values():
        if block_fn.concurrency_id == "models":
            block_fn.fn = counter.wrap(block_fn.fn)
            block_fn.concurrency_limit = args.limit or MODEL_CONCURRENCY
    url = app.launch_in_background(blocks)

    seven = "/tmp/bench_seven.png"
    render(7).save(seven)
    calls = {
        "/cifar10_gradcam": lambda c: c.predict(
            handle_file(EXAMPLES[0]), "top class", api_name="/cifar10_gradcam"
        ),
        "/sentiment": lambda c: c.predict("房间干净，服务热情，下次还来。", api_name="/sentiment"),
        "/digits": lambda c: c.predict(handle_file(seven), api_name="/digits"),
    }
    clients = [Client(url, verbose=False) for _ in range(args.clients)]
    for call in calls.values():  # load every model once before timing
        call(clients[0])

    latencies: dict[str, list[float]] = {name: [] for name in calls}
    errors = []

    def request(i: int) -> None:
        name = list(calls)[i % len(calls)]
        t = time.perf_counter()
        try:
            calls[name](clients[i])
            latencies[name].append(1000 * (time.perf_counter() - t))
        except Exception as err:  # a benchmark counts failures instead of stopping
            errors.append(f"{name}: {err}")

    start = time.perf_counter()
    for _ in range(args.rounds):
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(request, range(args.clients)))
    wall = time.perf_counter() - start
    long_job = digits_during_long_job(url, calls["/digits"]) if args.long_job else None
    blocks.close()

    total = args.clients * args.rounds
    print(f"{total} requests from {args.clients} concurrent clients in {wall:.1f} s")
    print(f"model calls at once: at most {counter.most} (limit {args.limit or MODEL_CONCURRENCY})")
    for name, times in latencies.items():
        if times:
            p50, p95 = p50_p95(times)
            print(f"{name:18s} {len(times):4d} requests  p50 {p50:7.0f} ms  p95 {p95:7.0f} ms")
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:5]))
    if long_job:
        print(long_job)


def digits_during_long_job(url: str, digits, requests: int = 20) -> str:
    """Time `requests` digits calls, one after another, while a /stylize_custom job of 100
    steps (the LONG_JOBS group, demos.common) runs: they must not wait for it."""
    from demos.style import OWN_EXAMPLES

    content, style = OWN_EXAMPLES[0]
    client = Client(url, verbose=False)

    def timed() -> list[float]:
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            digits(client)
            times.append(1000 * (time.perf_counter() - t))
        return times

    alone = timed()  # the same requests with nothing else running, for comparison
    job = Client(url, verbose=False).submit(
        handle_file(content), handle_file(style), 100, api_name="/stylize_custom"
    )
    start = time.perf_counter()
    while job.status().code.name not in ("PROCESSING", "FINISHED"):  # it has started
        time.sleep(0.05)
    during = timed()
    running = not job.done()
    job.result()

    def shown(times: list[float]) -> str:
        return "p50 {:.0f} ms, p95 {:.0f} ms".format(*p50_p95(times))

    return (
        f"/digits, {requests} requests one after another: alone {shown(alone)}; while a "
        f"/stylize_custom job of 100 steps runs {shown(during)} (the job was "
        f"{'still running' if running else 'done'} after them; it took "
        f"{time.perf_counter() - start:.1f} s)"
    )


if __name__ == "__main__":
    main()
