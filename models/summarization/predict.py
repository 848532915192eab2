"""Summarization inference: pure functions from text to a summary.

    from models.summarization.predict import summarize, summarize_full
    summarize(article)                           # the trained model, its usual length
    summarize(article, length=3)                 # 3 sentences
    summarize(article, length=0.2, method="textrank")   # a fifth of the text
    result = summarize_full(post, reference="...")      # + sentences, scores, spans, ROUGE

Length: 0 (or none) is the method's usual length for the language (AUTO_LENGTH); 1 or more
is a number of sentences; below 1, a share of the text's characters. Methods: "trained" (the
net of this package), "textrank", "lead" and "pretrained" (an abstractive model from the Hub,
see hub.py). The trained model summarises a short Chinese post (at most COMPRESS_MAX_CHARS and
COMPRESS_MAX_SENTENCES) into a headline of its best-scored clauses that stand alone unless a
number of sentences is asked for; anything else gets its best-scored whole sentences
(sentences.py), in text order. A sentence with no word character (only punctuation) is never
chosen.
"""

import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field

import torch

from models.common.errors import InputError, Message
from models.common.text import language, mixed_languages, normalize, read_input
from models.summarization import SPEC
from models.summarization.data import (
    TOKEN_FEATURES,
    Parsed,
    chunks,
    parse,
    sentence_features,
)
from models.summarization.net import LANGS, SummaryNet
from models.summarization.rouge import MAX_TOKENS as MAX_ROUGE_TOKENS
from models.summarization.rouge import is_cut, rouge
from models.summarization.sentences import CONNECTIVES, SUBORDINATORS
from models.summarization.textrank import jieba_words, lead_scores, textrank_scores

METHODS = ("trained", "textrank", "lead", "pretrained")
MAX_CHARS = 20_000  # longer input is cut (with a notice): about ten pages
MAX_DOC_SENTENCES = 500  # sentences summarized at most (with a notice)
MAX_SENTENCES = 1000  # a length in sentences above this is refused
# The usual length per language (chosen on LCSTS val and the BBC validation split): Chinese, one
# sentence (or, compressed, a headline of HEADLINE_CHARS); English, 45 % of the characters
# (BBC val ROUGE-1/2/L of a model without the token features at 40 / 45 / 50 %: 75.7/67.2/47.1,
# 77.1/68.7/47.2, 77.9/70.1/46.8).
AUTO_LENGTH = {"zh": 1, "en": 0.45}
# The headline: the best-scored clauses, best first up to HEADLINE_CHARS characters, in text
# order (chosen on LCSTS val less its copies of train posts, 951: ROUGE-1/2/L of clauses at
# 18 / 22 / 28 / 34 characters 23.4/13.1/20.7, 23.8/13.3/20.9, 24.0/13.2/20.7, 23.9/13.1/20.5;
# the best sentence 23.8/13.4/20.5). Jieba words (18 characters, 23.5 ROUGE-1 with repeated
# words kept) read as a list of keywords: only an explicit option (HEADLINE_UNIT = "words").
HEADLINE_CHARS = 28
# A short Chinese post, compressed into a headline; longer texts, or ones of more sentences (a
# paragraph), get whole sentences. LCSTS posts: at most 152 characters, 2-5 sentences (98 %).
COMPRESS_MAX_CHARS = 300
COMPRESS_MAX_SENTENCES = 5
LONG_SENTENCE = 300  # a single "sentence" this long has probably lost its punctuation
HEADLINE_UNIT = "clauses"  # what a headline is made of: "clauses" or (not readable) "words"
MAX_REFERENCE_CHARS = 2_000  # a pasted reference is cut to this for ROUGE (with a notice)
_WORD = re.compile(r"\w", re.UNICODE)
_CLAUSE = re.compile(r"[^，,；;：:、。！？!?…\n]+")
# A sentence that ends with none of these marks (closing quotes aside) and stands on its own
# line is a title or a heading, like the first line of a BBC article: it keeps a line of its own
# in a summary rather than run into the next sentence.
_END_MARK = re.compile(r"[.!?。！？；;…:：][\"'”’」』）)】\]]*$")
HEADING_WORDS = 20  # a longer line without an end mark is a cut sentence, not a heading


def get_model(variant: str = "default") -> SummaryNet:
    return SPEC.get_model(variant)


@dataclass
class Summary:
    text: str  # the summary
    lang: str  # "zh" or "en", detected
    method: str
    source: str  # the text summarised (normalised, cut to MAX_CHARS)
    sentences: list[tuple[int, int]]  # (start, end) of each source sentence
    scores: list[float] | None  # each sentence's score (0-1); None for the pretrained model
    chosen: list[tuple[int, int]]  # (start, end) of the source parts the summary took
    notices: list[str] = field(default_factory=list)
    rouge: dict[str, float] | None = None  # against the reference, when one was given


def check_length(length: float | int | str | None) -> float:
    """0 for the usual length, else a number of sentences (>= 1) or a share (0-1)."""
    if length is None or length == "":
        return 0.0
    try:
        value = float(length)
    except (TypeError, ValueError) as err:
        raise InputError(
            "Length must be a number: sentences (1 or more) or a share of the text (below 1)."
        ) from err
    if not math.isfinite(value) or value < 0 or value > MAX_SENTENCES:
        raise InputError(
            "Length must be 0 (automatic), a number of sentences (1 to {limit}) or a share of "
            "the text (below 1).",
            limit=MAX_SENTENCES,
        )
    return float(int(value)) if value >= 1 else value


def prepare(text: str | None) -> tuple[str, str, list[str]]:
    """(text, language, notices); InputError for empty input or input with nothing to read."""
    text, notices = read_input(
        text,
        MAX_CHARS,
        Message("Paste a Chinese or English text to summarize first."),
        Message("The text has {n:,} characters; only the first {limit:,} were summarized."),
        Message("There is nothing to summarize here: paste Chinese or English text."),
    )
    if mixed_languages(text):
        notices.append(
            Message("The text mixes Chinese and English; it was summarized as Chinese.")
            if language(text) == "zh"
            else Message("The text mixes Chinese and English; it was summarized as English.")
        )
    return text, language(text), notices


def choose(
    scores: list[float], lengths: list[int], length: float, eligible: list[bool] | None = None
) -> list[int]:
    """Indices (in text order) of the best-scored sentences: `length` of them (>= 1), or,
    for a share below 1, best first while the summary's length stays nearest that share of
    the characters; always at least one. Sentences not `eligible` (default: all are) are
    never chosen, unless none is."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    if eligible is not None and any(eligible):
        order = [i for i in order if eligible[i]]
    if length >= 1:
        return sorted(order[: int(length)])
    budget, total, picked = length * sum(lengths), 0, []
    for i in order:
        if picked and abs(total + lengths[i] - budget) >= abs(total - budget):
            continue  # (a shorter sentence further down may still fit)
        picked.append(i)
        total += lengths[i]
    return sorted(picked)


@torch.no_grad()
def net_scores(
    net: SummaryNet, parsed: Parsed, lang: str, centrality: list[float]
) -> tuple[list[float], list[float]]:
    """(token scores, sentence scores), probabilities; a token the net did not read gets 0.
    `centrality`: the sentences' TextRank scores (one of the net's sentence features)."""
    cfg = net.cfg
    features = sentence_features(parsed, lang, centrality)
    parts = chunks(parsed, cfg.buckets, cfg.max_tokens, features, cfg.max_sentences)
    device = next(net.parameters()).device
    width = max(len(c.tokens) for c in parts)
    n_sent = max(c.n_sentences for c in parts)
    tokens = torch.zeros(len(parts), width, dtype=torch.long)
    bigrams = torch.zeros_like(tokens)
    sentence = torch.full_like(tokens, -1)
    feats = torch.zeros(len(parts), n_sent, cfg.sentence_features)
    token_feats = torch.zeros(len(parts), width, TOKEN_FEATURES)
    for j, c in enumerate(parts):
        tokens[j, : len(c.tokens)] = torch.tensor(c.tokens)
        bigrams[j, : len(c.tokens)] = torch.tensor(c.bigrams)
        sentence[j, : len(c.tokens)] = torch.tensor(c.sentence)
        feats[j, : c.n_sentences] = torch.tensor(c.features)
        token_feats[j, : len(c.tokens)] = torch.tensor(c.token_features)
    lang_ids = torch.full((len(parts),), LANGS.index(lang), dtype=torch.long)
    dtype = next(net.parameters()).dtype
    token_logits, sentence_logits = net(
        tokens.to(device),
        bigrams.to(device),
        sentence.to(device),
        lang_ids.to(device),
        feats.to(device, dtype),
        token_feats.to(device, dtype),
    )
    token_p = token_logits.float().sigmoid().cpu()
    sentence_p = sentence_logits.float().sigmoid().cpu()
    token_scores = [0.0] * len(parsed.tokens)
    sentence_scores = [0.0] * len(parsed.sentences)
    for j, c in enumerate(parts):
        for k, i in enumerate(c.token_index):
            token_scores[i] = token_p[j, k].item()
        for k in range(c.n_sentences):
            sentence_scores[c.first_sentence + k] = sentence_p[j, k].item()
    return token_scores, sentence_scores


def pieces(parsed: Parsed, unit: str) -> list[tuple[int, int]]:
    """Spans of the text's clauses (between ，；：、 and sentence ends) or words (jieba's; a
    word seen before, a number alone and a single character left out), punctuation-only
    pieces left out."""
    if unit == "clauses":
        found = standalone_clauses(parsed)
    else:
        found, pos, seen = [], 0, set()
        for w in jieba_words(parsed.text):
            start = parsed.text.find(w, pos)
            if start >= 0:  # (jieba keeps every character; this only guards the positions)
                pos = start + len(w)
                word = w.strip()
                if len(word) > 1 and not word.isdigit() and word not in seen:
                    found.append((start, pos))
                    seen.add(word)
    return [(a, b) for a, b in found if _WORD.search(parsed.text[a:b])]


def standalone_clauses(parsed: Parsed) -> list[tuple[int, int]]:
    """Spans of the text's clauses, each within one sentence, where one that cannot stand alone
    is joined to the clause it needs: a subordinate clause (opening with 如果, 虽然 ...) or a
    bare connective ("那么，") to the clause after it (or, last in its sentence, to the one
    before). A clause opening with a connective ("但是价格 ...") stays a clause of its own: it
    reads as a statement, and joining it to the one before cost 0.2 ROUGE-1 on LCSTS val (23.85
    against 24.04)."""
    found: list[tuple[int, int]] = []
    for a, b in parsed.sentences:
        merged: list[tuple[int, int]] = []
        waiting = False  # the last clause still needs the one after it
        for start, end in (m.span() for m in _CLAUSE.finditer(parsed.text, a, b)):
            if merged and waiting:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
            clause = parsed.text[start:end].strip()
            waiting = clause.startswith(SUBORDINATORS) or clause in CONNECTIVES
        if waiting and len(merged) > 1:
            merged[-2:] = [(merged[-2][0], merged[-1][1])]
        found.extend(merged)
    return found


def compress(
    parsed: Parsed, token_scores: list[float], budget: float, unit: str = "words"
) -> list[tuple[int, int]]:
    """Spans of the best-scored words or clauses (each scores its tokens' mean), best first
    while the total stays nearest `budget` characters, in text order."""
    starts = [a for a, _ in parsed.tokens]
    spans, scores = [], []
    for a, b in pieces(parsed, unit):
        inside = range(bisect_left(starts, a), bisect_left(starts, b))
        if inside:
            spans.append((a, b))
            scores.append(sum(token_scores[k] for k in inside) / len(inside))
    if not spans:
        return []
    lengths = [b - a for a, b in spans]
    share = min(budget / sum(lengths), 0.999)  # (choose() reads a share below 1)
    return [spans[i] for i in choose(scores, lengths, share)]


def is_heading(sentence: str) -> bool:
    """A title or heading: no end mark and at most HEADING_WORDS words (Chinese: characters
    / 2)."""
    sentence = sentence.strip()
    size = len(sentence.split()) if language(sentence) == "en" else len(sentence) / 2
    return bool(sentence) and not _END_MARK.search(sentence) and size <= HEADING_WORDS


def join(parts: list[str], lang: str) -> str:
    """The parts as one text: a space between English sentences, none between Chinese ones, a
    line break after a title or heading (is_heading) so it never runs into the next one."""
    out = ""
    for i, part in enumerate(p.strip() for p in parts):
        if i:
            out += "\n" if is_heading(parts[i - 1]) else ("" if lang == "zh" else " ")
        out += part
    return out


def summarize_full(
    text: str | None,
    length: float | int | str | None = 0,
    method: str | None = "trained",
    reference: str | None = None,
    net: SummaryNet | None = None,
) -> Summary:
    """The summary with the source's sentences, their scores, the parts chosen and notices;
    `net` (default: the shipped weights) is the trained method's."""
    method = (method or "trained").strip().lower()
    if method not in METHODS:
        raise InputError(
            "Unknown method {method}: use trained, textrank, lead or pretrained.",
            method=repr(method),
        )
    length = check_length(length)
    text, lang, notices = prepare(text)
    parsed = parse(text)
    if len(parsed.sentences) > MAX_DOC_SENTENCES:  # (TextRank compares every two sentences)
        notices.append(
            Message(
                "The text has {n:,} sentences; only the first {limit:,} were summarized.",
                n=len(parsed.sentences),
                limit=MAX_DOC_SENTENCES,
            )
        )
        text = text[: parsed.sentences[MAX_DOC_SENTENCES - 1][1]]
        parsed = parse(text)
    sentences = parsed.sentence_texts()
    if len(sentences) == 1:
        notices.append(
            Message(
                "The text is one long sentence with no end punctuation; add 。 or . between "
                "sentences for a shorter summary."
            )
            if len(text) >= LONG_SENTENCE
            else Message("The text has one sentence: a summary of sentences is that sentence.")
        )
    want = length or AUTO_LENGTH[lang]
    lengths = [b - a for a, b in parsed.sentences]
    if method == "pretrained":
        from models.summarization import hub

        summary, n_tokens = hub.summarize(text, lang)
        if n_tokens > hub.MAX_SOURCE_TOKENS:
            notices.append(
                Message(
                    "The pretrained model reads only the first {limit} of the text's {n:,} "
                    "tokens; the rest was not summarized.",
                    n=n_tokens,
                    limit=hub.MAX_SOURCE_TOKENS,
                )
            )
        result = Summary(summary, lang, method, text, parsed.sentences, None, [], notices)
    else:
        token_scores = None
        if method == "trained":
            centrality = textrank_scores(sentences, lang)
            token_scores, scores = net_scores(net or get_model(), parsed, lang, centrality)
        elif method == "textrank":
            scores = textrank_scores(sentences, lang)
        else:
            scores = lead_scores(len(sentences))
        short_chinese = (
            lang == "zh"
            and len(text) <= COMPRESS_MAX_CHARS
            and len(sentences) <= COMPRESS_MAX_SENTENCES
        )
        spans, glue = [], None
        if method == "trained" and short_chinese and length < 1:  # a headline
            budget = length * len(text) if length else HEADLINE_CHARS
            spans = compress(parsed, token_scores, budget, HEADLINE_UNIT)
            glue = "，" if HEADLINE_UNIT == "clauses" else ""
        if not spans:
            readable = [bool(_WORD.search(s)) for s in sentences]  # never "。。。" alone
            spans = [parsed.sentences[i] for i in choose(scores, lengths, want, readable)]
        parts = [text[a:b] for a, b in spans]
        summary = glue.join(parts) if glue is not None else join(parts, lang)
        result = Summary(summary, lang, method, text, parsed.sentences, scores, spans, notices)
    reference = normalize(reference)
    if reference:
        if len(reference) > MAX_REFERENCE_CHARS:  # (ROUGE-L grows with both lengths' product)
            result.notices.append(
                Message(
                    "The reference has {n:,} characters; ROUGE used only the first {limit:,}.",
                    n=len(reference),
                    limit=MAX_REFERENCE_CHARS,
                )
            )
            reference = reference[:MAX_REFERENCE_CHARS]
        result.rouge = rouge(result.text, reference, lang)
        if is_cut(result.text, lang) or is_cut(reference, lang):
            result.notices.append(
                Message(
                    "ROUGE compared the first {limit:,} words or characters of the summary and "
                    "of the reference only.",
                    limit=MAX_ROUGE_TOKENS,
                )
            )
    return result


def summarize(
    text: str | None, length: float | int | str | None = 0, method: str | None = "trained"
) -> str:
    """The summary of `text` as one string."""
    return summarize_full(text, length, method).text
