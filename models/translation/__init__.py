"""Translation between Chinese and English: one Transformer trained here in both directions."""

from models.common.spec import Metric, ModelSpec, NetBuilder

MAX_BEAM = 8  # the widest beam a request may ask for (the tab's slider too)


SPEC = ModelSpec(
    name="translation",
    architecture="Transformer encoder-decoder (pre-norm, 3 + 3 layers, d_model 256, 4 heads, "
    "feed-forward 1024, sinusoidal positions, tied embeddings) over one shared 8k-piece "
    "sentencepiece vocabulary; a target-language tag on the source selects the direction; "
    "greedy or beam-search decoding with a length penalty, a length cap tied to the source and a "
    "guard against repetition (no repeated 3-gram, no token or character three times in a row)",
    training_data="Tatoeba English-Chinese pairs (cmn.txt) less a validation and a test split "
    "that share no sentence with training, plus the UM-Corpus microblog sample; both directions",
    build=NetBuilder("models.translation.net"),
    metrics=(
        # floors: measured 26.0 and 24.7 on the CI sample (greedy decoding)
        Metric("bleu_zh_en", "BLEU zh→en", "points", floor=21.0),
        Metric("bleu_en_zh", "BLEU en→zh", "points", floor=21.0),
        Metric("chrf_zh_en", "chrF zh→en", "points"),
        Metric("chrf_en_zh", "chrF en→zh", "points"),
    ),
    curves=("train_loss", "val_loss", "val_bleu"),
    sample_data=("nlp/translation/cmn-eng/cmn.txt",),
    train_data=("nlp/translation/cmn-eng/cmn.txt",),
    dry_runs=(
        ("--config", "vocab_size=1000,d_model=32,heads=2,encoder_layers=1,decoder_layers=1,ff=64"),
    ),
    half_on_gpu=False,  # beam scores add many log-probabilities: kept in fp32
)
