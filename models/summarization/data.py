"""Summarization data in `<data-dir>/nlp/summarization`, the documents' tokens and sentences, and
the labels the model learns from.

- LCSTS (`lcsts/{train,val}.tsv`, `summary<TAB>text`): Chinese Weibo posts (~100 characters)
  and their headlines (~17). Training reads train.tsv; val.tsv serves model choice and the
  reported figures (LCSTS's own test set is not in the copy).
- BBC News Summary (`bbc-news-summary/{News Articles,Summaries}/<category>/NNN.txt`): English
  articles (the first line, the title, is dropped) with extractive summaries, sentences of the
  article run together. The 2,000 articles are split once, seeded (SPLIT_SEED): BBC_TEST for
  the report, BBC_VAL for choices, the rest for training.

Labels: a sentence is in the summary (BBC: it occurs in the extractive summary; LCSTS: the
greedy ROUGE oracle picks it), and, for LCSTS, a character is in the summary (it is on the
longest common subsequence of the post and its headline): the compressive head's target.
"""

import math
import random
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from models.summarization.rouge import rouge_n_tokens, zh_units
from models.summarization.sentences import sentence_spans, split_sentences
from models.summarization.textrank import textrank_scores

LCSTS = Path("nlp/summarization/lcsts")
BBC = Path("nlp/summarization/bbc-news-summary")
SPLIT_SEED = 0  # which BBC articles are held out: fixed, whatever seed a model trains with
BBC_TEST, BBC_VAL = 300, 200  # held-out articles: the report's, and the one choices are made on
ORACLE_MAX = 3  # the greedy oracle picks at most this many sentences

# A token is a run of Latin letters or digits, or any other single non-space character (each
# Chinese character, each punctuation mark): one rule for both languages, no vocabulary file.
_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass
class Doc:
    text: str
    summary: str  # the reference ("" when there is none)
    lang: str  # "zh" or "en"
    gold: list[int] | None = None  # indices of the reference's sentences, where it is extractive


@dataclass
class Parsed:
    """A text cut into sentences and tokens, with character spans into the text."""

    text: str
    sentences: list[tuple[int, int]]  # (start, end) of each sentence
    tokens: list[tuple[int, int]]  # (start, end) of each token
    token_sentence: list[int]  # the sentence of each token

    def sentence_texts(self) -> list[str]:
        return [self.text[a:b] for a, b in self.sentences]

    def token_texts(self) -> list[str]:
        return [self.text[a:b] for a, b in self.tokens]


def parse(text: str) -> Parsed:
    """Sentences (models.summarization.sentences) and tokens, located in `text`."""
    spans = sentence_spans(text)
    tokens, owner = [], []
    for i, (a, b) in enumerate(spans):
        for m in _TOKEN.finditer(text, a, b):
            tokens.append(m.span())
            owner.append(i)
    return Parsed(text, spans, tokens, owner)


def hash_token(token: str, buckets: int) -> int:
    """A stable id in 1..buckets-1 for a token (0 is padding): the hashing trick."""
    return 1 + zlib.crc32(token.lower().encode("utf-8")) % (buckets - 1)


def token_ids(parsed: Parsed, buckets: int) -> tuple[list[int], list[int]]:
    """(token ids, bigram ids): each token and the pair it ends, hashed."""
    words = parsed.token_texts()
    unigrams = [hash_token(w, buckets) for w in words]
    bigrams = [
        hash_token(p + "\x00" + w, buckets)
        for p, w in zip(["<s>", *words[:-1]], words, strict=True)
    ]
    return unigrams, bigrams


def rouge_units(text: str, lang: str) -> list[str]:
    """What the oracle compares: characters in Chinese, lowercased words in English."""
    if lang == "zh":
        return zh_units(text)
    return re.findall(r"[a-z0-9]+", text.lower())


def greedy_oracle(sentences: list[str], summary: str, lang: str, limit: int = ORACLE_MAX):
    """Indices of the sentences that, added one at a time, most raise ROUGE-1 + ROUGE-2 F1
    against `summary`, until no sentence raises it (Nallapati et al., 2017), in text order."""
    reference = rouge_units(summary, lang)
    units = [rouge_units(s, lang) for s in sentences]
    chosen: list[int] = []
    best = 0.0
    while len(chosen) < limit:
        gains = []
        for i in range(len(sentences)):
            if i in chosen:
                continue
            candidate = [u for j in sorted([*chosen, i]) for u in units[j]]
            r = rouge_n_tokens(candidate, reference)
            gains.append((r["rouge1"] + r["rouge2"], i))
        if not gains:
            break
        score, i = max(gains)
        if score <= best:
            break
        chosen.append(i)
        best = score
    return sorted(chosen)


def lcs_mask(source: list[str], reference: list[str]) -> list[bool]:
    """For each source token, whether it is on one longest common subsequence with `reference`."""
    n, m = len(source), len(reference)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if source[i] == reference[j]:
                table[i][j] = table[i + 1][j + 1] + 1
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    mask, i, j = [False] * n, 0, 0
    while i < n and j < m:
        if source[i] == reference[j]:
            mask[i] = True
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    assert sum(mask) == (table[0][0] if n and m else 0)
    return mask


def token_labels(parsed: Parsed, summary: str) -> list[int]:
    """1 for a token on the longest common subsequence with the summary (tokens compared
    lowercased, punctuation never), else 0."""
    words = [w.lower() for w in parsed.token_texts()]
    reference = [m.group().lower() for m in _TOKEN.finditer(summary) if _WORD.match(m.group())]
    keep = [i for i, w in enumerate(words) if _WORD.match(w)]
    mask = lcs_mask([words[i] for i in keep], reference)
    labels = [0] * len(words)
    for i, on in zip(keep, mask, strict=True):
        labels[i] = int(on)
    return labels


def read_lcsts(data_dir: Path, split: str) -> list[Doc]:
    path = Path(data_dir) / LCSTS / f"{split}.tsv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: LCSTS ({split})")
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        summary, _, text = line.partition("\t")
        if summary.strip() and text.strip():
            docs.append(Doc(text.strip(), summary.strip(), "zh"))
    return docs


def lcsts_val(data_dir: Path) -> list[Doc]:
    """LCSTS val less the posts that are also in train.tsv (drop_copies): the reported set."""
    return drop_copies(read_lcsts(data_dir, "val"), read_lcsts(data_dir, "train"))


def _gold_sentences(text: str, summary: str) -> list[int]:
    squeezed = re.sub(r"\s+", "", summary)
    return [
        i
        for i, s in enumerate(split_sentences(text))
        if len(s) > 1 and re.sub(r"\s+", "", s) in squeezed
    ]


def read_bbc(data_dir: Path) -> list[Doc]:
    """All BBC articles (title dropped) with their summaries, in a fixed order."""
    root = Path(data_dir) / BBC
    articles = sorted((root / "News Articles").glob("*/*.txt"))
    if not articles:
        raise FileNotFoundError(f"{root} not found: the BBC News Summary articles")
    docs = []
    for path in articles:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        text = "\n".join(lines[1:]).strip()  # the first line is the title
        summary_path = root / "Summaries" / path.parent.name / path.name
        summary = summary_path.read_text(encoding="utf-8", errors="replace").strip()
        docs.append(Doc(text, summary, "en", _gold_sentences(text, summary)))
    return docs


LEAK_PREFIX = 150  # characters of a normalised text that identify a copy


def text_key(text: str) -> str:
    """A text lowercased with its white space squeezed: what makes two copies equal."""
    return re.sub(r"\s+", " ", text).strip().lower()


def drop_copies(docs: list[Doc], seen: list[Doc]) -> list[Doc]:
    """`docs` less every document whose normalised text, or its first LEAK_PREFIX characters,
    is also one of `seen`'s (the training split's)."""
    keys = {text_key(d.text) for d in seen}
    prefixes = {k[:LEAK_PREFIX] for k in keys}
    return [
        d
        for d in docs
        if text_key(d.text) not in keys and text_key(d.text)[:LEAK_PREFIX] not in prefixes
    ]


def bbc_splits(data_dir: Path) -> dict[str, list[Doc]]:
    """{"train", "val", "test"}: the BBC articles, split once with SPLIT_SEED. The corpus holds
    exact copies; the training split is the one the model learnt from (kept as it was), and
    val and test leave out every article that is a copy of a training one (drop_copies)."""
    docs = read_bbc(data_dir)
    order = list(range(len(docs)))
    random.Random(SPLIT_SEED).shuffle(order)
    test, val = order[:BBC_TEST], order[BBC_TEST : BBC_TEST + BBC_VAL]
    train = [docs[i] for i in order[BBC_TEST + BBC_VAL :]]
    return {
        "train": train,
        "val": drop_copies([docs[i] for i in val], train),
        "test": drop_copies([docs[i] for i in test], train),
    }


def sentence_labels(doc: Doc, parsed: Parsed) -> list[int]:
    sentences = parsed.sentence_texts()
    if doc.gold is not None:
        chosen = set(doc.gold)
    else:
        chosen = set(greedy_oracle(sentences, doc.summary, doc.lang))
    return [int(i in chosen) for i in range(len(sentences))]


SENTENCE_FEATURES = 5  # what sentence_features gives each sentence
TOKEN_FEATURES = 3  # what token_features gives each token


def token_features(parsed: Parsed) -> list[list[float]]:
    """Per token: how often it and the pair it ends recur in the document (log, / 3) and its
    relative position: counts a Transformer cannot easily make on its own."""
    words = [w.lower() for w in parsed.token_texts()]
    pairs = list(zip(["<s>", *words[:-1]], words, strict=True))
    counts, pair_counts = Counter(words), Counter(pairs)
    n = max(len(words) - 1, 1)
    return [
        [math.log(counts[w]) / 3, math.log(pair_counts[p]) / 3, i / n]
        for i, (w, p) in enumerate(zip(words, pairs, strict=True))
    ]


def sentence_features(parsed: Parsed, lang: str, centrality: list[float] | None = None):
    """Per sentence: its TextRank centrality (best = 1), its relative position, 1 / (its index
    + 1), its length (characters / 200, at most 1) and the document's (log sentences / 5): what
    the classic extractive summarizers weigh, given to the net beside the sentence's words."""
    n = len(parsed.sentences)
    centrality = centrality or textrank_scores(parsed.sentence_texts(), lang)
    size = min(math.log(n) / 5, 1.0)
    return [
        [centrality[i], i / max(n - 1, 1), 1 / (i + 1), min((b - a) / 200, 1.0), size]
        for i, (a, b) in enumerate(parsed.sentences)
    ]


@dataclass
class Chunk:
    """Part of a document the net reads at once: whole sentences, at most `max_tokens` tokens."""

    tokens: list[int]  # hashed token ids
    bigrams: list[int]  # hashed token-pair ids
    sentence: list[int]  # each token's sentence, counted from the chunk's first
    first_sentence: int  # index of the chunk's first sentence in the document
    n_sentences: int
    token_index: list[int]  # each token's index in the document
    features: list[list[float]]  # each sentence's sentence_features
    token_features: list[list[float]]  # each token's token_features


def chunks(
    parsed: Parsed,
    buckets: int,
    max_tokens: int,
    features: list[list[float]],
    max_sentences: int | None = None,
) -> list[Chunk]:
    """The document in chunks of whole sentences, at most `max_tokens` tokens and (when given)
    `max_sentences` sentences each (the net's position tables); a sentence longer than
    `max_tokens` tokens keeps its first `max_tokens` (the rest are not scored). `features`:
    sentence_features."""
    unigrams, bigrams = token_ids(parsed, buckets)
    per_token = token_features(parsed)
    by_sentence: list[list[int]] = [[] for _ in parsed.sentences]
    for i, s in enumerate(parsed.token_sentence):
        by_sentence[s].append(i)
    out: list[Chunk] = []
    current: list[int] = []  # sentences of the chunk being filled
    size = 0

    def flush() -> None:
        index = [i for s in current for i in by_sentence[s][:max_tokens]]
        local = [parsed.token_sentence[i] - current[0] for i in index]
        out.append(
            Chunk(
                [unigrams[i] for i in index],
                [bigrams[i] for i in index],
                local,
                current[0],
                len(current),
                index,
                [features[i] for i in current],
                [per_token[i] for i in index],
            )
        )

    for s, members in enumerate(by_sentence):
        n = min(len(members), max_tokens)
        full = max_sentences is not None and len(current) >= max_sentences
        if current and (size + n > max_tokens or full):
            flush()
            current, size = [], 0
        current.append(s)
        size += n
    if current:
        flush()
    return out
