"""Speed of the pets tab's models on this machine (a benchmark, not a test): prints figures.

    python -m benchmarks.bench_pets --threads 2 [--runs 20]

For each model option (each trained weights file shipped, DeepLabV3-MobileNetV2 at the long
sides it can run at): the load time (first use) and the latency p50/p95 of segmenting a 512x512
photo as the tab does (predict, the mask and the overlay), after one warm-up run.
"""

import dataclasses
import functools
import time
from collections.abc import Callable

from benchmarks import parser, setup, timed

DEEPLAB_SIDES = (513, 385, 321, 257)  # 16k + 1: the sizes the TF graph's padding expects


def options() -> dict[str, tuple[Callable[[], object], Callable[[object], object]]]:
    """name -> (load the model, segment a photo with it)."""
    from models.pets import SPEC, deeplab, predict

    found = {}
    for variant in SPEC.variants:
        if not SPEC.weights_path(variant).is_file():
            continue
        found[f"trained/{variant}"] = (
            functools.partial(SPEC.get_model, variant),
            lambda photo, v=variant: predict.segment(photo, net=SPEC.get_model(v)),
        )
    for side in (160, 192):  # the default net at a smaller input
        net = SPEC.load()
        net.cfg = dataclasses.replace(net.cfg, image_size=side)
        found[f"trained/default@{side}"] = (
            lambda: None,
            lambda photo, net=net: predict.segment(photo, net=net),
        )
    if deeplab.weights_path().is_file():
        for side in DEEPLAB_SIDES:
            found[f"deeplab-offline@{side}"] = (
                deeplab.get_model,
                functools.partial(deeplab.segment, long_side=side),
            )
    return found


def main() -> None:
    args = parser(__doc__, runs=20).parse_args()
    setup(args)

    from PIL import Image

    from demos.pets import view
    from models.common.samples import sample
    from models.pets.predict import mask_image

    photo = Image.open(sample("chelsea")).convert("RGB").resize((512, 512))
    for name, (load, segment) in options().items():
        t = time.perf_counter()
        load()
        load_ms = 1000 * (time.perf_counter() - t)

        def tab(segment=segment) -> None:
            result = segment(photo)
            mask_image(result.mask), view(result)

        p50, p95 = timed(tab, args.runs)
        print(
            f"{name:24s} load {load_ms:6.0f} ms   512x512 p50 {p50:6.0f} ms   p95 {p95:6.0f} ms "
            f"({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
