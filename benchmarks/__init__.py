import statistics
import time
from collections.abc import Callable

import numpy as np


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 in ms of `runs` calls of fn, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t))
    return statistics.median(times), float(np.percentile(times, 95))
