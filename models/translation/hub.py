"""The optional pretrained models: Helsinki-NLP's opus-mt Marian Transformers (zh→en and en→zh,
trained on OPUS, far more data than ours), from the Hugging Face Hub through transformers.

Why these: they are the standard open baselines for this pair (Tiedemann & Thottingal, 2020),
small enough for a CPU (~77 M parameters each), and their Tatoeba test scores are published
(36.1 BLEU zh→en, 31.4 en→zh), which puts ours in context. Without internet they cannot be
downloaded; the tab then says so and keeps using the model trained here.
"""

from models.common.hub import get_seq2seq, seq2seq_from_pretrained

HUB_MODELS = {"zh-en": "Helsinki-NLP/opus-mt-zh-en", "en-zh": "Helsinki-NLP/opus-mt-en-zh"}
# opus-mt-en-zh writes several Chinese varieties: a token at the start of the source picks one.
TARGET_TOKEN = {"zh-en": "", "en-zh": ">>cmn_Hans<< "}
MAX_TOKENS = 256


from_pretrained = seq2seq_from_pretrained  # (a module attribute: the tests replace it)


def get_model(direction: str):
    return get_seq2seq("translation", HUB_MODELS[direction], from_pretrained)


def translate_batch(sentences: list[str], direction: str, beam: int = 4, bs: int = 16) -> list[str]:
    """Each sentence translated in `direction` ("zh-en" or "en-zh"); generate() runs without
    gradients."""
    tokenizer, model = get_model(direction)
    out: list[str] = []
    for i in range(0, len(sentences), bs):
        batch = tokenizer(
            [TARGET_TOKEN[direction] + s for s in sentences[i : i + bs]],
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
            return_tensors="pt",
        ).to(model.device)
        generated = model.generate(**batch, num_beams=max(1, beam), max_new_tokens=MAX_TOKENS)
        out += tokenizer.batch_decode(generated, skip_special_tokens=True)
    return out
