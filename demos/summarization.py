"""Summarization tab: paste Chinese or English, get a summary (the model trained here, TextRank,
Lead or a pretrained Hub model); the source shown with the parts taken highlighted and each
sentence's score as a shade; ROUGE against a reference when one is pasted."""

import gradio as gr

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
from models.common.text import normalize
from models.summarization import SPEC

summarization = LazyModule(
    "models.summarization.predict"
)  # imported with torch by the first request

TITLE = t("summarization.title")
MAX_LENGTH = 20  # sentences the slider offers (the API takes up to predict.MAX_SENTENCES)
METHODS = [
    (t("summarization.trained"), TRAINED),
    (t("summarization.textrank"), "textrank"),
    (t("summarization.lead"), "lead"),
    (t("summarization.pretrained"), PRETRAINED),
]
EXAMPLES = [
    [
        "日前，方舟子发文直指林志颖旗下爱碧丽推销假保健品，引起哗然。调查发现，爱碧丽没有自己的"
        "生产加工厂。其胶原蛋白饮品无核心研发，全部代工生产。号称有“逆生长”功效的爱碧丽“梦幻奇迹"
        "限量组”售价高达1080元，实际成本仅为每瓶4元！",
        0,
    ],
    [
        "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three "
        "months to December, from $639m year-earlier. The firm, which is now one of the biggest "
        "investors in Google, benefited from sales of high-speed internet connections and higher "
        "advert sales. TimeWarner said fourth quarter sales rose 2% to $11.1bn from $10.9bn. Its "
        "profits were buoyed by one-off gains which offset a profit dip at Warner Bros, and less "
        "users for AOL. Time Warner said on Friday that it now owns 8% of search-engine Google.",
        2,
    ],
]


# gr.HighlightedText breaks its text anywhere (word-break: break-all), English words and its
# "summary" badges too: English lines break between words (Chinese still between any two
# characters), a word longer than the line (a link) breaks where it must.
CSS = """
#summarization-taken .textfield, #summarization-scores .textfield {
    word-break: normal;
    overflow-wrap: anywhere;
}
#summarization-taken .label { white-space: nowrap; }
"""
NOTHING = ("", "", None, None, "")  # summary, notices, highlights, scores, ROUGE: all empty


def highlighted(result: "summarization.Summary") -> list[tuple[str, str | None]]:
    """The source in pieces, those the summary took labelled (gr.HighlightedText)."""
    label = i18n.text("summarization.taken")
    pieces, pos = [], 0
    for a, b in sorted(result.chosen):
        if a > pos:
            pieces.append((result.source[pos:a], None))
        pieces.append((result.source[a:b], label))
        pos = b
    if pos < len(result.source):
        pieces.append((result.source[pos:], None))
    return pieces


def shaded(result: "summarization.Summary") -> list[tuple[str, float | None]]:
    """Each source sentence with its score (0-1: the shade), the gaps between them unshaded."""
    if result.scores is None:
        return [(result.source, None)]
    pieces, pos = [], 0
    for (a, b), score in zip(result.sentences, result.scores, strict=True):
        if a > pos:
            pieces.append((result.source[pos:a], None))
        pieces.append((result.source[a:b], round(score, 3)))
        pos = b
    return pieces


def rouge_table(result: "summarization.Summary") -> str:
    if result.rouge is None:
        return ""
    r = result.rouge
    unit = i18n.text(
        "summarization.rouge_chars" if result.lang == "zh" else "summarization.rouge_words"
    )
    return (
        f"| ROUGE-1 | ROUGE-2 | ROUGE-L |\n|---|---|---|\n"
        f"| {r['rouge1']:.3f} | {r['rouge2']:.3f} | {r['rougeL']:.3f} |\n\n{unit}"
    )


@gpu
@user_errors
@hub_fallback(lambda notice: ("", f"⚠️ {notice}", None, None, ""))
def summarize_ui(text: str, length: float, method: str, reference: str):
    """Summary, notices, highlighted source, sentence scores, ROUGE."""
    method = model_choice(method, [value for _, value in METHODS])
    result = summarization.summarize_full(text, length, method, reference)
    notes = notices_of(result.notices)
    if result.scores is None:
        extra = i18n.text("summarization.scores_trained_only")
        notes = "\n\n".join(filter(None, [notes, extra]))
    return result.text, notes, highlighted(result), shaded(result), rouge_table(result)


def summarize_picked(text: str, length: float, method: str, reference: str):
    """Another method picked: the text's summary by it, or, with no text yet, nothing."""
    if not normalize(text):
        return NOTHING
    return summarize_ui(text, length, method, reference)


@gpu
@user_errors
def summarize_api(text: str, length: float, method: str) -> str:
    """API /summarize: (text, length: 0 auto | sentences >= 1 | share < 1, method) -> summary."""
    return summarization.summarize(text, length, method)


def build() -> None:
    # (app.py takes no CSS per tab; "hidden" keeps the style in the page without a gap)
    gr.HTML(f"<style>{CSS}</style>", visible="hidden")
    gr.Markdown(t("summarization.intro"))
    with gr.Row():
        with gr.Column():
            text = gr.Textbox(
                label=t("summarization.source"),
                lines=8,
                max_lines=20,
                placeholder=t("summarization.placeholder"),
            )
            length = gr.Slider(
                0,
                MAX_LENGTH,
                value=0,
                step=0.05,
                label=t("summarization.length"),
                info=t("summarization.length_help"),
            )
            method = gr.Radio(METHODS, value=TRAINED, label=t("summarization.method"))
            reference = gr.Textbox(
                label=t("summarization.reference"),
                lines=2,
                placeholder=t("summarization.reference_placeholder"),
            )
            submit = gr.Button(t("summarization.summarize"), variant="primary")
            samples = examples(EXAMPLES, [text, length], t("summarization.examples"))
        with gr.Column():
            output, notes = text_result(
                "summarization", t("summarization.output"), t("summarization.notices")
            )
            taken = gr.HighlightedText(
                label=t("summarization.highlighted"),
                combine_adjacent=False,
                show_legend=False,
                color_map=None,
                elem_id="summarization-taken",
            )
            scores = gr.HighlightedText(
                label=t("summarization.scores"),
                combine_adjacent=False,
                show_legend=False,
                elem_id="summarization-scores",
            )
            gr.Markdown(t("summarization.scores_help"))
            rouge = gr.Markdown(label=t("summarization.rouge"), elem_id="summarization-rouge")
    about_panel(SPEC)

    ask = ui_event([text, length, method, reference], [output, notes, taken, scores, rouge])
    submit.click(summarize_ui, **ask)
    method.input(summarize_picked, **ask, trigger_mode="always_last")
    samples.load_input_event.then(summarize_ui, **ask)
    endpoint(summarize_api, [text, length, method], output, api_name="summarize")
