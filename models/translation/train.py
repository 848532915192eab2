"""Train the translation Transformer (both directions, one model) on Tatoeba + UM-Corpus.

    python -m models.train translation                 # CPU: see CARD.md for the time
    python -m models.train translation --resume        # continue an interrupted run
    python -m models.train translation --dry-run       # one small batch per epoch (CI)

Recipe: a sentencepiece unigram vocabulary trained on the training split's English and Chinese
text; every pair gives two examples (zh→en and en→zh, the source tagged with the target
language); batches of similar lengths; Adam with a linear warm-up then inverse-square-root decay;
label smoothing 0.1; gradient clipping. Each evaluation (`--evals-per-epoch` times an epoch)
logs the validation loss and a quick greedy BLEU on a few hundred validation sentences; the
weights of the best mean BLEU so far are written at once, so a run stopped early leaves a
usable model.
"""

import dataclasses
import math
import random

import torch

from models.common.paths import artefact
from models.common.training import TrainRun, base_parser, recipe, start_training
from models.common.transformer import smoothed_loss
from models.translation.data import Pair, Tokenizer, make_splits, train_tokenizer
from models.translation.net import EOS, PAD, Config, build_net
from models.translation.predict import TOKENIZER, translate_batch

HYP = {
    "label_smoothing": 0.1,
    "warmup_steps": 800,  # linear warm-up to --lr, then lr * sqrt(warmup / step)
    "adam_betas": (0.9, 0.98),
    "weight_decay": 0.0,
    "clip_norm": 1.0,
    "max_pieces": 40,  # per side, tag/bos/eos included: longer training pairs are dropped
    "val_bleu_sentences": 200,  # per direction, greedy, for the quick validation BLEU
    "with_um": True,  # add the UM-Corpus microblog sample to training
}


def get_lr(step: int, peak: float, warmup: int) -> float:
    step = step + 1
    return peak * min(step / warmup, math.sqrt(warmup / step))


def make_examples(pairs: list[Pair], tok: Tokenizer, max_len: int) -> list[tuple[list, list]]:
    """(source ids, target ids) in both directions; pairs longer than max_len are dropped."""
    out = []
    for p in pairs:
        en, zh = tok.ids(p.en), tok.ids(p.zh)
        if max(len(en), len(zh)) + 2 > max_len:
            continue
        out.append(([tok.tags["en"], *zh, EOS], [2, *en, EOS]))
        out.append(([tok.tags["zh"], *en, EOS], [2, *zh, EOS]))
    return out


def epoch_batches(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """The batches of one epoch: shuffled, sorted by length within pools of 50 batches (less
    padding), the batch order shuffled; the same seed gives the same batches (resume)."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool, batches = 50 * batch_size, []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lengths.__getitem__)
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    batches = [b for b in batches if len(b) == batch_size] or batches[:1]
    rng.shuffle(batches)
    return batches


def pad(rows: list[list[int]]) -> torch.Tensor:
    out = torch.full((len(rows), max(map(len, rows))), PAD, dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row)
    return out


def collate(examples: list[tuple[list, list]]) -> tuple[torch.Tensor, ...]:
    """(source, decoder input, decoder target), padded."""
    src = pad([s for s, _ in examples])
    tgt = pad([t for _, t in examples])
    return src, tgt[:, :-1], tgt[:, 1:]


@torch.no_grad()
def validation_loss(net, examples, device, smoothing: float, bs: int = 128) -> float:
    net.eval()
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]))
    total = count = 0.0
    for i in range(0, len(order), bs):
        src, tgt_in, tgt_out = collate([examples[j] for j in order[i : i + bs]])
        logits = net(src.to(device), tgt_in.to(device))
        n = (tgt_out != PAD).sum().item()
        total += smoothed_loss(logits, tgt_out.to(device), smoothing).item() * n
        count += n
    return total / max(count, 1)


def quick_bleu(net, tok: Tokenizer, pairs: list[Pair]) -> dict[str, float]:
    """Greedy BLEU both ways on `pairs` (sacrebleu: 13a for English, zh for Chinese)."""
    import sacrebleu

    net.eval()
    en = translate_batch(net, tok, [p.zh for p in pairs], "en", beam=1)
    zh = translate_batch(net, tok, [p.en for p in pairs], "zh", beam=1)
    return {
        "val_bleu_zh_en": sacrebleu.corpus_bleu(en, [[p.en for p in pairs]]).score,
        "val_bleu_en_zh": sacrebleu.corpus_bleu(zh, [[p.zh for p in pairs]], tokenize="zh").score,
    }


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("translation", epochs=30, lr=1e-3, batch_size=64, config=Config)
    parser.add_argument(
        "--evals-per-epoch", type=int, default=2, help="validation passes per epoch"
    )
    args = parser.parse_args(argv)
    ddp, device = start_training(args)
    if ddp.enabled:
        raise SystemExit("run the translation model's training without torchrun")

    splits = make_splits(args.data_dir, with_um=HYP["with_um"])
    if args.dry_run:
        splits = {"train": splits["train"][:300], "val": splits["val"][:20], "test": []}
    cfg: Config = args.config
    spm_path = artefact(args.out, args.variant, TOKENIZER)
    if not (args.resume and spm_path.is_file()):
        train_tokenizer(splits["train"], spm_path, cfg.vocab_size)
    tok = Tokenizer(spm_path)
    cfg = dataclasses.replace(cfg, vocab_size=len(tok))  # (smaller data may give fewer pieces)
    print(f"tokenizer {spm_path}: {len(tok)} pieces")

    max_len = HYP["max_pieces"]
    train = make_examples(splits["train"], tok, max_len)
    val = make_examples(splits["val"], tok, max_len)
    bleu_pairs = splits["val"][: HYP["val_bleu_sentences"]]
    lengths = [len(s) + len(t) for s, t in train]
    steps_per_epoch = 1 if args.dry_run else len(train) // args.batch_size
    total_steps = max(1, round(args.epochs * steps_per_epoch))
    eval_every = max(1, steps_per_epoch // max(1, args.evals_per_epoch))
    print(f"{len(train)} training examples, {len(val)} validation, {steps_per_epoch} steps/epoch")

    net = build_net(cfg).to(device)
    optimizer = torch.optim.Adam(
        net.parameters(), lr=args.lr, betas=HYP["adam_betas"], weight_decay=HYP["weight_decay"]
    )
    run = TrainRun(args, total_steps, ddp, model=net, optimizer=optimizer)
    smoothing = HYP["label_smoothing"]
    while run.step < total_steps:
        epoch = run.step // steps_per_epoch
        batches = epoch_batches(lengths, args.batch_size, args.seed * 100_003 + epoch)
        for i, batch in enumerate(batches[:steps_per_epoch]):
            if epoch * steps_per_epoch + i < run.step:
                continue  # done before the interruption
            if run.step >= total_steps:
                break
            net.train()
            for group in optimizer.param_groups:
                group["lr"] = get_lr(run.step, args.lr, HYP["warmup_steps"])
            src, tgt_in, tgt_out = collate([train[j] for j in batch])
            logits = net(src.to(device), tgt_in.to(device))
            loss = smoothed_loss(logits, tgt_out.to(device), smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), HYP["clip_norm"])
            optimizer.step()
            run.took_step(loss.item())
            if run.step % eval_every and run.step != total_steps:
                continue
            val_loss = validation_loss(net, val, device, smoothing)
            bleu = quick_bleu(net, tok, bleu_pairs)
            val_bleu = (bleu["val_bleu_zh_en"] + bleu["val_bleu_en_zh"]) / 2
            train_loss = run.train_loss()  # the mean since the last evaluation:
            run.loss_sum, run.loss_count = 0.0, 0  # (an epoch has evals_per_epoch of them)
            lr = optimizer.param_groups[0]["lr"]
            print(
                f"epoch {run.step / steps_per_epoch:.2f}: train loss {train_loss:.3f}, val loss "
                f"{val_loss:.3f}, val BLEU zh→en {bleu['val_bleu_zh_en']:.1f} en→zh "
                f"{bleu['val_bleu_en_zh']:.1f} ({run.elapsed:.0f} s)",
                flush=True,
            )
            path = run.save_if_best(
                val_bleu,
                net.state_dict(),
                recipe(args, HYP, epochs=round(run.step / steps_per_epoch, 2), steps=run.step),
                cfg.to_dict(),
                val_loss=val_loss,
                val_bleu=val_bleu,
                **bleu,
            )
            if path:
                print(f"wrote {path} (best so far)", flush=True)
            run.end_epoch(
                run.step / steps_per_epoch,
                train_loss=train_loss,
                val_loss=val_loss,
                val_bleu=val_bleu,
                lr=lr,
                **bleu,
            )
    print(f"done: best validation BLEU (mean of both directions) {run.extra['best_score']:.2f}")


if __name__ == "__main__":
    main()
