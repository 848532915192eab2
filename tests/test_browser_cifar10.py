"""The CIFAR-10 tab in Chromium: uploads and examples, the model's input and Grad-CAM pictures
(uncovered), the Grad-CAM class and its caption, and every string in Chinese or English."""

import re

import pytest
from playwright.sync_api import expect

from demos.cifar10 import EXAMPLES
from demos.i18n import FLAT
from models.cifar10 import SPEC, hub
from tests.browser import (
    active_panel,
    browser_page,
    model_loaded_first,
    needs_chromium,
    screenshot,
    shown_label,
)
from tests.conftest import hub_model_cached

pytestmark = needs_chromium

loaded_model = model_loaded_first(SPEC)


TAB = {"en": "CIFAR-10", "zh": "CIFAR-10 图像分类"}
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def open_tab(page, language: str = "en"):
    page.get_by_role("tab", name=TAB[language], exact=True).click()
    panel = active_panel(page)
    panel.locator("#cifar10-results").wait_for()  # (not the panel of the tab shown before)
    return panel


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def labels_over(panel, picture) -> list[str]:
    """The texts of the panel's block labels drawn over a picture (an <img> locator)."""
    box = picture.bounding_box()
    labels = panel.locator("[data-testid=block-label]")
    return [
        label.inner_text()
        for label in labels.all()
        if label.is_visible() and overlaps(box, label.bounding_box())
    ]


def foreign_strings(shown: str, language: str, blocks: tuple[str, ...]) -> list[str]:
    """Strings of the other language's blocks found in `shown` (except those that are part of
    one of our own, as "CIFAR-10" in "CIFAR-10 图像分类")."""
    other = "zh" if language == "en" else "en"
    ours = [v for k, v in FLAT[language].items() if k.split(".")[0] in blocks]
    return [
        value
        for key, value in FLAT[other].items()
        if key.split(".")[0] in blocks
        and "{" not in value
        and value in shown
        and not any(value in own for own in ours)
    ]


def results(panel):
    """The model's input and the Grad-CAM pictures, once they show a result."""
    seen = panel.locator("#cifar10-seen img[src*='gradio_api/file']")
    heat = panel.locator("#cifar10-gradcam img[src*='gradio_api/file']")
    seen.wait_for(timeout=20_000)
    heat.wait_for(timeout=20_000)
    return seen, heat


def test_uploading_a_cat_photo_shows_cat_and_an_example_click_too(page):
    panel = open_tab(page)
    panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
    assert shown_label(panel, "cat") == "cat"
    panel.get_by_role("button", name="Remove Image").first.click()  # clears the results quietly
    panel.locator("[data-testid=label-output-value]").wait_for(state="detached", timeout=20_000)
    page.wait_for_timeout(1_000)
    assert page.get_by_text("Error", exact=True).count() == 0
    panel.locator("button:has(img)").nth(0).click()  # the first example: the same cat, clicked
    assert shown_label(panel, "cat") == "cat"


def test_the_models_input_and_gradcam_are_not_covered_by_labels(page):
    panel = open_tab(page)
    panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
    assert shown_label(panel, "cat") == "cat"
    seen, heat = results(panel)
    expect(seen).to_be_visible()
    assert labels_over(panel, seen) == []
    assert labels_over(panel, heat) == []
    # each picture keeps its title, above it
    for picture, title in ((seen, "What the model sees (32x32)"), (heat, "Grad-CAM")):
        heading = panel.get_by_text(title).first
        expect(heading).to_be_visible()
        assert heading.bounding_box()["y"] < picture.bounding_box()["y"]
    screenshot(panel.locator("#cifar10-results"), "cifar10-input-and-gradcam")


def test_a_new_photo_resets_the_gradcam_class_and_the_caption_names_the_class_shown(page):
    panel = open_tab(page)
    caption = panel.locator("#cifar10-cam-caption")
    target = panel.get_by_label("Explain which class (Grad-CAM)")
    panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])  # a cat
    assert shown_label(panel, "cat") == "cat"
    expect(caption).to_contain_text("saw cat, its top class", timeout=20_000)
    _, heat = results(panel)
    cat_map = heat.get_attribute("src")
    target.click()
    page.get_by_role("option", name="dog", exact=True).click()
    expect(caption).to_contain_text("saw dog, the class picked below", timeout=20_000)
    expect(heat).not_to_have_attribute("src", cat_map, timeout=20_000)
    screenshot(panel.locator("#cifar10-results"), "cifar10-gradcam-of-dog")
    panel.locator("input[type=file]").first.set_input_files(EXAMPLES[1])  # a rocket
    expect(target).to_have_value("top class", timeout=20_000)
    expect(caption).to_contain_text("its top class", timeout=20_000)
    expect(caption).not_to_contain_text("dog")
    screenshot(panel.locator("#cifar10-results"), "cifar10-new-photo-top-class")


@pytest.mark.skipif(hub_model_cached(hub.HUB_MODEL), reason="the Hub model is cached here")
def test_the_pretrained_option_offline_says_so_and_keeps_the_trained_models_views(
    page, monkeypatch
):
    panel = open_tab(page)
    panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
    assert shown_label(panel, "cat") == "cat"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # as without internet
    panel.get_by_label("pretrained", exact=False).check()
    page.get_by_text("needs internet access").first.wait_for(timeout=20_000)
    # no stale "cat" under "pretrained", but the input and Grad-CAM of the trained model stay
    panel.locator("[data-testid=label-output-value]").wait_for(state="detached", timeout=20_000)
    assert panel.locator("img[src*='gradio_api/file']").count() >= 3  # photo, input, Grad-CAM
    assert page.get_by_text("Error", exact=True).count() == 0
    panel.get_by_label("trained here", exact=False).check()
    assert shown_label(panel, "cat") == "cat"


def test_a_damaged_image_gets_one_clear_message(page, tmp_path):
    panel = open_tab(page)
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 100)
    panel.locator("input[type=file]").first.set_input_files(str(damaged))
    message = page.get_by_text(re.compile("not an image that can be read|damaged"))
    message.first.wait_for(timeout=20_000)
    page.wait_for_timeout(1_000)  # any other event's reply
    assert message.count() == 1


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_string_of_the_tab_is_in_the_browsers_language(browser, app_url, locale, monkeypatch):
    language = locale[:2]
    with browser_page(browser, app_url, locale) as page:
        panel = open_tab(page, language)
        panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
        top = {"zh": "猫 cat", "en": "cat"}[language]
        assert shown_label(panel, top) == top
        caption = panel.locator("#cifar10-cam-caption")
        expect(caption).to_contain_text({"zh": "首选类别", "en": "top class"}[language])
        results(panel)
        panel.get_by_label(FLAT[language]["cifar10.explain"]).click()
        options = page.get_by_role("option")
        expect(options.first).to_be_visible()
        choices = options.all_inner_texts()
        page.keyboard.press("Escape")
        panel.get_by_role("button", name=FLAT[language]["common.about"]).click()
        page.wait_for_timeout(1_000)  # the About panel's text and plots
        shown = panel.inner_text()
        screenshot(panel, f"cifar10-{language}")
        if not hub_model_cached(hub.HUB_MODEL):  # the Hub's message, in the same language
            monkeypatch.setenv("HF_HUB_OFFLINE", "1")
            panel.get_by_label(FLAT[language]["cifar10.pretrained"], exact=False).check()
            warning = {"zh": "需要联网", "en": "needs internet access"}[language]
            page.get_by_text(warning).last.wait_for(timeout=20_000)
            shown += page.get_by_text(warning).last.inner_text()
    assert "__i18n__" not in shown
    assert foreign_strings(shown, language, ("cifar10", "common")) == []
    assert len(choices) == 11
    if language == "zh":
        assert all(CJK.search(choice) for choice in choices), choices
    else:
        assert not any(CJK.search(line) for line in shown.splitlines()), shown
        assert not any(CJK.search(choice) for choice in choices), choices
