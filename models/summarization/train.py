"""Train the summarization scorer on LCSTS (Chinese) and BBC News Summary (English) together.

    python -m models.train summarization                # CPU, one thread: see CARD.md
    python -m models.train summarization --resume       # continue an interrupted run
    python -m models.train summarization --dry-run      # one small batch per epoch (CI)

Recipe: every document is cut into sentences and tokens (models/summarization/data.py); the
sentence head learns the sentences of the reference (BBC's extractive summaries; for LCSTS the
greedy ROUGE oracle's), the token head the characters an LCSTS headline shares with its post
(longest common subsequence). Both binary cross-entropy, summed. Batches of similar lengths up
to a token budget; AdamW with a linear warm-up and cosine decay; gradient clipping. After each
epoch: ROUGE-1 of the summaries on LCSTS val and the BBC validation split; the weights with the
best mean are written at once, so a run stopped early leaves a usable model.
"""

import math
import random

import torch
import torch.nn.functional as F

from models.common.training import TrainRun, base_parser, recipe, start_training
from models.summarization.data import (
    Doc,
    bbc_splits,
    chunks,
    parse,
    read_lcsts,
    sentence_features,
    sentence_labels,
    token_labels,
)
from models.summarization.net import LANGS, Config, build_net
from models.summarization.predict import summarize_full
from models.summarization.rouge import mean_rouge, rouge

HYP = {
    "batch_tokens": 6144,  # padded tokens per batch (about 60 LCSTS posts or 6 BBC articles)
    "warmup_steps": 200,  # linear warm-up to --lr, then cosine decay to 5 % of it
    "weight_decay": 0.01,
    "clip_norm": 1.0,
    "token_loss_weight": 1.0,  # the token head's loss against the sentence head's
    "val_lcsts": 1000,  # LCSTS val posts summarised after each epoch
}


def get_lr(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))


def make_examples(docs: list[Doc], cfg: Config) -> list[dict]:
    """One example per chunk: its ids, each sentence's label and (LCSTS) each token's."""
    out = []
    for doc in docs:
        parsed = parse(doc.text)
        if not parsed.tokens:
            continue
        sent = sentence_labels(doc, parsed)
        tok = token_labels(parsed, doc.summary) if doc.gold is None else None
        features = sentence_features(parsed, doc.lang)
        for c in chunks(parsed, cfg.buckets, cfg.max_tokens, features, cfg.max_sentences):
            out.append(
                {
                    "tokens": c.tokens,
                    "bigrams": c.bigrams,
                    "sentence": c.sentence,
                    "lang": LANGS.index(doc.lang),
                    "features": c.features,
                    "token_features": c.token_features,
                    "sentence_labels": sent[c.first_sentence : c.first_sentence + c.n_sentences],
                    "token_labels": [tok[i] for i in c.token_index]
                    if tok
                    else [-1] * len(c.tokens),
                }
            )
    return out


def make_batches(examples: list[dict], budget: int) -> list[list[int]]:
    """Examples sorted by length, cut into batches of at most `budget` padded tokens: the same
    batches every epoch (only their order changes), so a resumed run finds its place."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]["tokens"]))
    batches, current = [], []
    for i in order:
        width = len(examples[i]["tokens"])
        if current and width * (len(current) + 1) > budget:
            batches.append(current)
            current = []
        current.append(i)
    return batches + [current] if current else batches


def collate(examples: list[dict]) -> dict[str, torch.Tensor]:
    n, width = len(examples), max(len(e["tokens"]) for e in examples)
    n_sent = max(len(e["sentence_labels"]) for e in examples)
    batch = {
        "tokens": torch.zeros(n, width, dtype=torch.long),
        "bigrams": torch.zeros(n, width, dtype=torch.long),
        "sentence": torch.full((n, width), -1, dtype=torch.long),
        "token_labels": torch.full((n, width), -1.0),
        "sentence_labels": torch.full((n, n_sent), -1.0),
        "lang": torch.tensor([e["lang"] for e in examples]),
        "features": torch.zeros(n, n_sent, len(examples[0]["features"][0])),
        "token_features": torch.zeros(n, width, len(examples[0]["token_features"][0])),
    }
    for j, e in enumerate(examples):
        t = len(e["tokens"])
        for key in ("tokens", "bigrams", "sentence", "token_labels"):
            batch[key][j, :t] = torch.tensor(e[key], dtype=batch[key].dtype)
        batch["features"][j, : len(e["features"])] = torch.tensor(e["features"])
        batch["token_features"][j, :t] = torch.tensor(e["token_features"])
        batch["sentence_labels"][j, : len(e["sentence_labels"])] = torch.tensor(
            e["sentence_labels"], dtype=torch.float
        )
    return batch


def masked_bce(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    mask = labels >= 0
    if not mask.any():
        return logits.sum() * 0.0
    return F.binary_cross_entropy_with_logits(logits[mask], labels[mask])


def loss_of(net, batch: dict, device: torch.device) -> torch.Tensor:
    b = {k: v.to(device) for k, v in batch.items()}
    token_logits, sentence_logits = net(
        b["tokens"], b["bigrams"], b["sentence"], b["lang"], b["features"], b["token_features"]
    )
    return masked_bce(sentence_logits, b["sentence_labels"]) + HYP[
        "token_loss_weight"
    ] * masked_bce(token_logits, b["token_labels"])


@torch.no_grad()
def validation_rouge(net, docs: list[Doc]) -> dict[str, float]:
    """Mean ROUGE F1 of the trained method's summaries (usual length) against the references."""
    net.eval()
    rows = [
        rouge(summarize_full(d.text, 0, "trained", net=net).text, d.summary, d.lang) for d in docs
    ]
    return mean_rouge(rows)


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("summarization", epochs=12, lr=1e-3, batch_size=None, config=Config)
    args = parser.parse_args(argv)
    ddp, device = start_training(args)
    if ddp.enabled:
        raise SystemExit("run the summarization model's training without torchrun")
    cfg: Config = args.config

    lcsts_train = read_lcsts(args.data_dir, "train")
    lcsts_val = read_lcsts(args.data_dir, "val")[: HYP["val_lcsts"]]
    bbc = bbc_splits(args.data_dir)
    if args.dry_run:
        lcsts_train, lcsts_val = lcsts_train[:64], lcsts_val[:10]
        bbc = {"train": bbc["train"][:8], "val": bbc["val"][:4]}
    train = make_examples(lcsts_train + bbc["train"], cfg)
    batches = make_batches(train, HYP["batch_tokens"])
    steps_per_epoch = 1 if args.dry_run else len(batches)
    total_steps = max(1, round(args.epochs * steps_per_epoch))
    print(
        f"{len(train)} training chunks in {len(batches)} batches; {total_steps} steps", flush=True
    )

    net = build_net(cfg).to(device)
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=HYP["weight_decay"])
    run = TrainRun(args, total_steps, ddp, model=net, optimizer=optimizer)
    while run.step < total_steps:
        epoch = run.step // steps_per_epoch
        order = list(range(len(batches)))
        random.Random(args.seed * 100_003 + epoch).shuffle(order)
        # (a checkpoint is written at each epoch's end only: a resumed run starts an epoch)
        for i in run.epoch_steps(steps_per_epoch):
            net.train()
            for group in optimizer.param_groups:
                group["lr"] = get_lr(run.step, total_steps, args.lr, HYP["warmup_steps"])
            loss = loss_of(net, collate([train[j] for j in batches[order[i]]]), device)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), HYP["clip_norm"])
            optimizer.step()
            run.took_step(loss.item())
        zh, en = validation_rouge(net, lcsts_val), validation_rouge(net, bbc["val"])
        train_loss = run.train_loss()
        score = (zh["rouge1"] + en["rouge1"]) / 2
        print(
            f"epoch {run.step / steps_per_epoch:.2f}: train loss {train_loss:.4f}, LCSTS val "
            f"R1/R2/RL {zh['rouge1']:.4f}/{zh['rouge2']:.4f}/{zh['rougeL']:.4f}, BBC val "
            f"{en['rouge1']:.4f}/{en['rouge2']:.4f}/{en['rougeL']:.4f} ({run.elapsed:.0f} s)",
            flush=True,
        )
        path = run.save_if_best(
            score,
            net.state_dict(),
            recipe(args, HYP, epochs=round(run.step / steps_per_epoch, 2), steps=run.step),
            cfg.to_dict(),
            val_lcsts_rouge1=zh["rouge1"],
            val_bbc_rouge1=en["rouge1"],
        )
        if path:
            print(f"wrote {path} (best so far)", flush=True)
        run.end_epoch(
            run.step / steps_per_epoch,
            train_loss=train_loss,
            val_lcsts_rouge1=zh["rouge1"],
            val_lcsts_rouge2=zh["rouge2"],
            val_bbc_rouge1=en["rouge1"],
            val_bbc_rouge2=en["rouge2"],
            lr=optimizer.param_groups[0]["lr"],
        )
    print(f"done: best mean validation ROUGE-1 {run.extra['best_score']:.4f}")


if __name__ == "__main__":
    main()
