"""One evaluation entry point for every model: prints the metric on the real test split
(sentiment: ChnSentiCorp dev and the held-out parts, which also chose the model; see its card).

python -m models.evaluate MODEL [--write]     # MODEL: digits, cifar10, sentiment
python -m models.evaluate MODEL --help        # that model's flags (e.g. --limit, --views)
"""

import importlib
import sys

from models.train import MODELS


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: python -m models.evaluate {{{','.join(MODELS)}}} [--help | flags]")
    importlib.import_module(f"models.{sys.argv[1]}.evaluate").main(sys.argv[2:])


if __name__ == "__main__":
    main()
