"""The optional pretrained abstractive summarizers, from the Hugging Face Hub through
transformers: they write new sentences instead of picking the source's.

Why these: sshleifer/distilbart-cnn-12-6 is BART-large fine-tuned on CNN/DailyMail news and
distilled (306 M parameters), the standard English news summarizer, close to BBC articles;
csebuetnlp/mT5_multilingual_XLSum is mT5-base fine-tuned on XL-Sum (BBC articles in 45
languages, simplified Chinese among them; Hasan et al., 2021). Without internet they cannot be
downloaded; the tab then says so and keeps using the model trained here.
"""

from models.common.hub import get_seq2seq, seq2seq_from_pretrained

HUB_MODELS = {"en": "sshleifer/distilbart-cnn-12-6", "zh": "csebuetnlp/mT5_multilingual_XLSum"}
MAX_SOURCE_TOKENS = 512
MAX_SUMMARY_TOKENS = 84


from_pretrained = seq2seq_from_pretrained  # (a module attribute: the tests replace it)


def get_model(lang: str):
    return get_seq2seq("summarization", HUB_MODELS[lang], from_pretrained)


def summarize(text: str, lang: str, beam: int = 4) -> tuple[str, int]:
    """(an abstractive summary of `text` ("zh" or "en"), the source's length in the model's
    tokens): the model reads only the first MAX_SOURCE_TOKENS of them. (generate() runs
    without gradients.)"""
    tokenizer, model = get_model(lang)
    n_tokens = len(tokenizer(text, truncation=False)["input_ids"])
    batch = tokenizer(
        [text], truncation=True, max_length=MAX_SOURCE_TOKENS, return_tensors="pt"
    ).to(model.device)
    generated = model.generate(
        **batch, num_beams=beam, max_new_tokens=MAX_SUMMARY_TOKENS, no_repeat_ngram_size=3
    )
    return tokenizer.batch_decode(generated, skip_special_tokens=True)[0].strip(), n_tokens
