"""Style transfer tab: a preset style (a fast network trained here) in well under a second,
or any style image by Gatys' optimisation, watched step by step ("your own style")."""

from collections import deque
from pathlib import Path

import gradio as gr
import pandas as pd
import skimage

from demos.common import (
    LONG_JOBS,
    MODEL_CALLS,
    about_panel,
    endpoint,
    examples,
    gpu,
    image_upload,
    long_job,
    step_budget,
    uploaded_path,
    user_errors,
)
from demos.i18n import localize, t, text
from models.common.cards import read_metrics, weights_summary
from models.style import SPEC, STYLES, gatys
from models.style import predict as style
from models.style.train import THUMBNAIL

TITLE = t("style.title")
PRESET_KEYS = {  # preset -> its name's key in demos/i18n
    "candy": "style.candy",
    "mosaic": "style.mosaic",
    "rain-princess": "style.rain_princess",
    "udnie": "style.udnie",
    "starry_night": "style.starry_night",
    "the_scream": "style.the_scream",
}
PRESETS = [
    (t("style.candy"), "candy"),
    (t("style.mosaic"), "mosaic"),
    (t("style.rain_princess"), "rain-princess"),
    (t("style.udnie"), "udnie"),
    (t("style.starry_night"), "starry_night"),
    (t("style.the_scream"), "the_scream"),
]
assert [v for _, v in PRESETS] == list(STYLES) == list(PRESET_KEYS), "a preset without a label"
PERCEPTUAL = [(t("style.darknet"), "darknet"), (t("style.vgg19"), "vgg19")]
API_STEPS = 10  # /stylize_custom's steps when a client leaves them out
SHOW_EVERY = 5  # "your own style" shows the picture every this many steps (and the last)

# Sample photos that scikit-image ships in its wheel (no download); its "your own style"
# example paints the astronaut in the colours of the Hubble deep field.
SKIMAGE = Path(skimage.data.__file__).parent
EXAMPLES = [str(SKIMAGE / name) for name in ("chelsea.png", "astronaut.png", "coffee.png")]
OWN_EXAMPLES = [[str(SKIMAGE / "astronaut.png"), str(SKIMAGE / "hubble_deep_field.jpg")]]


def preset_card(name: str) -> str:
    """A preset's figures from its metrics file and weights header (or what is missing)."""
    metrics, note = read_metrics(SPEC, name)
    summary = weights_summary(SPEC.weights_path(name)) if name in STYLES else {}
    train = summary.get("train", {}) if isinstance(summary.get("train"), dict) else {}
    lines = [f"**{text(PRESET_KEYS[name])}**" if name in PRESET_KEYS else f"**{name}**"]
    if {"style_loss", "style_loss_photo", "content_loss"} <= metrics.keys():
        lines.append(
            text(
                "style.card",
                styled=f"{metrics['style_loss']:.3g}",
                photo=f"{metrics['style_loss_photo']:.3g}",
                ratio=f"{metrics['style_loss_photo'] / metrics['style_loss']:.1f}",
                content=f"{metrics['content_loss']:.3g}",
                n=metrics.get("n", "?"),
            )
        )
    else:
        lines.append(f"_{note}_")
    if isinstance(train.get("train_time_s"), int | float):
        steps = train.get("recipe", {}).get("steps", "?")
        lines.append(
            text("style.trained", steps=steps, minutes=f"{train['train_time_s'] / 60:.0f}")
        )
    return "\n\n".join(lines)


def preset_thumbnail(name: str) -> str | None:
    path = SPEC.artefact(name, THUMBNAIL) if name in STYLES else None
    return str(path) if path is not None and path.is_file() else None


def show_preset(name: str):
    return preset_thumbnail(name), preset_card(name)


@gpu
@user_errors
def stylize(image: dict | None, preset: str = STYLES[0], long_side: int = 512, strength=1.0):
    """API /stylize: any image, a preset style's name, the output's long side (256-1024) and
    the style strength (0: the photo, 1: fully stylised) -> the stylised image."""
    return style.stylize(uploaded_path(image), preset, long_side, strength).image


@gpu
@user_errors
def show(image: dict | None, preset: str, long_side: int, strength: float):
    """The presets' event: the stylised image and any notice; nothing without an image."""
    if image is None:
        return None, ""
    result = style.stylize(uploaded_path(image), preset, long_side, strength)
    return result.image, localize(result.notice) if result.notice else ""


def losses_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["step", "loss", "term"])


@gpu
@user_errors
def paint(
    content: dict | None,
    style_image: dict | None,
    steps: int,
    backbone: str = "darknet",
    progress=gr.Progress(),
):
    """'Your own style': Gatys' optimisation, yielding (picture, loss curves, status) as it
    goes; the stop button cancels it and leaves the last picture."""
    photo = style.load_photo(uploaded_path(content))
    painting = style.load_photo(uploaded_path(style_image, "style.no_style"), "style")
    perceptual = gatys.get_perceptual(backbone)
    rows = []
    for step in gatys.run(photo, painting, gatys.check_steps(steps), perceptual):
        rows += [
            {"step": step.step, "loss": step.content_loss, "term": text("style.content_term")},
            {"step": step.step, "loss": step.style_loss, "term": text("style.style_term")},
        ]
        progress((step.step, step.steps), desc=text("style.optimising"))
        if step.step % SHOW_EVERY == 0 or step.step == step.steps:
            status = text("style.step", step=step.step, steps=step.steps)
            yield gatys.to_image(step.picture), losses_frame(rows), status


@gpu
@user_errors
def stylize_custom(content: dict | None, style_image: dict | None, steps: int = API_STEPS):
    """API /stylize_custom: a content image, any style image and a number of steps (1-300,
    default 10) -> the final picture of Gatys' optimisation (256 px long side, Darknet tiny perceptual net)."""
    photo = style.load_photo(uploaded_path(content))
    painting = style.load_photo(uploaded_path(style_image, "style.no_style"), "style")
    last = deque(gatys.run(photo, painting, gatys.check_steps(steps)), maxlen=1)[0]
    return gatys.to_image(last.picture)


def build() -> None:
    gr.Markdown(t("style.intro"))
    with gr.Tabs():
        with gr.Tab(t("style.presets"), id="style-presets", elem_id="style-presets"):
            with gr.Row():
                with gr.Column():
                    image = image_upload(
                        label=t("style.photo"), sources=["upload", "clipboard"], height=320
                    )
                    samples = gr.Examples(EXAMPLES, inputs=image, label=t("style.examples"))
                    preset = gr.Radio(PRESETS, value=STYLES[0], label=t("style.preset"))
                    long_side = gr.Slider(
                        *style.LONG_SIDES,
                        value=style.DEFAULT_LONG_SIDE,
                        step=64,
                        label=t("style.size"),
                    )
                    strength = gr.Slider(0, 1, value=1, step=0.05, label=t("style.strength"))
                with gr.Column():
                    output = gr.Image(
                        label=t("style.output"),
                        type="pil",
                        format="png",
                        interactive=False,
                        height=320,
                        elem_id="style-output",
                    )
                    note = gr.Markdown()
                    with gr.Row():
                        thumbnail = gr.Image(
                            preset_thumbnail(STYLES[0]),
                            label=t("style.painting"),
                            interactive=False,
                            height=160,
                        )
                        card = gr.Markdown(preset_card(STYLES[0]))
        with gr.Tab(t("style.own"), id="style-own", elem_id="style-own"):
            with gr.Row():
                with gr.Column():
                    with gr.Row():
                        content = image_upload(
                            label=t("style.photo"), sources=["upload", "clipboard"], height=220
                        )
                        own_style = image_upload(
                            label=t("style.style_image"),
                            sources=["upload", "clipboard"],
                            height=220,
                        )
                    examples(OWN_EXAMPLES, [content, own_style], t("style.examples"))
                    steps = step_budget(gatys.MAX_STEPS, 100, t("style.steps"))
                    backbone = gr.Radio(PERCEPTUAL, value="darknet", label=t("style.perceptual"))
                    with gr.Row():
                        start = gr.Button(t("style.start"), variant="primary")
                        stop = gr.Button(t("style.stop"), variant="stop")
                with gr.Column():
                    picture = gr.Image(
                        label=t("style.picture"),
                        type="pil",
                        format="png",
                        interactive=False,
                        height=320,
                        elem_id="style-picture",
                    )
                    status = gr.Markdown()
                    losses = gr.LinePlot(
                        losses_frame([]),
                        x="step",
                        y="loss",
                        color="term",
                        title=t("style.losses"),
                        height=220,
                    )
    about_panel(SPEC)

    # preprocess=False: the functions get the upload's path undecoded (see demos.common).
    shown = dict(inputs=[image, preset, long_side, strength], outputs=[output, note])
    gr.on(
        [image.upload, preset.change, long_side.release, strength.release],
        show,
        **shown,
        preprocess=False,
        trigger_mode="always_last",
        api_visibility="private",
        **MODEL_CALLS,
    )
    samples.load_input_event.then(
        show, **shown, preprocess=False, api_visibility="private", **MODEL_CALLS
    )
    image.clear(lambda: (None, ""), outputs=[output, note], api_visibility="private")
    preset.change(show_preset, preset, [thumbnail, card], api_visibility="private")
    long_job(
        paint,
        [content, own_style, steps, backbone],
        [picture, losses, status],
        start,
        stop,
        preprocess=False,
    )
    endpoint(
        stylize,
        [image, preset, long_side, strength],
        output,
        api_name="stylize",
        preprocess=False,
    )
    # The API's own step count: its default (API_STEPS, a quick preview) is what a client that
    # leaves it out gets; the tab's slider starts at 100.
    api_steps = gr.Slider(1, gatys.MAX_STEPS, value=API_STEPS, step=1, visible=False)
    endpoint(
        stylize_custom,
        [content, own_style, api_steps],
        picture,
        api_name="stylize_custom",
        preprocess=False,
        calls=LONG_JOBS,
    )
