"""The style tab in Chromium: presets restyle the photo, the sliders answer the mouse, the keyboard
and typed numbers, "your own style" plots its losses on numeric axes and says when it stopped,
and a Chinese browser reads all of it in Chinese."""

import re

import pytest
from playwright.sync_api import expect

from demos.i18n import FLAT
from tests.browser import browser_page, needs_chromium, screenshot

pytestmark = needs_chromium

EN, ZH = FLAT["en"], FLAT["zh"]
OUTPUT = "#style-output img[src*='gradio_api/file']"  # the presets' picture
PICTURE = "#style-picture img[src*='gradio_api/file']"  # "your own style"'s


def needs_darknet() -> None:
    from models.common.paths import data_dir
    from models.style.perceptual import DARKNET_FILE

    if not (data_dir() / DARKNET_FILE).is_file():
        pytest.skip("no perceptual network file")


def open_style(page, strings: dict, sub_tab: str):
    """The style tab's "presets" or "own" sub-tab, by its names in `strings`' language."""
    page.get_by_role("tab", name=strings["style.title"], exact=True).click()
    page.get_by_role("tab", name=strings[f"style.{sub_tab}"], exact=True).click()
    panel = page.locator(f"#style-{sub_tab}")
    panel.wait_for()
    return panel


def upload_own(panel) -> None:
    from demos.style import OWN_EXAMPLES

    panel.locator("input[type=file]").nth(0).set_input_files(OWN_EXAMPLES[0][0])
    panel.locator("input[type=file]").nth(1).set_input_files(OWN_EXAMPLES[0][1])


def slider(panel, strings: dict, key: str, part: str = "number input"):
    """A slider's number box ("number input") or its range ("range slider"), by its label."""
    return panel.locator(f"[aria-label='{part} for {strings[key]}']")


def wait_for_size(page, image: str, size: tuple[int, int]) -> None:
    """Until the picture `image` (a CSS selector) has loaded at `size` (width, height)."""
    page.wait_for_function(
        """([selector, [width, height]]) => {
            const img = document.querySelector(selector);
            return img && img.complete && img.naturalWidth === width && img.naturalHeight === height;
        }""",
        arg=[image, list(size)],
        timeout=30_000,
    )


def toasts(page) -> list[str]:
    """The messages shown in the corner (to say what went wrong)."""
    return page.locator("[data-testid=toast-body]").all_inner_texts()


def axis_labels(plot) -> list[str]:
    """Vega's own descriptions of the plot's axes and legend (its SVG's aria-labels)."""
    marks = plot.locator("[aria-roledescription=axis], [aria-roledescription=legend]")
    return [marks.nth(i).get_attribute("aria-label") for i in range(marks.count())]


def expect_numeric_axes(plot, strings: dict) -> list[str]:
    """Step and loss on linear (numeric) scales with titles and legend in `strings`' language."""
    x_axis = plot.locator(f"[aria-label^=\"X-axis titled '{strings['style.step_axis']}'\"]")
    numbers = re.compile(r"linear scale with values from \d+ to \d+")
    expect(x_axis).to_have_attribute("aria-label", numbers, timeout=20_000)
    lines = plot.locator("g.mark-line path[stroke^='#']")  # the two curves, in colour
    expect(lines).to_have_count(2)
    labels = axis_labels(plot)
    y_title = f"Y-axis titled '{strings['style.loss_axis']}' for a linear scale"
    assert any(label.startswith(y_title) for label in labels), labels
    legend = plot.locator(f"[aria-label*=\"legend titled '{strings['style.term_axis']}'\"]")
    expect(legend).to_have_count(1)
    # (Gradio draws the legend's entries itself, beside Vega's)
    expect(plot).to_contain_text(strings["style.content_term"])
    expect(plot).to_contain_text(strings["style.style_term"])
    return labels


def test_uploading_a_photo_and_picking_a_style_shows_the_stylised_image(page):
    from demos.style import EXAMPLES
    from models.style import SPEC as style

    if not style.weights_path("mosaic").is_file():
        pytest.skip("no shipped mosaic weights")
    panel = open_style(page, EN, "presets")
    panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
    output = panel.locator(OUTPUT)
    output.wait_for(timeout=60_000)  # (the first call loads the network)
    made_by = panel.locator("#style-made-by")
    expect(made_by).to_contain_text("multi-style network", timeout=30_000)  # the default
    first = output.get_attribute("src")
    panel.locator("#style-gallery button:has(img)").nth(2).click()  # a pretrained thumbnail
    expect(output).not_to_have_attribute("src", first, timeout=30_000)
    expect(made_by).to_contain_text("Style 3", timeout=30_000)
    second = output.get_attribute("src")
    panel.get_by_label("Mosaic", exact=True).check()
    expect(output).not_to_have_attribute("src", second, timeout=30_000)
    expect(made_by).to_contain_text("trained here", timeout=30_000)
    assert panel.get_by_text("Error", exact=True).count() == 0


def test_preset_sliders_restyle_on_the_keyboard_and_on_a_typed_number(page):
    from demos.style import EXAMPLES  # chelsea, 451x300

    panel = open_style(page, EN, "presets")
    panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
    output = panel.locator(OUTPUT)
    expect(output).to_have_count(1, timeout=30_000)
    first = output.get_attribute("src")
    slider(panel, EN, "style.strength", "range slider").press("ArrowLeft")  # 1 -> 0.95
    expect(output).not_to_have_attribute("src", first, timeout=30_000)
    size = slider(panel, EN, "style.size")
    size.fill("320")
    size.press("Tab")  # leaving the box: the number is chosen
    wait_for_size(page, OUTPUT, (320, 213))
    slider(panel, EN, "style.size", "range slider").press("ArrowRight")  # 320 -> 384
    wait_for_size(page, OUTPUT, (384, 255))
    assert panel.get_by_text("Error", exact=True).count() == 0
    screenshot(panel, "style-presets-keyboard-and-typed-size")


def test_own_style_sliders_take_typed_and_keyboard_values_in_the_next_run(page):
    needs_darknet()
    panel = open_style(page, EN, "own")
    upload_own(panel)
    size = slider(panel, EN, "style.size")
    size.fill("320")
    size.press("Tab")
    slider(panel, EN, "style.size", "range slider").press("ArrowRight")  # 320 -> 384
    panel.get_by_role("button", name=EN["style.fast"], exact=True).click()
    wait_for_size(page, PICTURE, (384, 384))  # the astronaut is square
    steps = slider(panel, EN, "style.steps")
    steps.fill("4")
    steps.press("Tab")
    slider(panel, EN, "style.steps", "range slider").press("ArrowRight")  # 4 -> 5
    panel.get_by_role("button", name=EN["style.start"], exact=True).click()
    expect(panel.get_by_text("Step 5 of 5.", exact=True)).to_be_visible(timeout=90_000)
    expect_numeric_axes(panel.locator("#style-losses"), EN)
    assert panel.get_by_text("Error", exact=True).count() == 0
    screenshot(panel.locator("#style-losses"), "style-own-loss-plot")


def test_stopping_your_own_style_mid_run_keeps_the_last_picture_and_says_so(page):
    needs_darknet()
    panel = open_style(page, EN, "own")
    upload_own(panel)
    assert "__i18n__" not in panel.inner_text()  # (the two-input examples' header row)
    slider(panel, EN, "style.steps").fill("100")
    panel.get_by_role("button", name=EN["style.start"], exact=True).click()
    shown = panel.get_by_text(re.compile(r"^Step (5|10|15) of 100\.$"))
    expect(shown).to_be_visible(timeout=90_000)
    expect_numeric_axes(panel.locator("#style-losses"), EN)
    panel.get_by_role("button", name=EN["style.stop"], exact=True).click()
    stopped = panel.get_by_text(re.compile(r"^Stopped at step (\d+) of 100\.$"))
    expect(stopped).to_be_visible(timeout=10_000)
    step = re.search(r"step (\d+)", stopped.inner_text()).group(1)
    expect(panel.locator("#style-own-made-by")).to_contain_text(f"{step} steps")  # its picture
    panel.locator(PICTURE).wait_for(timeout=10_000)
    page.wait_for_timeout(3_000)  # stopped: no further steps arrive
    expect(stopped).to_be_visible()
    expect_numeric_axes(panel.locator("#style-losses"), EN)  # the curves stay too
    screenshot(panel, "style-own-stopped")
    assert panel.get_by_text("Error", exact=True).count() == 0, toasts(page)


def test_a_chinese_browser_reads_the_style_tab_in_chinese(browser, app_url):
    from demos.style import EXAMPLES

    with browser_page(browser, app_url, "zh-CN") as page:
        panel = open_style(page, ZH, "presets")
        card = panel.locator("#style-card")
        expect(card).to_contain_text(ZH["style.preset_20"], timeout=20_000)  # the default
        expect(card).to_contain_text(ZH["style.pretrained_card"][:20])
        panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
        made_by = panel.locator("#style-made-by")
        expect(made_by).to_contain_text(ZH["style.made_by_multi"][:10], timeout=30_000)
        panel.get_by_label(ZH["style.mosaic"], exact=True).check()
        expect(made_by).to_contain_text(ZH["style.made_by_trained"].split("{")[0], timeout=30_000)
        expect(card).to_contain_text(ZH["style.trained_here"])
        screenshot(panel, "style-presets-zh")
        needs_darknet()
        panel = open_style(page, ZH, "own")
        upload_own(panel)
        slider(panel, ZH, "style.steps").fill("100")
        panel.get_by_role("button", name=ZH["style.start"], exact=True).click()
        expect(panel.get_by_text("第 5 步，共 100 步。", exact=True)).to_be_visible(timeout=90_000)
        labels = expect_numeric_axes(panel.locator("#style-losses"), ZH)
        assert not any("'step'" in label or "'loss'" in label for label in labels)
        expect(panel.locator("#style-own-made-by")).to_contain_text("生成者：Gatys 等人的优化")
        panel.get_by_role("button", name=ZH["style.stop"], exact=True).click()
        stopped = panel.get_by_text(re.compile(r"^已在第 \d+ 步停止（共 100 步）。$"))
        expect(stopped).to_be_visible(timeout=10_000)
        running = panel.locator("#style-picture [data-testid=status-tracker]")
        expect(running).to_have_class(re.compile(r"\bhide\b"), timeout=30_000)  # it has ended
        assert page.get_by_text("Error", exact=True).count() == 0, toasts(page)
        screenshot(panel, "style-own-zh")
