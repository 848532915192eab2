"""Speed and memory of the style tab on this machine (a benchmark, not a test): prints figures.

    python -m benchmarks.bench_style [--runs 20] [--requests 50] [--threads 0] [--pretrained-only]

1. the pretrained networks (the tab's default): load time, then latency p50/p95 at 512x512 of
   a preset, a blend of two presets, and "your own style" in one pass (style vector +
   transformer), each through predict as the app calls it;
2. load time and latency p50/p95 of a 512x512 photo for each network trained here;
3. resident memory before and after --requests requests of mixed sizes (flat = no leak);
4. "your own style" by optimisation: 256 px x 100 Gatys steps with Darknet tiny.
"""

import time
from collections import deque

from benchmarks import parser, rss_mb, setup, timed


def bench_pretrained(photo, painting, runs: int) -> None:
    from models.style import predict, pretrained

    t = time.perf_counter()
    for stem in pretrained.BUILDERS:
        pretrained.get_net(stem)
    print(f"pretrained nets: load {1000 * (time.perf_counter() - t):.0f} ms (all three)")
    cases = {
        "preset style-20": lambda: predict.stylize(photo, "style-20", 512),
        "blend style-20 + style-8": lambda: predict.stylize(
            photo, "style-20", 512, blend_with="style-8", blend=0.5
        ),
        "own style, one pass": lambda: predict.stylize_own(photo, painting, 512),
    }
    for name, fn in cases.items():
        p50, p95 = timed(fn, runs)
        print(f"{name:26s} 512x512 p50 {p50:6.0f} ms   p95 {p95:6.0f} ms ({runs} runs)")


def main() -> None:
    p = parser(__doc__, runs=20)
    p.add_argument("--requests", type=int, default=50, help="requests for the memory check")
    p.add_argument("--gatys-steps", type=int, default=100)
    p.add_argument("--pretrained-only", action="store_true", help="only part 1")
    args = p.parse_args()
    setup(args)

    from PIL import Image

    from demos.style import EXAMPLES, OWN_EXAMPLES
    from models.style import SPEC, STYLES, gatys, predict

    photo = Image.open(EXAMPLES[0]).convert("RGB").resize((512, 512))
    bench_pretrained(photo, Image.open(OWN_EXAMPLES[0][1]), args.runs)
    if args.pretrained_only:
        return
    for style in STYLES:
        if not SPEC.weights_path(style).is_file():
            print(f"{style}: no weights, skipped")
            continue
        t = time.perf_counter()
        predict.get_model(style)
        load_ms = 1000 * (time.perf_counter() - t)
        p50, p95 = timed(lambda: predict.stylize(photo, style, 512), args.runs)  # noqa: B023
        print(
            f"{style:14s} load {load_ms:6.0f} ms   512x512 p50 {p50:6.0f} ms   p95 {p95:6.0f} ms "
            f"({args.runs} runs)"
        )

    sizes = [(512, 512), (1024, 768), (300, 200), (4000, 3000)]
    rss = [rss_mb()]
    for i in range(args.requests):
        w, h = sizes[i % len(sizes)]
        image = Image.new("RGB", (w, h), (40 + i, 90, 160))
        predict.stylize(image, STYLES[i % len(STYLES)], (256, 512, 1024)[i % 3])
        rss.append(rss_mb())
    marks = sorted({0, 12, args.requests // 2, args.requests})  # 12: every size and style seen
    print(
        "RSS after n mixed requests (sizes up to 4000x3000, outputs 256-1024 px): "
        + ", ".join(f"n={n}: {rss[n]:.0f} MB" for n in marks if n < len(rss))
    )

    content, style_image = (Image.open(path) for path in OWN_EXAMPLES[0])
    t = time.perf_counter()
    steps = gatys.run(content, style_image, args.gatys_steps)
    first = next(steps)
    last = deque(steps, maxlen=1)[0] if args.gatys_steps > 1 else first
    print(
        f"your own style: 256 px x {last.steps} steps in {time.perf_counter() - t:.1f} s "
        f"(style loss {first.style_loss:.4f} at step 1, {last.style_loss:.4f} at the last; "
        f"content loss {last.content_loss:.3f})"
    )


if __name__ == "__main__":
    main()
