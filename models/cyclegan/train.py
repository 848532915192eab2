"""Train a CycleGAN (both directions of one pair) on unpaired photos.

    python -m models.train cyclegan --pair apple2orange --threads 1          # see CARD.md
    python -m models.train cyclegan --pair apple2orange --threads 1 --resume # continue

The recipe is the paper's (LSGAN, cycle loss lambda=10, identity loss 0.5 lambda, a 50-image
pool, Adam 2e-4 beta1 0.5, constant then linearly decayed learning rate) at the reduced size
this 2-core CPU allows: see HYP and Config. An "epoch" here is EPOCH_IMAGES random images of
each domain (the sets hold ~1000 each). One run writes two weights files, `<A>2<B>` (G_A) and
`<B>2<A>` (G_B), after every epoch (the last epoch's weights ship: a GAN has no validation loss
to pick an epoch by), and the pair's training log `<pair>.log.jsonl` (for both directions).

Two options make a short CPU run go further (both on the card when used):
- `--init DIR`: start both generators from the `<direction>.safetensors` files in DIR (an
  earlier run's): every tensor whose name and shape fit is copied; a transposed conv's kernel
  seeds the resize-conv that replaces it (transposed and flipped: the same taps on the
  upsampled grid; the instance norm after it removes the scale that differs).
- `--teacher FILE`: a frozen A->B generator (GAN Compression's horse->zebra, a .pth or its
  converted .safetensors). Its outputs on the training photos of domain A, computed once, pair
  each of them with a translation: G_B learns to map them back (the cycle A->B->A with the
  teacher in G_A's place) and G_A to match them, both with L1 weight HYP["lambda_teacher"].
"""

import itertools
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from models.common.paths import LOG, WEIGHTS, artefact
from models.common.training import TrainRun, base_parser, recipe, start_training, training_meta
from models.common.weights import load_weights, save_weights
from models.cyclegan.data import PAIRS, cached_domain
from models.cyclegan.net import (
    Config,
    Discriminator,
    Generator,
    ImagePool,
    ResizeConv,
    gan_loss,
    init_weights,
)

HYP = {
    "epoch_images": 500,  # images of each domain per epoch (random order, with replacement of epochs)
    "crop": 96,  # random crops of the cached 192 px images (official: 256 of 286)
    "flip": True,  # random horizontal flips
    "ndf": 32,  # discriminator width (official: 64); PatchGAN with 3 layers (70x70 patches)
    "lambda_cycle": 10.0,  # weight of the cycle-consistency L1
    "lambda_identity": 0.5,  # identity L1 weight, as a fraction of lambda_cycle
    "pool_size": 50,  # history of generated images shown to the discriminators
    "beta1": 0.5,  # Adam
    "decay_from": 0.5,  # fraction of the steps at constant lr; then linear decay to 0
    "lambda_teacher": 10.0,  # L1 weight of the teacher's pairs (only with --teacher)
}


def lr_factor(step: int, total: int, decay_from: float) -> float:
    """1 for the first `decay_from` of the steps, then linearly down to 0 at `total`."""
    start = int(total * decay_from)
    if step < start:
        return 1.0
    return max(0.0, 1.0 - (step - start) / max(1, total - start))


def batch(
    images: list[torch.Tensor], idx: torch.Tensor, crop: int, flip: bool
) -> list[torch.Tensor]:
    """The same random crops (and flips) of each uint8 tensor in `images` (aligned: photos
    and their teacher translations), as floats in [-1, 1]."""
    out: list[list[torch.Tensor]] = [[] for _ in images]
    side = images[0].shape[-1]
    for i in idx.tolist():
        y, x = torch.randint(0, side - crop + 1, (2,)).tolist()
        flipped = flip and bool(torch.rand(()) < 0.5)
        for k, tensor in enumerate(images):
            img = tensor[i, :, y : y + crop, x : x + crop]
            out[k].append(img.flip(-1) if flipped else img)
    return [torch.stack(group).float() / 127.5 - 1 for group in out]


def init_from(net: Generator, path: Path) -> list[str]:
    """Copy the tensors of an earlier run's weights file that fit `net` (names and shapes); a
    transposed conv's kernel (in, out, k, k) seeds the ResizeConv in its place as the conv
    kernel (out, in, k, k) with the same taps, flipped. Returns the names copied."""
    state, _ = load_weights(path)
    own = net.state_dict()
    for name, module in net.named_modules():
        old = state.get(f"{name}.weight")
        if isinstance(module, ResizeConv) and old is not None and old.dim() == 4:
            state[f"{name}.conv.weight"] = old.transpose(0, 1).flip(2, 3)
            state[f"{name}.conv.bias"] = state[f"{name}.bias"]
    fits = {k: v for k, v in state.items() if k in own and v.shape == own[k].shape}
    net.load_state_dict(fits, strict=False)
    return sorted(fits)


@torch.no_grad()
def teacher_outputs(path: Path, photos: torch.Tensor, cache: Path) -> torch.Tensor:
    """The frozen teacher's translations of `photos` (uint8, (N, 3, S, S)), cached as uint8."""
    from models.cyclegan.compressed import load_any

    if cache.is_file():
        return torch.load(cache, weights_only=True)
    teacher = load_any(path).eval()
    out = torch.empty_like(photos)
    for i in tqdm(range(0, len(photos), 8), desc="teacher"):
        y = teacher(photos[i : i + 8].float() / 127.5 - 1)
        out[i : i + 8] = ((y.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    cache.parent.mkdir(parents=True, exist_ok=True)
    torch.save(out, cache)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("cyclegan", epochs=10, lr=2e-4, batch_size=4, config=Config)
    parser.add_argument("--pair", default="apple2orange", choices=sorted(PAIRS))
    parser.add_argument("--cache-dir", default="checkpoints", help="decoded training images")
    parser.add_argument("--init", type=Path, default=None, help="folder of weights to start from")
    parser.add_argument("--teacher", type=Path, default=None, help="frozen A->B generator file")
    args = parser.parse_args(argv)
    if args.variant == "default":  # the run is named after its pair: apple2orange.log.jsonl
        args.variant = args.pair
        if args.checkpoint.name in ("cyclegan.pt", "cyclegan-dry-run.pt"):
            suffix = "-dry-run" if args.dry_run else ""
            args.checkpoint = args.checkpoint.with_name(f"cyclegan-{args.pair}{suffix}.pt")
    _, device = start_training(args)
    cfg: Config = args.config
    a_name, b_name = PAIRS[args.pair]

    domain_a = cached_domain(args.data_dir, args.pair, "train", "A", args.cache_dir)
    domain_b = cached_domain(args.data_dir, args.pair, "train", "B", args.cache_dir)
    taught = None  # the teacher's translations of domain A, aligned with it
    if args.teacher is not None:
        cache = Path(args.cache_dir) / f"cyclegan_{args.pair}_teacher_{args.teacher.stem}.pt"
        taught = teacher_outputs(args.teacher, domain_a, cache)
    steps_per_epoch = 1 if args.dry_run else HYP["epoch_images"] // args.batch_size
    total_steps = max(1, round(args.epochs * steps_per_epoch))

    g_a, g_b = Generator(cfg), Generator(cfg)  # G_A: A -> B, G_B: B -> A
    d_a, d_b = Discriminator(ndf=HYP["ndf"]), Discriminator(ndf=HYP["ndf"])  # D_A judges B
    for net in (g_a, g_b, d_a, d_b):
        init_weights(net)
    if args.init is not None:
        for net, direction in ((g_a, f"{a_name}2{b_name}"), (g_b, f"{b_name}2{a_name}")):
            copied = init_from(net, args.init / f"{direction}.safetensors")
            print(f"{direction}: {len(copied)} of {len(net.state_dict())} tensors from {args.init}")
    for net in (g_a, g_b, d_a, d_b):
        net.to(device).train()
    betas = (HYP["beta1"], 0.999)
    opt_g = torch.optim.Adam(
        itertools.chain(g_a.parameters(), g_b.parameters()), args.lr, betas=betas
    )
    opt_d = torch.optim.Adam(
        itertools.chain(d_a.parameters(), d_b.parameters()), args.lr, betas=betas
    )
    schedules = [
        torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: lr_factor(s, total_steps, HYP["decay_from"])
        )
        for opt in (opt_g, opt_d)
    ]
    pool_a, pool_b = ImagePool(HYP["pool_size"]), ImagePool(HYP["pool_size"])
    run = TrainRun(
        args,
        total_steps,
        desc=f"cyclegan {args.pair}",
        g_a=g_a,
        g_b=g_b,
        d_a=d_a,
        d_b=d_b,
        opt_g=opt_g,
        opt_d=opt_d,
        sched_g=schedules[0],
        sched_d=schedules[1],
        pool_a=pool_a,
        pool_b=pool_b,
    )
    lam, lam_idt = HYP["lambda_cycle"], HYP["lambda_cycle"] * HYP["lambda_identity"]
    crop_flip = (HYP["crop"], HYP["flip"])

    def export() -> None:
        """Both generators as shipped weights files (the pair's log serves both)."""
        hyp = recipe(args, HYP, pair=args.pair, optimizer="Adam, constant then linear decay")
        hyp.update(init=str(args.init) if args.init else None)
        hyp.update(teacher=args.teacher.name if args.teacher else None)
        for net, direction in ((g_a, f"{a_name}2{b_name}"), (g_b, f"{b_name}2{a_name}")):
            meta = training_meta(hyp, cfg.to_dict(), run.elapsed, dry_run=args.dry_run)
            meta["train"].update(direction=direction, step=run.step, total_steps=total_steps)
            meta["train"]["log"] = artefact(args.out, args.pair, LOG).name
            save_weights(net.state_dict(), artefact(args.out, direction, WEIGHTS), meta, half=True)

    while run.step < total_steps:
        names = ("loss_G", "loss_gan", "loss_cycle", "loss_idt", "loss_teacher", "loss_D")
        sums = dict.fromkeys(names, 0.0)
        order_a = torch.randint(0, len(domain_a), (steps_per_epoch * args.batch_size,))
        order_b = torch.randint(0, len(domain_b), (steps_per_epoch * args.batch_size,))
        for i in run.epoch_steps(steps_per_epoch):
            span = slice(i * args.batch_size, (i + 1) * args.batch_size)
            sources = [domain_a] if taught is None else [domain_a, taught]
            real_a, *pair_b = (x.to(device) for x in batch(sources, order_a[span], *crop_flip))
            (real_b,) = (x.to(device) for x in batch([domain_b], order_b[span], *crop_flip))

            # generators: fool the discriminators, cycle back, leave the target domain alone
            fake_b, fake_a = g_a(real_a), g_b(real_b)
            rec_a, rec_b = g_b(fake_b), g_a(fake_a)
            d_a.requires_grad_(False)
            d_b.requires_grad_(False)
            loss_gan = gan_loss(d_a(fake_b), True) + gan_loss(d_b(fake_a), True)
            loss_cycle = F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b)
            loss_idt = F.l1_loss(g_a(real_b), real_b) + F.l1_loss(g_b(real_a), real_a)
            loss_teacher = torch.zeros((), device=device)
            if pair_b:  # the teacher's B for each A: G_B maps it back, G_A matches it
                loss_teacher = F.l1_loss(g_b(pair_b[0]), real_a) + F.l1_loss(fake_b, pair_b[0])
            loss_g = loss_gan + lam * loss_cycle + lam_idt * loss_idt
            loss_g = loss_g + HYP["lambda_teacher"] * loss_teacher
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()

            # discriminators: real vs a mix of new and earlier fakes (halved, as the paper)
            d_a.requires_grad_(True)
            d_b.requires_grad_(True)
            old_b, old_a = pool_b.query(fake_b), pool_a.query(fake_a)
            loss_d = 0.5 * (gan_loss(d_a(real_b), True) + gan_loss(d_a(old_b), False)) + 0.5 * (
                gan_loss(d_b(real_a), True) + gan_loss(d_b(old_a), False)
            )
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            for schedule in schedules:
                schedule.step()

            for key, value in zip(
                sums, (loss_g, loss_gan, loss_cycle, loss_idt, loss_teacher, loss_d), strict=True
            ):
                sums[key] += value.item()
            run.took_step(loss_g.item(), G=f"{loss_g.item():.2f}", D=f"{loss_d.item():.3f}")
        epoch = run.epoch
        means = {k: v / max(run.loss_count, 1) for k, v in sums.items()}
        run.end_epoch(epoch, **means, lr=schedules[0].get_last_lr()[0])
        export()
        run.progress.write(
            f"epoch {epoch:.1f}: "
            + ", ".join(f"{k} {v:.4f}" for k, v in means.items())
            + f" ({run.elapsed:.0f} s)"
        )
    export()
    print(f"wrote {a_name}2{b_name} and {b_name}2{a_name} under {args.out} ({run.elapsed:.0f} s)")


if __name__ == "__main__":
    main()
