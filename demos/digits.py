"""Digits tab: draw on a sketchpad (or upload a photo of a digit) and see the top-3 classes."""

import gradio as gr
import numpy as np
import pandas as pd
from gradio.components.image_editor import EditorData
from PIL import Image

from demos.common import (
    BATCHED_CALLS,
    about_panel,
    endpoint,
    gpu,
    image_upload,
    in_readers_language_on,
    uploaded_path,
    user_errors,
)
from demos.i18n import t, text
from models.common.errors import InputError
from models.common.loading import LazyModule
from models.digits import LABELS, SPEC

digits = LazyModule("models.digits.predict")  # imported with torch by the first request

TITLE = t("digits.title")

PREVIEW_SCALE = 8  # the 28x28 model input is shown 224x224, pixelated
NO_UPLOAD = "digits.no_upload"
SKETCH_ID = "digits-sketch"

# Gradio 6's editor selects its image tool when the page loads and whenever it is emptied, and
# the canvas then ignores the mouse until its Brush is clicked; a value the server sends to
# empty it is ignored when it equals the last one (so Clear worked once), and can lose a race
# with the editor's own copy of the drawing. So the browser empties the canvas and picks the
# brush, with the editor's own buttons: their labels are English in both of our languages
# (Gradio has no Chinese strings for the image editor).


def click_js(button: str) -> str:
    """Browser code that clicks the sketchpad's `button` a moment later (after the editor's own
    handling of the event, which may pick a tool), once the editor shows it."""
    return f"""async () => {{
    const button = () => document.querySelector('#{SKETCH_ID} button[aria-label="{button}"]');
    do await new Promise((done) => setTimeout(done, 100));
    while (!button());
    button().click();
}}"""


EMPTY_CANVAS_JS = click_js("Clear canvas")  # its clear event then selects the brush
SELECT_BRUSH_JS = click_js("Brush")


def enlarge(image28: np.ndarray) -> Image.Image:
    """The model's 28x28 input as an enlarged, pixelated picture (white ink on black)."""
    small = Image.fromarray((image28 * 255).astype(np.uint8))
    return small.resize((28 * PREVIEW_SCALE,) * 2, Image.Resampling.NEAREST)


def bar_data(probs: dict[str, float] | None) -> pd.DataFrame:
    """All ten probabilities as rows for the bar chart."""
    probs = probs or {}
    return pd.DataFrame({"digit": LABELS, "probability": [probs.get(d, 0.0) for d in LABELS]})


def bar_chart(probs: dict[str, float] | None) -> gr.BarPlot:
    """The bar chart's new value, its axis titles in the reader's language (the browser does not
    translate a plot's axis titles)."""
    titles = dict(x_title=text("digits.axis_digit"), y_title=text("digits.axis_probability"))
    return gr.BarPlot(bar_data(probs), **titles)


def empty() -> tuple:
    """The outputs of a cleared tab: label, preview, bars, status."""
    return None, None, bar_chart(None), text("digits.prompt")


def outputs_for(image28: np.ndarray) -> tuple:
    """What the tab shows for one preprocessed digit: label, preview, bars, status."""
    probs = dict(zip(LABELS, map(float, digits.probabilities(image28)), strict=True))
    top = max(probs, key=probs.get)
    status = text("digits.looks_like", digit=top, p=probs[top])
    return probs, enlarge(image28), bar_chart(probs), status


@gpu
@user_errors
def classify_image(image: dict | None) -> dict[str, float]:
    """API /digits: an image file of one handwritten digit (dark ink on light paper, or light
    ink on a dark background as MNIST stores it) -> label."""
    return digits.predict(uploaded_path(image, NO_UPLOAD))


@user_errors
def preview_image(image: dict | None) -> Image.Image:
    """API /digits_preview: the 28x28 picture the model receives, enlarged."""
    return enlarge(digits.preprocess(uploaded_path(image, NO_UPLOAD)))


@gpu
@user_errors
def show_upload(image: dict | None) -> tuple:
    """The tab's one event for an uploaded photo: every output, one message for a bad file."""
    return outputs_for(digits.preprocess(uploaded_path(image, NO_UPLOAD)))


def drawing(payload: dict | None, pad: gr.Sketchpad) -> dict | None:
    """A Sketchpad's raw value as {"composite": image}. The browser sends its canvas as blobs,
    which the component decodes; API clients send files, which models.common.images checks
    before decoding (Gradio's own decoding would fail on a bad file with a generic error, and
    decode a huge one in full first)."""
    if not payload:
        return None
    if payload.get("id"):
        try:
            return pad.preprocess(EditorData(**payload))
        except (OSError, ValueError, Image.DecompressionBombError) as err:
            raise InputError(
                "This file is not an image that can be read (PNG, JPEG, WebP, ...)."
            ) from err
    composite = payload.get("composite")
    return {"composite": composite.get("path") if isinstance(composite, dict) else composite}


@gpu
@user_errors
def classify_sketch(payload: dict | None, pad: gr.Sketchpad) -> tuple:
    """Live updates while drawing; an empty canvas or an unreadable drawing is a prompt in the
    status line, not an error."""
    try:
        image28 = digits.preprocess(drawing(payload, pad))
    except InputError as err:
        return None, None, bar_chart(None), text(err.message)
    return outputs_for(image28)


def build() -> None:
    gr.Markdown(t("digits.intro"))
    with gr.Row():
        with gr.Column():
            sketch = gr.Sketchpad(
                label=t("digits.draw"),
                elem_id=SKETCH_ID,
                type="numpy",
                canvas_size=(280, 280),
                brush=gr.Brush(default_size=12, colors=["#000000"], color_mode="fixed"),
                layers=False,
            )
            upload = image_upload(
                label=t("digits.photo"),
                sources=["upload", "clipboard"],
                height=200,
            )
            clear = gr.Button(t("digits.clear"))
        with gr.Column():
            status = gr.Markdown(t("digits.prompt"), label=t("digits.status"), show_label=False)
            label = gr.Label(num_top_classes=3, label=t("digits.prediction"))
            bars = gr.BarPlot(
                bar_data(None),
                x="digit",
                y="probability",
                y_lim=[0, 1],
                label=t("digits.all_ten"),
            )
            preview = gr.Image(label=t("digits.sees"), interactive=False, height=240, buttons=[])
    about_panel(SPEC)

    outputs = [label, preview, bars, status]
    in_readers_language_on(lambda: bar_chart(None), [bars])

    def classify_drawing(payload: dict | None) -> tuple:
        return classify_sketch(payload, sketch)

    def show_drawing(payload: dict | None, photo: dict | None) -> tuple:
        """The canvas' own event: a drawing replaces the uploaded photo and its results; a
        canvas with nothing to read (emptied for a photo) leaves the photo's results alone."""
        results = classify_sketch(payload, sketch)
        if photo and results[0] is None:
            return (gr.skip(),) * (1 + len(results))
        return None, *results

    sketch.change(
        show_drawing,
        [sketch, upload],
        [upload, *outputs],
        api_visibility="private",
        preprocess=False,  # see drawing() and demos.common
        show_progress="hidden",
        trigger_mode="always_last",
        **BATCHED_CALLS,
    )
    # preprocess=False: the functions get the upload's path undecoded (see demos.common)
    upload.upload(
        show_upload, upload, outputs, api_visibility="private", preprocess=False, **BATCHED_CALLS
    )
    upload.clear(empty, outputs=outputs, api_visibility="private")
    clear.click(lambda: (None, *empty()), outputs=[upload, *outputs], api_visibility="private")
    # the sketch is no event's output (see EMPTY_CANVAS_JS): Gradio 6 would also leave its
    # progress overlay on it, and the canvas then ignores the mouse until the page is reloaded
    for trigger in (clear.click, upload.upload):
        trigger(None, js=EMPTY_CANVAS_JS)
    gr.on([sketch.clear], None, js=SELECT_BRUSH_JS)  # sketch.clear: the editor's own bin icon
    gr.on(None, None, js=SELECT_BRUSH_JS)  # on page load
    endpoint(classify_drawing, sketch, outputs, "digits_sketch", BATCHED_CALLS, preprocess=False)
    endpoint(classify_image, upload, label, "digits", BATCHED_CALLS, preprocess=False)
    endpoint(preview_image, upload, preview, api_name="digits_preview", preprocess=False)
