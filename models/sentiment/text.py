"""Chinese text for the sentiment model: normalisation, jieba tokens, the vocabulary.

No stop-word removal: the usual Chinese stop-word lists contain 不, 没, 很, 太 and ！, which
carry the sentiment of a review. A small user dictionary keeps common opinion phrases whole
(jieba would split 性价比 or 物超所值), so each gets one embedding and one attribution.
"""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from models.common.text import jieba_tokenizer, valid_unicode

PAD, UNK = "<pad>", "<unk>"
OPINION_PHRASES = (
    "性价比",
    "物超所值",
    "物有所值",
    "不值",
    "不错",
    "不好",
    "不行",
    "不满意",
    "很满意",
    "差评",
    "好评",
    "五星",
    "一星",
    "太差",
    "很差",
    "一般般",
    "还行",
    "还可以",
    "失望",
    "后悔",
    "推荐",
    "不推荐",
    "划算",
    "不划算",
    "卡顿",
    "发热",
    "死机",
    "掉色",
    "起球",
    "服务态度",
    "态度好",
    "态度差",
    "不耐用",
    "很好用",
    "不好用",
    "没想到",
    "再也不",
    "下次还",
    "回头客",
)
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The review as the model reads it, the rule its weights were trained with: valid Unicode,
    no BOM, NFKC (full-width letters and digits to ASCII), single spaces, trimmed. Not
    models.common.text.normalize (NFC, control and private-use characters dropped): 42 of the
    corpora's reviews hold characters that one drops (old phone emoji in the private-use area,
    DEL), and the model was trained on them."""
    text = unicodedata.normalize("NFKC", valid_unicode(text).replace("\ufeff", ""))
    return _SPACES.sub(" ", text).strip()


def tokenize(text: str) -> list[str]:
    """jieba words of the normalised text, spaces dropped, English lower-cased."""
    return [
        w.lower() for w in jieba_tokenizer(OPINION_PHRASES).lcut(normalize(text)) if not w.isspace()
    ]


def units(words: list[str], unit: str) -> tuple[list[str], list[int]]:
    """What a model of this `unit` reads ("word": the jieba words; "char": their characters;
    "bigram": overlapping character pairs), and for each unit the index of the word it belongs
    to (to credit attributions to words)."""
    if unit == "word":
        return words, list(range(len(words)))
    if unit == "char":
        return [c for w in words for c in w], [i for i, w in enumerate(words) for _ in w]
    if unit == "bigram":  # overlapping character pairs, credited to the first one's word
        chars, owners = units(words, "char")
        if len(chars) < 2:
            return chars, owners
        return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)], owners[:-1]
    raise ValueError(f"unknown unit {unit!r}: 'word', 'char' or 'bigram'")


class Vocab:
    """Token <-> id; id 0 pads, id 1 stands for every unknown token."""

    def __init__(self, tokens: list[str]):
        self.itos = [PAD, UNK] + [t for t in tokens if t not in (PAD, UNK)]
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    @classmethod
    def build(cls, tokenized: list[list[str]], min_count: int = 2, max_size: int = 60000):
        counts = Counter(t for tokens in tokenized for t in tokens)
        frequent = [t for t, n in counts.most_common(max_size) if n >= min_count]
        return cls(frequent)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: list[str]) -> list[int]:
        return [self.stoi.get(t, 1) for t in tokens]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.itos, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> "Vocab":
        return cls(json.loads(path.read_text(encoding="utf-8")))
