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

from dataclasses import dataclass, field

import numpy as np
import torch

from models.common.device import model_device
from models.common.errors import InputError, Message
from models.common.loading import load_once
from models.common.text import language, mixed_languages, normalize, split_sentences
from models.common.transformer import Seq2Seq, beam_search, greedy
from models.common.weights import WeightsError
from models.translation import SPEC
from models.translation.data import Tokenizer
from models.translation.net import BOS, EOS

TOKENIZER = "spm.model"  # the sentencepiece model beside the weights: <variant>.spm.model
DIRECTIONS = ("auto", "zh-en", "en-zh")
MAX_CHARS = 2000  # longer input is cut (with a notice): about a page
MAX_SENTENCES = 40  # at most this many sentences are translated (with a notice)
MAX_SOURCE_PIECES = 80  # a longer sentence is cut to this many pieces (training saw <= 40)
MAX_BEAM = 8
SOURCE_LANGUAGE = {"zh-en": "zh", "en-zh": "en"}
TARGET_LANGUAGE = {"zh-en": "en", "en-zh": "zh"}


@dataclass
class Model:
    net: Seq2Seq
    tok: Tokenizer


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
    return Model(net, tok)


def get_model(variant: str = "default") -> Model:
    return load_once(f"translation/{variant}", lambda: load(variant))


def max_output(source_len: int, limit: int) -> int:
    """Pieces a translation may have: about twice its source, plus some."""
    return min(limit, 2 * source_len + 10)


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
) -> list[list[int]]:
    """Output ids (no bos/eos) for each source id list, batched by length."""
    device = next(net.parameters()).device
    order = sorted(range(len(sources)), key=lambda i: len(sources[i]))
    out: list[list[int]] = [[] for _ in sources]
    for start in range(0, len(order), bs):
        chunk = order[start : start + bs]
        src = _batch([sources[i] for i in chunk]).to(device)
        limit = max_output(src.shape[1], net.max_positions - 1)
        if beam <= 1:
            ids = greedy(net, src, BOS, EOS, limit)
        else:
            ids = beam_search(net, src, BOS, EOS, limit, beam, length_penalty)
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
) -> list[str]:
    """Each text (one sentence) translated into `target_lang` ("en" or "zh")."""
    sources = [tok.source(t, target_lang, MAX_SOURCE_PIECES) for t in texts]
    return [tok.decode(ids) for ids in translate_ids(net, sources, beam, length_penalty)]


@dataclass
class Translation:
    text: str  # the whole translation
    direction: str  # "zh-en" or "en-zh" (auto resolved)
    sentences: list[tuple[str, str]]  # (source sentence, its translation)
    notices: list[str] = field(default_factory=list)


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
    text = normalize(text)
    if not text:
        raise InputError("Type or paste some Chinese or English text first.")
    notices: list[str] = []
    if len(text) > MAX_CHARS:
        notices.append(
            Message(
                "The text has {n:,} characters; only the first {limit:,} were translated.",
                n=len(text),
                limit=MAX_CHARS,
            )
        )
        text = text[:MAX_CHARS]
    if not any(c.isalnum() for c in text):
        raise InputError("There is nothing to translate here: type Chinese or English words.")
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
        outputs = [m.tok.decode(ids) for ids in translate_ids(m.net, sources, beam, length_penalty)]
    else:
        raise InputError("Unknown model {model}: use trained or pretrained.", model=repr(model))
    pairs = list(zip(sentences, outputs, strict=True))
    return Translation(join(outputs, target), direction, pairs, notices)


def translate(
    text: str | None,
    direction: str | None = "auto",
    beam: int = 4,
    length_penalty: float = 0.6,
    model: str = "trained",
) -> str:
    """The translation of `text` as one string."""
    return translate_full(text, direction, beam, length_penalty, model).text


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
