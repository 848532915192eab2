"""Sentiment inference: label, probability, per-token attributions, batch scoring, file input.

    from models.sentiment.predict import analyse
    analyse("房间干净，服务热情，下次还来")   # Analysis(probs={"positive": 0.97, ...}, tokens, ...)

The model is two TextCNNs whose logits are averaged: one reads jieba words (`default`), one
reads characters (`chars`, its embeddings started from word2vec vectors); they make different
mistakes, so together they are right more often.
Attributions are Integrated Gradients of the averaged positive-minus-negative logit with respect
to each view's embeddings, from an all-padding baseline, a character's share credited to its
word: they add up to how far the review moves that margin from the all-padding baseline.
"""

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from models.common.batching import MicroBatcher
from models.common.device import model_device
from models.common.errors import InputError, Message
from models.common.loading import load_once
from models.common.text import looks_chinese, read_input, valid_unicode
from models.common.weights import WeightsError
from models.sentiment import SPEC
from models.sentiment.net import LABELS, BiLSTMAttention, TextCNN, pad
from models.sentiment.text import Vocab, normalize, tokenize, units

MAX_CHARS = 2000  # longer texts are cut (with a notice); reviews are far shorter
LOW_CONFIDENCE = 0.65  # top probability below this is flagged as uncertain
IG_STEPS = 32  # Riemann steps of Integrated Gradients
VIEWS = SPEC.variants  # weight files whose logits are averaged: words, characters
MAX_BATCH_LINES = 5000  # batch mode scores at most this many reviews
VOCAB = "vocab.json"  # each view's vocabulary sits beside its weights: <view>.vocab.json
TEXT_COLUMNS = ("text", "review", "content", "comment", "sentence", "评论", "内容", "文本", "评价")


class View(nn.Module):
    """One net (TextCNN or BiLSTM) and the vocabulary of the units it reads (words or characters)."""

    def __init__(self, net: TextCNN | BiLSTMAttention, vocab: Vocab):
        super().__init__()
        self.net, self.vocab = net, vocab

    def ids(self, words: list[str]) -> tuple[list[int], list[int]]:
        """Unit ids (cut at the net's max_tokens; [<unk>] if none) and each unit's word index."""
        tokens, owners = units(words, self.net.cfg.unit)
        n = self.net.cfg.max_tokens
        return self.vocab.encode(tokens[:n]) or [1], owners[:n] or [0]


class Model(nn.Module):
    """The tab's model: its views, whose logits are averaged."""

    def __init__(self, views: list[View]):
        super().__init__()
        self.views = nn.ModuleList(views)
        self.eval()  # (inference only, as its views' nets)

    @property
    def device(self) -> torch.device:
        return next(self.views[0].net.parameters()).device

    def words_read(self, words: list[str]) -> int:
        """How many leading words of a review at least one view reads: each reads its first
        max_tokens units (the word view 200 words, the character view 400 characters), as in
        training."""
        return max(view.ids(words)[1][-1] + 1 for view in self.views) if words else 0

    def logits(self, words_per_text: list[list[str]]) -> torch.Tensor:
        """Averaged logits (N, 2) for reviews given as word lists (each view cuts its own)."""
        return torch.stack(
            [
                view.net(pad([view.ids(words)[0] for words in words_per_text]).to(self.device))
                for view in self.views
            ]
        ).mean(0)


def load_view(variant: str, device: torch.device | None = None) -> View:
    vocab_path = SPEC.artefact(variant, VOCAB)
    if not vocab_path.is_file():
        raise WeightsError(
            f"vocabulary file not found: {vocab_path}; rebuild it with `{SPEC.train}`"
        )
    net = SPEC.load(variant, device)
    try:
        vocab = Vocab.load(vocab_path)
    except (OSError, ValueError, TypeError) as err:
        raise WeightsError(
            f"vocabulary file {vocab_path} is unreadable ({err}); rebuild it with `{SPEC.train}`"
        ) from err
    return View(net, vocab)


def load(variants: tuple[str, ...] = VIEWS, device: torch.device | None = None) -> Model:
    device = device or model_device()
    return Model([load_view(v, device) for v in variants])


def get_model(variants: tuple[str, ...] = VIEWS) -> Model:
    return load_once("sentiment/" + "+".join(variants), lambda: load(variants))


@dataclass
class Analysis:
    probs: dict[str, float]  # {"negative": p, "positive": p}
    tokens: list[str]
    attributions: list[float]  # per token; > 0 pushed towards positive
    notices: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return max(self.probs, key=self.probs.get)


def prepare(text: str | None) -> tuple[str, list[str]]:
    """The text the model reads, and notices for the user (cut, not Chinese)."""
    text, notices = read_input(
        text,
        MAX_CHARS,
        Message("Type or paste a review first."),
        Message("The text has {n:,} characters; only the first {limit:,} were read."),
        clean=normalize,  # the model's own rule (sentiment.text.normalize): as in training
    )
    if not looks_chinese(text):
        notices.append(
            "This does not look like Chinese. The model learned from Chinese reviews, "
            "so its answer here means little."
        )
    return text, notices


def integrated_gradients(
    net: TextCNN | BiLSTMAttention, ids: torch.Tensor, steps: int = IG_STEPS
) -> torch.Tensor:
    """Per-token attributions (T,) of logit[positive] - logit[negative] for one sequence (1, T),
    from the all-zero (padding) embedding baseline, midpoint rule."""
    with torch.enable_grad():
        embedded = net.embedding(ids).detach()  # (1, T, E)
        alphas = (torch.arange(steps, device=ids.device) + 0.5) / steps
        path = (alphas[:, None, None] * embedded).requires_grad_(True)  # (S, T, E)
        mask = torch.ones(steps, ids.shape[1], dtype=torch.bool, device=ids.device)
        logits = net.classify(path, mask)
        margin = logits[:, 1] - logits[:, 0]
        (grads,) = torch.autograd.grad(margin.sum(), path)
    return (embedded[0] * grads.mean(0)).sum(-1).detach()


def word_attributions(model: Model, words: list[str]) -> list[float]:
    """Each word's share of the averaged margin: IG is linear, so the ensemble's attribution is
    the mean of the views' attributions, a character's credited to the word it belongs to."""
    total = torch.zeros(len(words))
    for view in model.views:
        ids, owners = view.ids(words)
        scores = integrated_gradients(view.net, torch.tensor([ids], device=model.device))
        total.index_add_(0, torch.tensor(owners), scores.cpu())
    return (total / len(model.views)).tolist()


def analyse(text: str | None, model: Model | None = None) -> Analysis:
    """Label probabilities, tokens and their attributions for one review."""
    text, notices = prepare(text)
    model = model or get_model()
    words = tokenize(text)
    read = model.words_read(words)
    if read < len(words):
        notices.append(
            Message("Long review: only its start was read (the first {n} words).", n=read)
        )
        words = words[:read]
    with torch.no_grad():
        probs = model.logits([words]).softmax(1)[0].tolist()
    attributions = word_attributions(model, words)
    if max(probs) < LOW_CONFIDENCE:
        notices.append(
            Message("Low confidence ({p:.0%}): the review reads as mixed or neutral.", p=max(probs))
        )
    return Analysis(dict(zip(LABELS, probs, strict=True)), words, attributions, notices)


@torch.no_grad()
def probabilities(words_per_text: list[list[str]]) -> list[list[float]]:
    """[P(negative), P(positive)] for each review given as words."""
    return get_model().logits(words_per_text).softmax(1).tolist()


# requests that arrive together share one forward pass
_batched = MicroBatcher(probabilities)


def predict(text: str | None) -> dict[str, float]:
    """{"negative": p, "positive": p} for one review; concurrent calls are batched."""
    text, _ = prepare(text)
    return dict(zip(LABELS, _batched(tokenize(text)), strict=True))


@torch.no_grad()
def predict_batch(texts: list[str], model: Model | None = None, bs: int = 256) -> list[float]:
    """P(positive) for each text (empty texts get nan)."""
    model = model or get_model()
    words = [tokenize(normalize(t)[:MAX_CHARS]) for t in texts]
    order = sorted((i for i in range(len(words)) if words[i]), key=lambda i: len(words[i]))
    positive = [float("nan")] * len(texts)
    for start in range(0, len(order), bs):
        chunk = order[start : start + bs]
        probs = model.logits([words[i] for i in chunk]).softmax(1)[:, 1].tolist()
        for i, p in zip(chunk, probs, strict=True):
            positive[i] = p
    return positive


def decode_text_file(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode Text"), else
    GBK/GB18030 with a notice; binary files are refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as err:
            raise InputError("The file starts like UTF-16 text but does not decode.") from err
    if b"\x00" in data[:8192]:
        raise InputError("This looks like a binary file: upload a .txt or .csv file of reviews.")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as err:
        raise InputError("The file is neither UTF-8 nor GBK text.") from err
    return text, [
        "The file is not UTF-8, so it was read as GBK; if the reviews look garbled "
        "(Big5, say), save it as UTF-8."
    ]


def read_reviews(path: str | Path) -> tuple[list[str], list[str]]:
    """Reviews from a .txt (one per line) or .csv (a text column) file, and notices."""
    path = Path(path)
    text, notices = decode_text_file(path.read_bytes())
    if path.suffix.lower() == ".csv":
        try:
            reviews, csv_notices = csv_reviews(text)
        except csv.Error as err:
            raise InputError("The CSV file cannot be read ({reason}).", reason=err) from err
        notices += csv_notices
    else:
        reviews = [line.strip() for line in text.splitlines()]
    reviews, limit_notices = limit_reviews([r for r in reviews if r])
    return reviews, notices + limit_notices


def csv_reviews(text: str) -> tuple[list[str], list[str]]:
    """The text column of a CSV: one named in TEXT_COLUMNS, or the only column. A single
    column whose header is Chinese text has no header: its first line is a review too."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c for c in (reader.fieldnames or []) if c is not None]
    lowered = {c.strip().lower(): c for c in columns}
    column = next((lowered[n] for n in TEXT_COLUMNS if n in lowered), None)
    if column is None and len(columns) == 1:
        column = columns[0]
        if looks_chinese(column):
            first = [column.strip()]
            rows = [(row.get(column) or "").strip() for row in reader]
            notice = "The first line has no column name, so it was scored as a review too."
            return first + rows, [notice]
    if column is None:
        raise InputError(
            "The CSV has no text column: name one of {names} (its columns are: {columns}).",
            names=", ".join(TEXT_COLUMNS),
            columns=", ".join(columns) or "none",
        )
    return [(row.get(column) or "").strip() for row in reader], []


def limit_reviews(reviews: list[str]) -> tuple[list[str], list[str]]:
    """At most MAX_BATCH_LINES reviews (a notice when cut), as valid Unicode: the batch table
    echoes them."""
    if not reviews:
        raise InputError("No reviews found: put one review per line.")
    reviews = [valid_unicode(review) for review in reviews]
    if len(reviews) > MAX_BATCH_LINES:
        return reviews[:MAX_BATCH_LINES], [
            Message(
                "Only the first {limit:,} of {n:,} reviews were scored.",
                limit=MAX_BATCH_LINES,
                n=len(reviews),
            )
        ]
    return reviews, []
