"""CycleGAN: unpaired image-to-image translation (apples <-> oranges, horses <-> zebras) with
ResNet generators this project trains, in the official layout (the authors' files load too),
and GAN Compression's horse -> zebra generator (compressed.py), the tab's default there."""

from models.common.spec import Figure, Metric, ModelSpec


def build(config: dict):
    """The generator of a weights header's config; a header without `upsample` is from before
    resize-convolutions: transposed convs. (Imported here: the app starts without torch.)"""
    from models.cyclegan.net import Config, Generator

    return Generator(Config.from_dict({"upsample": "transpose", **config}))


SPEC = ModelSpec(
    name="cyclegan",
    architecture="CycleGAN ResNet generator (c7s1-ngf, two stride-2 downsamplings, residual "
    "blocks, two resize-convolution upsamplings (nearest x2 + 3x3 conv, no checkerboard), "
    "c7s1-3, instance norm, reflection padding, tanh), one per direction, trained against 70x70 "
    "PatchGAN discriminators; horse→zebra by default: GAN Compression's 0.36 M-parameter "
    "generator (separable convs, trained by its authors)",
    training_data="CycleGAN's apple2orange and horse2zebra training folders (unpaired, ~1000 "
    "photos a domain), random 96 px crops of the photos at 192 px, horizontal flips",
    build=build,
    metrics=(  # evaluate.py's default.metrics.json: means over the directions, then each one
        Metric("target_share", "translated test photos judged the target domain (mean)"),
        Metric("target_share_apple2orange", "apple→orange judged orange", floor=0.5),
        Metric("target_share_orange2apple", "orange→apple judged apple", floor=0.5),
        Metric("target_share_horse2zebra", "horse→zebra judged zebra"),
        Metric("target_share_zebra2horse", "zebra→horse judged horse"),
        Metric(
            "judge_accuracy",
            "domain classifiers' accuracy on real test photos (mean)",
            floor=0.75,
        ),
        Metric("imagenet_share", "ImageNet classifier: translations judged the target (mean)"),
        Metric("imagenet_share_horse2zebra", "ImageNet classifier: horse→zebra judged zebra"),
        Metric("imagenet_share_zebra2horse", "ImageNet classifier: zebra→horse judged horse"),
        Metric("imagenet_accuracy", "ImageNet classifier's accuracy on real test photos (mean)"),
        Metric(
            "cycle_l1",
            "cycle-reconstruction L1, pixels in [-1, 1] (mean)",
            "number",
            ceiling=0.4,
        ),
    ),
    curves=("loss_G", "loss_D", "loss_cycle", "loss_idt"),
    figures=(Figure("samples.png", "Test photos (top) and their translations (bottom)"),),
    sample_data=("cyclegan/apple2orange/testA", "cyclegan/apple2orange/testB"),
    train_data=("cyclegan/apple2orange/trainA", "cyclegan/apple2orange/trainB"),
    dry_runs=(("--config", "ngf=4,n_blocks=1", "--batch-size", "1"),),
    tiny={"ngf": 4, "n_blocks": 1, "image_size": 64},
    variants=("apple2orange", "orange2apple", "horse2zebra", "zebra2horse"),
    train_command="python -m models.train cyclegan --pair apple2orange (or horse2zebra); "
    "python -m models.cyclegan.judge --pair apple2orange (the domain classifier); "
    "python -m models.cyclegan.convert (GAN Compression's horse2zebra generator)",
)
