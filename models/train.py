"""One training entry point for every model in models.MODELS:

python -m models.train MODEL [flags]          # e.g. digits, cifar10; MODEL --help lists flags
torchrun --nproc_per_node=N -m models.train MODEL [flags]   # data-parallel (DDP)
"""

import sys

from models import MODELS, get_spec


def run(command: str, argv: list[str]) -> None:
    """`python -m models.<command> MODEL [flags]`: MODEL's own train.py or evaluate.py main."""
    if not argv or argv[0] not in MODELS:
        sys.exit(f"usage: python -m models.{command} {{{','.join(MODELS)}}} [--help | flags]")
    get_spec(argv[0]).entry_point(command)(argv[1:])


if __name__ == "__main__":
    run("train", sys.argv[1:])
