"""The translation tab in Chromium: typing and examples, the attention map (uncovered), and
every string in Chinese or English."""

import re

import pytest
from playwright.sync_api import expect

from demos.i18n import FLAT, text
from demos.translation import EXAMPLES
from models.translation import SPEC
from tests.browser import active_panel, browser_page, model_loaded_first, needs_chromium, screenshot
from tests.test_browser_cifar10 import CJK, foreign_strings, labels_over

pytestmark = needs_chromium

loaded_model = model_loaded_first(SPEC)


TAB = {"en": "中文 ↔ English", "zh": "中文 ↔ English 翻译"}
NOT_CHINESE = "This does not look like Chinese: choose English→中文 or auto."  # (a notice)
DIRECTION_NAMES = {"中文 → English", "English → 中文"}  # the same in both languages


def open_tab(page, language: str = "en"):
    page.get_by_role("tab", name=TAB[language], exact=True).click()
    panel = active_panel(page)
    panel.locator("#translation-output textarea").wait_for()
    return panel


def examples_of(panel, language: str):
    return panel.locator("div.block", has_text=FLAT[language]["translation.examples"]).last


def example_rows(examples) -> list[list[str]]:
    rows = examples.locator("tr.tr-body")
    expect(rows.first).to_be_visible()
    return [row.locator("td").all_inner_texts() for row in rows.all()]


def test_typing_a_sentence_shows_its_translation_and_an_uncovered_attention_map(page):
    panel = open_tab(page)
    panel.get_by_placeholder("Where is the station?").fill("Where is the nearest train station?")
    panel.get_by_role("button", name="Translate", exact=True).click()
    output = panel.locator("#translation-output textarea")
    expect(output).to_have_value(re.compile(r"[\u4e00-\u9fff]"), timeout=30_000)
    heat_map = panel.locator("#translation-attention img[src*='gradio_api/file']")
    heat_map.wait_for(timeout=20_000)
    assert labels_over(panel, heat_map) == []
    heading = panel.get_by_text("Attention: where the decoder looked").first
    assert heading.bounding_box()["y"] < heat_map.bounding_box()["y"]
    screenshot(panel, "translation-attention")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_example_row_shows_its_sentence_and_direction(browser, app_url, locale):
    language = locale[:2]
    with browser_page(browser, app_url, locale) as page:
        panel = open_tab(page, language)
        examples = examples_of(panel, language)
        rows = example_rows(examples)
        screenshot(examples, f"translation-examples-{language}")
        examples.locator("tr.tr-body").nth(3).click()  # runs at once
        output = panel.locator("#translation-output textarea")
        expect(output).to_have_value(re.compile(r"[\u4e00-\u9fff]"), timeout=30_000)
    assert [row[0] for row in rows] == [sentence for sentence, _ in EXAMPLES]
    for sentence, direction in rows:
        assert direction in DIRECTION_NAMES, (sentence, direction)
        source = "中文" if CJK.search(sentence) else "English"
        assert direction.startswith(source), (sentence, direction)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_string_of_the_tab_is_in_the_browsers_language(browser, app_url, locale):
    language = locale[:2]
    with browser_page(browser, app_url, locale) as page:
        panel = open_tab(page, language)
        # English text read as Chinese: a translation with a notice about the direction
        panel.get_by_label(FLAT[language]["translation.source"]).fill(
            "Where is the nearest train station?"
        )
        panel.get_by_label("中文 → English", exact=True).check()
        panel.get_by_role(
            "button", name=FLAT[language]["translation.translate"], exact=True
        ).click()
        notices = panel.locator("#translation-notices")
        expect(notices).to_contain_text(text(NOT_CHINESE, language), timeout=30_000)
        panel.locator("#translation-attention img[src*='gradio_api/file']").wait_for()
        panel.get_by_role("button", name=FLAT[language]["common.about"]).click()
        page.wait_for_timeout(1_000)  # the About panel's text and plots
        shown = panel.inner_text()
        screenshot(panel, f"translation-{language}")
    assert "__i18n__" not in shown
    assert foreign_strings(shown, language, ("translation", "common")) == []
