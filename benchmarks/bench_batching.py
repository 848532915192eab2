"""The gain of micro-batching (models.common.batching) for the batched classifiers, without HTTP:
N threads call each model's predict at once, with batching on and off.

    python -m benchmarks.bench_batching [--threads-per-model 16] [--runs 320] [--threads 2]

Prints, per model and setting, requests per second, the latency p50/p95 of one call and the
median batch size. The app's end-to-end figure comes from benchmarks.load (see its docstring).
"""

import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from benchmarks import parser, setup
from models.common.batching import MicroBatcher
from models.common.samples import sample
from tests.strokes import render


def requests() -> dict[str, tuple[Callable, MicroBatcher, list]]:
    """Per model: its predict, its batcher and a few valid inputs."""
    from models.cifar10 import predict as cifar10
    from models.digits import predict as digits
    from models.sentiment import predict as sentiment

    photos = [str(sample(name)) for name in ("chelsea", "coffee", "rocket", "astronaut")]
    reviews = ["房间干净，服务热情，早餐也很丰富，下次还会再来。", "太失望了，再也不来了。"]
    return {
        "digits": (digits.predict, digits._batched, [render(d) for d in range(10)]),
        "cifar10": (cifar10.predict, cifar10._batched, photos),
        "sentiment": (sentiment.predict, sentiment._batched, reviews),
    }


def run(predict: Callable, inputs: list, threads: int, total: int) -> tuple[float, list[float]]:
    """Requests per second and each call's latency (ms) for `total` calls from `threads`."""

    def call(i: int) -> float:
        t = time.perf_counter()
        predict(inputs[i % len(inputs)])
        return 1000 * (time.perf_counter() - t)

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        latencies = list(pool.map(call, range(total)))
    return total / (time.perf_counter() - start), latencies


def main() -> None:
    p = parser(__doc__, runs=320, threads=2)  # --runs: calls per model and setting
    p.add_argument("--threads-per-model", type=int, default=16, help="concurrent callers")
    args = p.parse_args()
    setup(args)
    print(f"{args.threads_per_model} callers, {args.runs} calls each")
    print(
        f"{'model':10s} {'batch':>5s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'batch p50':>9s}"
    )
    for name, (predict, batcher, inputs) in requests().items():
        predict(inputs[0])  # loaded once before timing
        rates, batched = {}, batcher.max_batch
        for max_batch in (1, batched):
            batcher.max_batch = max_batch
            batcher.batch_sizes.clear()
            rate, latencies = run(predict, inputs, args.threads_per_model, args.runs)
            rates[max_batch] = rate
            print(
                f"{name:10s} {max_batch:5d} {rate:7.1f} {statistics.median(latencies):7.1f} "
                f"{np.percentile(latencies, 95):7.1f} {statistics.median(batcher.batch_sizes):9.0f}"
            )
        print(f"{name:10s} gain {rates[batched] / rates[1]:.1f}x requests per second")


if __name__ == "__main__":
    main()
