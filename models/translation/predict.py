"""Translation inference: pure functions from text to text.

    from models.translation.predict import translate, translate_full
    translate("我们明天去公园。")                                   # English
    translate("Where is the station?", direction="en-zh", beam=4, length_penalty=0.6)
    result = translate_full("你好。今天很冷。")                    # text, sentences, notices
    attention(result.sentences[0], result.direction)             # for the heat map

Input is split into sentences (models.common.text), the sentences are translated as a batch
and joined back (with a space in English, without one in Chinese). `direction` is "zh-en",
"en-zh" or "auto" (Chinese if at least 30 % of the characters are Chinese, the same rule the
sentiment tab uses). Very long input is cut with a notice.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from models.common.device import model_device
from models.common.errors import InputError, Message
from models.common.loading import load_once
from models.common.text import language, mixed_languages, read_input, split_sentences
from models.common.transformer import RepetitionGuard, Seq2Seq, beam_search, greedy
from models.common.weights import WeightsError
from models.translation import MAX_BEAM, SPEC
from models.translation.data import Tokenizer
from models.translation.net import BOS, EOS, UNK

TOKENIZER = "spm.model"  # the sentencepiece model beside the weights: <variant>.spm.model
DIRECTIONS = ("auto", "zh-en", "en-zh")
MAX_CHARS = 2000  # longer input is cut (with a notice): about a page
MAX_SENTENCES = 40  # at most this many sentences are translated (with a notice)
MAX_SOURCE_PIECES = 80  # a longer sentence is cut to this many pieces (training saw <= 40)
SOURCE_LANGUAGE = {"zh-en": "zh", "en-zh": "en"}
TARGET_LANGUAGE = {"zh-en": "en", "en-zh": "zh"}
# Decoding's guard against degenerate repetition ("海海海海", "ationationation"), chosen on the
# validation split (CARD.md): no 3-gram twice, no token and no character more than twice in a row.
NO_REPEAT_NGRAM = 3
MAX_RUN = 2
# A translation has at most a * (source pieces) + b pieces, by target language: what 99.9 % of
# the training pairs need (zh→en 1.72 · n + 8, en→zh 1.08 · n + 8, rounded up).
LENGTH_CAP = {"en": (1.75, 8), "zh": (1.1, 8)}
# What the model knows: short everyday sentences. A sentence is out of its domain when it is
# longer than any training sentence, has characters the vocabulary lacks, mostly pieces rare in
# training, or a translation the model itself gives a low probability. Chosen on 500 validation
# pairs each way and the 50 sentences of repetition.OTHER_DOMAINS: 4.8 % of the validation
# sentences and 88 % of the others are flagged (CARD.md).
TRAINED_PIECES = 38  # training dropped pairs with longer sides
RARE_PIECE = -12.0  # a piece of unigram log-probability below this is rare in training
MAX_RARE_SHARE = 0.2  # more than this share of rare pieces: an unfamiliar sentence
# Mean log-probability per output piece below this, by target language: the model is unsure
# (about the 5th percentile of validation translations; Chinese outputs score lower).
MIN_CONFIDENCE = {"en": -1.3, "zh": -1.6}


class Model(nn.Module):
    """The tab's model: the net, the tokenizer it reads and writes, and the repetition guard
    its decoding applies (None: none)."""

    def __init__(self, net: Seq2Seq, tok: Tokenizer, guard: RepetitionGuard | None = None):
        super().__init__()
        self.net, self.tok, self.guard = net, tok, guard
        self.eval()  # (inference only, as its net)


def repetition_guard(tok: Tokenizer, no_repeat_ngram: int = NO_REPEAT_NGRAM) -> RepetitionGuard:
    return RepetitionGuard(tok.texts(), no_repeat_ngram, MAX_RUN)


def load(variant: str = "default", device: torch.device | None = None) -> Model:
    path = SPEC.artefact(variant, TOKENIZER)
    if not path.is_file():
        raise WeightsError(f"tokenizer file not found: {path}; rebuild it with `{SPEC.train}`")
    net = SPEC.load(variant, device or model_device())
    try:
        tok = Tokenizer(path)
    except (OSError, RuntimeError) as err:
        raise WeightsError(
            f"tokenizer file {path} is unreadable ({err}); rebuild it with `{SPEC.train}`"
        ) from err
    if len(tok) != net.embedding.num_embeddings:
        raise WeightsError(f"tokenizer file {path} does not fit the weights; rebuild both")
    return Model(net, tok, repetition_guard(tok))


def get_model(variant: str = "default") -> Model:
    return load_once(f"translation/{variant}", lambda: load(variant))


def max_output(source_pieces: int, target_lang: str) -> int:
    """Pieces a translation of `source_pieces` pieces may have (LENGTH_CAP)."""
    a, b = LENGTH_CAP[target_lang]
    return math.ceil(a * source_pieces + b)


def _batch(rows: list[list[int]]) -> torch.Tensor:
    src = torch.zeros(len(rows), max(map(len, rows)), dtype=torch.long)
    for j, row in enumerate(rows):
        src[j, : len(row)] = torch.tensor(row)
    return src


@torch.no_grad()
def translate_ids(
    net: Seq2Seq,
    sources: list[list[int]],
    beam: int = 4,
    length_penalty: float = 0.6,
    bs: int = 64,
    caps: list[int] | None = None,
    guard: RepetitionGuard | None = None,
) -> list[list[int]]:
    """Output ids (no bos/eos) for each source id list, batched by length; `caps`: the most
    pieces each may get (default: about twice its source), `guard`: the repetition guard."""
    device = next(net.parameters()).device
    if caps is None:
        caps = [2 * len(s) + 10 for s in sources]
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    out: list[list[int]] = [[] for _ in sources]
    for start in range(0, len(order), bs):
        chunk = order[start : start + bs]
        src = _batch([sources[i] for i in chunk]).to(device)
        limit = [caps[i] for i in chunk]
        if beam <= 1:
            ids = greedy(net, src, BOS, EOS, limit, guard)
        else:
            ids = beam_search(net, src, BOS, EOS, limit, beam, length_penalty, guard)
        for i, row in zip(chunk, ids, strict=True):
            out[i] = row
    return out


def translate_batch(
    net: Seq2Seq,
    tok: Tokenizer,
    texts: list[str],
    target_lang: str,
    beam: int = 4,
    length_penalty: float = 0.6,
    guard: RepetitionGuard | None = None,
) -> list[str]:
    """Each text (one sentence) translated into `target_lang` ("en" or "zh"), its length
    capped by LENGTH_CAP; `guard` (e.g. repetition_guard(tok)) bans repetition."""
    sources = [tok.source(t, target_lang, MAX_SOURCE_PIECES) for t in texts]
    caps = [max_output(len(s) - 2, target_lang) for s in sources]  # (less the tag and eos)
    ids = translate_ids(net, sources, beam, length_penalty, caps=caps, guard=guard)
    return [tok.decode(row) for row in ids]


@dataclass
class Familiarity:
    """How a sentence compares with the short everyday sentences the model was trained on."""

    pieces: int  # the source's pieces
    unknown: int  # its characters the vocabulary lacks (<unk> pieces)
    rare: float  # the share of its pieces that are rare in training
    confidence: float  # mean log-probability the model gives its output's pieces (and </s>)
    target: str  # the output's language, "en" or "zh"

    def reasons(self) -> list[str]:
        """Why the sentence is out of the model's domain: "long", "unknown", "rare", "unsure"."""
        checks = {
            "long": self.pieces > TRAINED_PIECES,
            "unknown": self.unknown > 0,
            "rare": self.rare > MAX_RARE_SHARE,
            "unsure": self.confidence < MIN_CONFIDENCE[self.target],
        }
        return [name for name, failed in checks.items() if failed]


@torch.no_grad()
def confidence(net: Seq2Seq, sources: list[list[int]], outputs: list[list[int]]) -> list[float]:
    """Mean log-probability per piece (eos included) of each output given its source, by
    re-reading it (teacher forcing)."""
    device = next(net.parameters()).device
    src = _batch(sources).to(device)
    tgt = _batch([[BOS, *out, EOS] for out in outputs]).to(device)
    logp = net(src, tgt[:, :-1]).float().log_softmax(-1)
    picked = logp.gather(-1, tgt[:, 1:, None])[..., 0]
    real = tgt[:, 1:] != 0
    return ((picked * real).sum(1) / real.sum(1)).tolist()


def familiarity(
    model: Model, sources: list[list[int]], outputs: list[list[int]], target: str
) -> list[Familiarity]:
    """The Familiarity of each source (tag and eos included, as translate_ids reads them) and
    its output (in `target`)."""
    scores = confidence(model.net, sources, outputs) if sources else []
    out = []
    for src, score in zip(sources, scores, strict=True):
        pieces = src[1:-1]
        rare = sum(model.tok.score(i) < RARE_PIECE for i in pieces if i != UNK)
        share = rare / max(len(pieces), 1)
        out.append(Familiarity(len(pieces), pieces.count(UNK), share, score, target))
    return out


def domain_notice(checks: list[Familiarity]) -> str | None:
    """The notice for input unlike the model's training sentences; None when it fits."""
    unfamiliar = sum(bool(c.reasons()) for c in checks)
    if not unfamiliar:
        return None
    if len(checks) == 1:
        return Message(
            "The model knows short everyday sentences (Tatoeba); this one is unlike them "
            "(long, rare or unknown words, or a translation it is unsure of), so the "
            "translation is likely to be wrong."
        )
    return Message(
        "The model knows short everyday sentences (Tatoeba); {n} of these {total} sentences "
        "are unlike them (long, rare or unknown words, or a translation it is unsure of), so "
        "their translations are likely to be wrong.",
        n=unfamiliar,
        total=len(checks),
    )


@dataclass
class Translation:
    text: str  # the whole translation
    direction: str  # "zh-en" or "en-zh" (auto resolved)
    sentences: list[tuple[str, str]]  # (source sentence, its translation)
    notices: list[str] = field(default_factory=list)
    familiarity: list[Familiarity] | None = None  # per sentence (the trained model only)


def resolve_direction(text: str, direction: str | None) -> tuple[str, list[str]]:
    """The direction ("zh-en" or "en-zh") and notices (mixed languages, a direction that does
    not fit the text)."""
    direction = (direction or "auto").strip().lower()
    if direction not in DIRECTIONS:
        raise InputError(
            "Unknown direction {direction}: use auto, zh-en or en-zh.", direction=repr(direction)
        )
    detected = "zh-en" if language(text) == "zh" else "en-zh"
    notices = []
    if mixed_languages(text):
        notices.append(
            Message(
                "The text mixes Chinese and English; it was translated as one language, "
                "so words of the other may come out garbled."
            )
        )
    if direction == "auto":
        return detected, notices
    if detected != direction:
        notices.append(
            Message("This does not look like Chinese: choose English→中文 or auto.")
            if direction == "zh-en"
            else Message("This does not look like English: choose 中文→English or auto.")
        )
    return direction, notices


def prepare(text: str | None, direction: str | None) -> tuple[list[str], str, list[str]]:
    """(sentences to translate, direction, notices); InputError for empty input or input with
    nothing to translate."""
    text, notices = read_input(
        text,
        MAX_CHARS,
        Message("Type or paste some Chinese or English text first."),
        Message("The text has {n:,} characters; only the first {limit:,} were translated."),
        Message("There is nothing to translate here: type Chinese or English words."),
    )
    direction, more = resolve_direction(text, direction)
    sentences = split_sentences(text)
    if len(sentences) > MAX_SENTENCES:
        notices.append(
            Message(
                "The text has {n} sentences; only the first {limit} were translated.",
                n=len(sentences),
                limit=MAX_SENTENCES,
            )
        )
        sentences = sentences[:MAX_SENTENCES]
    return sentences, direction, notices + more


def join(sentences: list[str], target_lang: str) -> str:
    return ("" if target_lang == "zh" else " ").join(s for s in sentences if s)


def check_settings(beam: int | float | None, length_penalty: float | None) -> tuple[int, float]:
    try:
        beam = int(beam if beam is not None else 4)
        length_penalty = float(length_penalty if length_penalty is not None else 0.6)
    except (TypeError, ValueError) as err:
        raise InputError("Beam size and length penalty must be numbers.") from err
    if (
        not 1 <= beam <= MAX_BEAM
        or not 0.0 <= length_penalty <= 2.0
        or length_penalty != length_penalty
    ):
        raise InputError(
            "Beam size must be 1 to {max_beam} and length penalty 0 to 2.", max_beam=MAX_BEAM
        )
    return beam, length_penalty


def translate_full(
    text: str | None,
    direction: str | None = "auto",
    beam: int = 4,
    length_penalty: float = 0.6,
    model: str = "trained",
) -> Translation:
    """The translation with its sentences and notices; `model` is "trained" (this project's) or
    "pretrained" (Helsinki-NLP's opus-mt from the Hub, see hub.py)."""
    beam, length_penalty = check_settings(beam, length_penalty)
    sentences, direction, notices = prepare(text, direction)
    target = TARGET_LANGUAGE[direction]
    checks = None
    if model == "pretrained":
        from models.translation import hub

        outputs = hub.translate_batch(sentences, direction, beam)
    elif model == "trained":
        m = get_model()
        sources = [m.tok.source(s, target, 10**9) for s in sentences]
        if any(len(s) > MAX_SOURCE_PIECES for s in sources):
            notices.append(
                Message(
                    "A sentence over {limit} subwords long was cut; end sentences with "
                    "punctuation to have all of it translated.",
                    limit=MAX_SOURCE_PIECES - 2,
                )
            )
        sources = [m.tok.source(s, target, MAX_SOURCE_PIECES) for s in sentences]
        caps = [max_output(len(s) - 2, target) for s in sources]
        ids = translate_ids(m.net, sources, beam, length_penalty, caps=caps, guard=m.guard)
        outputs = [m.tok.decode(row) for row in ids]
        checks = familiarity(m, sources, ids, target)
        notices += filter(None, [domain_notice(checks)])
    else:
        raise InputError("Unknown model {model}: use trained or pretrained.", model=repr(model))
    pairs = list(zip(sentences, outputs, strict=True))
    return Translation(join(outputs, target), direction, pairs, notices, checks)


def translate(text: str | None, *settings, **named) -> str:
    """The translation of `text` as one string; the settings are translate_full's."""
    return translate_full(text, *settings, **named).text


@dataclass
class Attention:
    source: list[str]  # subword pieces the encoder read (the language tag and </s> included)
    target: list[str]  # pieces the decoder wrote, then </s>
    weights: np.ndarray  # (len(target), len(source)): last layer's cross-attention, head mean


@torch.no_grad()
def attention(
    sentence: str, translation: str, direction: str, model: Model | None = None
) -> Attention:
    """Where the decoder looked while writing `translation` of `sentence`: the model trained
    here re-reads its own output (teacher forcing) and returns its last decoder layer's
    cross-attention, averaged over heads."""
    m = model or get_model()
    target = TARGET_LANGUAGE[direction]
    src = m.tok.source(sentence, target, MAX_SOURCE_PIECES)
    out = m.tok.ids(translation)[: m.net.max_positions - 2]
    device = next(m.net.parameters()).device
    memory, mask = m.net.encode(torch.tensor([src], device=device))
    tgt_in = torch.tensor([[BOS, *out]], device=device)
    _, weights = m.net.decode(tgt_in, memory, mask, need_weights=True)
    pieces = m.tok.pieces
    return Attention(pieces(src), [*pieces(out), "</s>"], weights[0].float().cpu().numpy())
