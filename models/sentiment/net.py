"""Review classifiers over word or character embeddings, both with `embedding` and
`classify(embedded, mask)` so attributions work the same way:

- TextCNN (Kim, 2014): parallel 1-D convolutions of several widths, max-pooled over time;
- BiLSTM with attention pooling (the course's model): reads the review in order and weighs
  each position's state by a learned score.
"""

from dataclasses import dataclass

import torch
from torch import nn

from models.common.config import NetConfig

LABELS = ["negative", "positive"]


@dataclass
class Config(NetConfig):
    arch: str = "textcnn"  # "textcnn" or "bilstm"
    unit: str = "word"  # what one embedding stands for: "word" (jieba), "char" or "bigram"
    vocab_size: int = 50000
    embed_dim: int = 128
    widths: tuple[int, ...] = (1, 2, 3, 4, 5)  # n-gram sizes the filters span
    filters: int = 128  # per width
    hidden: int = 128  # BiLSTM state size per direction
    embed_dropout: float = 0.2  # on the word vectors
    dropout: float = 0.5  # on the pooled features
    max_tokens: int = 200  # longer reviews are cut (the app says so); the median is ~40 words


def build_net(cfg: Config) -> nn.Module:
    return {"textcnn": TextCNN, "bilstm": BiLSTMAttention}[cfg.arch](cfg)


class TextCNN(nn.Module):
    def __init__(self, cfg: Config = Config()):
        super().__init__()
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embed_dim, padding_idx=0)
        self.convs = nn.ModuleList(
            nn.Conv1d(cfg.embed_dim, cfg.filters, w, padding=w - 1) for w in cfg.widths
        )
        self.embed_dropout = nn.Dropout(cfg.embed_dropout)
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.filters * len(cfg.widths), len(LABELS))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (N, T) token ids, 0 = padding -> logits (N, 2)."""
        return self.classify(self.embedding(ids), ids != 0)

    def classify(self, embedded: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits from embeddings (N, T, E); split out so attributions can scale embeddings."""
        x = self.embed_dropout(embedded).transpose(1, 2)  # (N, E, T)
        pooled = []
        for conv in self.convs:
            h = torch.relu(conv(x))[..., : mask.shape[1]]  # (N, F, T), 'same'-aligned
            h = h.masked_fill(~mask[:, None, :], 0.0)
            pooled.append(h.max(dim=2).values)
        return self.head(self.dropout(torch.cat(pooled, dim=1)))


class BiLSTMAttention(nn.Module):
    def __init__(self, cfg: Config = Config(arch="bilstm")):
        super().__init__()
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(cfg.embed_dim, cfg.hidden, batch_first=True, bidirectional=True)
        self.score = nn.Linear(2 * cfg.hidden, 1)  # attention: one score per position
        self.embed_dropout = nn.Dropout(cfg.embed_dropout)
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(2 * cfg.hidden, len(LABELS))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (N, T) token ids, 0 = padding -> logits (N, 2)."""
        return self.classify(self.embedding(ids), ids != 0)

    def classify(self, embedded: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        lengths = mask.sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embed_dropout(embedded), lengths, batch_first=True, enforce_sorted=False
        )
        states, _ = self.lstm(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(
            states, batch_first=True, total_length=mask.shape[1]
        )  # (N, T, 2H), zeros after each review's end
        scores = self.score(states).squeeze(-1).masked_fill(~mask, float("-inf"))
        pooled = (scores.softmax(1).unsqueeze(-1) * states).sum(1)
        return self.head(self.dropout(pooled))


def pad(ids: list[list[int]]) -> torch.Tensor:
    """A batch (N, longest) of id lists, right-padded with 0."""
    out = torch.zeros(len(ids), max(len(x) for x in ids), dtype=torch.long)
    for row, x in enumerate(ids):
        out[row, : len(x)] = torch.tensor(x)
    return out
