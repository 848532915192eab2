"""The UI pieces every tab shares: error handling at the UI edge, ZeroGPU, the About panel."""

import functools
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import gradio as gr
import pandas as pd

from models.common.cards import ModelInfo, read_metrics, training_curves, weights_summary
from models.common.device import pick_device
from models.common.errors import InputError, ModelUnavailable
from models.common.hub import HubUnavailable

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


DOWNLOADS = Path(tempfile.gettempdir()) / "gallery-downloads"  # files the app offers to save
DOWNLOAD_LIFETIME_S = 3600  # older ones are deleted when a new one is written


def new_download(name: str) -> Path:
    """A fresh path, ending in `name`, for a file to download (a folder of its own per call).
    Those over an hour old go, so a long-running app does not fill the disk (Gradio serves
    its own copy of the file)."""
    DOWNLOADS.mkdir(exist_ok=True)
    for old in DOWNLOADS.iterdir():
        try:
            if time.time() - old.stat().st_mtime > DOWNLOAD_LIFETIME_S:
                shutil.rmtree(old, ignore_errors=True)
        except FileNotFoundError:  # another app process pruned it first
            continue
    folder = DOWNLOADS / uuid.uuid4().hex
    folder.mkdir()
    return folder / name


def user_errors(fn: Callable) -> Callable:
    """Turn input problems and broken weights into a clear message in the tab (gr.Error)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (InputError, HubUnavailable) as err:  # (a Hub model's failure: the tab still works)
            raise gr.Error(str(err), print_exception=False) from None
        except ModelUnavailable as err:
            raise gr.Error(
                f"This tab's model is unavailable: {err}", print_exception=False
            ) from None

    return wrapper


def training_summary(meta: dict) -> str:
    """'5 epochs, 1 min on <hardware> (torch x)' from a weights header."""
    train = meta.get("train", {})
    minutes = train.get("train_time_s", 0) / 60
    return (
        f"{train.get('recipe', {}).get('epochs', '?')} epochs, {minutes:.0f} min on "
        f"{train.get('hardware', '?')} (torch {train.get('torch', '?')})"
    )


def about_markdown(info: ModelInfo) -> str:
    try:
        summaries = {path: weights_summary(path) for path in info.all_weights}
    except ModelUnavailable as err:  # built with the UI: a broken file must not stop the app
        return f"**The {err}.** Train it again with `{info.train_command}`."
    missing = [path for path, summary in summaries.items() if not summary]
    if missing:
        return (
            f"**The weights file `{missing[0]}` is missing.** Train it with `{info.train_command}`."
        )
    params = sum(summary["params"] for summary in summaries.values())
    if len(summaries) == 1:
        training = training_summary(summaries[info.weights])
    else:
        training = "; ".join(f"`{p.stem}` {training_summary(s)}" for p, s in summaries.items())
    metrics = read_metrics(info)
    if info.metric in metrics:
        measured = f"**{metrics[info.metric]:.2%}** {info.metric} on {metrics['split']} ({metrics['n']:,} examples)"
    else:
        measured = f"not measured yet: run `{info.eval_command} --write`"
    return "\n".join(
        [
            f"- **Architecture:** {info.architecture}, {params:,} parameters",
            f"- **Training data:** {info.training_data}",
            f"- **Training:** {training}",
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
            several = curves["weights"].nunique() > 1  # one line per weights file
            with gr.Row():
                for name in ("train_loss", "val_acc"):
                    if name in curves:
                        gr.LinePlot(
                            curves.dropna(subset=[name]),
                            x="epoch",
                            y=name,
                            color="weights" if several else None,
                            title=name.replace("_", " "),
                            height=220,
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
