"""Digits tab: draw on a sketchpad (or upload a photo of a digit) and see the top-3 classes."""

import gradio as gr
import numpy as np
import pandas as pd
from PIL import Image

from demos.common import about_panel, gpu, image_upload, uploaded_path, user_errors
from models.common.errors import InputError
from models.digits import predict as digits

PREVIEW_SCALE = 8  # the 28x28 model input is shown 224x224, pixelated


def enlarge(image28: np.ndarray) -> Image.Image:
    """The model's 28x28 input as an enlarged, pixelated picture (white ink on black)."""
    small = Image.fromarray((image28 * 255).astype(np.uint8))
    return small.resize((28 * PREVIEW_SCALE,) * 2, Image.Resampling.NEAREST)


@gpu
@user_errors
def classify_image(image: dict | None) -> dict[str, float]:
    """API /digits: an image file of one handwritten digit (dark ink, light paper) -> label."""
    image = uploaded_path(image, "Upload an image of a handwritten digit.")
    return digits.predict(image)


@user_errors
def preview_image(image: dict | None) -> Image.Image:
    """API /digits_preview: the 28x28 picture the model receives, enlarged."""
    image = uploaded_path(image, "Upload an image of a handwritten digit.")
    return enlarge(digits.preprocess(image))


def bar_data(probs: dict[str, float] | None) -> pd.DataFrame:
    """All ten probabilities as rows for the bar chart."""
    probs = probs or {}
    return pd.DataFrame(
        {"digit": digits.LABELS, "probability": [probs.get(d, 0.0) for d in digits.LABELS]}
    )


@gpu
@user_errors
def classify_sketch(sketch: dict | None):
    """Live updates while drawing; an empty canvas is a prompt, not an error."""
    try:
        image28 = digits.preprocess(sketch)
    except InputError as err:
        return None, None, bar_data(None), str(err)
    probs = dict(zip(digits.LABELS, map(float, digits.classify(image28[None])[0]), strict=True))
    top = max(probs, key=probs.get)
    return probs, enlarge(image28), bar_data(probs), f"Looks like a **{top}** ({probs[top]:.0%})."


@user_errors
def upload_bars(image: dict | None) -> pd.DataFrame:
    return bar_data(classify_image(image))


def build() -> None:
    gr.Markdown(
        "Draw a digit, 0 to 9, as large as you like: it is cropped, scaled to 20 pixels "
        "and centred like the MNIST digits the network learned from."
    )
    with gr.Row():
        with gr.Column():
            sketch = gr.Sketchpad(
                label="Draw a digit",
                type="numpy",
                canvas_size=(280, 280),
                brush=gr.Brush(default_size=12, colors=["#000000"], color_mode="fixed"),
                layers=False,
            )
            upload = image_upload(
                label="…or upload a photo or scan (dark ink on light paper)",
                sources=["upload", "clipboard"],
                height=200,
            )
            clear = gr.Button("Clear")
        with gr.Column():
            status = gr.Markdown("Draw a digit.")
            label = gr.Label(num_top_classes=3, label="Prediction")
            bars = gr.BarPlot(
                bar_data(None),
                x="digit",
                y="probability",
                y_lim=[0, 1],
                label="All ten probabilities",
                height=220,
            )
            preview = gr.Image(
                label="What the model sees (28x28)", interactive=False, height=240, buttons=[]
            )
    about_panel(digits.INFO)

    sketch.change(
        classify_sketch,
        sketch,
        [label, preview, bars, status],
        api_name="digits_sketch",
        show_progress="hidden",
        trigger_mode="always_last",
    )
    # preprocess=False: the functions get the upload's path undecoded (see demos.common)
    upload.upload(classify_image, upload, label, api_name="digits", preprocess=False)
    upload.upload(preview_image, upload, preview, api_name="digits_preview", preprocess=False)
    upload.upload(upload_bars, upload, bars, api_visibility="private", preprocess=False)
    clear.click(
        lambda: (None, None, None, None, bar_data(None), "Draw a digit."),
        outputs=[sketch, upload, label, preview, bars, status],
        api_visibility="private",
    )
