"""Accuracy of the shipped sentiment model on ChnSentiCorp dev and on the held-out part of
each extra corpus, side by side with the snownlp package's sentiment on the same reviews.

    python -m models.evaluate sentiment              # prints the table
    python -m models.evaluate sentiment --write      # also writes default.metrics.json and
                                                     # default.confusion.png (first view's stem)
    python -m models.evaluate sentiment --no-snownlp # skip the baseline (it is slow)
    python -m models.evaluate sentiment --views chars --no-snownlp   # one view alone
"""

import time
from pathlib import Path

import numpy as np

from models.common.evaluation import confusion_matrix, eval_parser, save_evaluation
from models.sentiment import SPEC, predict
from models.sentiment.data import Review, make_splits
from models.sentiment.net import LABELS


def predictions(reviews: list[Review], views: tuple[str, ...] = predict.VIEWS) -> np.ndarray:
    model = predict.get_model(views)
    return np.array(predict.predict_batch([r.text for r in reviews], model)) >= 0.5


def labels_of(reviews: list[Review]) -> np.ndarray:
    return np.array([r.label for r in reviews])


def accuracy_on(reviews: list[Review], views: tuple[str, ...] = predict.VIEWS) -> float:
    return float((predictions(reviews, views) == labels_of(reviews)).mean())


def snownlp_accuracy(reviews: list[Review]) -> float:
    """The snownlp package's own sentiment (a naive Bayes model trained on shopping reviews)."""
    from snownlp import SnowNLP

    hits = [(SnowNLP(r.text).sentiments >= 0.5) == bool(r.label) for r in reviews if r.text.strip()]
    return float(np.mean(hits))


def sample_scores(data_root: Path) -> dict[str, float]:
    """The CI check's figures: every other review of ChnSentiCorp dev."""
    from models.sentiment.data import load_dev

    return {"accuracy": accuracy_on(load_dev(data_root)[::2])}


def main(argv: list[str] | None = None) -> None:
    p = eval_parser("sentiment", __doc__, variant=False)
    p.add_argument(
        "--views", default=",".join(predict.VIEWS), help="weight files averaged, comma-separated"
    )
    p.add_argument("--no-snownlp", action="store_true", help="skip the snownlp baseline")
    args = p.parse_args(argv)
    views = tuple(args.views.split(","))

    splits = make_splits(args.data_dir)
    eval_splits = {k: v[: args.limit] for k, v in splits.items() if k != "train"}
    result: dict = {"split": "ChnSentiCorp dev", "n": len(eval_splits["dev"])}
    print(f"{'split':28s} {'n':>6s} {'ours':>8s} {'snownlp':>8s}")
    predicted = {}
    for name, reviews in eval_splits.items():
        start = time.perf_counter()
        predicted[name] = predictions(reviews, views)
        seconds = time.perf_counter() - start
        ours = float((predicted[name] == labels_of(reviews)).mean())
        base = None if args.no_snownlp else snownlp_accuracy(reviews)
        result[f"accuracy_{name}"] = ours
        if base is not None:
            result[f"snownlp_{name}"] = base
        print(
            f"{name:28s} {len(reviews):6d} {ours:8.4f} {'' if base is None else f'{base:8.4f}'}"
            f"   ({1000 * seconds / len(reviews):.2f} ms/review batched)"
        )
    result["accuracy"] = result["accuracy_dev"]
    result["confusion"] = confusion_matrix(
        predicted["dev"].astype(int), labels_of(eval_splits["dev"]), 2
    ).tolist()
    if args.write:
        save_evaluation(
            SPEC,
            views[0],
            result,
            LABELS,
            f"Sentiment: ChnSentiCorp dev, accuracy {result['accuracy']:.2%}",
        )


if __name__ == "__main__":
    main()
