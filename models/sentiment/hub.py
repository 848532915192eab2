"""The optional pretrained model: a Chinese RoBERTa fine-tuned for review sentiment, from the
Hugging Face Hub through transformers.

Why uer/roberta-base-finetuned-jd-binary-chinese: it is trained for exactly this task (binary
positive/negative on JD.com product reviews, the same kind of text as our corpora), it is
widely used (UER-py, Zhao et al. 2019), base-sized (~100 M parameters, fine on a CPU), and
its labels say plainly which is which. Without internet it cannot be downloaded; the tab then
says so and keeps using the model trained here.
"""

import torch

from models.common.device import model_device
from models.common.errors import InputError
from models.common.hub import HubUnavailable, get_pretrained
from models.sentiment import HUB_MODEL
from models.sentiment.net import LABELS

MAX_TOKENS = 512


def from_pretrained(model_id: str, local_only: bool):
    """(tokenizer, model, index of the positive label)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_id, local_files_only=local_only)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_id, local_files_only=local_only
    )
    labels = {i: str(name).lower() for i, name in model.config.id2label.items()}
    positive = [i for i, name in labels.items() if name.startswith("pos")]
    if len(labels) != 2 or len(positive) != 1:
        raise HubUnavailable(f"{model_id} is not a binary positive/negative model: {labels}")
    return tokenizer, model.eval().to(model_device()), positive[0]


def get_model(model_id: str = HUB_MODEL):
    return get_pretrained(f"sentiment/hub/{model_id}", model_id, from_pretrained)


@torch.no_grad()
def predict_batch(texts: list[str], model_id: str = HUB_MODEL, bs: int = 16) -> list[float]:
    """P(positive) per text."""
    if not texts:
        raise InputError("Type or paste a review first.")
    tokenizer, model, positive = get_model(model_id)
    out: list[float] = []
    for i in range(0, len(texts), bs):
        batch = tokenizer(
            texts[i : i + bs],
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
            return_tensors="pt",
        )
        out += model(**batch.to(model.device)).logits.softmax(-1)[:, positive].tolist()
    return out


def predict(text: str, model_id: str = HUB_MODEL) -> dict[str, float]:
    p = predict_batch([text], model_id)[0]
    return dict(zip(LABELS, (1 - p, p), strict=True))
