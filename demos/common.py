"""The UI pieces every tab shares: error handling at the UI edge, ZeroGPU, API endpoints and
the one limit on model calls, the About panel."""

import functools
import inspect
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import gradio as gr
import pandas as pd
from gradio import processing_utils
from gradio.utils import get_upload_folder
from PIL import Image

from demos.i18n import DEFAULT, FLAT, LANGUAGES, request_language, t, text, zh
from models.common.batching import MAX_BATCH
from models.common.cards import (
    is_number,
    measured,
    read_metrics,
    split_of,
    training_curves,
    weights_summary,
)
from models.common.device import decided_device
from models.common.errors import InputError, ModelUnavailable
from models.common.hub import HubUnavailable
from models.common.paths import LOG
from models.common.spec import FORMATS, Figure, ModelSpec

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


_models_on_ray = False  # the About panel's "runs on" (app.py --serve ray)


def run_models_on_ray(limit: int) -> None:
    """For the app built after this call: the models run in Ray Serve's replicas, which queue
    their own requests, so the tabs let `limit` model calls in at once (not MODEL_CONCURRENCY),
    and the About panels say where the models run."""
    global _models_on_ray
    MODEL_CALLS["concurrency_limit"] = limit
    _models_on_ray = True


# The digit, CIFAR-10 and sentiment classifiers batch the requests that arrive together into one
# forward pass (models.common.batching; one pass at a time per model): their quick events let
# MAX_BATCH requests in at once so that a batch can form. GALLERY_MAX_BATCH=1 turns it off.
BATCHED_CALLS = (
    dict(concurrency_id="batched", concurrency_limit=MAX_BATCH) if MAX_BATCH > 1 else MODEL_CALLS
)


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


class StopButton:
    """A long job's stop button, per browser session: each click of the job's start button
    begins a run, and a click of stop asks every run begun so far to stop, one still waiting
    in the queue too. The job checks `watch(request)` between its steps and ends itself there.

    Not Gradio's `cancels`: Gradio 6.31 ends a cancelled run with a "completed" message that
    has no data, which the page fails to apply and so marks every output of the run "Error"
    (no message shown); the page's own cancel marks them done once /cancel and /reset have
    answered, and whichever of the two comes last stays on screen."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # session -> (the number of its latest run begun, the latest run asked to stop)
        self._runs: dict[str, tuple[int, int]] = {}

    def begin(self, request: gr.Request) -> None:
        """The start button's first, quick event (before the run joins its queue)."""
        with self._lock:
            begun, stopped = self._runs.get(request.session_hash, (0, 0))
            self._runs[request.session_hash] = (begun + 1, stopped)

    def press(self, request: gr.Request) -> None:
        with self._lock:
            begun, _ = self._runs.get(request.session_hash, (0, 0))
            self._runs[request.session_hash] = (begun, begun)

    def watch(self, request: gr.Request | None) -> Callable[[], bool]:
        """For the job, as it starts: a check of whether stop has been pressed since the start
        click that began it. Never true for a call without a page (no session)."""
        session = request.session_hash if request is not None else None
        with self._lock:
            run = self._runs.get(session, (0, 0))[0] if session else 0
        if not run:
            return lambda: False

        def pressed() -> bool:
            with self._lock:
                return self._runs[session][1] >= run

        return pressed


def long_job(
    fn: Callable, inputs, outputs, start: gr.Button, stop: gr.Button, stops: StopButton, **kwargs
):
    """Wire a long job: `start` runs `fn`, a generator that yields intermediate outputs (and
    may take a `progress=gr.Progress()` argument for the progress bar), in the LONG_JOBS group;
    `stop` asks it to stop: `fn` (taking a `request: gr.Request` argument) checks
    `stops.watch(request)` between its steps and, once pressed, yields its last outputs (what
    it says on stopping) and returns. Returns the run event (e.g. to chain on it)."""
    # begin and press run at once, outside the queue: a run waits there for its turn
    quick = dict(queue=False, show_progress="hidden", api_visibility="private")
    begun = start.click(stops.begin, None, None, **quick)
    run = begun.then(fn, inputs, outputs, api_visibility="private", **LONG_JOBS, **kwargs)
    stop.click(stops.press, None, None, **quick)
    return run


def examples(samples: list, inputs: list, label: str) -> gr.Examples:
    """gr.Examples for several inputs, without the header row Gradio would fill with the
    inputs' labels: it writes translatable labels there untranslated (raw i18n data)."""
    made = gr.Examples(samples, inputs=inputs, label=label)
    made.dataset.headers = []
    return made


def text_result(tab: str, label: str, notices_label: str) -> tuple[gr.Textbox, gr.Markdown]:
    """A text tab's answer (read-only, with a copy button) and its notices below it, with the
    element ids `<tab>-output` and `<tab>-notices` (the browser tests find them by these)."""
    output = gr.Textbox(
        label=label, lines=4, interactive=False, buttons=["copy"], elem_id=f"{tab}-output"
    )
    return output, gr.Markdown(label=notices_label, elem_id=f"{tab}-notices")


def ui_event(inputs: list, outputs: list) -> dict:
    """The settings of a UI-only event that runs a model: not in the API, in MODEL_CALLS."""
    return dict(inputs=inputs, outputs=outputs, api_visibility="private", **MODEL_CALLS)


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


def image_output(label, height: int = 320, **kwargs) -> gr.Image:
    """A picture a tab shows (not an input), sent to the page as PNG: lossless, as made."""
    return gr.Image(
        label=label, type="pil", format="png", interactive=False, height=height, **kwargs
    )


def image_events(
    image: gr.Image,
    examples: gr.Examples,
    fn: Callable,
    inputs: list,
    outputs: list,
    changes: list,
    cleared: tuple,
    new_photo: tuple[Callable, list, list] | None = None,
) -> None:
    """Wire an image tab's one event: `fn(*inputs)` runs for a photo uploaded or picked from
    `examples` and for each of `changes` (the other inputs' events), with preprocess=False (see
    `uploaded_path`), in the MODEL_CALLS group; a change made while a result loads runs after
    it (always_last). Clearing the photo sets `outputs` to `cleared`. With `new_photo`, (fn,
    inputs, outputs) runs for a new photo instead (it may reset a choice), and `cleared` is
    for its outputs."""
    calls = dict(api_visibility="private", preprocess=False, **MODEL_CALLS)
    latest = dict(trigger_mode="always_last")
    photo_fn, photo_inputs, photo_outputs = new_photo or (fn, inputs, outputs)
    # image.upload, not image.change: Gradio 6 fires .change twice for each upload after the first
    photo_triggers = [image.upload] if new_photo else [image.upload, *changes]
    gr.on(photo_triggers, photo_fn, photo_inputs, photo_outputs, **calls, **latest)
    examples.load_input_event.then(photo_fn, photo_inputs, photo_outputs, **calls)
    if new_photo:
        gr.on(changes, fn, inputs, outputs, **calls, **latest)
    image.clear(lambda: cleared, outputs=photo_outputs, api_visibility="private")


# The model choice's values every tab with one offers (clients send them): the model trained
# here, and the optional pretrained one (models.common.hub); a tab adds its own after these.
TRAINED, PRETRAINED = "trained", "pretrained"


def model_choice(choice: object, known: Iterable[str]) -> str:
    """`choice` when it is one of a model choice's values `known`, else InputError naming
    them (an API client may send anything)."""
    known = list(known)
    if choice not in known:
        raise InputError(
            "Unknown model {model}: use one of {known}.", model=repr(choice), known=", ".join(known)
        )
    return choice


def notices_of(notices: Iterable[str | None], mark: str = "⚠️ ") -> str:
    """A result's notices (models' Messages, or text already in the reader's language) in the
    reader's language, a paragraph each after `mark`; "" for none (None ones are left out)."""
    return "\n\n".join(f"{mark}{text(notice)}" for notice in notices if notice)


log = logging.getLogger("gallery")


def save_pil_to_cache(
    img: Image.Image, cache_dir: str, name: str = "image", format: str = "webp"
) -> str:
    """Gradio's own save_pil_to_cache (every output picture goes through it), made safe for
    concurrent requests. Gradio names the file by its bytes' hash and writes it again each time,
    truncating it first: a client still downloading the same picture from an earlier identical
    request then gets a cut-off body ("peer closed connection without sending complete message
    body", seen under load). Here a picture already cached is only touched (delete_cache ages
    files by ctime), and a new one is written under a temporary name and renamed into place."""
    data = processing_utils.encode_pil_to_bytes(img, format)
    folder = Path(cache_dir) / processing_utils.hash_bytes(data)
    folder.mkdir(exist_ok=True, parents=True)
    path = (folder / f"{name}.{format}").resolve()
    try:
        os.utime(path)
        return str(path)
    except FileNotFoundError:  # not cached yet (or just deleted by delete_cache)
        pass
    fd, staging = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.replace(staging, path)
    return str(path)


processing_utils.save_pil_to_cache = save_pil_to_cache  # (image_utils looks it up at each call)

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
            raise gr.Error(text(err.args[0]), print_exception=False) from None
        except ModelUnavailable as err:
            message = text("common.unavailable", reason=text(err.args[0]))
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


def hub_fallback(cleared: Callable[[str], object]) -> Callable[[Callable], Callable]:
    """For a tab's event that may run a pretrained (Hub) model: when that model cannot be had
    (offline, still downloading), a warning says why and the event returns `cleared(message)`,
    the tab's outputs emptied (no result of the model chosen before stays under this choice)
    with the message in its notes. Not a gr.Error: that leaves a red "Error" badge on every
    output. A generator function (a long job) yields `cleared(message)` as its last step.

        @hub_fallback(lambda notice: (None, None, notice))
        def show(image, model): ...
    """

    def notice(err: HubUnavailable) -> object:
        message = text(err.args[0])
        gr.Warning(message)
        return cleared(message)

    def decorate(fn: Callable) -> Callable:
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def steps(*args, **kwargs):
                try:
                    yield from fn(*args, **kwargs)
                except HubUnavailable as err:
                    yield notice(err)

            return steps

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except HubUnavailable as err:
                return notice(err)

        return wrapper

    return decorate


def fact_text(english: str, language: str) -> str:
    """A model's own English (its SPEC, its metrics file) in `language` (zh.FACTS); as it is
    where there is no translation."""
    return zh.FACTS.get(english, english) if language == "zh" else english


def hardware_text(hardware: str, language: str) -> str:
    """'x86_64 CPU, 2 threads' (as models.common.training.hardware writes it) in `language`;
    a GPU's name as it is."""
    found = re.fullmatch(r"(.+) CPU, (\d+) threads(.*)", hardware)
    if not found:
        return hardware
    cpu, n, rest = found.groups()
    return text("about.cpu_threads", language, cpu=cpu, n=n) + rest


def training_summary(meta: dict, language: str = DEFAULT) -> str:
    """'5 epochs, 1 min on <hardware> (torch x)' from a weights header, as far as it says."""
    train = meta.get("train") if isinstance(meta.get("train"), dict) else {}
    recipe = train.get("recipe") if isinstance(train.get("recipe"), dict) else {}
    parts = []
    for unit in ("epochs", "steps"):
        if is_number(recipe.get(unit)):
            parts.append(text(f"about.{unit}", language, n=recipe[unit]))
            break
    if is_number(train.get("train_time_s")):
        parts.append(text("about.minutes", language, n=train["train_time_s"] / 60))
    summary = text("about.comma", language).join(parts) or text("about.no_recipe", language)
    if train.get("hardware"):
        hardware = hardware_text(str(train["hardware"]), language)
        summary = text("about.on_hardware", language, training=summary, hardware=hardware)
    if train.get("torch"):
        summary = text("about.with_torch", language, training=summary, version=train["torch"])
    return summary


def measured_text(spec: ModelSpec, language: str = DEFAULT) -> str:
    """'**99.59%** accuracy on MNIST test (10,000 examples)', or why nothing can be shown."""
    metrics, note = read_metrics(spec)
    shown = []
    for metric, value in measured(spec, metrics):
        figure = metric.show(value)
        if metric.format == "loss":  # (its "lower is better" in the reader's language)
            figure = text("about.lower_is_better", language, value=FORMATS["number"](value))
        shown.append(f"**{figure}** {fact_text(metric.label, language)}")
    if not shown:
        if note:
            return text(note, language)
        return text("about.no_known_metrics", language, command=f"{spec.evaluate} --write")
    result = text("about.comma", language).join(shown)
    split, n = split_of(metrics)
    if split:
        result = text("about.on_split", language, figures=result, split=fact_text(split, language))
    if n is not None:
        result = text("about.examples", language, text=result, n=n)
    return result


def export_text(spec: ModelSpec, language: str = DEFAULT) -> str | None:
    """Where `python -m models.export` writes the tab default's TorchScript and ONNX files and
    its measured latency, from the record beside the weights; None without a readable one."""
    for path in sorted(spec.weights_path().parent.glob("*.export.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            ms, files = record["latency_ms_p50"], record["files"]
            if not (record["tab_default"] and record["passed"]):
                continue
            size = " + ".join(record["inputs"].values())
            ort, torch_ms = ms["onnxruntime"], ms["pytorch"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue  # a record cut short or edited by hand: no export line
        if not (is_number(ort) and is_number(torch_ms) and files):
            continue
        return text(
            "about.export",
            language,
            command=f"python -m models.export {spec.name}",
            folder=str(Path(files[0]).parent),
            ort=ort,
            torch=torch_ms,
            net=record.get("net", ""),
            size=size,
        )
    return None


def about_facts(spec: ModelSpec, language: str | None = None) -> list[str]:
    """The facts of the About panel, one line each, in `language`. Without one (as built at
    start) each line's heading is a translation key (Gradio translates one key per text) and
    the rest English. A broken or missing file is named, the app still builds."""
    lang = language or DEFAULT
    try:
        summaries = {v: weights_summary(spec.weights_path(v)) for v in spec.variants}
    except ModelUnavailable as err:
        error = text(err.args[0], lang)
        return [text("about.weights_broken", lang, error=error, command=spec.train)]
    missing = [v for v, summary in summaries.items() if not summary]
    if missing:
        path = spec.weights_path(missing[0])
        return [text("about.weights_missing", lang, path=path, command=spec.train)]
    params = sum(summary["params"] for summary in summaries.values())
    if len(summaries) == 1:
        training = training_summary(next(iter(summaries.values())), lang)
    else:
        training = text("about.semicolon", lang).join(
            f"`{v}` {training_summary(s, lang)}" for v, s in summaries.items()
        )
    device = decided_device()
    device_key = f"about.device_{device.type if device else 'pending'}"
    if _models_on_ray:
        device_key = "about.device_ray"
    facts = {
        "architecture": fact_text(spec.architecture, lang),
        "parameters": f"{params:,}",
        "training_data": fact_text(spec.training_data, lang),
        "training": training,
        "measured": measured_text(spec, lang),
        "runs_on": text(device_key, lang) if device_key in FLAT[DEFAULT] else str(device),
        "reproduce": f"`{fact_text(spec.train, lang)}`; `{spec.evaluate}`",
    }
    exported = export_text(spec, lang)
    if exported:
        facts["export"] = exported
    return [
        text("about.fact", lang, heading=heading(f"common.{name}", language), value=value)
        for name, value in facts.items()
    ]


def heading(key: str, language: str | None) -> str:
    """A heading's translation key for the browser (language None), else its text."""
    return str(t(key)) if language is None else text(key, language)


def about_markdown(spec: ModelSpec) -> str:
    return "\n".join(about_facts(spec))


def curve_title(name: str, language: str | None = None) -> str:
    """A training log column's name for people ("val_acc" -> "validation accuracy"): its
    translation key (language None) or its text."""
    key = f"curves.{name}"
    return heading(key, language) if key in FLAT[DEFAULT] else name.replace("_", " ")


def figure_caption(figure: Figure, split: object, language: str | None = None) -> str:
    """A figure's caption, with the split it shows when the metrics file names one."""
    key = f"figures.{figure.suffix}"
    if key in FLAT[DEFAULT]:
        caption = heading(key, language)
    else:  # (a key per caption would clash: two models' "samples.png" show different things)
        caption = fact_text(figure.caption, language or DEFAULT)
    if not isinstance(split, str):
        return caption
    split = fact_text(split, language or DEFAULT)
    return text("about.split", language or DEFAULT, caption=caption, split=split)


def about_panel(spec: ModelSpec) -> None:
    """A collapsed "About this model" accordion: facts, the spec's training curves and figures.
    Built at start with translation keys and English; what Gradio does not translate in the
    browser (the facts' figures, the plots' axes, the figures' captions, made at start in each
    language) is put in the reader's language when a page loads."""
    with gr.Accordion(t("common.about"), open=False, elem_classes=["about-panel"]) as panel:
        if f"{spec.name}.summary" in FLAT[DEFAULT]:  # (every tab has one: tests/test_i18n.py)
            gr.Markdown(t(f"{spec.name}.summary"))
        facts = [gr.Markdown(fact) for fact in about_facts(spec)]
        rows = training_curves(spec)
        plotted, several = [], False
        if rows:
            curves = pd.DataFrame(rows)
            several = curves["weights"].nunique() > 1  # one line per weights file
            with gr.Row():
                for name in spec.curves:
                    if name in curves:
                        plot = gr.LinePlot(
                            curves.dropna(subset=[name]),
                            x="epoch",
                            y=name,
                            color="weights" if several else None,
                            title=curve_title(name),
                            x_title=text("about.epoch", DEFAULT),
                            y_title=curve_title(name, DEFAULT),
                            color_title=text("about.weights", DEFAULT) if several else None,
                            height=220,
                        )
                        plotted.append((name, plot))
        else:
            gr.Markdown(
                f"_{t('common.no_curves')}_ (`{spec.artefact(spec.variants[0], LOG).name}`)"
            )
        split = read_metrics(spec)[0].get("split")
        shown = []
        for figure in spec.figures:
            path = spec.artefact("default", figure.suffix)  # model-level, as its metrics
            if path.is_file():
                image = gr.Image(
                    str(path), label=figure_caption(figure, split), interactive=False, height=360
                )
                shown.append((figure, image))

    def texts(language: str) -> tuple[list[str], list[tuple[str, str, str | None]], list[str]]:
        axes = [
            (
                text("about.epoch", language),
                curve_title(name, language),
                text("about.weights", language) if several else None,
            )
            for name, _ in plotted
        ]
        captions = [figure_caption(figure, split, language) for figure, _ in shown]
        return about_facts(spec, language), axes, captions

    # made once per language, and again once the first model load has chosen the device (the
    # facts' "runs on" line); the device is only part of the key
    in_language = functools.cache(lambda language, device: texts(language))
    for language in LANGUAGES:
        in_language(language, decided_device())

    def in_readers_language() -> list:
        lines, axes, captions = in_language(request_language(), decided_device())
        return [
            *(gr.Markdown(line) for line in lines),
            *(gr.LinePlot(x_title=x, y_title=y, color_title=c) for x, y, c in axes),
            *(gr.Image(label=caption) for caption in captions),
        ]

    outputs = [*facts, *(plot for _, plot in plotted), *(image for _, image in shown)]
    # (again on each opening: the page's language switch may have changed the language)
    in_readers_language_on(in_readers_language, outputs, panel.expand)


def in_readers_language_on(fn: Callable, outputs: list, *triggers) -> None:
    """Run `fn` (no inputs; quick, it runs no model) whenever a page of the app loads, and on
    `triggers`: to put text that the browser does not translate in the reader's language."""
    # show_progress="hidden" alone still shows a timer on load events' outputs (Gradio 6.31):
    # the progress goes to a State, which shows none
    quiet = dict(show_progress="hidden", show_progress_on=[gr.State()], queue=False)
    gr.on(None, fn, None, outputs, api_visibility="private", **quiet)
    if triggers:
        gr.on(list(triggers), fn, None, outputs, api_visibility="private", **quiet)
