"""A Transformer encoder-decoder (Vaswani et al., 2017) and its decoding, for any text-to-text tab
(the translation net; the summarization net uses its encoder layers): multi-head attention,
sinusoidal positions, pre-norm layers (more stable to train than post-norm without a long
warm-up), tied embeddings, greedy and beam search with a length penalty and an optional guard
against degenerate repetition.

    net = Seq2Seq(vocab_size=8000, d_model=256, heads=4, encoder_layers=3, decoder_layers=3)
    logits = net(src, tgt_in)                        # (N, T, V), teacher forcing
    greedy(net, src, bos=2, eos=3, max_len=60)       # [[ids], ...] per source, eos cut
    beam_search(net, src, 2, 3, 60, beam=4, length_penalty=0.6)
    guard = RepetitionGuard(pieces)                  # pieces[i]: the text of token i
    beam_search(net, src, 2, 3, [12, 30], beam=4, guard=guard)   # a length cap per source

Token id `pad_id` (0 by default) pads every batch; masks are built from it.
"""

import math
import re
from collections.abc import Sequence

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


def _repeatable(char: str) -> bool:
    """Characters that repeat by right: digits (1000, 2000年) and the full stop (...)."""
    return char.isdigit() or char == "."


def _run(text: str, char: str) -> int:
    """How many times `char` starts `text` in a row."""
    return len(text) - len(text.lstrip(char))


class RepetitionGuard:
    """Which next tokens would make a decoded sequence degenerate, for greedy and beam search:

    - an n-gram of `no_repeat_ngram` tokens that the sequence already holds (0: no such rule);
    - the same token more than `max_run` times in a row;
    - the same character more than `max_run` times in a row in the decoded text (pieces "c" "c"
      "cc" spell "cccc" though no piece repeats), a piece whose own text has such a run too.

    `pieces[i]` is token i's text ("" for special tokens; sentencepiece's "▁" read as a space).
    Tokens made only of repeatable characters (digits, ".") are never banned: numbers repeat
    digits by right. A token for eos (text "") is never banned either.
    """

    def __init__(self, pieces: Sequence[str], no_repeat_ngram: int = 3, max_run: int = 2):
        self.no_repeat_ngram, self.max_run = no_repeat_ngram, max_run
        self.text = [p.replace("\u2581", " ") for p in pieces]
        self.exempt = [not t or all(_repeatable(c) for c in t) for t in self.text]
        long_run = re.compile(rf"([^\s\d.])\1{{{max_run}}}")  # a character over max_run times
        self.always = [i for i, t in enumerate(self.text) if long_run.search(t)]
        # The tokens that continue a run of character c already r long past max_run: by (c, r).
        self.continuing: dict[tuple[str, int], list[int]] = {}
        for i, t in enumerate(self.text):
            if t and not t[0].isspace() and not _repeatable(t[0]):
                for r in range(1, max_run + 1):
                    if r + _run(t, t[0]) > max_run:
                        self.continuing.setdefault((t[0], r), []).append(i)
        self._masks: dict[tuple, torch.Tensor] = {}

    def tail(self, row: list[int]) -> tuple[str, int]:
        """The decoded text's last character and how many times it ends the text (at most
        max_run)."""
        char, run = "", 0
        for token in reversed(row):
            text = self.text[token]
            if not text:
                continue
            if not char:
                char = text[-1]
            stripped = text.rstrip(char)
            run += len(text) - len(stripped)
            if stripped or run >= self.max_run:
                break
        return char, min(run, self.max_run)

    def banned(self, row: list[int]) -> list[int]:
        """The tokens that may not follow `row` (the ids decoded so far, no bos) by the
        n-gram and same-token rules (the character rule is `mask`'s), over the tokens that
        write something (special ones, like <unk>, leave no trace in the text)."""
        row = [t for t in row if self.text[t]]
        out, n = [], self.no_repeat_ngram
        if len(row) >= self.max_run and len(set(row[-self.max_run :])) == 1:
            out.append(row[-1])
        if n and len(row) >= n:
            prefix = row[len(row) - n + 1 :]
            out += [row[i + n - 1] for i in range(len(row) - n + 1) if row[i : i + n - 1] == prefix]
        return [t for t in out if not self.exempt[t]]

    def _char_mask(self, key: tuple, vocab: int, device: torch.device) -> torch.Tensor:
        if (key, vocab, device) not in self._masks:
            mask = torch.zeros(vocab, dtype=torch.bool)
            mask[self.always] = True
            mask[self.continuing.get(key, [])] = True
            self._masks[key, vocab, device] = mask.to(device)
        return self._masks[key, vocab, device]

    def mask(self, rows: list[list[int]], vocab: int, device: torch.device) -> torch.Tensor:
        """(len(rows), vocab) True where a token may not come next."""
        mask = torch.stack([self._char_mask(self.tail(row), vocab, device) for row in rows])
        pairs = [(r, t) for r, row in enumerate(rows) for t in self.banned(row)]
        if pairs:
            r, t = zip(*pairs, strict=True)
            mask[list(r), list(t)] = True
        return mask


def _caps(max_len: int | Sequence[int], n: int, net: Seq2Seq) -> list[int]:
    """The most tokens each of n sources may get: max_len (one for all, or one each), within
    the position table."""
    caps = [max_len] * n if isinstance(max_len, int) else list(max_len)
    if len(caps) != n:
        raise ValueError(f"{len(caps)} length caps for {n} sources")
    return [max(0, min(c, net.max_positions - 1)) for c in caps]


def _ban(logits: torch.Tensor, seqs: torch.Tensor, guard: RepetitionGuard | None) -> torch.Tensor:
    if guard is None:
        return logits
    mask = guard.mask(seqs[:, 1:].tolist(), logits.shape[-1], logits.device)
    return logits.masked_fill(mask, float("-inf"))


def _cut(ids: list[int], eos: int) -> list[int]:
    return ids[: ids.index(eos)] if eos in ids else ids


@torch.no_grad()
def greedy(
    net: Seq2Seq,
    src: torch.Tensor,
    bos: int,
    eos: int,
    max_len: int | Sequence[int],
    guard: RepetitionGuard | None = None,
) -> list[list[int]]:
    """The most likely next token at each step (of those `guard` allows), for each source
    (N, S), at most max_len tokens (one cap for all or one per source); ids without bos/eos."""
    caps = torch.tensor(_caps(max_len, src.shape[0], net), device=src.device)
    memory, mask = net.encode(src)
    caches = net.start(memory)
    out = torch.full((src.shape[0], 1), bos, dtype=torch.long, device=src.device)
    done = caps == 0
    for position in range(max(caps.tolist(), default=0)):
        logits = _ban(net.step(out[:, -1], position, caches, mask), out, guard)
        token = logits.argmax(-1).masked_fill(done | (position >= caps), eos)
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
    max_len: int | Sequence[int],
    beam: int = 4,
    length_penalty: float = 0.6,
    guard: RepetitionGuard | None = None,
) -> list[list[int]]:
    """Beam search for each source (N, S): `beam` live hypotheses per source; one that ends in
    eos is set aside with its length-normalised score, and the search of a source stops once it
    has `beam` of them or reaches its cap (max_len: one for all or one per source; the live
    hypotheses then end there). `guard` bans tokens that would repeat. With beam 1 this is
    greedy decoding. Ids without bos/eos."""
    n, k = src.shape[0], beam
    caps = _caps(max_len, n, net)
    memory, mask = net.encode(src)
    memory, mask = memory.repeat_interleave(k, 0), mask.repeat_interleave(k, 0)
    caches = net.start(memory)
    seqs = torch.full((n * k, 1), bos, dtype=torch.long, device=src.device)
    scores = torch.full((n, k), float("-inf"), device=src.device)
    scores[:, 0] = 0.0  # all beams start identical: keep one of them
    finished: list[list[tuple[float, list[int]]]] = [[] for _ in range(n)]
    active = [cap > 0 for cap in caps]
    for step in range(max(caps, default=0)):
        logp = net.step(seqs[:, -1], step, caches, mask).float().log_softmax(-1)  # (N*K, V)
        logp = _ban(logp, seqs, guard)
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
                if token == eos or step == caps[i] - 1:
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
            if step >= caps[i] - 1:
                active[i] = False
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
