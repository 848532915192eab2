"""The digits tab in Chromium: drawing with the mouse, Clear, uploads and the bar chart."""

import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser import active_panel, browser_page, draw, needs_chromium, screenshot, shown_label
from tests.strokes import DIGIT_STROKES, render

pytestmark = needs_chromium

INK = 80  # grey level below which a screenshot pixel counts as ink (the pen is pure black)
PICTURE = 260  # side of the square read in the canvas' middle: inside the 280x280 picture


@pytest.fixture
def panel(browser, app_url):
    """The digits tab of a freshly loaded page (each test starts from an empty canvas)."""
    with browser_page(browser, app_url) as page:
        page.get_by_role("tab", name="Digits", exact=True).click()
        panel = active_panel(page)
        expect_brush_selected(panel)  # the page's own doing: no test clicks the Brush tool
        yield panel


def canvas(panel):
    return panel.locator("[data-testid=image] canvas").first


def ink_pixels(panel) -> int:
    """Dark pixels shown in the middle of the sketch canvas, where the picture sits."""
    shot = Image.open(io.BytesIO(canvas(panel).screenshot())).convert("L")
    left, top = (shot.width - PICTURE) // 2, (shot.height - PICTURE) // 2
    middle = shot.crop((left, top, left + PICTURE, top + PICTURE))
    return int((np.asarray(middle) < INK).sum())


def wait_for_blank_canvas(panel, timeout_ms: int = 10_000) -> int:
    """Ink pixels left once the canvas shows none, or at timeout (the caller asserts 0)."""
    for _ in range(timeout_ms // 250):
        if (ink := ink_pixels(panel)) == 0:
            return 0
        panel.page.wait_for_timeout(250)
    return ink


def draw_digit(panel, digit: int) -> None:
    draw(panel.page, canvas(panel), DIGIT_STROKES[digit])


def expect_brush_selected(panel) -> None:
    brush = panel.get_by_role("button", name="Brush", exact=True)
    expect(brush).to_have_class(re.compile(r"\bhighlight\b"), timeout=30_000)
    expect(panel.get_by_text("select the draw tool to start")).to_have_count(0)


def clear(panel) -> None:
    panel.get_by_role("button", name="Clear", exact=True).click()
    panel.locator("[data-testid=label-output-value]").wait_for(state="detached", timeout=20_000)
    panel.get_by_text(re.compile(r"^Draw a digit\b")).first.wait_for(timeout=20_000)


def test_clear_empties_the_canvas_every_time_and_the_brush_stays_selected(panel):
    for digit in (7, 1, 4):
        draw_digit(panel, digit)
        assert shown_label(panel, str(digit)) == str(digit)
        screenshot(panel, f"digits-drew-{digit}")
        clear(panel)
        assert wait_for_blank_canvas(panel) == 0
        expect_brush_selected(panel)
    screenshot(panel, "digits-cleared")


def test_the_bar_chart_shows_all_ten_digit_labels_after_a_prediction(panel, tmp_path):
    photo = tmp_path / "three.png"
    render(3).save(photo)
    panel.locator("input[type=file]").last.set_input_files(str(photo))
    assert shown_label(panel, "3") == "3"
    plot = panel.locator(".vega-embed").first
    labels = plot.locator("g[aria-label^=X-axis] .role-axis-label text")
    expect(labels).to_have_count(10, timeout=20_000)
    assert labels.all_text_contents() == [str(d) for d in range(10)]
    # inside every box that clips it: the SVG itself and any overflow-hidden ancestor
    unclipped = labels.evaluate_all(
        """texts => texts.map(text => {
            const r = text.getBoundingClientRect();
            for (let e = text.parentElement; e; e = e.parentElement) {
                const style = getComputedStyle(e);
                if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
                const c = e.getBoundingClientRect();
                if (r.top < c.top || r.bottom > c.bottom || r.left < c.left || r.right > c.right)
                    return false;
            }
            return true;
        })"""
    )
    assert unclipped == [True] * 10
    screenshot(plot.locator("xpath=ancestor::div[contains(@class, 'block')][1]"), "digits-bars")


def test_an_upload_replaces_the_sketch_and_a_new_sketch_replaces_the_upload(panel, tmp_path):
    draw_digit(panel, 7)
    assert shown_label(panel, "7") == "7"
    photo = tmp_path / "three.png"
    render(3).save(photo)
    panel.locator("input[type=file]").last.set_input_files(str(photo))
    assert shown_label(panel, "3") == "3"
    assert wait_for_blank_canvas(panel) == 0  # the 7 is gone
    expect_brush_selected(panel)
    panel.page.wait_for_timeout(1_000)  # the emptied canvas must not overwrite the photo's result
    assert shown_label(panel, "3") == "3"
    panel.get_by_text("Looks like a 3").wait_for(timeout=20_000)
    screenshot(panel, "digits-upload-replaces-sketch")

    draw_digit(panel, 1)
    assert shown_label(panel, "1") == "1"
    expect(panel.get_by_role("button", name="Remove Image")).to_have_count(0)  # photo gone
    panel.get_by_text("Looks like a 1").wait_for(timeout=20_000)
    screenshot(panel, "digits-sketch-replaces-upload")


@pytest.mark.parametrize(
    ("locale", "axes"), [("zh-CN", "数字.*概率"), ("en-US", "digit.*probability")]
)
def test_the_bar_charts_axis_titles_are_in_the_pages_language(browser, app_url, locale, axes):
    with browser_page(browser, app_url, locale) as page:
        chart = active_panel(page).get_by_role("img").filter(has_text=re.compile(axes))
        expect(chart).to_be_visible(timeout=30_000)
        screenshot(page, f"digits-bar-axes-{locale}")
