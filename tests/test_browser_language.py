"""One language for the page and the server's messages: the browser's at first, then the
page's 中文 | English switch or Gradio's Settings picker, kept across reloads and in the URL."""

import re

from playwright.sync_api import expect

from tests.browser import active_panel, browser_page, needs_chromium, screenshot

pytestmark = needs_chromium

DAMAGED = b"\x89PNG\r\n\x1a\n" + b"garbage" * 100
CHINESE_MESSAGE = re.compile("不是可读取的图片|图片文件已损坏")
ENGLISH_MESSAGE = re.compile("not an image that can be read|damaged")


def server_message(page, tmp_path, expected: re.Pattern) -> None:
    """Upload a damaged file on CIFAR-10: the server's message must match `expected`."""
    tab = page.get_by_role("tab", name=re.compile("CIFAR-10"))
    tab.click()
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(DAMAGED)
    active_panel(page).locator("input[type=file]").first.set_input_files(str(damaged))
    page.get_by_text(expected).first.wait_for(timeout=20_000)


def shows_chinese(page) -> None:
    expect(page.get_by_role("tab", name="手写数字", exact=True)).to_be_visible(timeout=40_000)


def shows_english(page) -> None:
    expect(page.get_by_role("tab", name="Digits", exact=True)).to_be_visible(timeout=40_000)


def test_the_switch_sets_the_page_and_the_servers_language_and_a_reload_keeps_it(
    browser, app_url, tmp_path
):
    with browser_page(browser, app_url, "en-US") as page:
        shows_english(page)
        page.locator("[data-gallery-lang=zh]").click()
        shows_chinese(page)
        assert "lang=zh" in page.url
        server_message(page, tmp_path, CHINESE_MESSAGE)  # an English browser, a Chinese reply
        screenshot(page, "language-switched-to-chinese")
        page.reload()
        shows_chinese(page)
        server_message(page, tmp_path, CHINESE_MESSAGE)
        page.locator("[data-gallery-lang=en]").click()
        shows_english(page)
        server_message(page, tmp_path, ENGLISH_MESSAGE)
        page.reload()
        shows_english(page)
        screenshot(page, "language-back-to-english-after-reload")


def test_the_settings_picker_sets_the_servers_language_too_and_a_reload_keeps_it(
    browser, app_url, tmp_path
):
    with browser_page(browser, app_url, "en-US") as page:
        shows_english(page)
        page.get_by_role("button", name="Settings").click()
        page.get_by_role("combobox").or_(page.get_by_role("listbox")).first.click()
        page.get_by_role("option", name="简体中文").click()
        page.locator("[role=dialog] button").first.click()  # the panel's close (x) button
        shows_chinese(page)
        server_message(page, tmp_path, CHINESE_MESSAGE)
        page.goto(app_url)  # the plain link again: the choice is remembered in this browser
        shows_chinese(page)
        screenshot(page, "language-settings-choice-after-reload")


def test_a_link_with_lang_opens_the_page_in_that_language(browser, app_url, tmp_path):
    with browser_page(browser, app_url + "?lang=zh", "en-US") as page:
        shows_chinese(page)
        server_message(page, tmp_path, CHINESE_MESSAGE)
    with browser_page(browser, app_url + "?lang=en", "zh-CN") as page:
        shows_english(page)
        server_message(page, tmp_path, ENGLISH_MESSAGE)
