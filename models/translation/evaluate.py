"""BLEU and chrF of the translation model on the Tatoeba test split, both directions.

    python -m models.evaluate translation                 # prints the table
    python -m models.evaluate translation --write         # also writes default.metrics.json
    python -m models.evaluate translation --limit 200 --beam 1
    python -m models.evaluate translation --split val --no-guard   # without the repetition guard
    python -m models.evaluate translation --split val --no-repeat-ngram 4

sacrebleu's corpus BLEU with its '13a' tokenisation for English and 'zh' (character-level
Chinese) for Chinese, and chrF (character 6-grams), one reference per sentence. The test split
is the seeded one of models/translation/data.py: no English or Chinese sentence of it is in
training or validation. Also counted: outputs that repeat a token 4+ times in a row
(models/translation/repetition.py).
"""

import time
from pathlib import Path

import sacrebleu

from models.common.device import pick_device
from models.common.evaluation import eval_parser, write_metrics
from models.common.paths import METRICS
from models.translation import SPEC
from models.translation.data import Pair, make_splits
from models.translation.predict import (
    NO_REPEAT_NGRAM,
    Model,
    load,
    repetition_guard,
    translate_batch,
)
from models.translation.repetition import degenerate


def score(model: Model, pairs: list[Pair], beam: int, length_penalty: float) -> dict:
    """{bleu_zh_en, bleu_en_zh, chrf_zh_en, chrf_en_zh, repeats_zh_en, repeats_en_zh,
    seconds}; the outputs too. Decoded with model.guard (None: no repetition guard)."""
    start = time.time()
    net, tok, guard = model.net, model.tok, model.guard
    en = translate_batch(net, tok, [p.zh for p in pairs], "en", beam, length_penalty, guard)
    zh = translate_batch(net, tok, [p.en for p in pairs], "zh", beam, length_penalty, guard)
    refs_en, refs_zh = [[p.en for p in pairs]], [[p.zh for p in pairs]]
    return {
        "bleu_zh_en": sacrebleu.corpus_bleu(en, refs_en, tokenize="13a").score,
        "bleu_en_zh": sacrebleu.corpus_bleu(zh, refs_zh, tokenize="zh").score,
        "chrf_zh_en": sacrebleu.corpus_chrf(en, refs_en).score,
        "chrf_en_zh": sacrebleu.corpus_chrf(zh, refs_zh).score,
        "repeats_zh_en": sum(degenerate(o, "en") for o in en),
        "repeats_en_zh": sum(degenerate(o, "zh") for o in zh),
        "seconds": time.time() - start,
        "outputs": {"en": en, "zh": zh},
    }


def sample_scores(data_root: Path) -> dict[str, float]:
    """The CI check's figures: every tenth pair of the test split (200), greedy decoding."""
    import torch

    result = score(load(device=torch.device("cpu")), make_splits(data_root)["test"][::10], 1, 0.6)
    return {key: value for key, value in result.items() if key != "outputs"}


def main(argv: list[str] | None = None) -> None:
    parser = eval_parser("translation", __doc__)
    parser.add_argument("--split", default="test", choices=["test", "val"])
    parser.add_argument("--beam", type=int, default=4, help="beam size (1: greedy)")
    parser.add_argument("--length-penalty", type=float, default=0.6)
    parser.add_argument("--device", default="cpu", help="cpu | cuda | mps | auto")
    parser.add_argument("--samples", type=int, default=5, help="example outputs to print")
    parser.add_argument("--no-guard", action="store_true", help="no repetition guard")
    parser.add_argument(
        "--no-repeat-ngram", type=int, default=NO_REPEAT_NGRAM, help="0: no n-gram rule"
    )
    args = parser.parse_args(argv)

    pairs = make_splits(args.data_dir)[args.split][: args.limit]
    model = load(args.variant, pick_device(args.device))
    model.guard = None if args.no_guard else repetition_guard(model.tok, args.no_repeat_ngram)
    result = score(model, pairs, args.beam, args.length_penalty)
    outputs = result.pop("outputs")
    guard = "off" if args.no_guard else f"on (no repeated {args.no_repeat_ngram}-gram)"
    print(
        f"Tatoeba {args.split} split, {len(pairs)} pairs, beam {args.beam}, "
        f"length penalty {args.length_penalty}, repetition guard {guard}, "
        f"{result['seconds']:.0f} s"
    )
    print("| direction | BLEU | chrF | outputs with a token 4+ times in a row |")
    print("|---|---|---|---|")
    for key, name in (("zh_en", "zh→en"), ("en_zh", "en→zh")):
        r = result
        print(
            f"| {name} | {r['bleu_' + key]:.1f} | {r['chrf_' + key]:.1f} | {r['repeats_' + key]} |"
        )
    for p, en, zh in list(zip(pairs, outputs["en"], outputs["zh"], strict=True))[: args.samples]:
        print(f"\n  zh: {p.zh}\n  → {en}\n  (ref {p.en})\n  en: {p.en}\n  → {zh}\n  (ref {p.zh})")
    if args.write:
        record = {
            **{k: round(v, 2) for k, v in result.items()},
            "split": f"the Tatoeba {args.split} split (no sentence shared with training)",
            "n": len(pairs),
            "beam": args.beam,
            "length_penalty": args.length_penalty,
            "repetition_guard": guard,
            "sacrebleu": sacrebleu.__version__,
        }
        path = SPEC.artefact(args.variant, METRICS)
        write_metrics(path, record)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
