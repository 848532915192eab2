"""Speed and memory of the gallery on this machine (a benchmark, not a test): prints figures.

    python -m benchmarks.bench_app [--runs 200]

1. cold start: `python app.py` until its page answers (no model is loaded at start);
2. each model's load time (first use) in this process;
3. per-request latency p50/p95 of each tab's predict function (preprocessing included);
4. sentiment batch mode: 1,000 reviews;
5. peak RSS of this process with every model loaded, and what an 8000x8000 upload adds.
"""

import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

from benchmarks import parser, peak_rss_mb, setup, timed

ROOT = Path(__file__).resolve().parents[1]  # where app.py is


def cold_start(port: int = 7899, timeout: float = 120) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - start < timeout:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("the app did not answer")
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    p = parser(__doc__, runs=200)
    p.add_argument("--skip-cold-start", action="store_true")
    args = p.parse_args()
    setup(args)
    if not args.skip_cold_start:
        starts = [cold_start() for _ in range(3)]
        print(
            f"cold start to ready (3 runs): median {statistics.median(starts):.2f} s "
            f"(runs: {', '.join(f'{s:.2f}' for s in starts)})"
        )

    from demos.cifar10 import EXAMPLES
    from models import MODELS, get_spec
    from models.cifar10.predict import predict as cifar10_predict
    from models.common.errors import InputError
    from models.digits.predict import predict as digits_predict
    from models.sentiment.data import load_dev
    from models.sentiment.predict import predict as sentiment_predict
    from models.sentiment.predict import predict_batch
    from tests.strokes import render

    for key in MODELS:
        t = time.perf_counter()
        get_spec(key).load_default()
        print(f"load {key:10s} {1000 * (time.perf_counter() - t):8.1f} ms")

    canvas = np.asarray(render(7, canvas=280, left=70, top=40, height=200, width=24))
    sketch = {"background": None, "layers": [], "composite": canvas}
    review = "房间干净整洁，前台服务热情，早餐品种也多，下次出差还住这家。"
    from PIL import Image as PILImage

    from models.pets.predict import segment as pets_segment
    from models.style.predict import stylize
    from models.translation.predict import translate

    TEN_WORDS = "I would like to book a table for two tonight."  # a 10-word sentence

    cat512 = PILImage.open(EXAMPLES[0]).convert("RGB").resize((512, 512))  # a 512x512 photo
    for name, fn in (
        ("digits", lambda: digits_predict(sketch)),
        ("cifar10", lambda: cifar10_predict(EXAMPLES[0])),
        ("pets 512px", lambda: pets_segment(cat512)),
        ("style 512px", lambda: stylize(cat512, "candy", 512)),
        ("sentiment", lambda: sentiment_predict(review)),
        ("translate greedy", lambda: translate(TEN_WORDS, "en-zh", beam=1)),
        ("translate beam 4", lambda: translate(TEN_WORDS, "en-zh", beam=4)),
    ):
        p50, p95 = timed(fn, args.runs)
        print(f"latency {name:10s} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   ({args.runs} runs)")

    from models.common.paths import data_dir

    dev = [r.text for r in load_dev(data_dir())][:1000]
    times = []
    for _ in range(3):
        t = time.perf_counter()
        predict_batch(dev)
        times.append(time.perf_counter() - t)
    print(f"sentiment batch of {len(dev)} reviews: median {statistics.median(times):.2f} s")
    print(f"peak RSS with all models loaded: {peak_rss_mb():.0f} MB")

    # an 8000x8000 upload: the JPEG is decoded at reduced size, a PNG refused before decoding
    import tempfile

    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("jpeg", "png"):
            path = Path(tmp) / f"huge.{fmt}"
            Image.new("RGB", (8000, 8000), (90, 140, 200)).save(path)
            before = peak_rss_mb()
            t = time.perf_counter()
            try:
                cifar10_predict(str(path))
                outcome = "classified"
            except InputError:
                outcome = "refused with a message"
            print(
                f"8000x8000 {fmt.upper():4s} upload: {1000 * (time.perf_counter() - t):6.0f} ms, "
                f"peak RSS +{peak_rss_mb() - before:.0f} MB, {outcome}"
            )


if __name__ == "__main__":
    main()
