"""Speed and memory of the summarization tab on this machine (a benchmark, not a test).

    python -m benchmarks.bench_summarization [--runs 50] [--threads 1]

Prints the model's load time, then p50/p95 latency of summarising a 2,000-character article
(Chinese: LCSTS posts run together; English: a BBC article cut to 2,000 characters) with each
method that needs no download, then the process's peak RSS.
"""

import time

from benchmarks import parser, peak_rss_mb, setup, timed

CHARS = 2000  # the article length the tab is measured at


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
    args = parser(__doc__, runs=50, threads=1).parse_args()
    setup(args)
    from models.summarization import predict

    start = time.perf_counter()
    predict.get_model()
    print(f"load: {time.perf_counter() - start:.2f} s")
    texts = articles()
    for lang, text in texts.items():
        for method in ("trained", "textrank", "lead"):
            # (the warm-up call loads jieba's dictionary)
            p50, p95 = timed(lambda: predict.summarize(text, 0, method), args.runs)  # noqa: B023
            print(f"{lang} {len(text)} chars, {method}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
