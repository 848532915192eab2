"""The translation net: one Transformer encoder-decoder for both directions over one shared
sentencepiece vocabulary; the source starts with a tag naming the target language (<2en> or
<2zh>, Johnson et al., 2017), so one model learns zh→en and en→zh together."""

from dataclasses import dataclass

from models.common.config import NetConfig
from models.common.transformer import Seq2Seq

# Special ids of the sentencepiece model (data.train_tokenizer sets them).
PAD, UNK, BOS, EOS = 0, 1, 2, 3
TAGS = {"en": "<2en>", "zh": "<2zh>"}  # target-language tags, user symbols of the tokenizer


@dataclass
class Config(NetConfig):
    vocab_size: int = 8000  # shared English + Chinese sentencepiece pieces (tags included)
    d_model: int = 256  # width of every token's vector
    heads: int = 4  # attention heads per layer (64 features each)
    encoder_layers: int = 3
    decoder_layers: int = 3
    ff: int = 1024  # hidden width of each feed-forward block
    dropout: float = 0.1
    max_positions: int = 256  # longest sequence the position table covers (pieces)


def build_net(cfg: Config) -> Seq2Seq:
    return Seq2Seq(
        cfg.vocab_size,
        cfg.d_model,
        cfg.heads,
        cfg.encoder_layers,
        cfg.decoder_layers,
        cfg.ff,
        cfg.dropout,
        cfg.max_positions,
        pad_id=PAD,
    )
