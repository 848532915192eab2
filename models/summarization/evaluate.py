"""ROUGE of the trained summarizer beside Lead and TextRank, on LCSTS val and the BBC test split.

    python -m models.evaluate summarization                # prints the table
    python -m models.evaluate summarization --write        # also writes default.metrics.json
    python -m models.evaluate summarization --limit 200 --bbc-split val

ROUGE-1/2/L F1 against the one reference of each document, averaged over documents: Chinese
character level with punctuation dropped (LCSTS), English with `rouge-score` and Porter
stemming (BBC). Every method summarises at the usual length (predict.AUTO_LENGTH): one
sentence of a Chinese post (the trained model: a headline of its best-scored clauses), 45 % of
an English article's characters. LCSTS val is the split the issue reports (its test set is not
in the copy), less the posts also in train.tsv (data.lcsts_val); the BBC test split
(data.BBC_TEST articles, seeded, less the copies of training articles: data.bbc_splits) was
not used for any choice.
"""

import time
from pathlib import Path

from models.common.device import pick_device
from models.common.evaluation import eval_parser, write_metrics
from models.common.paths import METRICS
from models.summarization import SPEC
from models.summarization.data import bbc_splits, lcsts_val
from models.summarization.predict import summarize_full
from models.summarization.rouge import KEYS, mean_rouge, rouge

METHODS = ("lead", "textrank", "trained")
NAMES = {"lead": "Lead", "textrank": "TextRank", "trained": "trained here"}
SPLIT_WORDS = {
    "test": "seeded, held out, used for no choice",
    "val": "seeded, the split choices were made on",
}


def score(docs, method: str, net=None, length: float = 0) -> dict[str, float]:
    rows = [
        rouge(summarize_full(d.text, length, method, net=net).text, d.summary, d.lang) for d in docs
    ]
    return mean_rouge(rows)


def plot(results: dict[str, dict[str, dict[str, float]]], path) -> None:
    """Grouped bars: ROUGE-1/2/L of each method on each data set."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.4), dpi=100)
    axes = fig.subplots(1, len(results))
    for ax, (name, by_method) in zip(axes, results.items(), strict=True):
        for k, method in enumerate(METHODS):
            values = [by_method[method][key] for key in KEYS]
            xs = [i + (k - 1) * 0.27 for i in range(len(KEYS))]
            ax.bar(xs, values, width=0.27, label=NAMES[method])
        ax.set_xticks(range(len(KEYS)), ["ROUGE-1", "ROUGE-2", "ROUGE-L"])
        ax.set_title(name)
        ax.set_ylim(0, 1.0)
    axes[0].legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def sample_scores(data_root: Path) -> dict[str, float]:
    """The CI check's figures: every fifth post of LCSTS val, the model's ROUGE (x 100, as the
    metrics file) and Lead's beside it."""
    import torch

    docs = lcsts_val(data_root)[::5]
    trained = score(docs, "trained", SPEC.load(device=torch.device("cpu")))
    lead = score(docs, "lead")
    return {
        **{f"lcsts_{key}": 100 * value for key, value in trained.items()},
        **{f"lead_{key}": 100 * value for key, value in lead.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = eval_parser("summarization", __doc__)
    parser.add_argument("--bbc-split", default="test", choices=["test", "val"])
    parser.add_argument("--device", default="cpu", help="cpu | cuda | mps | auto")
    args = parser.parse_args(argv)

    net = SPEC.load(args.variant, pick_device(args.device))
    sets = {
        "LCSTS val": lcsts_val(args.data_dir)[: args.limit],
        f"BBC {args.bbc_split}": bbc_splits(args.data_dir)[args.bbc_split][: args.limit],
    }
    results: dict[str, dict[str, dict[str, float]]] = {}
    start = time.time()
    for name, docs in sets.items():
        results[name] = {m: score(docs, m, net) for m in METHODS}
    seconds = time.time() - start
    print(f"{', '.join(f'{k}: {len(v)} documents' for k, v in sets.items())}; {seconds:.0f} s")
    print("| data | method | ROUGE-1 | ROUGE-2 | ROUGE-L |\n|---|---|---|---|---|")
    for name, by_method in results.items():
        for method, r in by_method.items():
            print(
                f"| {name} | {NAMES[method]} | "
                + " | ".join(f"{100 * r[k]:.1f}" for k in KEYS)
                + " |"
            )
    if args.write:
        (lcsts, bbc) = results.values()
        record = {
            **{f"lcsts_{k}": round(100 * lcsts["trained"][k], 2) for k in KEYS},
            **{f"bbc_{k}": round(100 * bbc["trained"][k], 2) for k in KEYS},
            "baselines": {
                name: {m: {k: round(100 * r[k], 2) for k in KEYS} for m, r in by_method.items()}
                for name, by_method in results.items()
            },
            "split": f"LCSTS val less the posts also in train ({len(sets['LCSTS val'])} posts) "
            f"and the BBC {args.bbc_split} split ({SPLIT_WORDS[args.bbc_split]}; less the "
            "copies of training articles)",
            "n": {name: len(docs) for name, docs in sets.items()},
            "seconds": round(seconds, 1),
        }
        path = SPEC.artefact(args.variant, METRICS)
        write_metrics(path, record)
        plot(results, SPEC.artefact(args.variant, "baselines.png"))
        print(f"wrote {path} and the baselines figure")


if __name__ == "__main__":
    main()
