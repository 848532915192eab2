"""中文 ↔ English tab: text in, its translation out (direction picked or detected), with the
decoder's cross-attention as a heat map of source × target subwords."""

import functools
import io
import threading

import gradio as gr
import numpy as np
from PIL import Image

from demos import i18n
from demos.common import (
    PRETRAINED,
    TRAINED,
    about_panel,
    endpoint,
    examples,
    gpu,
    hub_fallback,
    model_choice,
    notices_of,
    text_result,
    ui_event,
    user_errors,
)
from demos.i18n import t
from models.common.loading import LazyModule
from models.translation import MAX_BEAM, SPEC

translation = LazyModule("models.translation.predict")  # imported with torch by the first request

TITLE = t("translation.title")
MODELS = [
    (t("translation.trained"), TRAINED),
    (t("translation.pretrained"), PRETRAINED),
]
DIRECTIONS = [
    (t("translation.auto"), "auto"),
    ("中文 → English", "zh-en"),
    ("English → 中文", "en-zh"),
]
# Each example names its direction: Gradio's examples table shows the choice's name without
# translating it ("auto"'s name would show as a raw translation key); these two names read the
# same in both languages.
EXAMPLES = [
    ["我们明天早上去公园散步吧。", "zh-en"],
    ["这本书很有意思，我已经读了两遍。", "zh-en"],
    ["你会说英语吗？我只会说一点。", "zh-en"],
    ["Where is the nearest train station?", "en-zh"],
    ["I have never seen such a beautiful sunset.", "en-zh"],
    ["It's raining. Take an umbrella with you.", "en-zh"],
]
MAX_PLOT_PIECES = 60  # source pieces in the heat map: the first sentences up to this many
CJK_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei"]
CJK_FONT_FILES = ("wqy", "notosanscjk", "sourcehansans", "simhei")  # file names to look for


@functools.cache  # (the first call adds fonts to matplotlib's manager: under a lock)
def _font_family() -> list[str]:
    """A CJK-capable font for the heat map's axes when one is installed, then DejaVu Sans.
    Fonts installed after matplotlib built its font cache are found by file name."""
    from matplotlib import font_manager

    if not {f.name for f in font_manager.fontManager.ttflist} & set(CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if any(key in path.lower().replace("-", "") for key in CJK_FONT_FILES):
                font_manager.fontManager.addfont(path)
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in CJK_FONTS if f in installed] + ["DejaVu Sans"]


_font_lock = threading.Lock()


def font_family() -> list[str]:
    with _font_lock:
        return _font_family()


def block_attention(result: "translation.Translation") -> "translation.Attention | None":
    """The attention of the first sentences (up to MAX_PLOT_PIECES source pieces) placed side
    by side: each sentence's target rows against its own source columns."""
    parts = []
    for source, output in result.sentences:
        if not output:
            continue
        part = translation.attention(source, output, result.direction)
        if parts and sum(len(p.source) for p in parts) + len(part.source) > MAX_PLOT_PIECES:
            break
        parts.append(part)
    if not parts:
        return None
    weights = np.zeros((sum(len(p.target) for p in parts), sum(len(p.source) for p in parts)))
    row = col = 0
    for p in parts:
        weights[row : row + len(p.target), col : col + len(p.source)] = p.weights
        row, col = row + len(p.target), col + len(p.source)
    source = [s for p in parts for s in p.source]
    target = [s for p in parts for s in p.target]
    return translation.Attention(source, target, weights)


def plot_attention(att: "translation.Attention") -> Image.Image:
    """The heat map (rows: pieces written, columns: pieces read) as an image. Drawn on its own
    Figure, not pyplot's global state: two requests may plot at once."""
    from matplotlib.figure import Figure

    family = font_family()
    clean = [p.replace("▁", " ").strip() or "▁" for p in att.source]
    out = [p.replace("▁", " ").strip() or "▁" for p in att.target]
    width = min(14, 2 + 0.32 * len(clean))
    height = min(14, 1.8 + 0.3 * len(out))
    fig = Figure(figsize=(max(4, width), max(3, height)), dpi=100)
    ax = fig.subplots()
    ax.imshow(att.weights, cmap="Blues", vmin=0, vmax=max(float(att.weights.max()), 1e-6))
    ax.set_xticks(range(len(clean)), clean, rotation=60, ha="right", fontsize=9, family=family)
    ax.set_yticks(range(len(out)), out, fontsize=9, family=family)
    ax.set_xlabel(i18n.text("translation.axis_source"), family=family)
    ax.set_ylabel(i18n.text("translation.axis_target"), family=family)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


@gpu
@user_errors
@hub_fallback(lambda notice: ("", notice, None))
def translate_ui(text: str, direction: str, beam: float, length_penalty: float, choice: str):
    """Translation, notices, attention heat map."""
    choice = model_choice(choice, (TRAINED, PRETRAINED))
    result = translation.translate_full(text, direction, int(beam), length_penalty, choice)
    notes = notices_of(result.notices)
    if choice == PRETRAINED:
        extra = i18n.text("translation.attention_trained_only")
        return result.text, "\n\n".join(filter(None, [notes, extra])), None
    att = block_attention(result)
    return result.text, notes, plot_attention(att) if att is not None else None


@gpu
@user_errors
def translate_api(text: str, direction: str) -> str:
    """API /translate: (text, direction "auto" | "zh-en" | "en-zh") -> the translation."""
    return translation.translate(text, direction)


def build() -> None:
    gr.Markdown(t("translation.intro"))
    with gr.Row():
        with gr.Column():
            text = gr.Textbox(
                label=t("translation.source"),
                lines=4,
                placeholder=t("translation.placeholder"),
                info=t("translation.shift_enter"),
            )
            direction = gr.Radio(DIRECTIONS, value="auto", label=t("translation.direction"))
            with gr.Row():
                beam = gr.Slider(1, MAX_BEAM, value=4, step=1, label=t("translation.beam"))
                length_penalty = gr.Slider(
                    0.0, 2.0, value=0.6, step=0.1, label=t("translation.length_penalty")
                )
            choice = gr.Radio(MODELS, value=TRAINED, label=t("common.model"))
            submit = gr.Button(t("translation.translate"), variant="primary")
            samples = examples(EXAMPLES, [text, direction], t("translation.examples"))
        with gr.Column():
            output, notes = text_result(
                "translation", t("translation.output"), t("translation.notices")
            )
            # the title above the map, not Gradio's label, which would float over its corner
            gr.Markdown(f"**{t('translation.attention')}**")
            heatmap = gr.Image(
                label=t("translation.attention"),
                show_label=False,
                interactive=False,
                type="pil",
                buttons=[],
                elem_id="translation-attention",
            )
            gr.Markdown(t("translation.attention_help"))
    about_panel(SPEC)

    ask = ui_event([text, direction, beam, length_penalty, choice], [output, notes, heatmap])
    gr.on([submit.click, text.submit], translate_ui, **ask)
    samples.load_input_event.then(translate_ui, **ask)
    endpoint(translate_api, [text, direction], output, api_name="translate")
