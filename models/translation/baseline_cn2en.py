"""Side by side on the zh→en test split: the model trained here and the `cn2en` PyPI package
(a GRU encoder-decoder without attention, word-level, bundled weights).

    pip install --no-deps cn2en          # its pinned torch requirement is not installable
    python -m models.translation.baseline_cn2en [--limit N]

The package is never imported: its weights are read with `torch.load(weights_only=True)` and its
two vocabularies through an unpickler that builds nothing but its vocabulary class and plain
dicts, and the two small GRUs are rebuilt here. cn2en lower-cases and splits its output into
words, so both systems are also scored case-insensitively.
"""

import argparse
import importlib.util
import pickle
from pathlib import Path

import sacrebleu
import torch
from torch import nn

from models.common.paths import data_dir
from models.translation.data import make_splits
from models.translation.predict import load, translate_batch

SOS, EOS = 0, 1
HIDDEN = 256


class Lang:
    """Stand-in for cn2en.model.Lang: the unpickled attributes, nothing else."""


class VocabUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if name == "Lang":
            return Lang
        if module == "builtins" and name == "dict":
            return dict
        raise pickle.UnpicklingError(f"cn2en vocabulary: refusing {module}.{name}")


class GRUTranslator(nn.Module):
    """cn2en's EncoderRNN and DecoderRNN under one roof, greedy decoding as the package does."""

    def __init__(self, n_in: int, n_out: int):
        super().__init__()
        self.enc_embedding, self.enc_gru = nn.Embedding(n_in, HIDDEN), nn.GRU(HIDDEN, HIDDEN)
        self.dec_embedding, self.dec_gru = nn.Embedding(n_out, HIDDEN), nn.GRU(HIDDEN, HIDDEN)
        self.out = nn.Linear(HIDDEN, n_out)

    @torch.no_grad()
    def forward(self, ids: list[int], max_len: int = 80) -> list[int]:
        h = torch.zeros(1, 1, HIDDEN)
        for i in ids:
            _, h = self.enc_gru(self.enc_embedding(torch.tensor([i])).view(1, 1, -1), h)
        token, out = SOS, []
        for _ in range(max_len):
            x = torch.relu(self.dec_embedding(torch.tensor([token])).view(1, 1, -1))
            y, h = self.dec_gru(x, h)
            token = self.out(y[0]).argmax(-1).item()
            if token == EOS:
                break
            out.append(token)
        return out


def load_cn2en() -> tuple[GRUTranslator, Lang, Lang]:
    spec = importlib.util.find_spec("cn2en")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("cn2en is not installed: pip install --no-deps cn2en")
    folder = Path(next(iter(spec.submodule_search_locations)))
    langs = []
    for name in ("input_lang.pkl", "output_lang.pkl"):
        with (folder / name).open("rb") as f:
            langs.append(VocabUnpickler(f).load())
    state = torch.load(folder / "model.pth", map_location="cpu", weights_only=True)
    net = GRUTranslator(langs[0].n_words, langs[1].n_words)
    renamed = {f"enc_{k}": v for k, v in state["encoder"].items()}
    renamed |= {(k if k.startswith("out.") else f"dec_{k}"): v for k, v in state["decoder"].items()}
    net.load_state_dict(renamed)
    return net.eval(), langs[0], langs[1]


def cn2en_translate(net: GRUTranslator, source: Lang, target: Lang, sentence: str) -> str:
    """As cn2en.model.Model.translate: characters (and lower-cased letter runs) as words."""
    text = "".join(
        c if c in "abcdefghijklmnopqrstuvwxyz'\" " else f" {c} " for c in sentence.lower().strip()
    )
    ids = [source.word2index[w] for w in text.split(" ") if w in source.word2index] + [EOS]
    return " ".join(target.index2word[i] for i in net(ids)).strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=data_dir())
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--beam", type=int, default=4)
    args = parser.parse_args(argv)
    pairs = make_splits(args.data_dir)["test"][: args.limit]
    refs = [[p.en for p in pairs]]
    net, source, target = load_cn2en()
    theirs = [cn2en_translate(net, source, target, p.zh) for p in pairs]
    model = load(device=torch.device("cpu"))
    ours = translate_batch(model.net, model.tok, [p.zh for p in pairs], "en", args.beam)
    print(f"zh→en, Tatoeba test split, {len(pairs)} pairs (ours: beam {args.beam})")
    print("| system | BLEU | BLEU, lower-cased | chrF |\n|---|---|---|---|")
    for name, hyps in (("trained here", ours), ("cn2en 0.0.118", theirs)):
        bleu = sacrebleu.corpus_bleu(hyps, refs).score
        lower = sacrebleu.corpus_bleu(hyps, refs, lowercase=True).score
        chrf = sacrebleu.corpus_chrf(hyps, refs).score
        print(f"| {name} | {bleu:.1f} | {lower:.1f} | {chrf:.1f} |")
    for p, a, b in list(zip(pairs, ours, theirs, strict=True))[:5]:
        print(f"\n  {p.zh}\n  ours:  {a}\n  cn2en: {b}\n  ref:   {p.en}")


if __name__ == "__main__":
    main()
