"""ROUGE-1/2/L F1 (Lin, 2004) as the summarization tab reports it, by Google's `rouge-score`.

English: its own tokenizer with Porter stemming, so the figures compare with published ones.
Chinese: characters, punctuation and spaces dropped (the usual LCSTS convention, no segmenter
in the metric), through the same scorer with a character tokenizer.

ROUGE-L's longest common subsequence is a table of both lengths' product in pure Python, so a
request compares at most MAX_TOKENS tokens of each side (1,000 x 1,000: about 0.3 s).

    rouge("林志颖公司无厂房", "林志颖公司疑涉虚假营销", "zh")  # {"rouge1": 0.53, ...}
"""

import re
from functools import cache

KEYS = ("rouge1", "rouge2", "rougeL")
MAX_TOKENS = 1_000  # of the summary and of the reference, each (see above)
_DROP = re.compile(r"[\W_]", re.UNICODE)  # punctuation, symbols, spaces


def zh_units(text: str) -> list[str]:
    """The characters ROUGE compares in Chinese: every character but punctuation and spaces."""
    return [c for c in text if not _DROP.match(c)]


# rouge-score is imported on first use: it imports nltk, and nltk scipy (2 s of the app's start)


class ChineseCharacters:
    """A rouge-score tokenizer (it needs only `tokenize`)."""

    def tokenize(self, text: str) -> list[str]:
        return zh_units(text)


class FirstTokens:
    """Another tokenizer's first MAX_TOKENS tokens."""

    def __init__(self, inner):
        self.inner = inner

    def tokenize(self, text: str) -> list[str]:
        return self.inner.tokenize(text)[:MAX_TOKENS]


def tokenizer(lang: str):
    """What ROUGE compares in `lang` ("zh" or "en"), uncut."""
    if lang == "zh":
        return ChineseCharacters()
    from rouge_score import tokenizers

    return tokenizers.DefaultTokenizer(use_stemmer=True)


@cache
def _scorer(lang: str):
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(KEYS), tokenizer=FirstTokens(tokenizer(lang)))


def rouge(candidate: str, reference: str, lang: str) -> dict[str, float]:
    """{"rouge1", "rouge2", "rougeL"}: F1 of `candidate` against one `reference`, each cut to
    its first MAX_TOKENS tokens."""
    scores = _scorer("zh" if lang == "zh" else "en").score(reference, candidate)
    return {k: scores[k].fmeasure for k in KEYS}


def is_cut(text: str, lang: str) -> bool:
    """Whether `rouge` compares only the first MAX_TOKENS tokens of `text`."""
    return len(tokenizer(lang).tokenize(text)) > MAX_TOKENS


def rouge_n_tokens(candidate: list[str], reference: list[str]) -> dict[str, float]:
    """ROUGE-1/2 F1 of two token lists (the training oracle adds sentences one at a time and
    scores each try, already tokenized: rouge-score's n-gram scoring without its tokenizer)."""
    from rouge_score import rouge_scorer

    return {
        f"rouge{n}": rouge_scorer._score_ngrams(
            rouge_scorer._create_ngrams(reference, n), rouge_scorer._create_ngrams(candidate, n)
        ).fmeasure
        for n in (1, 2)
    }


def mean_rouge(rows: list[dict[str, float]]) -> dict[str, float]:
    return {k: sum(r[k] for r in rows) / max(len(rows), 1) for k in KEYS}
