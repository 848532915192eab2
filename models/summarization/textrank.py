"""The unsupervised baselines: TextRank (Mihalcea & Tarau, 2004) and Lead.

TextRank links every two sentences by their word overlap, normalised by their lengths
(|Si ∩ Sj| / (log|Si| + log|Sj|)), and ranks sentences by PageRank on that graph: a sentence
that shares words with many others is central. Words: jieba's for Chinese, lowercased ones
for English. It needs no training and no weights.
"""

import re

import numpy as np

from models.common.text import jieba_tokenizer

DAMPING = 0.85  # PageRank's damping factor
ITERATIONS = 60  # power-iteration steps (converged long before on news-length texts)
_WORD = re.compile(r"\w", re.UNICODE)


def jieba_words(text: str) -> list[str]:
    """jieba's words of a Chinese text (its default dictionary, no words added)."""
    return jieba_tokenizer().lcut(text)


def words(sentence: str, lang: str) -> list[str]:
    if lang == "zh":
        return [w for w in jieba_words(sentence) if _WORD.search(w)]
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", sentence.lower())


def similarity_matrix(bags: list[list[str]]) -> np.ndarray:
    """|Si ∩ Sj| / (log|Si| + log|Sj|) for every two sentences (0 on the diagonal); with a
    sentence of one word or none, 1 if they share a word (log 1 = 0 cannot normalise)."""
    vocab: dict[str, int] = {}
    rows = [sorted({vocab.setdefault(w, len(vocab)) for w in bag}) for bag in bags]
    incidence = np.zeros((len(bags), max(len(vocab), 1)), dtype=np.float32)
    for i, row in enumerate(rows):
        incidence[i, row] = 1.0
    common = incidence @ incidence.T
    lengths = np.array([len(b) for b in bags])
    logs = np.log(np.maximum(lengths, 2))
    short = (lengths < 2)[:, None] | (lengths < 2)[None, :]
    weights = np.where(short, (common > 0).astype(float), common / (logs[:, None] + logs[None, :]))
    np.fill_diagonal(weights, 0.0)
    return weights


def textrank_scores(sentences: list[str], lang: str) -> list[float]:
    """Each sentence's PageRank, scaled so the best is 1."""
    n = len(sentences)
    if n == 1:
        return [1.0]
    weights = similarity_matrix([words(s, lang) for s in sentences])
    out = weights.sum(1, keepdims=True)
    transition = np.where(out > 0, weights / np.maximum(out, 1e-12), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(ITERATIONS):
        rank = (1 - DAMPING) / n + DAMPING * transition.T @ rank
    return (rank / rank.max()).tolist()


def lead_scores(n: int) -> list[float]:
    """Lead: the earlier, the better (1 for the first sentence, falling to 0)."""
    return [1.0 - i / n for i in range(n)]
