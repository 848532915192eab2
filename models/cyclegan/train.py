"""Train a CycleGAN (both directions of one pair) on unpaired photos.

    python -m models.train cyclegan --pair apple2orange --threads 1          # see CARD.md
    python -m models.train cyclegan --pair apple2orange --threads 1 --resume # continue

The recipe is the paper's (LSGAN, cycle loss lambda=10, identity loss 0.5 lambda, a 50-image
pool, Adam 2e-4 beta1 0.5, constant then linearly decayed learning rate) at the reduced size
this 2-core CPU allows: see HYP and Config. An "epoch" here is EPOCH_IMAGES random images of
each domain (the sets hold ~1000 each). One run writes two weights files, `<A>2<B>` (G_A) and
`<B>2<A>` (G_B), after every epoch (the last epoch's weights ship: a GAN has no validation loss
to pick an epoch by), and the pair's training log `<pair>.log.jsonl` (for both directions).
"""

import itertools

import torch
import torch.nn.functional as F
from tqdm import tqdm

from models.common.paths import LOG, WEIGHTS, artefact
from models.common.training import TrainRun, base_parser, recipe, start_training, training_meta
from models.common.weights import save_weights
from models.cyclegan.data import PAIRS, cached_domain
from models.cyclegan.net import Config, Discriminator, Generator, ImagePool, gan_loss, init_weights

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
}


def lr_factor(step: int, total: int, decay_from: float) -> float:
    """1 for the first `decay_from` of the steps, then linearly down to 0 at `total`."""
    start = int(total * decay_from)
    if step < start:
        return 1.0
    return max(0.0, 1.0 - (step - start) / max(1, total - start))


def batch(images: torch.Tensor, idx: torch.Tensor, crop: int, flip: bool) -> torch.Tensor:
    """Random crops (and flips) of uint8 images as floats in [-1, 1]."""
    out = []
    side = images.shape[-1]
    for i in idx.tolist():
        y, x = torch.randint(0, side - crop + 1, (2,)).tolist()
        img = images[i, :, y : y + crop, x : x + crop]
        if flip and torch.rand(()) < 0.5:
            img = img.flip(-1)
        out.append(img)
    return torch.stack(out).float() / 127.5 - 1


def main(argv: list[str] | None = None) -> None:
    parser = base_parser("cyclegan", epochs=10, lr=2e-4, batch_size=4, config=Config)
    parser.add_argument("--pair", default="apple2orange", choices=sorted(PAIRS))
    parser.add_argument("--cache-dir", default="checkpoints", help="decoded training images")
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
    steps_per_epoch = 1 if args.dry_run else HYP["epoch_images"] // args.batch_size
    total_steps = max(1, round(args.epochs * steps_per_epoch))

    g_a, g_b = Generator(cfg), Generator(cfg)  # G_A: A -> B, G_B: B -> A
    d_a, d_b = Discriminator(ndf=HYP["ndf"]), Discriminator(ndf=HYP["ndf"])  # D_A judges B
    for net in (g_a, g_b, d_a, d_b):
        init_weights(net)
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

    def export() -> None:
        """Both generators as shipped weights files (the pair's log serves both)."""
        hyp = recipe(args, HYP, pair=args.pair, optimizer="Adam, constant then linear decay")
        for net, direction in ((g_a, f"{a_name}2{b_name}"), (g_b, f"{b_name}2{a_name}")):
            meta = training_meta(hyp, cfg.to_dict(), run.elapsed, dry_run=args.dry_run)
            meta["train"].update(direction=direction, step=run.step, total_steps=total_steps)
            meta["train"]["log"] = artefact(args.out, args.pair, LOG).name
            save_weights(net.state_dict(), artefact(args.out, direction, WEIGHTS), meta, half=True)

    progress = tqdm(total=total_steps, initial=run.step, desc=f"cyclegan {args.pair}")
    while run.step < total_steps:
        sums = dict.fromkeys(("loss_G", "loss_gan", "loss_cycle", "loss_idt", "loss_D"), 0.0)
        batches = 0
        order_a = torch.randint(0, len(domain_a), (steps_per_epoch * args.batch_size,))
        order_b = torch.randint(0, len(domain_b), (steps_per_epoch * args.batch_size,))
        for i in range(steps_per_epoch):
            if run.step >= total_steps:
                break
            span = slice(i * args.batch_size, (i + 1) * args.batch_size)
            real_a = batch(domain_a, order_a[span], HYP["crop"], HYP["flip"]).to(device)
            real_b = batch(domain_b, order_b[span], HYP["crop"], HYP["flip"]).to(device)

            # generators: fool the discriminators, cycle back, leave the target domain alone
            fake_b, fake_a = g_a(real_a), g_b(real_b)
            rec_a, rec_b = g_b(fake_b), g_a(fake_a)
            d_a.requires_grad_(False)
            d_b.requires_grad_(False)
            loss_gan = gan_loss(d_a(fake_b), True) + gan_loss(d_b(fake_a), True)
            loss_cycle = F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b)
            loss_idt = F.l1_loss(g_a(real_b), real_b) + F.l1_loss(g_b(real_a), real_a)
            loss_g = loss_gan + lam * loss_cycle + lam_idt * loss_idt
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

            run.step, batches = run.step + 1, batches + 1
            for key, value in zip(
                sums, (loss_g, loss_gan, loss_cycle, loss_idt, loss_d), strict=True
            ):
                sums[key] += value.item()
            progress.update()
            progress.set_postfix(G=f"{loss_g.item():.2f}", D=f"{loss_d.item():.3f}")
        epoch = run.step / steps_per_epoch
        means = {k: v / max(batches, 1) for k, v in sums.items()}
        run.end_epoch(epoch, **means, lr=schedules[0].get_last_lr()[0])
        export()
        progress.write(
            f"epoch {epoch:.1f}: "
            + ", ".join(f"{k} {v:.4f}" for k, v in means.items())
            + f" ({run.elapsed:.0f} s)"
        )
    progress.close()
    export()
    print(f"wrote {a_name}2{b_name} and {b_name}2{a_name} under {args.out} ({run.elapsed:.0f} s)")


if __name__ == "__main__":
    main()
