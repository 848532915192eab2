"""The summarization net: a Transformer encoder over a document's tokens (hashed words and
characters, no vocabulary file) scores every token, and a second Transformer over the
document's sentences (each the mean of its tokens' states, with its position, TextRank
centrality and length) scores every
sentence: the sentence score drives extraction, the token score compression (Chinese
headlines)."""

from dataclasses import dataclass

import torch
from torch import nn

from models.common.config import NetConfig
from models.common.transformer import EncoderLayer, sinusoidal_positions

LANGS = ("zh", "en")  # a learned embedding per language is added to every token


@dataclass
class Config(NetConfig):
    buckets: int = 32768  # hashed token and token-pair ids share one embedding table
    d_model: int = 128  # width of every token's and sentence's vector
    heads: int = 4  # attention heads per layer
    token_layers: int = 2  # Transformer layers over the tokens
    sentence_layers: int = 2  # Transformer layers over the sentences (document context)
    ff: int = 256  # hidden width of each feed-forward block
    dropout: float = 0.1
    max_tokens: int = 1024  # tokens the net reads at once (longer documents go in chunks)
    max_sentences: int = 256  # sentences the position table covers
    sentence_features: int = 5  # data.sentence_features: centrality, position, length, ...
    token_features: int = 0  # data.token_features read (3: recurrence counts, position; 0: none)


class SummaryNet(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg.buckets, cfg.d_model, padding_idx=0)
        self.lang = nn.Embedding(len(LANGS), cfg.d_model)
        self.register_buffer(
            "token_pos", sinusoidal_positions(cfg.max_tokens, cfg.d_model), persistent=False
        )
        self.register_buffer(
            "sentence_pos", sinusoidal_positions(cfg.max_sentences, cfg.d_model), persistent=False
        )
        layer = lambda: EncoderLayer(cfg.d_model, cfg.heads, cfg.ff, cfg.dropout)  # noqa: E731
        self.token_layers = nn.ModuleList(layer() for _ in range(cfg.token_layers))
        self.sentence_layers = nn.ModuleList(layer() for _ in range(cfg.sentence_layers))
        self.token_norm, self.sentence_norm = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.features = nn.Linear(cfg.sentence_features, cfg.d_model)
        if cfg.token_features:
            self.token_features = nn.Linear(cfg.token_features, cfg.d_model)
        self.token_head = nn.Linear(cfg.d_model, 1)
        self.sentence_head = nn.Linear(cfg.d_model, 1)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(
        self,
        tokens: torch.Tensor,
        bigrams: torch.Tensor,
        sentence: torch.Tensor,
        lang: torch.Tensor,
        features: torch.Tensor,
        token_features: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """tokens, bigrams: (N, T) hashed ids, 0 = padding; sentence: (N, T) the sentence index
        of each token (-1 for padding); lang: (N,) index into LANGS; features: (N, S, F) each
        sentence's data.sentence_features; token_features: (N, T, F') data.token_features,
        read when the config has them. Returns the token logits (N, T) and the sentence
        logits (N, S)."""
        n_sentences = features.shape[1]
        t = tokens.shape[1]
        x = self.embedding(tokens) + self.embedding(bigrams) + self.lang(lang)[:, None]
        if self.cfg.token_features:
            x = x + self.token_features(token_features[..., : self.cfg.token_features])
        x = self.drop(x + self.token_pos[:t])
        mask = (tokens != 0)[:, None, None, :]
        for layer in self.token_layers:
            x = layer(x, mask)
        x = self.token_norm(x)
        # each sentence: the mean of its tokens' states, plus its position in the document
        member = sentence[:, None, :] == torch.arange(n_sentences, device=x.device)[None, :, None]
        member = member.to(x.dtype)  # (N, S, T)
        count = member.sum(-1, keepdim=True)
        s = member @ x / count.clamp(min=1)
        s = s + self.sentence_pos[:n_sentences] + self.features(features)
        smask = (count[..., 0] > 0)[:, None, None, :]
        for layer in self.sentence_layers:
            s = layer(s, smask)
        s = self.sentence_norm(s)
        return self.token_head(x)[..., 0], self.sentence_head(s)[..., 0]


def build_net(cfg: Config) -> SummaryNet:
    return SummaryNet(cfg)
