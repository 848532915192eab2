"""Convert GAN Compression's horse->zebra generator to the shipped safetensors file.

    python -m models.cyclegan.convert     # <data-dir>/pretrained/.../latest_net_G.pth ->
                                          # models/cyclegan/weights/horse2zebra-compressed.safetensors

The .pth is read with torch.load(weights_only=True) into net.MobileGenerator (strict names),
checked to give the same output as before on a fixed input, and written as float32 with its
config and provenance in the header.
"""

import argparse
import hashlib
from pathlib import Path

import torch

from models.common.weights import save_weights
from models.cyclegan.compressed import VARIANT, load, load_pth, source_path, weights_path

PROVENANCE = {
    "source": "mit-han-lab/gan-compression, pretrained CycleGAN horse2zebra compressed "
    "generator (latest_net_G.pth), sub_mobile_resnet_9blocks, config 16_16_32_16_32_32_16_16",
    "paper": "Li, Lin, Ding, Liu, Zhu, Han: GAN Compression: Efficient Architectures for "
    "Interactive Conditional GANs, CVPR 2020",
    "license": "BSD-2-Clause, Copyright (c) 2020 Muyang Li and Ji Lin; built on "
    "pytorch-CycleGAN-and-pix2pix, BSD, Copyright (c) 2017 Jun-Yan Zhu and Taesung Park",
    "input": "RGB in [-1, 1]",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def convert(source: Path, out: Path) -> Path:
    net = load_pth(source)
    meta = {
        "config": net.cfg.to_dict(),
        "provenance": {**PROVENANCE, "file": source.name, "sha256": sha256(source)},
    }
    save_weights(net.state_dict(), out, meta)
    x = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(0)) * 2 - 1
    with torch.no_grad():
        diff = (load(out)(x) - net(x)).abs().max().item()
    if diff > 1e-6:
        raise RuntimeError(f"{out} differs from {source} by {diff:.3g}")
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m models.cyclegan.convert", description=__doc__)
    p.add_argument("--pth", type=Path, default=None, help="default: under the data directory")
    p.add_argument("--out", type=Path, default=None, help=f"default: weights/{VARIANT}.safetensors")
    args = p.parse_args(argv)
    source = args.pth or source_path()
    if not source.is_file():
        raise SystemExit(
            f"{source} not found: it is GAN Compression's horse2zebra latest_net_G.pth "
            "(see the data directory's pretrained/README.md)"
        )
    out = convert(source, args.out or weights_path())
    print(f"wrote {out} from {source} ({sha256(source)[:12]}...)")


if __name__ == "__main__":
    main()
