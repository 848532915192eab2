"""What the benchmark scripts share: their flags, timing as p50/p95, and memory figures.

Benchmarks print figures; they are not tests (the machines are noisy: quote medians).
"""

import argparse
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np


def parser(doc: str, runs: int, threads: int = 0) -> argparse.ArgumentParser:
    """The flags every benchmark takes: --runs (timed calls per case) and --threads."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--runs", type=int, default=runs, help="timed calls per case")
    p.add_argument(
        "--threads", type=int, default=threads, help="torch threads (0: torch's default)"
    )
    return p


def setup(args: argparse.Namespace) -> None:
    """Apply --threads and say which torch runs on how many threads (the figures' context)."""
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")


def p50_p95(times_ms: list[float]) -> tuple[float, float]:
    return statistics.median(times_ms), float(np.percentile(times_ms, 95))


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 in ms of `runs` calls of fn, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t))
    return p50_p95(times)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux: ru_maxrss is in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident memory now (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise OSError("no VmRSS in /proc/self/status")
