"""A Chinese reader's view: every tab's About panel (facts, curves' axes, captions), the
sentiment batch table and the pets and CycleGAN tabs show no English of ours; an English reader
gets English."""

import re

from playwright.sync_api import expect

from demos.i18n import en, zh
from models import MODELS
from models.common.samples import sample
from tests.browser import active_panel, browser_page, needs_chromium, screenshot

pytestmark = needs_chromium

CJK = re.compile(r"[\u4e00-\u9fff]")


def english_phrases(block: str) -> set[str]:
    """The English of a block of en.py that its Chinese does not share: each string's parts
    between placeholders, without Markdown, that hold a word of 3 or more letters."""
    phrases = set()
    for key, english in en.STRINGS[block].items():
        chinese = zh.STRINGS[block][key]
        for part in re.split(r"\{[^}]*\}", english):
            part = re.sub(r"[*`_]", "", part).strip(" ,;:.()")
            if re.search(r"[A-Za-z]{3}", part) and not CJK.search(part) and part not in chinese:
                phrases.add(part)
    return phrases


# What the About panels would show in English: their headings and words, the curves' names,
# the captions, and the models' own English (architecture, data, metrics, splits)
ABOUT_ENGLISH = (
    english_phrases("common")
    | english_phrases("about")
    | english_phrases("curves")
    | english_phrases("figures")
    | set(zh.FACTS)
)


def english_in(shown: str, phrases: set[str]) -> list[str]:
    """The phrases that `shown` holds as whole words."""
    return sorted(
        p for p in phrases if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", shown)
    )


def open_about(page, tab_title: str, about: str):
    page.get_by_role("tab", name=tab_title, exact=True).click()
    panel = active_panel(page)
    panel.get_by_role("button", name=about).click()
    return panel.locator(".about-panel")


def test_every_about_panel_reads_in_chinese_in_a_chinese_browser(browser, app_url):
    with browser_page(browser, app_url, "zh-CN") as page:
        for name in MODELS:
            about = open_about(page, zh.STRINGS[name]["title"], zh.STRINGS["common"]["about"])
            # the facts are put in the reader's language when the page loads
            heading = zh.STRINGS["common"]["architecture"]
            expect(about.get_by_text(f"{heading}：")).to_be_visible(timeout=30_000)
            if about.locator(".vega-embed").count():  # the curves' axes, once drawn
                epoch = zh.STRINGS["about"]["epoch"]
                expect(about.get_by_text(epoch).first).to_be_visible(timeout=20_000)
            shown = about.inner_text()
            for code in about.locator("code").all_inner_texts():  # commands, file names
                shown = shown.replace(code, "")
            assert not english_in(shown, ABOUT_ENGLISH), (name, english_in(shown, ABOUT_ENGLISH))
            assert f"{zh.STRINGS['common']['measured']}：" in shown
            screenshot(about, f"{name}-about-zh")


def test_an_english_browser_reads_the_about_panels_in_english(browser, app_url):
    with browser_page(browser, app_url, "en-US") as page:
        for name in ("digits", "sentiment"):
            about = open_about(page, en.STRINGS[name]["title"], en.STRINGS["common"]["about"])
            expect(about.get_by_text("Architecture:")).to_be_visible(timeout=30_000)
            expect(about.get_by_text("epoch", exact=True).first).to_be_visible(timeout=20_000)
            shown = about.inner_text()
            assert "accuracy on" in shown and not CJK.search(shown)
            screenshot(about, f"{name}-about-en")


def test_the_sentiment_batch_table_reads_in_the_readers_language(browser, app_url):
    for locale, strings, labels in (
        ("zh-CN", zh.STRINGS["sentiment"], ["正面 positive", "负面 negative"]),
        ("en-US", en.STRINGS["sentiment"], ["positive", "negative"]),
    ):
        headers = [strings[f"column_{name}"] for name in ("text", "label", "p_positive")]
        with browser_page(browser, app_url, locale) as page:
            page.get_by_role("tab", name=strings["title"], exact=True).click()
            panel = active_panel(page)
            panel.get_by_role("tab", name=strings["many"], exact=True).click()
            panel.locator("textarea").filter(visible=True).first.fill(
                "房间干净整洁，服务热情，下次还住。\n菜又贵又难吃，再也不来了。"
            )
            panel.get_by_role("button", name=strings["score_all"], exact=True).click()
            for text in headers + labels:
                cell = panel.get_by_text(text, exact=True).filter(visible=True)
                expect(cell.first).to_be_visible(timeout=30_000)
            table = panel.locator("table").filter(visible=True).first
            assert "p_positive" not in table.inner_text()
            screenshot(panel, f"sentiment-batch-{locale}")


def test_pets_and_cyclegan_results_read_in_chinese(browser, app_url):
    with browser_page(browser, app_url, "zh-CN") as page:
        for name, shown in (("pets", "pets.overlay"), ("cyclegan", "cyclegan.translated")):
            page.get_by_role("tab", name=zh.STRINGS[name]["title"], exact=True).click()
            panel = active_panel(page)
            panel.locator("input[type=file]").first.set_input_files(str(sample("chelsea")))
            label = zh.STRINGS[name][shown.split(".")[1]]
            block = f"div.block:has(> label[data-testid=block-label]:text-is('{label}'))"
            output = panel.locator(block).locator("img[src*='gradio_api/file']")
            output.wait_for(timeout=60_000)
            phrases = english_phrases(name) | english_phrases("common")
            text = panel.inner_text()
            assert not english_in(text, phrases), (name, english_in(text, phrases))
            screenshot(panel, f"{name}-zh")
