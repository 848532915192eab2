"""Style transfer tab: 26 pretrained preset styles (Dumoulin et al.'s multi-style network,
blendable) picked from a gallery of thumbnails, the six networks trained here, and "your own
style": any painting in one pass (Ghiasi et al.'s arbitrary-style network), or Gatys'
optimisation watched step by step."""

from collections import deque

import gradio as gr
import pandas as pd

from demos.common import (
    LONG_JOBS,
    MODEL_CALLS,
    StopButton,
    about_panel,
    endpoint,
    examples,
    gpu,
    hub_fallback,
    image_events,
    image_output,
    image_upload,
    long_job,
    notices_of,
    step_budget,
    uploaded_path,
    user_errors,
)
from demos.i18n import t, text
from models.common.cards import read_metrics, weights_summary
from models.common.errors import InputError
from models.common.images import to_pil
from models.common.loading import LazyModule
from models.common.samples import sample
from models.style import (
    DEFAULT_LONG_SIDE,
    DEFAULT_PRESET,
    LONG_SIDES,
    MAX_STEPS,
    PRESETS,
    SPEC,
    STYLES,
    THUMBNAIL,
)
from models.style.thumbnails import thumbnail_path

style = LazyModule("models.style.predict")  # imported with torch by the first request
gatys = LazyModule("models.style.gatys")

TITLE = t("style.title")
TRAINED_KEYS = {  # a network trained here -> its name's key in demos/i18n
    "candy": "style.candy",
    "mosaic": "style.mosaic",
    "rain-princess": "style.rain_princess",
    "udnie": "style.udnie",
    "starry_night": "style.starry_night",
    "the_scream": "style.the_scream",
}
TRAINED = [(t(key), name) for name, key in TRAINED_KEYS.items()]
BLEND_CHOICES = [(t("style.no_blend"), "")] + [
    (t(f"style.preset_{i + 1}"), name) for i, name in enumerate(PRESETS)
]
PRESET_CHOICES = BLEND_CHOICES[1:] + TRAINED  # every name /stylize takes
PERCEPTUAL = [(t("style.darknet"), "darknet"), (t("style.vgg19"), "vgg19")]
METHODS = ("network", "gatys")  # /stylize_custom's `method`: one pass, or the optimisation
METHOD_CHOICES = [(t("style.fast"), METHODS[0]), (t("style.watch"), METHODS[1])]
API_STEPS = 10  # /stylize_custom's Gatys steps when a client leaves them out
SHOW_EVERY = 5  # Gatys shows the picture every this many steps (and the last)

# Sample photos shipped with the app (models/common/samples); the "your own style" example
# paints the astronaut in the colours of the Hubble deep field.
EXAMPLES = [str(sample(name)) for name in ("chelsea", "astronaut", "coffee")]
OWN_EXAMPLES = [[str(sample("astronaut")), str(sample("hubble_deep_field"))]]


def preset_name(name: str) -> str:
    """A preset's name for people, in the reader's language."""
    if name in PRESETS:
        return text(f"style.preset_{PRESETS.index(name) + 1}")
    return text(TRAINED_KEYS[name]) if name in TRAINED_KEYS else name


def gallery_items() -> list[tuple[str, str]]:
    """(thumbnail, caption) of each pretrained preset whose thumbnail is shipped."""
    items = []
    for i, name in enumerate(PRESETS):
        path = thumbnail_path(name)
        if path.is_file():
            items.append((str(path), str(i + 1)))
    return items


def trained_card(name: str) -> str:
    """A trained-here preset's figures from its metrics file and weights header."""
    metrics, note = read_metrics(SPEC, name)
    summary = weights_summary(SPEC.weights_path(name))
    train = summary.get("train", {}) if isinstance(summary.get("train"), dict) else {}
    lines = [f"**{preset_name(name)}** ({text('style.trained_here')})"]
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


def preset_card(name: str) -> str:
    if name in PRESETS:
        return f"**{preset_name(name)}**\n\n{text('style.pretrained_card')}"
    return trained_card(name)


def preset_thumbnail(name: str) -> str | None:
    """The trained-here preset's painting, or the pretrained preset's thumbnail."""
    if name in PRESETS:
        path = thumbnail_path(name)
    else:
        path = SPEC.artefact(name, THUMBNAIL) if name in STYLES else None
    return str(path) if path is not None and path.is_file() else None


def show_preset(name: str):
    return preset_thumbnail(name), preset_card(name)


def made_by(result: "style.Stylized", preset: str = "", blend_with: str = "", blend=0.0) -> str:
    """The line under the picture naming the network that made it."""
    if result.made_by == style.ARBITRARY:
        return text("style.made_by_arbitrary")
    if result.made_by == style.TRAINED:
        return text("style.made_by_trained", preset=preset_name(preset))
    if blend_with:
        return text(
            "style.made_by_blend",
            preset=preset_name(preset),
            other=preset_name(blend_with),
            share=f"{float(blend):.0%}",
        )
    return text("style.made_by_multi", preset=preset_name(preset))


def pick_pretrained(evt: gr.SelectData):
    """A click on a gallery thumbnail: that preset, and no trained-here one."""
    return PRESETS[evt.index], None


def pick_trained(name: str | None):
    return name if name else gr.skip()


@gpu
@user_errors
def stylize(
    image: dict | None,
    preset: str = DEFAULT_PRESET,
    long_side: int = DEFAULT_LONG_SIDE,
    strength=1.0,
    blend_with: str = "",
    blend=0.5,
):
    """API /stylize: any image, a preset's name (style-1 ... style-26: the pretrained
    multi-style network; candy, mosaic, rain-princess, udnie, starry_night, the_scream: the
    networks trained here), the output's long side (256-1024), the style strength (0: the photo,
    1: fully stylised), and optionally a second pretrained preset to blend with and the blend
    (0: only `preset`, 1: only `blend_with`) -> the stylised image."""
    path = uploaded_path(image)
    return style.stylize(path, preset, long_side, strength, None, blend_with, blend).image


def offered(value, low: float, high: float) -> bool:
    """Whether a slider's value is one it offers: a number half typed into its box (the 5 of
    512) is not, until the box is left (the slider then clamps it and fires release)."""
    return isinstance(value, int | float) and low <= value <= high


@gpu
@user_errors
def show(image: dict | None, preset: str, long_side: int, strength: float, blend_with, blend):
    """The presets' event: the stylised image, any notice and the "made by" line."""
    if image is None:
        return None, "", ""
    if not (offered(long_side, *LONG_SIDES) and offered(strength, 0, 1) and offered(blend, 0, 1)):
        return gr.skip(), gr.skip(), gr.skip()
    blend_with = blend_with if preset in PRESETS else ""
    result = style.stylize(
        uploaded_path(image), preset, long_side, strength, None, blend_with, blend
    )
    return (
        result.image,
        notices_of([result.notice], mark=""),
        made_by(result, preset, blend_with, blend),
    )


def own_inputs(content: dict | None, style_image: dict | None) -> tuple[str, str]:
    return uploaded_path(content), uploaded_path(style_image, "style.no_style")


@gpu
@user_errors
def own_fast(content: dict | None, style_image: dict | None, long_side: int, strength: float):
    """'Your own style' in one pass: the picture, a status line and the "made by" line."""
    result = style.stylize_own(*own_inputs(content, style_image), long_side, strength)
    return result.image, notices_of([result.notice], mark=""), made_by(result)


def losses_frame(rows: list[dict]) -> pd.DataFrame:
    """The loss curves' table. Typed: the plot keeps the column types of its first value, and
    numbers get numeric axes (text would get one category per value). Before the first step,
    a row per term without a loss: the plot takes its lines' colours and legend from the terms
    it has when it is drawn."""
    if not rows:
        terms = (text("style.content_term"), text("style.style_term"))
        rows = [{"step": 1, "loss": float("nan"), "term": term} for term in terms]
    frame = pd.DataFrame(rows, columns=["step", "loss", "term"])
    return frame.astype({"step": int, "loss": float, "term": str})


def losses_plot(rows: list[dict]) -> gr.LinePlot:
    """The loss curves, their axes' and legend's titles in the reader's language, set on page
    load: a change to these redraws the plot from scratch, and new data arriving while it does
    is lost, so a run sends only data (losses_frame)."""
    return gr.LinePlot(
        losses_frame(rows),
        x_title=text("style.step_axis"),
        y_title=text("style.loss_axis"),
        color_title=text("style.term_axis"),
    )


STOP = StopButton()  # "watch it optimise"'s stop button (paint checks it between steps)


@gpu
@user_errors
@hub_fallback(lambda notice: (None, losses_plot([]), notice, ""))
def paint(
    content: dict | None,
    style_image: dict | None,
    steps: int,
    backbone: str = "darknet",
    request: gr.Request | None = None,
    progress=gr.Progress(),
):
    """'Watch it optimise': Gatys' optimisation, yielding (picture, loss curves, status, made
    by) as it goes. Once the stop button (STOP) is pressed it ends after the step it is on,
    with that step's picture and curves, saying at which step it stopped; pressed while the
    run waits for its turn, it ends before the first step."""
    stop_pressed = STOP.watch(request)
    content_path, style_path = own_inputs(content, style_image)
    photo = style.load_photo(content_path)
    painting = style.load_photo(style_path, "style")
    steps = gatys.check_steps(steps)
    yield gr.skip(), losses_frame([]), text("style.step", step=0, steps=steps), gr.skip()
    gatys.load_perceptual(backbone)
    if stop_pressed():
        yield gr.skip(), gr.skip(), text("style.stopped", step=0, steps=steps), gr.skip()
        return
    rows = []
    for step in gatys.run(photo, painting, steps, backbone):
        rows += [
            {"step": step.step, "loss": step.content_loss, "term": text("style.content_term")},
            {"step": step.step, "loss": step.style_loss, "term": text("style.style_term")},
        ]
        progress((step.step, step.steps), desc=text("style.optimising"))
        last = step.step == step.steps
        if stop_pressed() and not last:
            status = text("style.stopped", step=step.step, steps=step.steps)
            by = text("style.made_by_gatys", steps=step.step)
            yield to_pil(step.picture), losses_frame(rows), status, by
            return
        if step.step % SHOW_EVERY and not last:  # the curves every step, the picture less often
            yield gr.skip(), losses_frame(rows), gr.skip(), gr.skip()
        else:
            status = text("style.step", step=step.step, steps=step.steps)
            by = text("style.made_by_gatys", steps=step.step)
            yield to_pil(step.picture), losses_frame(rows), status, by


@gpu
@user_errors
def stylize_custom(
    content: dict | None,
    style_image: dict | None,
    steps: int = API_STEPS,
    method: str = METHODS[0],
    long_side: int = DEFAULT_LONG_SIDE,
    strength=1.0,
):
    """API /stylize_custom: a content image and any style image -> the stylised picture.
    method "network" (the default): one pass of the pretrained arbitrary-style network at
    `long_side` (256-1024), `strength` (0-1) mixing the painting's style with the photo's own;
    method "gatys": `steps` (1-300, default 10) of Gatys' optimisation at 256 px with Darknet
    tiny (long_side and strength unused)."""
    content_path, style_path = own_inputs(content, style_image)
    if method == "network":
        return style.stylize_own(content_path, style_path, long_side, strength).image
    if method != "gatys":
        raise InputError("Unknown method {method}: use network or gatys.", method=repr(method))
    photo = style.load_photo(content_path)
    painting = style.load_photo(style_path, "style")
    last = deque(gatys.run(photo, painting, gatys.check_steps(steps)), maxlen=1)[0]
    return to_pil(last.picture)


def presets_tab() -> None:
    with gr.Row():
        with gr.Column():
            image = image_upload(
                label=t("style.photo"), sources=["upload", "clipboard"], height=300
            )
            samples = gr.Examples(EXAMPLES, inputs=image, label=t("style.examples"))
            gallery = gr.Gallery(
                gallery_items(),
                label=t("style.pretrained_gallery"),
                columns=9,
                height=250,
                allow_preview=False,
                elem_id="style-gallery",
            )
            with gr.Row():
                blend_with = gr.Dropdown(BLEND_CHOICES, value="", label=t("style.blend_with"))
                blend = gr.Slider(0, 1, value=0.5, step=0.05, label=t("style.blend"))
            trained = gr.Radio(TRAINED, value=None, label=t("style.trained_presets"))
            long_side = gr.Slider(
                *LONG_SIDES, value=DEFAULT_LONG_SIDE, step=64, label=t("style.size")
            )
            strength = gr.Slider(0, 1, value=1, step=0.05, label=t("style.strength"))
            # the chosen preset's API name (a gallery click or the trained-here choice sets it)
            preset = gr.Dropdown(
                PRESET_CHOICES, value=DEFAULT_PRESET, label=t("style.preset"), visible=False
            )
        with gr.Column():
            output = image_output(t("style.output"), elem_id="style-output")
            by = gr.Markdown(elem_id="style-made-by")
            note = gr.Markdown()
            with gr.Row():
                thumbnail = gr.Image(
                    preset_thumbnail(DEFAULT_PRESET),
                    label=t("style.painting"),
                    interactive=False,
                    height=160,
                )
                card = gr.Markdown(elem_id="style-card")
    # server-written text, so it is filled in on page load, in the reader's language
    on_load = dict(api_visibility="private", show_progress="hidden")
    gr.on(None, lambda: preset_card(DEFAULT_PRESET), None, card, **on_load)
    gallery.select(pick_pretrained, None, [preset, trained], api_visibility="private")
    trained.change(pick_trained, trained, preset, api_visibility="private")
    preset.change(show_preset, preset, [thumbnail, card], api_visibility="private")
    inputs = [image, preset, long_side, strength, blend_with, blend]
    sliders = [long_side, strength, blend]
    image_events(
        image,
        samples,
        show,
        inputs,
        [output, note, by],
        # a slider's release (the mouse let go, a typed number's box left) and input (the
        # keyboard's arrows; a drag's moves, or a number being typed: `show` skips those the
        # slider does not offer)
        changes=[
            preset.change,
            blend_with.change,
            *(slider.release for slider in sliders),
            *(slider.input for slider in sliders),
        ],
        cleared=(None, "", ""),
    )
    endpoint(stylize, inputs, output, api_name="stylize", preprocess=False)


def own_tab() -> None:
    with gr.Row():
        with gr.Column():
            with gr.Row():
                content = image_upload(
                    label=t("style.photo"), sources=["upload", "clipboard"], height=220
                )
                own_style = image_upload(
                    label=t("style.style_image"), sources=["upload", "clipboard"], height=220
                )
            examples(OWN_EXAMPLES, [content, own_style], t("style.examples"))
            own_size = gr.Slider(
                *LONG_SIDES, value=DEFAULT_LONG_SIDE, step=64, label=t("style.size")
            )
            own_strength = gr.Slider(0, 1, value=1, step=0.05, label=t("style.own_strength"))
            fast = gr.Button(t("style.fast"), variant="primary")
            with gr.Accordion(t("style.watch"), open=True):
                gr.Markdown(t("style.watch_intro"))
                steps = step_budget(MAX_STEPS, 100, t("style.steps"))
                backbone = gr.Radio(PERCEPTUAL, value="darknet", label=t("style.perceptual"))
                with gr.Row():
                    start = gr.Button(t("style.start"))
                    stop = gr.Button(t("style.stop"), variant="stop")
        with gr.Column():
            picture = image_output(t("style.picture"), elem_id="style-picture")
            own_by = gr.Markdown(elem_id="style-own-made-by")
            status = gr.Markdown()
            losses = gr.LinePlot(
                losses_frame([]),
                x="step",
                y="loss",
                color="term",
                title=t("style.losses"),
                height=220,
                elem_id="style-losses",
            )
    fast.click(
        own_fast,
        [content, own_style, own_size, own_strength],
        [picture, status, own_by],
        preprocess=False,
        api_visibility="private",
        **MODEL_CALLS,
    )
    long_job(
        paint,
        [content, own_style, steps, backbone],
        [picture, losses, status, own_by],
        start,
        stop,
        STOP,
        preprocess=False,
    )
    gr.on(
        None,
        lambda: losses_plot([]),
        None,
        losses,
        api_visibility="private",
        show_progress="hidden",
    )
    # The API's own Gatys step count (its default, API_STEPS, is a quick preview; the tab's
    # slider starts at 100) and method (the one-pass network unless a client asks for gatys).
    api_steps = gr.Slider(
        1, MAX_STEPS, value=API_STEPS, step=1, label=t("style.steps"), visible=False
    )
    api_method = gr.Dropdown(
        METHOD_CHOICES, value=METHODS[0], label=t("style.method"), visible=False
    )
    endpoint(
        stylize_custom,
        [content, own_style, api_steps, api_method, own_size, own_strength],
        picture,
        api_name="stylize_custom",
        preprocess=False,
        calls=LONG_JOBS,
    )


def build() -> None:
    gr.Markdown(t("style.intro"))
    with gr.Tabs():
        with gr.Tab(t("style.presets"), id="style-presets", elem_id="style-presets"):
            presets_tab()
        with gr.Tab(t("style.own"), id="style-own", elem_id="style-own"):
            own_tab()
    about_panel(SPEC)
