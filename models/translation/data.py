"""English-Chinese sentence pairs in `<data-dir>/nlp/translation`, split with no sentence shared
between training, validation and test, and the sentencepiece tokenizer trained on training only.

Tatoeba (`cmn-eng/cmn.txt`, `english<TAB>chinese<TAB>attribution`) repeats sentences across
pairs: "Hi." has two Chinese translations, and one Chinese sentence may translate several
English ones. Pairs that share either side are grouped (union-find), and whole groups go to one
split, seeded, so no English or Chinese sentence of validation or test is seen in training.
The UM-Corpus microblog sample (`um-corpus/Bi-Microblog.txt`, alternating English and Chinese
lines) is added to training only, less any pair that shares a side with validation or test.
"""

import random
import re
from dataclasses import dataclass
from pathlib import Path

from models.translation.net import BOS, EOS, PAD, TAGS, UNK

TATOEBA = Path("nlp/translation/cmn-eng/cmn.txt")
UM_CORPUS = Path("nlp/translation/um-corpus/Bi-Microblog.txt")
SPLIT_SEED = 0  # which groups are held out: fixed, whatever seed a model trains with
VAL_PAIRS, TEST_PAIRS = 1000, 2000  # about this many Tatoeba pairs each
MAX_GROUP = 4  # larger groups (very common short sentences) stay in training
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Pair:
    en: str
    zh: str
    source: str  # "tatoeba" or "um"


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def read_tatoeba(data_dir: Path) -> list[Pair]:
    path = Path(data_dir) / TATOEBA
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: the Tatoeba English-Chinese pairs")
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and clean(parts[0]) and clean(parts[1]):
            pairs.append(Pair(clean(parts[0]), clean(parts[1]), "tatoeba"))
    return pairs


def read_um(data_dir: Path) -> list[Pair]:
    """UM-Corpus microblog pairs (the first pair describes the corpus and is skipped); [] if
    the file is absent."""
    path = Path(data_dir) / UM_CORPUS
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    pairs = [Pair(clean(e), clean(z), "um") for e, z in zip(lines[0::2], lines[1::2], strict=False)]
    return [p for p in pairs[1:] if p.en and p.zh]


def _key_en(text: str) -> str:
    return "en:" + text.lower()


def group_pairs(pairs: list[Pair]) -> list[list[int]]:
    """Indices of pairs, grouped so that pairs sharing an English (case-insensitive) or a
    Chinese sentence are in one group (connected components)."""
    parent = list(range(len(pairs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, p in enumerate(pairs):
        for key in (_key_en(p.en), "zh:" + p.zh):
            if key in first:
                parent[find(i)] = find(first[key])
            else:
                first[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(pairs)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def make_splits(data_dir: Path, with_um: bool = True) -> dict[str, list[Pair]]:
    """{"train", "val", "test"}: Tatoeba groups split seeded (test first, then validation, from
    groups of at most MAX_GROUP pairs); UM-Corpus pairs added to training."""
    pairs = read_tatoeba(data_dir)
    groups = group_pairs(pairs)
    random.Random(SPLIT_SEED).shuffle(groups)
    split: dict[str, list[Pair]] = {"train": [], "val": [], "test": []}
    for group in groups:
        if len(group) <= MAX_GROUP and len(split["test"]) < TEST_PAIRS:
            name = "test"
        elif len(group) <= MAX_GROUP and len(split["val"]) < VAL_PAIRS:
            name = "val"
        else:
            name = "train"
        split[name] += [pairs[i] for i in group]
    if with_um:
        held = {_key_en(p.en) for p in split["val"] + split["test"]}
        held |= {"zh:" + p.zh for p in split["val"] + split["test"]}
        split["train"] += [
            p for p in read_um(data_dir) if _key_en(p.en) not in held and "zh:" + p.zh not in held
        ]
    return split


def train_tokenizer(pairs: list[Pair], path: Path, vocab_size: int = 8000) -> Path:
    """A unigram sentencepiece model of the pairs' English and Chinese text (training split
    only), written to `path`; ids 0-3 are pad, unk, bos, eos; the target-language
    tags are single pieces."""
    import io

    import sentencepiece as spm

    path.parent.mkdir(parents=True, exist_ok=True)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([p.en for p in pairs] + [p.zh for p in pairs]),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=0.9995,  # the rarest Chinese characters become <unk>
        pad_id=PAD,
        unk_id=UNK,
        bos_id=BOS,
        eos_id=EOS,
        user_defined_symbols=list(TAGS.values()),
        split_digits=True,
        normalization_rule_name="identity",  # keep Chinese full-width punctuation as written
        num_threads=2,
        minloglevel=2,
        hard_vocab_limit=False,  # a small (test) corpus may have fewer pieces
    )
    path.write_bytes(model.getvalue())
    return path


class Tokenizer:
    """The sentencepiece model as the net reads it: a source is the target-language tag, its
    pieces and eos; a target is bos, its pieces and eos."""

    def __init__(self, path: Path):
        import sentencepiece as spm

        self.path = Path(path)
        self.sp = spm.SentencePieceProcessor(model_file=str(path))
        self.tags = {lang: self.sp.piece_to_id(tag) for lang, tag in TAGS.items()}

    def __len__(self) -> int:
        return self.sp.get_piece_size()

    def ids(self, text: str) -> list[int]:
        return self.sp.encode(text)

    def source(self, text: str, target_lang: str, max_len: int) -> list[int]:
        """[<2xx>] + pieces (at most max_len - 2 of them) + [eos]."""
        return [self.tags[target_lang]] + self.ids(text)[: max_len - 2] + [EOS]

    def target(self, text: str, max_len: int) -> list[int]:
        """[bos] + pieces (at most max_len - 2) + [eos]."""
        return [BOS] + self.ids(text)[: max_len - 2] + [EOS]

    def decode(self, ids: list[int]) -> str:
        return self.sp.decode([i for i in ids if i > EOS]).replace("⁇", "").strip()

    def pieces(self, ids: list[int]) -> list[str]:
        return [self.sp.id_to_piece(i) for i in ids]

    def texts(self) -> list[str]:
        """Each id's text as decoding writes it: "" for pad, unk, bos, eos and the tags."""
        special = {PAD, UNK, BOS, EOS, *self.tags.values()}
        return ["" if i in special else self.sp.id_to_piece(i) for i in range(len(self))]

    def score(self, i: int) -> float:
        """The piece's log-probability in the unigram model: low for pieces rare in training."""
        return self.sp.get_score(i)
