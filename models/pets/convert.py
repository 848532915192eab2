"""Convert the DeepLabV3-MobileNetV2 PASCAL VOC TFLite file into the PyTorch net of
models/pets/deeplab.py (dequantised float tensors, safetensors), and check it against the file.

    python -m models.pets.convert                  # -> models/pets/weights/deeplab-mnv2.safetensors
    python -m models.pets.convert --tflite PATH --out PATH

Reads the file with ai-edge-litert's interpreter (a conversion-time package: the app never
imports it): the ops in graph order give the convolutions in the order the net defines them;
each uint8 weight becomes scale * (q - zero_point), each int32 bias scale * q; TFLite's
(out, kh, kw, in) kernels become PyTorch's (out, in, kh, kw), depthwise (1, kh, kw, c) become
(c, 1, kh, kw); the upper ends of the head's uint8 activations become `head_clip`. The weights are saved as fp16 (half the size; the parity check below runs on
the saved file).
"""

import argparse
import hashlib
from pathlib import Path

import numpy as np
import torch

from models.common.paths import data_dir
from models.common.weights import save_weights
from models.pets.deeplab import VOC_CLASSES, DeepLabV3MobileNetV2, weights_path

TFLITE = Path("pretrained/deeplabv3-mnv2-pascal/deeplabv3_mnv2_pascal_quant.tflite")  # data dir
SIDE = 513  # the file's fixed input size
LOGITS_TENSOR = "logits/semantic/BiasAdd"  # the 33 x 33 x 21 logits, before TF's upsampling
LICENCE = "Apache-2.0 (google-coral/test_data); DeepLab (Chen et al. 2017), MobileNetV2"


def interpreter(path: Path):
    import warnings

    from ai_edge_litert.interpreter import Interpreter

    with warnings.catch_warnings():  # (intermediate tensors are kept on purpose: the logits)
        warnings.simplefilter("ignore", UserWarning)
        it = Interpreter(model_path=str(path), experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    return it


def dequantise(it, index: int) -> np.ndarray:
    """A constant tensor of the file as float32: scale * (q - zero_point), per tensor or per
    channel along its quantised dimension."""
    detail = it.get_tensor_details()[index]
    q = it.get_tensor(index).astype(np.float64)
    params = detail["quantization_parameters"]
    scales, zeros = params["scales"], params["zero_points"]
    if len(scales) > 1:  # per channel
        shape = [1] * q.ndim
        shape[params["quantized_dimension"]] = -1
        scales, zeros = scales.reshape(shape), zeros.reshape(shape)
    return ((q - zeros) * scales).astype(np.float32)


def convert(path: Path) -> dict[str, torch.Tensor]:
    """The net's state_dict from the TFLite file; ValueError if the graph has other convs."""
    it = interpreter(path)
    ops = [op for op in it._get_ops_details() if op["op_name"] in ("CONV_2D", "DEPTHWISE_CONV_2D")]
    net = DeepLabV3MobileNetV2()
    convs = [(name, m) for name, m in net.named_modules() if isinstance(m, torch.nn.Conv2d)]
    if len(ops) != len(convs):
        raise ValueError(f"{path}: {len(ops)} convolutions, the net has {len(convs)}")
    state = {}
    for (name, module), op in zip(convs, ops, strict=True):
        _, w_index, b_index = op["inputs"]
        w = torch.from_numpy(dequantise(it, w_index))
        w = w.permute(3, 0, 1, 2) if op["op_name"] == "DEPTHWISE_CONV_2D" else w.permute(0, 3, 1, 2)
        b = torch.from_numpy(dequantise(it, b_index))
        if w.shape != module.weight.shape or b.shape != module.bias.shape:
            raise ValueError(f"{name}: file {tuple(w.shape)}, net {tuple(module.weight.shape)}")
        state[f"{name}.weight"], state[f"{name}.bias"] = w.contiguous(), b
    # The head's ReLU outputs end where their uint8 range ends: scale * (255 - zero point).
    head = {name: op for (name, _), op in zip(convs, ops, strict=True)}
    bounds = []
    for name in ("aspp0", "image_pooling", "concat_projection"):
        scale, zero = it.get_tensor_details()[head[name]["outputs"][0]]["quantization"]
        bounds.append(scale * (255 - zero))
    state["head_clip"] = torch.tensor(bounds)
    return state


def tflite_run(it, photo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The file's 33 x 33 logits (dequantised, (21, 33, 33)) and its 513 x 513 arg-max for one
    (513, 513, 3) uint8 photo."""
    it.set_tensor(it.get_input_details()[0]["index"], photo[None])
    it.invoke()
    names = {d["name"].split(";")[0]: d["index"] for d in it.get_tensor_details()}
    index = names[LOGITS_TENSOR]
    detail = it.get_tensor_details()[index]
    scale, zero = detail["quantization"]
    logits = (it.get_tensor(index)[0].astype(np.float32) - zero) * scale
    argmax = it.get_tensor(it.get_output_details()[0]["index"])[0]
    return logits.transpose(2, 0, 1), argmax


def torch_run(net: DeepLabV3MobileNetV2, photo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The net's logits at 1/16 and its arg-max upsampled as TF does (align_corners)."""
    x = torch.from_numpy(photo.copy()).permute(2, 0, 1)[None].float() / 255
    with torch.inference_mode():
        logits = net(x)
        up = torch.nn.functional.interpolate(
            logits, size=photo.shape[:2], mode="bilinear", align_corners=True
        )
    return logits[0].numpy(), up[0].argmax(0).numpy()


def parity(net: DeepLabV3MobileNetV2, tflite: Path, photos: list[np.ndarray]) -> dict:
    """Agreement of the float net with the uint8 file on (513, 513, 3) photos: the share of
    pixels whose arg-max class agrees, and the logits' largest and mean absolute difference
    (relative to the logits' range)."""
    it = interpreter(tflite)
    agree, max_err, mean_err, spread = [], [], [], []
    for photo in photos:
        ref_logits, ref_argmax = tflite_run(it, photo)
        logits, argmax = torch_run(net, photo)
        agree.append(float((argmax == ref_argmax).mean()))
        diff = np.abs(logits - ref_logits)
        max_err.append(float(diff.max()))
        mean_err.append(float(diff.mean()))
        spread.append(float(ref_logits.max() - ref_logits.min()))
    return {
        "argmax_agreement_min": min(agree),
        "logits_max_abs_error": max(max_err),
        "logits_mean_abs_error": float(np.mean(mean_err)),
        "logits_range": float(np.mean(spread)),
    }


def test_photos() -> list[np.ndarray]:
    """The sample photos chelsea (a cat), astronaut and coffee, resized to 513 x 513."""
    from PIL import Image

    from models.common.samples import sample

    names = ("chelsea", "astronaut", "coffee")
    return [np.asarray(Image.open(sample(n)).convert("RGB").resize((SIDE, SIDE))) for n in names]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tflite", type=Path, default=data_dir() / TFLITE)
    parser.add_argument("--out", type=Path, default=weights_path())
    args = parser.parse_args(argv)
    if not args.tflite.is_file():
        raise SystemExit(f"--tflite {args.tflite}: no such file")
    state = convert(args.tflite)
    digest = hashlib.sha256(args.tflite.read_bytes()).hexdigest()
    meta = {
        "source": f"{args.tflite.name} sha256 {digest}",
        "licence": LICENCE,
        "classes": list(VOC_CLASSES),
    }
    save_weights(state, args.out, meta, half=True)
    from models.pets.deeplab import load

    result = parity(load(args.out), args.tflite, test_photos())
    print(f"wrote {args.out} ({sum(v.numel() for v in state.values()):,} parameters)")
    print("parity with the TFLite file on 3 photos at 513 x 513:")
    for key, value in result.items():
        print(f"  {key}: {value:.4f}")


if __name__ == "__main__":
    main()
