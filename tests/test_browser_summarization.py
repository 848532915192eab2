"""The summarization tab in Chromium: an article's summary and highlights, English words kept
whole at the highlight panels' line ends, a Chinese paragraph's summary of whole sentences, and
the pretrained option offline."""

import re

import pytest
from playwright.sync_api import expect

from models.summarization import SPEC, hub
from models.summarization.sentences import split_sentences
from tests.browser import active_panel, needs_chromium, screenshot
from tests.conftest import hub_model_cached
from tests.test_summarization import ARTICLE

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not SPEC.weights_path().is_file(), reason="no shipped weights"),
]

# LCSTS val: a Weibo post of seven sentences (quoted)
SEVEN = (
    "怎么去旅游呢？跟团？自由行？搭车穷游？统统OUT了！3年时间里，温州90后小伙仇乾阳畅游全球40多个"
    "国家，每到一处不仅免收门票，还全程封道。小伙子说，举办马拉松的都是旅游城市，赛道往往从著名景点"
    "经过，进出都不用收门票。"
)
PANELS = ("#summarization-taken", "#summarization-scores")

# The words (runs of Latin letters and digits) of an element's text whose characters lie on
# more than one line: a word the browser broke at a line end.
SPLIT_WORDS = """(root) => {
    const split = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of node.data.matchAll(/[A-Za-z0-9]+/g)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            if (lines.size > 1) split.push(word[0]);
        }
    }
    return split;
}"""


def open_tab(page, name: str) -> None:
    """Click a tab, through the "More tabs" menu when the tab bar has no room for it."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.count() and tab.is_visible():
        tab.click()
        return
    page.get_by_role("button", name="More tabs").click()
    page.locator(".overflow-dropdown button", has_text=name).click()


def summarize(panel, text: str, length: str, method: str, reference: str = "") -> None:
    """Fill the tab's inputs, pick the method by its label and press Summarize."""
    panel.get_by_placeholder("Paste a news article").fill(text)
    box = panel.locator("input[type=number]").first  # the length slider's number box
    box.fill(length)
    box.press("Tab")
    panel.get_by_label(method, exact=False).check()
    panel.get_by_placeholder("e.g. the article's own headline").fill(reference)
    panel.get_by_role("button", name="Summarize", exact=True).click()


def test_pasting_an_article_shows_its_summary_and_highlights(page):
    open_tab(page, "Summarization")
    panel = active_panel(page)
    summarize(panel, ARTICLE, "2", "Trained here")
    output = panel.locator("#summarization-output textarea")
    expect(output).to_have_value(re.compile(r"TimeWarner|Time Warner|Google"), timeout=30_000)
    assert len(split_sentences(output.input_value())) == 2
    expect(panel.locator("#summarization-taken")).to_contain_text("Quarterly profits")
    assert panel.get_by_text("Error", exact=True).count() == 0


def test_the_highlight_panels_break_english_lines_between_words_only(page):
    open_tab(page, "Summarization")
    panel = active_panel(page)
    summarize(panel, ARTICLE, "2", "Trained here")
    for selector in PANELS:
        expect(panel.locator(selector)).to_contain_text("search-engine Google", timeout=30_000)
    screenshot(panel.locator("#summarization-taken"), "summarization-highlights-english")
    for selector in PANELS:
        element = panel.locator(selector)
        assert element.bounding_box()["height"] > 60  # several lines: there are line ends
        assert element.evaluate(SPLIT_WORDS) == [], selector


def test_a_chinese_paragraph_of_seven_sentences_is_summarized_by_whole_sentences(page):
    open_tab(page, "Summarization")
    panel = active_panel(page)
    summarize(panel, SEVEN, "0", "Trained here")
    output = panel.locator("#summarization-output textarea")
    expect(output).to_have_value(re.compile(r"[。！？]$"), timeout=30_000)  # not a headline
    assert output.input_value() in split_sentences(SEVEN)
    expect(panel.locator("#summarization-taken")).to_contain_text("怎么去旅游呢")
    screenshot(panel.locator("#summarization-taken"), "summarization-highlights-chinese")


@pytest.mark.skipif(hub_model_cached(hub.HUB_MODELS["en"]), reason="the Hub model is cached here")
def test_the_pretrained_option_offline_clears_the_outputs_says_why_and_back_is_clean(
    page, monkeypatch
):
    open_tab(page, "Summarization")
    panel = active_panel(page)
    output = panel.locator("#summarization-output textarea")
    rouge = panel.locator("#summarization-rouge")
    notices = panel.locator("#summarization-notices")
    summarize(panel, ARTICLE, "2", "Trained here", reference="TimeWarner profits jumped")
    expect(rouge).to_contain_text("ROUGE-1", timeout=30_000)

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # as without internet
    summarize(panel, ARTICLE, "0", "Pretrained abstractive", reference="TimeWarner profits jumped")
    expect(notices).to_contain_text("needs internet access", timeout=30_000)
    expect(output).to_have_value("", timeout=10_000)  # no summary of the trained model left
    expect(rouge).not_to_contain_text("ROUGE-1")  # nor its ROUGE table
    expect(panel.locator("#summarization-taken")).not_to_contain_text("Quarterly")
    assert panel.get_by_text("Error", exact=True).count() == 0
    screenshot(panel, "summarization-pretrained-offline")

    panel.get_by_label("Trained here", exact=False).check()  # summarizes again at once
    expect(rouge).to_contain_text("ROUGE-1", timeout=30_000)
    expect(output).to_have_value(re.compile(r"TimeWarner|Time Warner|Google"))
    expect(notices).not_to_contain_text("needs internet access")
    assert panel.get_by_text("Error", exact=True).count() == 0
    screenshot(panel, "summarization-back-to-trained")
