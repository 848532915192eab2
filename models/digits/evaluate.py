"""Accuracy of the shipped digits weights on the 10,000 MNIST test digits.

python -m models.evaluate digits             # prints accuracy and the confusion matrix
python -m models.evaluate digits --write     # also writes weights/<variant>.metrics.json
                                             # and weights/<variant>.confusion.png
"""

from pathlib import Path

import numpy as np

from models.common.evaluation import confusion_matrix, eval_parser, save_evaluation
from models.digits import SPEC, predict
from models.digits.data import load_mnist
from models.digits.net import LABELS


def evaluate(data_root: Path, variant: str = "default", limit: int | None = None) -> dict:
    """Accuracy and confusion matrix on the test split (the first `limit` digits if given;
    MNIST's test set is in no particular class order)."""
    images, labels = load_mnist(data_root, train=False)
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    net = SPEC.load(variant)
    probs = np.concatenate(
        [
            predict.classify(images[i : i + 1000, 0].numpy(), net)
            for i in range(0, len(images), 1000)
        ]
    )
    predictions = probs.argmax(1)
    truth = labels.numpy()
    return {
        "split": "MNIST test",
        "n": len(truth),
        "accuracy": float((predictions == truth).mean()),
        "confusion": confusion_matrix(predictions, truth, len(LABELS)).tolist(),
    }


def sample_scores(data_root: Path) -> dict[str, float]:
    """The CI check's figures: 2,000 test digits, an even seeded sample."""
    return evaluate(data_root, limit=2000)


def main(argv: list[str] | None = None) -> None:
    args = eval_parser("digits", __doc__).parse_args(argv)
    result = evaluate(args.data_dir, args.variant, args.limit)
    print(f"MNIST test accuracy: {result['accuracy']:.4f} ({result['n']} digits)")
    print(np.array(result["confusion"]))
    if args.write:
        save_evaluation(
            SPEC,
            args.variant,
            result,
            LABELS,
            f"Digits: MNIST test, accuracy {result['accuracy']:.2%}",
        )


if __name__ == "__main__":
    main()
