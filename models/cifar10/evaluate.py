"""Accuracy of the shipped CIFAR-10 weights on the 10,000 test images.

python -m models.evaluate cifar10            # accuracy without TTA, with mirror, with mirror+shift
python -m models.evaluate cifar10 --write    # also writes weights/<variant>.metrics.json
                                             # and weights/<variant>.confusion.png
"""

from pathlib import Path

import numpy as np
import torch

from models.cifar10 import SPEC, predict
from models.cifar10.data import load_cifar10
from models.cifar10.net import LABELS
from models.common.evaluation import confusion_matrix, eval_parser, save_evaluation


def evaluate(
    data_root: Path,
    variant: str = "default",
    limit: int | None = None,
    levels: tuple[int, ...] = (0, 1, 2),
) -> dict:
    """Accuracy at each test-time-augmentation level in `levels`; the headline `accuracy` is the
    level the app uses (predict.TTA_LEVEL). `limit` takes an even, seeded sample of the test split."""
    images, labels = load_cifar10(data_root, train=False, limit=limit)
    net = SPEC.load(variant)
    truth = labels.numpy()
    result: dict = {"split": "CIFAR-10 test", "n": len(truth)}
    for level in levels:
        probs = torch.cat(
            [
                predict.classify(images[i : i + 500].float() / 255, net, level)
                for i in range(0, len(images), 500)
            ]
        ).numpy()
        result[f"accuracy_tta{level}"] = float((probs.argmax(1) == truth).mean())
        if level == predict.TTA_LEVEL:
            result["accuracy"] = result[f"accuracy_tta{level}"]
            result["confusion"] = confusion_matrix(probs.argmax(1), truth, len(LABELS)).tolist()
    return result


def sample_scores(data_root: Path) -> dict[str, float]:
    """The CI check's figures: 1,000 test images, an even seeded sample, at the app's TTA."""
    return evaluate(data_root, limit=1000, levels=(predict.TTA_LEVEL,))


def main(argv: list[str] | None = None) -> None:
    args = eval_parser("cifar10", __doc__).parse_args(argv)
    result = evaluate(args.data_dir, args.variant, args.limit)
    for level, name in enumerate(("none", "mirror", "mirror + shifts")):
        print(f"CIFAR-10 test accuracy, TTA {name}: {result[f'accuracy_tta{level}']:.4f}")
    print(f"({result['n']} images; the app uses TTA level {predict.TTA_LEVEL})")
    print(np.array(result["confusion"]))
    if args.write:
        save_evaluation(
            SPEC, args.variant, result, LABELS, f"CIFAR-10 test, accuracy {result['accuracy']:.2%}"
        )


if __name__ == "__main__":
    main()
