"""One evaluation entry point for every model in models.MODELS: prints the metric on the real
test split (sentiment: ChnSentiCorp dev and the held-out parts, which also chose the model).

python -m models.evaluate MODEL [--write]     # MODEL: digits, cifar10, sentiment, ...
python -m models.evaluate MODEL --help        # that model's flags (e.g. --limit, --views)
"""

import sys

from models.train import run

if __name__ == "__main__":
    run("evaluate", sys.argv[1:])
