"""Speed and memory of the summarization tab on this machine (a benchmark, not a test).

    python -m benchmarks.bench_summarization [--runs 50] [--threads 1]

Prints the model's load time, then p50/p95 latency of summarising a 2,000-character article
(Chinese: LCSTS posts run together; English: a BBC article cut to 2,000 characters) with each
method that needs no download, then the process's peak RSS.
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHARS = 2000  # the article length


def articles() -> dict[str, str]:
    """A 2,000-character Chinese and English article from the data sets."""
    from models.common.paths import data_dir
    from models.summarization.data import bbc_splits, read_lcsts

    posts = read_lcsts(data_dir(), "val")
    zh = ""
    for doc in posts:
        if len(zh) >= CHARS:
            break
        zh += doc.text
    english = next(d.text for d in bbc_splits(data_dir())["test"] if len(d.text) >= CHARS)
    return {"zh": zh[:CHARS], "en": english[:CHARS]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--threads", type=int, default=1, help="torch threads (0: torch's default)")
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    from models.summarization import predict

    start = time.perf_counter()
    predict.get_model()
    print(f"load: {time.perf_counter() - start:.2f} s")
    texts = articles()
    for lang, text in texts.items():
        for method in ("trained", "textrank", "lead"):
            predict.summarize(text, 0, method)  # warm-up (jieba's dictionary, first call)
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                predict.summarize(text, 0, method)
                times.append((time.perf_counter() - t) * 1000)
            p50, p95 = statistics.median(times), float(np.percentile(times, 95))
            print(f"{lang} {len(text)} chars, {method}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
