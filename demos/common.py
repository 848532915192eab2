"""The UI pieces every tab shares: error handling at the UI edge, ZeroGPU, API endpoints and
the one limit on model calls, the About panel."""

import functools
import inspect
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import gradio as gr
import pandas as pd
from gradio.utils import get_upload_folder

from demos.i18n import DEFAULT, FLAT, localize, t, text
from models.common.cards import (
    evaluated_on,
    is_number,
    measured,
    read_metrics,
    training_curves,
    weights_summary,
)
from models.common.device import model_device
from models.common.errors import InputError, ModelUnavailable
from models.common.hub import HubUnavailable
from models.common.paths import LOG
from models.common.spec import Figure, ModelSpec

try:  # Hugging Face ZeroGPU Spaces: run the call on a GPU slice; a no-op elsewhere
    import spaces

    gpu = spaces.GPU
except ImportError:

    def gpu(fn: Callable) -> Callable:
        return fn


# Every event that runs a model, in any tab, joins one concurrency group: eight tabs cannot
# start twenty model calls at once on two CPU cores or one GPU. Events that only clear or
# reset outputs stay outside it, so the UI keeps answering while models are busy.
MODEL_CONCURRENCY = 2  # model calls at once, all tabs together (this project's CPU has 2 cores)
MODEL_CALLS = dict(concurrency_id="models", concurrency_limit=MODEL_CONCURRENCY)


def endpoint(
    fn: Callable, inputs, outputs, api_name: str, calls: dict = MODEL_CALLS, **kwargs
) -> None:
    """An API endpoint `/api_name` for clients, on a button that is never shown: every tab
    declares its endpoints this way, with components' types (files through handle_file) and
    the model calls' shared limit (`calls=LONG_JOBS` for a request that runs for many seconds)."""
    hidden = gr.Button(visible=False)
    hidden.click(fn, inputs, outputs, api_name=api_name, **calls, **kwargs)


# Long jobs (an optimisation that runs for many seconds, e.g. "your own style"): their own
# concurrency group, so they can never take the MODEL_CALLS slots the quick tabs answer in;
# one at a time, others wait in the queue (and see their place in it).
LONG_JOB_CONCURRENCY = 1
LONG_JOBS = dict(concurrency_id="long_jobs", concurrency_limit=LONG_JOB_CONCURRENCY)


def step_budget(maximum: int, value: int, label: str) -> gr.Slider:
    """The slider a long job's step budget is picked with (1 to `maximum` steps)."""
    return gr.Slider(1, maximum, value=value, step=1, label=label)


def long_job(fn: Callable, inputs, outputs, start: gr.Button, stop: gr.Button, **kwargs):
    """Wire a long job: `start` runs `fn`, a generator that yields intermediate outputs (and
    may take a `progress=gr.Progress()` argument for the progress bar), in the LONG_JOBS group;
    `stop` cancels it at once, leaving the last outputs it yielded on screen. Returns the run
    event (e.g. to chain on it)."""
    run = start.click(fn, inputs, outputs, api_visibility="private", **LONG_JOBS, **kwargs)
    stop.click(None, None, None, cancels=[run], api_visibility="private")
    return run


def examples(samples: list, inputs: list, label: str) -> gr.Examples:
    """gr.Examples for several inputs, without the header row Gradio would fill with the
    inputs' labels: it writes translatable labels there untranslated (raw i18n data)."""
    made = gr.Examples(samples, inputs=inputs, label=label)
    made.dataset.headers = []
    return made


def image_upload(**kwargs) -> gr.Image:
    """An image input whose events run with `preprocess=False` (see `uploaded_path`)."""
    return gr.Image(type="filepath", image_mode=None, **kwargs)


def uploaded_path(payload: dict | str | None, missing: str = "common.no_image") -> str:
    """The file path of an image input's raw value; InputError (the string `missing` names, in
    the reader's language) when there is none.
    Image events run with preprocess=False: Gradio's own decoding would fail on a corrupt file
    before our code runs, with a generic error; this way models.common.images.open_image checks
    the file and says what is wrong. (Gradio still checks that the path is one of its uploads.)"""
    path = payload.get("path") if isinstance(payload, dict) else payload
    if not path:
        raise InputError(text(missing))
    # Gradio checks a file it is told is FileData; a bare {"path": ...} in a raw API call
    # reaches us as it is, so a file outside Gradio's upload folder is refused here too
    if not Path(path).resolve().is_relative_to(Path(get_upload_folder()).resolve()):
        raise InputError("Upload the image: a path on the server is not read.")
    return path


log = logging.getLogger("gallery")

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
    """Turn input problems and broken weights into a clear message in the tab (gr.Error). Any
    other exception is a bug: its traceback goes to the server log under a short reference,
    and the user sees that reference instead of Gradio's generic error. A generator function
    (a long job's event) stays one, each of its steps handled alike."""
    if inspect.isgeneratorfunction(fn):
        return _user_errors_per_step(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (InputError, HubUnavailable) as err:  # (a Hub model's failure: the tab still works)
            raise gr.Error(localize(err.args[0]), print_exception=False) from None
        except ModelUnavailable as err:
            message = text("common.unavailable", reason=localize(err.args[0]))
            raise gr.Error(message, print_exception=False) from None
        except gr.Error:
            raise
        except Exception:
            reference = uuid.uuid4().hex[:8]
            log.exception("unexpected error in %s [ref %s]", fn.__qualname__, reference)
            message = text("common.unexpected", ref=reference)
            raise gr.Error(message, print_exception=False) from None

    return wrapper


def _user_errors_per_step(fn: Callable) -> Callable:
    """`user_errors` for a generator function: every step runs under the same handling."""
    done = object()

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        steps = fn(*args, **kwargs)  # (runs nothing yet)
        step = user_errors(functools.wraps(fn)(lambda: next(steps, done)))
        while (item := step()) is not done:
            yield item

    return wrapper


def training_summary(meta: dict) -> str:
    """'5 epochs, 1 min on <hardware> (torch x)' from a weights header, as far as it says."""
    train = meta.get("train") if isinstance(meta.get("train"), dict) else {}
    recipe = train.get("recipe") if isinstance(train.get("recipe"), dict) else {}
    parts = []
    for unit in ("epochs", "steps"):
        if is_number(recipe.get(unit)):
            parts.append(f"{recipe[unit]:g} {unit}")
            break
    if is_number(train.get("train_time_s")):
        parts.append(f"{train['train_time_s'] / 60:.0f} min")
    summary = ", ".join(parts) or "training recipe not recorded"
    if train.get("hardware"):
        summary += f" on {train['hardware']}"
    return summary + (f" (torch {train['torch']})" if train.get("torch") else "")


def about_facts(spec: ModelSpec) -> list[str]:
    """The facts of the About panel, one line each (Gradio translates one key per text, so each
    line holds one: its heading); a broken or missing file is named, the app still builds."""
    try:
        summaries = {v: weights_summary(spec.weights_path(v)) for v in spec.variants}
    except ModelUnavailable as err:
        return [f"**The {err}.** Train it again with `{spec.train}`."]
    missing = [v for v, summary in summaries.items() if not summary]
    if missing:
        path = spec.weights_path(missing[0])
        return [f"**The weights file `{path}` is missing.** Train it with `{spec.train}`."]
    params = sum(summary["params"] for summary in summaries.values())
    if len(summaries) == 1:
        training = training_summary(next(iter(summaries.values())))
    else:
        training = "; ".join(f"`{v}` {training_summary(s)}" for v, s in summaries.items())
    metrics, note = read_metrics(spec)
    figures = measured(spec, metrics)
    if figures:
        result = ", ".join(figures) + evaluated_on(metrics)
    else:
        result = (
            note
            or f"the metrics file names none of this model's metrics: run `{spec.evaluate} --write`"
        )
    return [
        f"**{t('common.architecture')}:** {spec.architecture}",
        f"**{t('common.parameters')}:** {params:,}",
        f"**{t('common.training_data')}:** {spec.training_data}",
        f"**{t('common.training')}:** {training}",
        f"**{t('common.measured')}:** {result}",
        f"**{t('common.runs_on')}:** {model_device().type}",
        f"**{t('common.reproduce')}:** `{spec.train}`; `{spec.evaluate}`",
    ]


def about_markdown(spec: ModelSpec) -> str:
    return "\n".join(about_facts(spec))


def curve_title(name: str) -> str:
    """A training log column's name for people ("val_acc" -> "validation accuracy")."""
    key = f"curves.{name}"
    return t(key) if key in FLAT[DEFAULT] else name.replace("_", " ")


def figure_caption(figure: Figure) -> str:
    key = f"figures.{figure.suffix}"
    return t(key) if key in FLAT[DEFAULT] else figure.caption


def about_panel(spec: ModelSpec) -> None:
    """A collapsed "About this model" accordion: facts, the spec's training curves and figures."""
    with gr.Accordion(t("common.about"), open=False):
        if f"{spec.name}.summary" in FLAT[DEFAULT]:  # (every tab has one: tests/test_i18n.py)
            gr.Markdown(t(f"{spec.name}.summary"))
        for fact in about_facts(spec):
            gr.Markdown(fact)
        rows = training_curves(spec)
        if rows:
            curves = pd.DataFrame(rows)
            several = curves["weights"].nunique() > 1  # one line per weights file
            with gr.Row():
                for name in spec.curves:
                    if name in curves:
                        gr.LinePlot(
                            curves.dropna(subset=[name]),
                            x="epoch",
                            y=name,
                            color="weights" if several else None,
                            title=curve_title(name),
                            height=220,
                        )
        else:
            gr.Markdown(
                f"_{t('common.no_curves')}_ (`{spec.artefact(spec.variants[0], LOG).name}`)"
            )
        split = read_metrics(spec)[0].get("split")
        for figure in spec.figures:
            path = spec.artefact("default", figure.suffix)  # model-level, as its metrics
            if path.is_file():
                caption = figure_caption(figure)
                caption = f"{caption} ({split})" if isinstance(split, str) else caption
                gr.Image(str(path), label=caption, interactive=False, height=360)
