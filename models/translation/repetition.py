"""Degenerate repetition in translations: how many outputs repeat a token 4 or more times in a
row (Chinese: a character, digits aside; English: a word, or a letter within words).

    python -m models.translation.repetition            # the test split and OTHER_DOMAINS
    python -m models.translation.repetition --no-guard # the same without the repetition guard

A number repeats digits by right (10000), so digits are not counted.
"""

import argparse
import re
import time
from pathlib import Path

from models.common.device import pick_device
from models.common.paths import data_dir
from models.common.text import language

MIN_RUN = 4  # a token this many times in a row is degenerate
OTHER_DOMAINS = Path(__file__).with_name("other_domains.txt")  # news, technical, long, mixed
_WORD = re.compile(r"[a-z']+|\d+|([^\w\s])\1*")  # words, numbers, runs of a punctuation mark


def longest_run(tokens: list[str]) -> int:
    """The most times one token follows itself in a row (0 for no tokens)."""
    best = run = 0
    for i, token in enumerate(tokens):
        run = run + 1 if i and token == tokens[i - 1] else 1
        best = max(best, run)
    return best


def units(text: str, lang: str) -> list[str]:
    """Chinese: the characters (spaces and digits aside); English: lower-cased words, numbers
    and punctuation (a run of one mark, like "...", is one)."""
    if lang == "zh":
        return [c for c in text if not c.isspace() and not c.isdigit()]
    return [m.group() for m in _WORD.finditer(text.lower())]


def letter_run(text: str) -> int:
    """The longest run of one letter inside a word ("Accccuts": 4)."""
    return max((len(m.group()) for m in re.finditer(r"([^\W\d_])\1*", text.lower())), default=0)


def degenerate(text: str, lang: str) -> bool:
    """Whether `text` (in `lang`) repeats a token MIN_RUN or more times in a row."""
    if longest_run(units(text, lang)) >= MIN_RUN:
        return True
    return lang == "en" and letter_run(text) >= MIN_RUN


def read_other_domains(path: Path = OTHER_DOMAINS) -> list[tuple[str, str]]:
    """(domain, sentence) of each `domain<TAB>sentence` line; `#` lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            domain, sentence = line.split("\t", 1)
            rows.append((domain.strip(), sentence.strip()))
    return rows


def main(argv: list[str] | None = None) -> None:
    from models.translation.data import make_splits
    from models.translation.predict import load, repetition_guard, translate_batch

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--split", default="test", choices=["test", "val"])
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--no-guard", action="store_true", help="decode without the guard")
    parser.add_argument("--show", type=int, default=5, help="degenerate outputs to print")
    args = parser.parse_args(argv)

    model = load("default", pick_device("cpu"))
    guard = None if args.no_guard else repetition_guard(model.tok)
    pairs = make_splits(args.data_dir or data_dir())[args.split]
    others = read_other_domains()
    jobs = {
        f"{args.split} zh→en": ([p.zh for p in pairs], "en"),
        f"{args.split} en→zh": ([p.en for p in pairs], "zh"),
        "other domains zh→en": ([s for _, s in others if language(s) == "zh"], "en"),
        "other domains en→zh": ([s for _, s in others if language(s) == "en"], "zh"),
    }
    print(f"guard: {'off' if args.no_guard else 'on'}, beam {args.beam}")
    print(f"| inputs | sentences | outputs with a token {MIN_RUN}+ times in a row |\n|---|---|---|")
    shown = []
    start = time.time()
    for name, (texts, target) in jobs.items():
        outputs = translate_batch(model.net, model.tok, texts, target, args.beam, 0.6, guard)
        bad = [(t, o) for t, o in zip(texts, outputs, strict=True) if degenerate(o, target)]
        shown += bad[: args.show]
        print(f"| {name} | {len(texts)} | {len(bad)} |", flush=True)
    for text, output in shown:
        print(f"  {text}\n  → {output}")
    print(f"({time.time() - start:.0f} s)")


if __name__ == "__main__":
    main()
