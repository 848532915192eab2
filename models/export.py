"""TorchScript and ONNX files of the image models, checked against PyTorch and timed.

    python -m models.export digits              # or cifar10, pets, style, cyclegan, all
    python -m models.export all --runs 20       # the figures in the cards and About panels

For every shipped weights file of the model (and the tab's own default where it is another
net: pets' converted DeepLabV3, cyclegan's GAN Compression generator, style's pretrained
networks) it writes `<net>.pt` (torch.jit.trace, reloaded with torch.jit.load) and
`<net>.onnx` (torch.onnx's TorchScript-based exporter: the dynamo exporter needs onnxscript,
which this project does not install) under build/export/<model>/, runs the sample inputs
through PyTorch, the reloaded TorchScript file and onnxruntime (CPUExecutionProvider), and
fails (exit 1) when either differs from PyTorch by more than the net's tolerance. The p50
latency of the three on one CPU thread and the check's figures go to the committed
models/<model>/weights/<net>.export.json (the About panel reads the tab default's).

The samples are a real photo (models/common/samples/chelsea.jpg) at the size the app runs the
net at, and seeded noise in the net's input range, a batch of 2 at another size where the net
takes any size: a size or batch the trace baked in would show as a mismatch there.
"""

import argparse
import contextlib
import datetime
import json
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from PIL import Image
from torch import nn

from models import get_spec
from models.common.paths import ROOT, weights_dir
from models.common.samples import sample
from models.common.weights import load_net

MODELS = ("digits", "cifar10", "pets", "style", "cyclegan")
OPSET = 17  # ONNX opset: InstanceNormalization, Resize and reflect Pad as these nets need
SUFFIX = "export.json"  # models/<model>/weights/<net>.export.json
THREADS = 1  # latency on one CPU thread, PyTorch and onnxruntime alike
WARMUP = 3  # untimed runs first (TorchScript's profiling executor optimises on the first runs)
PHOTO = "chelsea"  # the sample photo every image net sees
SEED = 0

# Largest |difference| to PyTorch that passes, by what the net outputs: logits (classes,
# pixels' classes) and the style predictor's vector, whose entries are of order 1-10; pictures
# in [0, 1] or [-1, 1], where one 8-bit step is 1/255 or 2/255, so 1e-3 / 2e-3 are invisible.
# fp32 onnxruntime measured at most 1.5e-5 on every net here (the cards).
TOLERANCES = {"logits": 1e-4, "image01": 1e-3, "image11": 2e-3, "vector": 1e-4}

Inputs = tuple[torch.Tensor, ...]


@dataclass
class Target:
    """One net to export: how to load it, its inputs and outputs, what it must match."""

    model: str  # the package under models/
    net: str  # its weights file's stem, and the exported files' names
    about: str  # for people: the table, the card
    load: Callable[[], nn.Module]
    inputs: tuple[str, ...]  # ONNX input names, in forward()'s order
    output: str  # ONNX output name
    samples: Callable[[], list[Inputs]]  # the first is the app's size, traced and timed
    dynamic: dict[str, dict[int, str]]  # ONNX dynamic axes of inputs and the output
    kind: str  # a key of TOLERANCES
    tab_default: bool = False  # the tab's default model: the About panel shows its figures

    @property
    def tolerance(self) -> float:
        return TOLERANCES[self.kind]


def photo(width: int, height: int, gray: bool = False) -> torch.Tensor:
    """(1, C, height, width) in [0, 1]: the sample photo resized (not cropped) to that size."""
    image = Image.open(sample(PHOTO)).convert("L" if gray else "RGB")
    array = np.asarray(image.resize((width, height), Image.Resampling.BILINEAR), np.float32)
    array = array[:, :, None] if gray else array
    return torch.from_numpy(array / 255).permute(2, 0, 1)[None].contiguous()


def noise(*shape: int) -> torch.Tensor:
    """Seeded uniform noise in [0, 1]."""
    return torch.rand(shape, generator=torch.Generator().manual_seed(SEED))


def batch_axes(*names: str) -> dict[str, dict[int, str]]:
    return {name: {0: "batch"} for name in names}


def image_axes(*names: str) -> dict[str, dict[int, str]]:
    return {name: {0: "batch", 2: "height", 3: "width"} for name in names}


def spec_net(model: str, variant: str) -> Callable[[], nn.Module]:
    """The SPEC's net of one weights variant, fp32 on the CPU (the app's own loader)."""
    spec = get_spec(model)
    return lambda: spec.load(variant, device=torch.device("cpu"), dtype=torch.float32)


def classifier(model: str, channels: int, size: int) -> Target:
    """digits (1x28x28) and cifar10 (3x32x32): a fixed size, any batch."""
    return Target(
        model=model,
        net="default",
        about=f"{get_spec(model).architecture.split(':')[0].split(',')[0]}, {size}x{size}",
        load=spec_net(model, "default"),
        inputs=("image",),
        output="logits",
        samples=lambda: [
            (photo(size, size, gray=channels == 1),),
            (noise(2, channels, size, size),),
        ],
        dynamic=batch_axes("image", "logits"),
        kind="logits",
        tab_default=True,
    )


def image_net(
    model: str,
    net: str,
    about: str,
    load: Callable[[], nn.Module],
    size: tuple[int, int],
    other: tuple[int, int] | None,
    kind: str,
    output: str,
    tab_default: bool = False,
) -> Target:
    """An image-to-image (or image-to-logits) net: the photo at `size` (width, height), noise
    (a batch of 2) at `other`, the second size it is checked at (None: a net exported for
    `size` alone); inputs in [-1, 1] where `kind` is image11."""
    width, height = other or size

    def samples() -> list[Inputs]:
        pictures = [photo(*size), noise(2, 3, height, width)]
        return [((x * 2 - 1) if kind == "image11" else x,) for x in pictures]

    return Target(
        model=model,
        net=net,
        about=about,
        load=load,
        inputs=("image",),
        output=output,
        samples=samples,
        dynamic=image_axes("image", output) if other else batch_axes("image", output),
        kind=kind,
        tab_default=tab_default,
    )


def digits_targets() -> list[Target]:
    return [classifier("digits", 1, 28)]


def cifar10_targets() -> list[Target]:
    return [classifier("cifar10", 3, 32)]


def pets_targets() -> list[Target]:
    from models.pets import deeplab

    # The EfficientNet-Lite0 encoder (variant "default") pads like TensorFlow's 'same' with
    # sizes computed in Python (math.ceil), which the trace bakes in: at another size the
    # padding is wrong (caught by the parity check), so that net is exported for 224x224 only.
    trained = [
        image_net("pets", "default", "trained here (EfficientNet-Lite0), 224x224 only",
                  spec_net("pets", "default"), (224, 224), None, "logits", "logits"),
        image_net("pets", "darknet", "trained here (Darknet tiny), 224 px",
                  spec_net("pets", "darknet"), (224, 224), (224, 160), "logits", "logits"),
    ]  # fmt: skip
    # the tab runs DeepLab at 321 px (its stride 16 plus the pixel deeplab.run pads by)
    converted = image_net(
        "pets", deeplab.VARIANT, "DeepLabV3-MobileNetV2 (converted, tab default), 321 px",
        lambda: deeplab.load().float(), (321, 321), (321, 241), "logits", "logits",
        tab_default=True,
    )  # fmt: skip
    return [converted, *trained]


def style_targets() -> list[Target]:
    from models.style import DEFAULT_PRESET, pretrained
    from models.style.pretrained_net import STYLE_SIZE

    def converted(stem: str) -> Callable[[], nn.Module]:
        return lambda: load_net(pretrained.weights_path(stem), pretrained.BUILDERS[stem])

    def multistyle_samples() -> list[Inputs]:
        one = pretrained.style_weights(DEFAULT_PRESET)[None]
        blends = torch.stack([pretrained.style_weights("style-1", "style-8", 0.3), one[0]])
        return [(photo(256, 256), one), (noise(2, 3, 192, 256), blends)]

    def transform_samples() -> list[Inputs]:
        predictor = converted("arbitrary_predict")()
        with torch.inference_mode():  # real style vectors: the predictor's, of two pictures
            vectors = predictor(torch.cat([photo(STYLE_SIZE, STYLE_SIZE), noise(1, 3, 256, 256)]))
        return [(photo(256, 256), vectors[:1].clone()), (noise(2, 3, 192, 256), vectors.clone())]

    targets = [
        Target(
            "style", "multistyle26", "26 presets (pretrained, tab default), 256 px",
            converted("multistyle26"), ("image", "style_weights"), "styled", multistyle_samples,
            {**image_axes("image", "styled"), **batch_axes("style_weights")}, "image01",
            tab_default=True,
        ),
        Target(
            "style", "arbitrary_predict", f"any painting: style predictor, {STYLE_SIZE} px",
            converted("arbitrary_predict"), ("image",), "style_vector",
            lambda: [(photo(STYLE_SIZE, STYLE_SIZE),), (noise(2, 3, STYLE_SIZE, STYLE_SIZE),)],
            batch_axes("image", "style_vector"), "vector",
        ),
        Target(
            "style", "arbitrary_transform", "any painting: transformer, 256 px",
            converted("arbitrary_transform"), ("image", "style_vector"), "styled",
            transform_samples,
            {**image_axes("image", "styled"), **batch_axes("style_vector")}, "image01",
        ),
    ]  # fmt: skip
    trained = [
        image_net("style", v, f"trained here ({v}), 256 px", spec_net("style", v), (256, 256),
                  (256, 192), "image01", "styled")
        for v in get_spec("style").variants
    ]  # fmt: skip
    return [*targets, *trained]


def cyclegan_targets() -> list[Target]:
    from models.cyclegan import compressed

    gan_compression = image_net(
        "cyclegan", compressed.VARIANT, "horse2zebra, GAN Compression (tab default), 256 px",
        compressed.load, (256, 256), (256, 192), "image11", "translated", tab_default=True,
    )  # fmt: skip
    trained = [
        image_net("cyclegan", v, f"{v}, trained here, 256 px", spec_net("cyclegan", v),
                  (256, 256), (256, 192), "image11", "translated")
        for v in get_spec("cyclegan").variants
    ]  # fmt: skip
    return [gan_compression, *trained]


TARGETS: dict[str, Callable[[], list[Target]]] = {
    "digits": digits_targets,
    "cifar10": cifar10_targets,
    "pets": pets_targets,
    "style": style_targets,
    "cyclegan": cyclegan_targets,
}


@contextlib.contextmanager
def quiet_exporters() -> Iterator[None]:
    """Warnings off while tracing and exporting: torch 2.14 calls torch.jit and the
    TorchScript-based ONNX exporter deprecated (both still ship); the tracer warns that Python
    values become constants, and the exporter about constant folding and instance norm's
    input statistics. The parity check, at a second input size, is what tells whether any of
    that matters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx")
        yield


def export(target: Target, net: nn.Module, example: Inputs, out: Path) -> tuple[Path, Path]:
    """`out/<net>.pt` (traced on `example`) and `out/<net>.onnx` (checked by onnx.checker)."""
    out.mkdir(parents=True, exist_ok=True)
    script_path, onnx_path = out / f"{target.net}.pt", out / f"{target.net}.onnx"
    with quiet_exporters(), torch.no_grad():
        torch.jit.trace(net, example, check_trace=False).save(str(script_path))
        torch.onnx.export(
            net,
            example,
            str(onnx_path),
            dynamo=False,
            opset_version=OPSET,
            input_names=list(target.inputs),
            output_names=[target.output],
            dynamic_axes=target.dynamic,
        )
    onnx.checker.check_model(str(onnx_path))
    return script_path, onnx_path


def ort_session(path: Path, threads: int = THREADS) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def ort_run(session: ort.InferenceSession, names: tuple[str, ...], inputs: Inputs) -> np.ndarray:
    return session.run(None, {name: x.numpy() for name, x in zip(names, inputs, strict=True)})[0]


def max_differences(
    target: Target,
    net: nn.Module,
    script: torch.jit.ScriptModule,
    session: ort.InferenceSession,
    samples: list[Inputs],
) -> dict[str, float]:
    """The largest |output - PyTorch's| over `samples`, for TorchScript and onnxruntime."""
    worst = {"torchscript": 0.0, "onnxruntime": 0.0}
    with torch.inference_mode():
        for inputs in samples:
            expected = net(*inputs).numpy()
            outputs = {
                "torchscript": script(*inputs).numpy(),
                "onnxruntime": ort_run(session, target.inputs, inputs),
            }
            for backend, output in outputs.items():
                if output.shape != expected.shape:
                    raise ValueError(
                        f"{target.model}/{target.net}: {backend} output {output.shape}, "
                        f"PyTorch {expected.shape}"
                    )
                diff = float(np.abs(output.astype(np.float64) - expected).max())
                worst[backend] = max(worst[backend], diff)
    return worst


def p50_ms(run: Callable[[], object], runs: int) -> float:
    """The median wall time of `run()` in ms, after WARMUP untimed runs."""
    for _ in range(WARMUP):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def latencies(
    target: Target,
    net: nn.Module,
    script: torch.jit.ScriptModule,
    session: ort.InferenceSession,
    inputs: Inputs,
    runs: int,
) -> dict[str, float]:
    """p50 ms of one forward pass of `inputs` (the app's size), per backend."""
    with torch.inference_mode():
        return {
            "pytorch": p50_ms(lambda: net(*inputs), runs),
            "torchscript": p50_ms(lambda: script(*inputs), runs),
            "onnxruntime": p50_ms(lambda: ort_run(session, target.inputs, inputs), runs),
        }


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass  # not Linux: the platform's word for it
    return platform.processor() or platform.machine()


def shape(x: torch.Tensor) -> str:
    return "x".join(str(n) for n in x.shape)


def shown_path(path: Path) -> str:
    """A path relative to the checkout where it is inside it (the record is committed)."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check(target: Target, out: Path, runs: int) -> dict:
    """Export one target, compare it with PyTorch, time it (runs = 0: no timing); its record."""
    net = target.load().float().eval()
    samples = target.samples()
    example = samples[0]
    script_path, onnx_path = export(target, net, example, out)
    with quiet_exporters():
        script = torch.jit.load(str(script_path)).eval()
    session = ort_session(onnx_path)
    diffs = max_differences(target, net, script, session, samples)
    record = {
        "model": target.model,
        "net": target.net,
        "about": target.about,
        "tab_default": target.tab_default,
        "inputs": {name: shape(x) for name, x in zip(target.inputs, example, strict=True)},
        "dynamic_axes": sorted(
            {axis for axes in target.dynamic.values() for axis in axes.values()}
        ),
        "output": target.output,
        "samples": len(samples),
        "tolerance": target.tolerance,
        "tolerance_of": target.kind,
        "max_abs_diff": diffs,
        "passed": all(d <= target.tolerance for d in diffs.values()),
        "files": [shown_path(script_path), shown_path(onnx_path)],
    }
    if runs:
        record["latency_ms_p50"] = {
            k: round(v, 2)
            for k, v in latencies(target, net, script, session, example, runs).items()
        }
        record["runs"] = runs
    return record


def provenance(model: str, runs: int) -> dict:
    return {
        "threads": THREADS,
        "cpu": cpu_name(),
        "opset": OPSET,
        "torch": torch.__version__,
        "onnxruntime": ort.__version__,
        "onnx": onnx.__version__,
        "date": datetime.date.today().isoformat(),
        "command": f"python -m models.export {model} --runs {runs}",
    }


def record_path(model: str, net: str) -> Path:
    return weights_dir(model) / f"{net}.{SUFFIX}"


def table(records: list[dict]) -> str:
    """The records as a Markdown table (what the cards paste)."""
    lines = [
        "| net | input | max diff TorchScript / ORT (tolerance) | PyTorch | TorchScript | ORT |",
        "|---|---|---|---|---|---|",
    ]
    for r in records:
        diff, inputs = r["max_abs_diff"], ", ".join(r["inputs"].values())
        ms = r.get("latency_ms_p50", {})
        times = [
            f"{ms[k]:.1f} ms" if k in ms else "-" for k in ("pytorch", "torchscript", "onnxruntime")
        ]
        lines.append(
            f"| {r['net']}{' (tab default)' if r['tab_default'] else ''} | {inputs} | "
            f"{diff['torchscript']:.1e} / {diff['onnxruntime']:.1e} ({r['tolerance']:g}) | "
            + " | ".join(times)
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", choices=[*MODELS, "all"])
    parser.add_argument("--out", type=Path, help="folder (default: build/export/<model>/)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per backend (0: none)")
    parser.add_argument(
        "--no-record", action="store_true", help=f"don't write models/<model>/weights/*.{SUFFIX}"
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(THREADS)
    models = MODELS if args.model == "all" else (args.model,)
    failed = []
    for model in models:
        out = (
            (args.out / model if args.model == "all" else args.out)
            if args.out
            else (ROOT / "build" / "export" / model)
        )
        records = []
        for target in TARGETS[model]():
            record = check(target, out, args.runs)
            records.append(record)
            if not record["passed"]:
                failed.append(
                    f"{model}/{target.net}: {record['max_abs_diff']} > {target.tolerance:g}"
                )
            elif not args.no_record:
                path = record_path(model, target.net)
                path.write_text(
                    json.dumps({**record, **provenance(model, args.runs)}, indent=1) + "\n"
                )
        print(f"\n{model} ({THREADS} thread, p50 of {args.runs} runs; files in {shown_path(out)})")
        print(table(records))
    if failed:
        print("\nparity check failed:\n  " + "\n  ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
