"""The UI pieces every tab shares: error handling at the UI edge, ZeroGPU, the About panel."""

import functools
from collections.abc import Callable

import gradio as gr
import pandas as pd

from models.common.cards import ModelInfo, read_metrics, training_curves, weights_summary
from models.common.device import pick_device
from models.common.errors import InputError, ModelUnavailable

try:  # Hugging Face ZeroGPU Spaces: run the call on a GPU slice; a no-op elsewhere
    import spaces

    gpu = spaces.GPU
except ImportError:

    def gpu(fn: Callable) -> Callable:
        return fn


def image_upload(**kwargs) -> gr.Image:
    """An image input whose events run with `preprocess=False` (see `uploaded_path`)."""
    return gr.Image(type="filepath", image_mode=None, **kwargs)


def uploaded_path(payload: dict | str | None, missing: str = "Upload an image first.") -> str:
    """The file path of an image input's raw value; InputError(`missing`) when there is none.
    Image events run with preprocess=False: Gradio's own decoding would fail on a corrupt file
    before our code runs, with a generic error; this way models.common.images.open_image checks
    the file and says what is wrong. (Gradio still checks that the path is one of its uploads.)"""
    path = payload.get("path") if isinstance(payload, dict) else payload
    if not path:
        raise InputError(missing)
    return path


def user_errors(fn: Callable) -> Callable:
    """Turn input problems and broken weights into a clear message in the tab (gr.Error)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as err:
            raise gr.Error(str(err), print_exception=False) from None
        except ModelUnavailable as err:
            raise gr.Error(
                f"This tab's model is unavailable: {err}", print_exception=False
            ) from None

    return wrapper


def about_markdown(info: ModelInfo) -> str:
    summary = weights_summary(info.weights)
    if not summary:
        return f"**The weights file `{info.weights}` is missing.** Train it with `{info.train_command}`."
    train = summary.get("train", {})
    metrics = read_metrics(info)
    if info.metric in metrics:
        measured = f"**{metrics[info.metric]:.2%}** {info.metric} on {metrics['split']} ({metrics['n']:,} examples)"
    else:
        measured = f"not measured yet: run `{info.eval_command}`"
    minutes = train.get("train_time_s", 0) / 60
    return "\n".join(
        [
            f"- **Architecture:** {info.architecture}, {summary['params']:,} parameters",
            f"- **Training data:** {info.training_data}",
            f"- **Training:** {train.get('recipe', {}).get('epochs', '?')} epochs, "
            f"{minutes:.0f} min on {train.get('hardware', '?')} (torch {train.get('torch', '?')})",
            f"- **Measured:** {measured}",
            f"- **Runs on:** {pick_device().type}",
            f"- **Reproduce:** `{info.train_command}`, then `{info.eval_command}`",
        ]
    )


def about_panel(info: ModelInfo) -> None:
    """A collapsed "About this model" accordion: facts, training curves, confusion matrix."""
    with gr.Accordion("About this model", open=False):
        gr.Markdown(about_markdown(info))
        rows = training_curves(info)
        if rows:
            curves = pd.DataFrame(rows)
            with gr.Row():
                for name in ("train_loss", "val_acc"):
                    if name in curves:
                        gr.LinePlot(
                            curves, x="epoch", y=name, title=name.replace("_", " "), height=220
                        )
        else:
            gr.Markdown(f"_No training log at `{info.log.name}`: curves not shown._")
        if info.confusion_image.is_file():
            gr.Image(
                str(info.confusion_image),
                label=f"Confusion matrix ({read_metrics(info).get('split', 'evaluation split')})",
                interactive=False,
                height=360,
            )
