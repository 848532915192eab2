"""Speed and memory of the CycleGAN tab's predict function on this machine (a benchmark, not a
test): prints the generator's load time, p50/p95 latency for 256x256 and 512x512 photos
(resizing, the net and the output image: what one request costs; the tab runs the net at
Config.image_size, 256 px, and here also at 512 px for comparison), and peak RSS
before and after 50 more requests (flat memory). By default the tab's default generator of
horse2zebra: GAN Compression's (`--model trained` for the one trained here).

    python -m benchmarks.bench_cyclegan [--runs 30] [--direction horse2zebra] [--model default]
"""

import time

import numpy as np
from PIL import Image

from benchmarks import parser, peak_rss_mb, setup, timed


def main() -> None:
    p = parser(__doc__, runs=30)
    p.add_argument("--direction", default="horse2zebra")
    p.add_argument("--model", default="default", choices=("default", "trained", "compressed"))
    args = p.parse_args()
    setup(args)
    from demos.cyclegan import resolve
    from models.common import loading
    from models.cyclegan import compressed, predict

    model = resolve(args.model, args.direction)
    start = time.perf_counter()
    if model == "compressed":
        net = compressed.get_model(args.direction)
    else:
        net = predict.get_model(args.direction)
    params = sum(p.numel() for p in net.parameters())
    print(
        f"load {args.direction} ({model}, {type(net).__name__}, {params:,} parameters): "
        f"{time.perf_counter() - start:.2f} s, runs at long side {net.cfg.image_size}"
    )
    rng = np.random.default_rng(0)
    for side, net_side in ((256, None), (512, None), (512, 512)):
        photo = Image.fromarray(rng.integers(0, 255, (side, side, 3), dtype=np.uint8))
        p50, p95 = timed(
            lambda photo=photo, s=net_side: predict.translate(
                photo, args.direction, net=net, long_side=s
            ),
            args.runs,
        )
        at = net_side or net.cfg.image_size
        print(f"{side}x{side} photo, net at {at} px: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    before = peak_rss_mb()
    photo = Image.fromarray(rng.integers(0, 255, (512, 512, 3), dtype=np.uint8))
    for _ in range(50):
        predict.translate(photo, args.direction, net=net)
    print(f"peak RSS {before:.0f} MB, after 50 more 512 px requests {peak_rss_mb():.0f} MB")
    loading.forget()


if __name__ == "__main__":
    main()
