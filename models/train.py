"""One training entry point for every model:

python -m models.train MODEL [flags]          # e.g. digits, cifar10; MODEL --help lists flags
torchrun --nproc_per_node=N -m models.train MODEL [flags]   # data-parallel (DDP)
"""

import importlib
import sys

MODELS = ("digits", "cifar10", "sentiment")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: python -m models.train {{{','.join(MODELS)}}} [--help | flags]")
    importlib.import_module(f"models.{sys.argv[1]}.train").main(sys.argv[2:])


if __name__ == "__main__":
    main()
