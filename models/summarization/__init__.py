"""Summarization, Chinese and English: a sentence and token scorer trained here, extractive
(sentences) and compressive (the best words of a short Chinese post, as a headline)."""

from models.common.spec import Figure, Metric, ModelSpec, NetBuilder

SPEC = ModelSpec(
    name="summarization",
    architecture="Transformer encoder over the document's tokens (Chinese characters, English "
    "words, and token pairs, hashed into 32k buckets, plus how often each recurs; 2 layers, "
    "d_model 128) scoring each token, then a Transformer over the sentences (mean of their "
    "tokens, with their position, TextRank centrality and length; 2 layers) "
    "scoring each sentence. Summaries: the best-scored sentences, in text order; for short "
    "Chinese posts, the best-scored words up to a headline's length",
    training_data="LCSTS train (8,666 Chinese Weibo posts with headlines; labels from a greedy "
    "ROUGE oracle and the characters shared with the headline) and 1,500 BBC News Summary "
    "articles (their extractive summaries' sentences)",
    build=NetBuilder("models.summarization.net"),
    metrics=(
        Metric("lcsts_rouge1", "ROUGE-1 LCSTS val", "points", floor=22.0),
        Metric("lcsts_rouge2", "ROUGE-2 LCSTS val", "points"),
        Metric("lcsts_rougeL", "ROUGE-L LCSTS val", "points", floor=19.0),
        Metric("bbc_rouge1", "ROUGE-1 BBC test", "points"),
        Metric("bbc_rouge2", "ROUGE-2 BBC test", "points"),
        Metric("bbc_rougeL", "ROUGE-L BBC test", "points"),
    ),
    curves=("train_loss", "val_lcsts_rouge1", "val_bbc_rouge1"),
    figures=(Figure("baselines.png", "ROUGE of Lead, TextRank and this model"),),
    sample_data=("nlp/summarization/lcsts/val.tsv",),
    train_data=("nlp/summarization/lcsts/train.tsv",),
    dry_runs=(
        ("--config", "buckets=512,d_model=16,heads=2,token_layers=1,sentence_layers=1,ff=32"),
    ),
    half_on_gpu=False,
)
