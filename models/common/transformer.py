"""A Transformer encoder-decoder (Vaswani et al., 2017) and its decoding, for any text-to-text tab
(translation now, summarization next): multi-head attention, sinusoidal positions, pre-norm
layers (more stable to train than post-norm without a long warm-up), tied embeddings, greedy and
beam search with a length penalty.

    net = Seq2Seq(vocab_size=8000, d_model=256, heads=4, encoder_layers=3, decoder_layers=3)
    logits = net(src, tgt_in)                        # (N, T, V), teacher forcing
    greedy(net, src, bos=2, eos=3, max_len=60)       # [[ids], ...] per source, eos cut
    beam_search(net, src, 2, 3, 60, beam=4, length_penalty=0.6)

Token id `pad_id` (0 by default) pads every batch; masks are built from it.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


def sinusoidal_positions(length: int, dim: int) -> torch.Tensor:
    """(length, dim): sin on even features, cos on odd, wavelengths 2π to 10000·2π."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(position * freq)
    table[:, 1::2] = torch.cos(position * freq)
    return table


def padding_mask(ids: torch.Tensor, pad_id: int = 0) -> torch.Tensor:
    """(N, 1, 1, S) True where a key may be attended to (not padding)."""
    return (ids != pad_id)[:, None, None, :]


def causal_mask(length: int, device: torch.device | None = None) -> torch.Tensor:
    """(1, 1, T, T) True where query i may see key j (j <= i)."""
    return torch.ones(length, length, dtype=torch.bool, device=device).tril()[None, None]


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model: int, heads: int, dropout: float = 0.0):
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model {d_model} is not a multiple of heads {heads}")
        self.heads, self.dropout = heads, dropout
        self.q = nn.Linear(d_model, d_model)
        self.kv = nn.Linear(d_model, 2 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def keys_values(self, memory: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Keys and values (N, H, S, D/H) of memory (N, S, D): computed once per source when
        decoding step by step."""
        n, s, _ = memory.shape
        k, v = self.kv(memory).view(n, s, 2, self.heads, -1).unbind(2)
        return k.transpose(1, 2), v.transpose(1, 2)

    def attend(
        self,
        x: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        mask: torch.Tensor | None,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Queries from x (N, T, D) over keys and values (N, H, S, D/H); `mask` broadcasts to
        (N, H, T, S), True = may attend (None: all). Returns the output and, if asked, the
        weights (N, H, T, S)."""
        n, t, d = x.shape
        q = self.q(x).view(n, t, self.heads, -1).transpose(1, 2)
        if not need_weights:
            p = self.dropout if self.training else 0.0
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
            weights = None
        else:
            scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            if mask is not None:
                scores = scores.masked_fill(~mask, float("-inf"))
            weights = scores.softmax(-1)
            y = F.dropout(weights, self.dropout, self.training) @ v
        return self.out(y.transpose(1, 2).reshape(n, t, d)), weights

    def forward(
        self,
        x: torch.Tensor,
        memory: torch.Tensor,
        mask: torch.Tensor | None,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Queries from x (N, T, D), keys and values from memory (N, S, D)."""
        return self.attend(x, *self.keys_values(memory), mask, need_weights)


class FeedForward(nn.Sequential):
    def __init__(self, d_model: int, ff: int, dropout: float):
        super().__init__(
            nn.Linear(d_model, ff), nn.ReLU(), nn.Dropout(dropout), nn.Linear(ff, d_model)
        )


class EncoderLayer(nn.Module):
    """Pre-norm: x + Attn(LN(x)), then x + FF(LN(x))."""

    def __init__(self, d_model: int, heads: int, ff: int, dropout: float):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, heads, dropout)
        self.ff = FeedForward(d_model, ff, dropout)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.drop(self.attn(h, h, mask)[0])
        return x + self.drop(self.ff(self.norm2(x)))


class DecoderLayer(nn.Module):
    """Pre-norm masked self-attention, cross-attention over the encoder's output, feed-forward."""

    def __init__(self, d_model: int, heads: int, ff: int, dropout: float):
        super().__init__()
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(d_model) for _ in range(3))
        self.self_attn = MultiHeadAttention(d_model, heads, dropout)
        self.cross_attn = MultiHeadAttention(d_model, heads, dropout)
        self.ff = FeedForward(d_model, ff, dropout)
        self.drop = nn.Dropout(dropout)

    def forward(
        self,
        x: torch.Tensor,
        memory: torch.Tensor,
        self_mask: torch.Tensor,
        memory_mask: torch.Tensor,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        h = self.norm1(x)
        x = x + self.drop(self.self_attn(h, h, self_mask)[0])
        y, weights = self.cross_attn(self.norm2(x), memory, memory_mask, need_weights)
        x = x + self.drop(y)
        return x + self.drop(self.ff(self.norm3(x))), weights

    def step(self, x: torch.Tensor, cache: dict, memory_mask: torch.Tensor) -> torch.Tensor:
        """One new position x (N, 1, D), given `cache`: the keys and values of the positions
        before it (extended here) and of the memory (from `start`)."""
        h = self.norm1(x)
        k, v = self.self_attn.keys_values(h)
        if "k" in cache:
            k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
        cache["k"], cache["v"] = k, v
        x = x + self.self_attn.attend(h, k, v, None)[0]  # (every earlier position is visible)
        x = x + self.cross_attn.attend(self.norm2(x), cache["mk"], cache["mv"], memory_mask)[0]
        return x + self.ff(self.norm3(x))


class Seq2Seq(nn.Module):
    """Encoder-decoder over one shared vocabulary; the input embedding, the decoder's embedding
    and the output projection are one matrix (tied: Press & Wolf, 2017)."""

    def __init__(
        self,
        vocab_size: int,
        d_model: int = 256,
        heads: int = 4,
        encoder_layers: int = 3,
        decoder_layers: int = 3,
        ff: int = 1024,
        dropout: float = 0.1,
        max_positions: int = 256,
        pad_id: int = 0,
    ):
        super().__init__()
        self.pad_id, self.d_model = pad_id, d_model
        self.embedding = nn.Embedding(vocab_size, d_model, padding_idx=pad_id)
        nn.init.normal_(self.embedding.weight, std=d_model**-0.5)
        self.register_buffer(
            "positions", sinusoidal_positions(max_positions, d_model), persistent=False
        )
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.ModuleList(
            EncoderLayer(d_model, heads, ff, dropout) for _ in range(encoder_layers)
        )
        self.decoder = nn.ModuleList(
            DecoderLayer(d_model, heads, ff, dropout) for _ in range(decoder_layers)
        )
        self.encoder_norm, self.decoder_norm = nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    @property
    def max_positions(self) -> int:
        return self.positions.shape[0]

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embedding(ids) * math.sqrt(self.d_model)
        return self.drop(x + self.positions[: ids.shape[1]].to(x.dtype))

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(memory (N, S, D), its padding mask (N, 1, 1, S))."""
        mask = padding_mask(src, self.pad_id)
        x = self.embed(src)
        for layer in self.encoder:
            x = layer(x, mask)
        return self.encoder_norm(x), mask

    def decode(
        self,
        tgt: torch.Tensor,
        memory: torch.Tensor,
        memory_mask: torch.Tensor,
        need_weights: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits (N, T, V) for every prefix of tgt (N, T); with `need_weights`, also the last
        layer's cross-attention averaged over heads (N, T, S)."""
        self_mask = causal_mask(tgt.shape[1], tgt.device)
        x, weights = self.embed(tgt), None
        for i, layer in enumerate(self.decoder):
            last = need_weights and i == len(self.decoder) - 1
            x, weights = layer(x, memory, self_mask, memory_mask, last)
        logits = self.decoder_norm(x) @ self.embedding.weight.T
        return logits, (weights.mean(1) if weights is not None else None)

    def forward(self, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        memory, mask = self.encode(src)
        return self.decode(tgt, memory, mask)[0]

    def start(self, memory: torch.Tensor) -> list[dict]:
        """The decoding cache of step-by-step decoding: per decoder layer, the memory's keys
        and values now, the decoded positions' as they come."""
        caches = []
        for layer in self.decoder:
            mk, mv = layer.cross_attn.keys_values(memory)
            caches.append({"mk": mk, "mv": mv})
        return caches

    def step(
        self, tokens: torch.Tensor, position: int, caches: list[dict], memory_mask: torch.Tensor
    ) -> torch.Tensor:
        """Next-token logits (N, V) after `tokens` (N,) at `position`: the same as the last row
        of `decode` over the whole prefix, in time linear in its length (eval mode)."""
        x = self.embedding(tokens[:, None]) * math.sqrt(self.d_model)
        x = x + self.positions[position].to(x.dtype)
        for layer, cache in zip(self.decoder, caches, strict=True):
            x = layer.step(x, cache, memory_mask)
        return (self.decoder_norm(x) @ self.embedding.weight.T)[:, 0]


def smoothed_loss(
    logits: torch.Tensor, target: torch.Tensor, smoothing: float, pad_id: int = 0
) -> torch.Tensor:
    """Label-smoothed cross-entropy, mean over non-padding target tokens."""
    return F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]).float(),
        target.reshape(-1),
        ignore_index=pad_id,
        label_smoothing=smoothing,
    )


def _cut(ids: list[int], eos: int) -> list[int]:
    return ids[: ids.index(eos)] if eos in ids else ids


@torch.no_grad()
def greedy(net: Seq2Seq, src: torch.Tensor, bos: int, eos: int, max_len: int) -> list[list[int]]:
    """The most likely next token at each step, for each source (N, S); ids without bos/eos."""
    memory, mask = net.encode(src)
    caches = net.start(memory)
    out = torch.full((src.shape[0], 1), bos, dtype=torch.long, device=src.device)
    done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
    for position in range(min(max_len, net.max_positions - 1)):
        logits = net.step(out[:, -1], position, caches, mask)
        token = logits.argmax(-1).masked_fill(done, eos)
        out = torch.cat([out, token[:, None]], 1)
        done |= token == eos
        if done.all():
            break
    return [_cut(row, eos) for row in out[:, 1:].tolist()]


def length_normalised(score: float, length: int, alpha: float) -> float:
    """GNMT's length penalty (Wu et al., 2016): log-probability / ((5 + length) / 6) ** alpha."""
    return score / ((5 + length) / 6) ** alpha


@torch.no_grad()
def beam_search(
    net: Seq2Seq,
    src: torch.Tensor,
    bos: int,
    eos: int,
    max_len: int,
    beam: int = 4,
    length_penalty: float = 0.6,
) -> list[list[int]]:
    """Beam search for each source (N, S): `beam` live hypotheses per source; one that ends in
    eos is set aside with its length-normalised score, and the search of a source stops once it
    has `beam` of them. With beam 1 this is greedy decoding. Ids without bos/eos."""
    n, k = src.shape[0], beam
    memory, mask = net.encode(src)
    memory, mask = memory.repeat_interleave(k, 0), mask.repeat_interleave(k, 0)
    caches = net.start(memory)
    seqs = torch.full((n * k, 1), bos, dtype=torch.long, device=src.device)
    scores = torch.full((n, k), float("-inf"), device=src.device)
    scores[:, 0] = 0.0  # all beams start identical: keep one of them
    finished: list[list[tuple[float, list[int]]]] = [[] for _ in range(n)]
    active = [True] * n
    steps = min(max_len, net.max_positions - 1)
    for step in range(steps):
        logp = net.step(seqs[:, -1], step, caches, mask).float().log_softmax(-1)  # (N*K, V)
        vocab = logp.shape[-1]
        total = (scores[:, :, None] + logp.view(n, k, vocab)).view(n, -1)
        top, index = total.topk(min(2 * k, total.shape[1]), dim=1)  # (N, 2K)
        new_scores = torch.full((n, k), float("-inf"), device=src.device)
        new_rows = torch.zeros(n, k, dtype=torch.long, device=src.device)
        new_tokens = torch.full((n, k), eos, dtype=torch.long, device=src.device)
        top_l, index_l = top.tolist(), index.tolist()
        for i in range(n):
            filled = 0
            for score, flat in zip(top_l[i], index_l[i], strict=True):
                if not active[i] or score == float("-inf"):
                    break
                row, token = divmod(flat, vocab)
                if token == eos or step == steps - 1:
                    ids = seqs[i * k + row, 1:].tolist() + ([] if token == eos else [token])
                    finished[i].append(
                        (length_normalised(score, len(ids) + 1, length_penalty), ids)
                    )
                    if len(finished[i]) >= k:
                        active[i] = False
                        break
                    continue
                new_scores[i, filled], new_rows[i, filled], new_tokens[i, filled] = (
                    score,
                    row,
                    token,
                )
                filled += 1
                if filled == k:
                    break
        if not any(active):
            break
        rows = (torch.arange(n, device=src.device)[:, None] * k + new_rows).view(-1)
        seqs = torch.cat([seqs[rows], new_tokens.view(-1, 1)], 1)
        for cache in caches:  # each beam continues the history of the row it extends
            cache["k"], cache["v"] = cache["k"][rows], cache["v"][rows]
        scores = new_scores
    results = []
    for i in range(n):
        if not finished[i]:  # (max_len 0) nothing decoded
            results.append([])
            continue
        results.append(max(finished[i], key=lambda item: item[0])[1])
    return results
