"""中文情感分析 tab: a review in, positive/negative out, with the words that decided it;
batch mode scores many reviews (pasted or from a .txt/.csv file) into a downloadable table."""

import csv
import math

import gradio as gr
import pandas as pd

from demos import i18n
from demos.common import (
    BATCHED_CALLS,
    MODEL_CALLS,
    PRETRAINED,
    TRAINED,
    about_panel,
    endpoint,
    gpu,
    hub_fallback,
    model_choice,
    new_download,
    notices_of,
    ui_event,
    user_errors,
)
from demos.i18n import label_names, t
from models.common.errors import InputError
from models.common.loading import LazyModule
from models.sentiment import HUB_MODEL, SPEC

sentiment = LazyModule("models.sentiment.predict")  # imported with torch by the first request
hub = LazyModule("models.sentiment.hub")

TITLE = t("sentiment.title")
COLUMNS = ("text", "label", "p_positive")  # the batch scores' columns in the CSV and the API
MODELS = [
    (t("sentiment.trained"), TRAINED),
    (f"{t('sentiment.pretrained')}: {HUB_MODEL}", PRETRAINED),
]
EXAMPLES = [
    ["房间干净整洁，前台服务热情，早餐品种也多，下次出差还住这家。"],  # hotel
    ["外卖送到的时候汤都洒了，菜也是凉的，等了一个多小时，再也不点了。"],  # food delivery
    ["手机用了一周，运行流畅，拍照清晰，电池也很耐用，性价比很高。"],  # electronics
    ["这本书翻译得很生硬，读了几十页就看不下去了，很失望。"],  # books
    ["真是太棒了，充一次电能用整整两个小时，我感动得都哭了。"],  # sarcastic
    ["酒店位置不错，就是隔音太差，晚上被吵得睡不着。"],  # mixed
]


def scores_of(probs: dict[str, float]) -> dict[str, float]:
    """The tab's label: "正面 positive" beside the API's name for a Chinese reader."""
    return label_names({label: float(p) for label, p in probs.items()})


@gpu
@user_errors
@hub_fallback(lambda notice: (None, None, notice))
def classify(text: str, choice: str = TRAINED):
    """Single review: label, highlighted words, notices."""
    if model_choice(choice, (TRAINED, PRETRAINED)) == PRETRAINED:
        probs = hub.predict(sentiment.prepare(text)[0])
        return scores_of(probs), None, i18n.text("sentiment.attributions_trained_only")
    analysis = sentiment.analyse(text)
    scale = max((abs(a) for a in analysis.attributions), default=1.0) or 1.0
    highlighted = [
        (tok, round(a / scale, 3))
        for tok, a in zip(analysis.tokens, analysis.attributions, strict=True)
    ]
    return scores_of(analysis.probs), highlighted, notices_of(analysis.notices)


def analyse_shown(text: str, choice: str):
    """classify's outputs, and the text they are for (kept to spot a later edit)."""
    return *classify(text, choice), text


def reanalyse(text: str, choice: str):
    """The model was switched: analyse the review again, if there is one."""
    return analyse_shown(text, choice) if text and text.strip() else (None, None, "", "")


def clear_if_edited(text: str, analysed: str):
    """No stale verdict: the review changed (typed, pasted, an example) since it was analysed."""
    return (None, None, "") if text != analysed else (gr.skip(), gr.skip(), gr.skip())


@gpu
@user_errors
def classify_api(text: str) -> dict[str, float]:
    """API /sentiment: one review -> {"label": "positive", "confidences": [{"label", "confidence"}, ...]}
    (a gr.Label's value, as the image tabs return)."""
    return sentiment.predict(text)


def score_table(reviews: list[str], choice: str = TRAINED) -> list[list]:
    if model_choice(choice, (TRAINED, PRETRAINED)) == PRETRAINED:
        positive = hub.predict_batch(reviews)
    else:
        positive = sentiment.predict_batch(reviews)
    rows = []
    for text, p in zip(reviews, positive, strict=True):
        label = "" if math.isnan(p) else ("positive" if p >= 0.5 else "negative")
        rows.append([text, label, None if math.isnan(p) else round(p, 4)])
    return rows


@gpu
@user_errors
def batch_api(lines: list[str]) -> list[list]:
    """API /sentiment_batch: a list of reviews -> rows [text, label, p_positive]."""
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise InputError("Send the reviews as a list of texts, one review each.")
    reviews, _ = sentiment.limit_reviews([x.strip() for x in lines if x.strip()])
    return score_table(reviews)


@gpu
@user_errors
@hub_fallback(lambda notice: (None, notice, None))
def batch_ui(pasted: str, upload: str | None, choice: str):
    """Batch mode in the UI: table, summary, CSV to download."""
    if upload:
        reviews, notices = sentiment.read_reviews(upload)
        if pasted and pasted.strip():
            notices.append(i18n.text("sentiment.file_won"))
    else:
        reviews, notices = sentiment.limit_reviews(
            [ln.strip() for ln in (pasted or "").splitlines() if ln.strip()]
        )
    foreign = sum(not sentiment.looks_chinese(r) for r in reviews)
    if foreign:
        notices.append(i18n.text("sentiment.foreign", n=foreign, total=len(reviews)))
    rows = score_table(reviews, choice)
    n_pos = sum(r[1] == "positive" for r in rows)
    n_neg = sum(r[1] == "negative" for r in rows)
    model = i18n.text("sentiment.the_trained_model") if choice == TRAINED else hub.HUB_MODEL
    summary = i18n.text(
        "sentiment.summary_one" if len(rows) == 1 else "sentiment.summary_line",
        n=len(rows),
        model=model,
        pos=n_pos,
        share=n_pos / len(rows),
        neg=n_neg,
    )
    download = new_download("sentiment_scores.csv")
    with download.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return rows, "\n\n".join([summary, notices_of(notices)]).strip(), str(download)


def shown_scores(rows: list[list] | None) -> gr.Dataframe:
    """The scores as the table shows them (none: an empty table), its headers and labels in
    the reader's language ("正面 positive"; the CSV and the API keep their own names)."""
    headers = [i18n.text(f"sentiment.column_{name}") for name in COLUMNS]
    shown = []
    for review, label, p in rows or []:
        (name,) = label_names({label: p}) if label else ("",)  # ("" where nothing was read)
        shown.append([review, name, p])
    return gr.Dataframe(pd.DataFrame(shown, columns=headers), visible=True)


def batch_shown(pasted: str, upload: str | None, choice: str):
    """batch_ui for the tab: its table in the reader's language."""
    rows, summary, download = batch_ui(pasted, upload, choice)
    return shown_scores(rows), summary, download


def build() -> None:
    gr.Markdown(t("sentiment.intro"))
    choice = gr.Radio(MODELS, value=TRAINED, label=t("common.model"))
    with gr.Tab(t("sentiment.one")):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(
                    label=t("sentiment.review"),
                    lines=4,
                    placeholder=t("sentiment.placeholder"),
                    info=t("sentiment.shift_enter"),
                )
                submit = gr.Button(t("sentiment.analyse"), variant="primary")
                examples = gr.Examples(
                    EXAMPLES,
                    inputs=text,
                    label=t("sentiment.examples"),
                )
            with gr.Column():
                label = gr.Label(num_top_classes=2, label=t("sentiment.verdict"))
                words = gr.HighlightedText(
                    label=t("sentiment.words"),
                    show_legend=False,
                    combine_adjacent=False,
                    color_map=None,
                )
                notes = gr.Markdown(label=t("sentiment.notes"), show_label=False)
    with gr.Tab(t("sentiment.many")):
        with gr.Row():
            with gr.Column():
                pasted = gr.Textbox(label=t("sentiment.lines"), lines=8)
                upload = gr.File(
                    label=t("sentiment.file"),
                    file_types=[".txt", ".csv"],
                    type="filepath",
                )
                run = gr.Button(t("sentiment.score_all"), variant="primary")
            with gr.Column():
                summary = gr.Markdown(label=t("sentiment.batch_summary"), show_label=False)
                table = gr.Dataframe(
                    headers=list(COLUMNS),
                    visible=False,  # until there are scores (headers in the reader's language)
                    column_widths=["60%", "20%", "20%"],  # the verdict stays in view on a phone
                    label=t("sentiment.scores"),
                    interactive=False,
                    wrap=True,
                    max_height=400,
                )
                download = gr.File(label=t("sentiment.download"), interactive=False)
    about_panel(SPEC)

    analysed = gr.State("")  # the review the verdict shown is for
    analysis = [label, words, notes]
    private = dict(api_visibility="private")
    ask = ui_event([text, choice], [*analysis, analysed])
    gr.on([submit.click, text.submit], analyse_shown, **ask)
    examples.load_input_event.then(analyse_shown, **ask)
    choice.change(reanalyse, **ask)
    text.change(clear_if_edited, [text, analysed], analysis, **private)
    batch = [table, summary, download]
    run.click(lambda: (shown_scores(None), "", None), outputs=batch, **private).then(
        batch_shown, [pasted, upload, choice], batch, **private, **MODEL_CALLS
    )
    endpoint(classify_api, text, label, "sentiment", BATCHED_CALLS)
    # the batch API's list types; their labels name them on the "Use via API" page
    lines = gr.JSON(label=t("sentiment.api_reviews"), visible=False)
    rows = gr.JSON(label=t("sentiment.api_rows"), visible=False)
    endpoint(batch_api, lines, rows, api_name="sentiment_batch")
