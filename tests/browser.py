"""What every browser test uses: Debian's Chromium, a page of the app in a given language, the
active tab's panel, drawing with the mouse and reading a label output."""

import contextlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = os.environ.get("GALLERY_SCREENSHOT")  # e.g. docs/screenshot.png, to refresh it

# every browser test module: `pytestmark = needs_chromium`
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} not installed")


def model_loaded_first(spec):
    """A browser test module's autouse fixture (`loaded_model = model_loaded_first(SPEC)`): the
    app loads its model on first use, which can take half a minute on a busy machine; loaded
    before the module's tests, their waits are the UI's alone."""

    @pytest.fixture(scope="module", autouse=True)
    def loaded_model(app_url):
        spec.load_default()

    return loaded_model


@contextlib.contextmanager
def browser_page(browser, url: str, locale: str = "en-US"):
    """A page of the app in a fresh browser context whose language is `locale` (it sets
    navigator.language and the Accept-Language of the page's requests)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale=locale)
    try:
        page = context.new_page()
        page.goto(url)
        yield page
    finally:
        context.close()


def active_panel(page):
    return page.locator("[role=tabpanel]:visible").first


def draw(page, canvas, strokes, box=200):
    """Drag the mouse along strokes (unit coordinates) inside the centred picture area."""
    bounds = canvas.bounding_box()
    cx, cy = bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2
    left, top = cx - 0.35 * box, cy - 0.5 * box  # digit box: 0.7 wide, 1 tall
    for stroke in strokes:
        points = [(left + x * box, top + y * box) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(x, y, steps=4)
        page.mouse.up()


def shown_label(panel, expected: str) -> str:
    """The label output's top class once it reads `expected` (or whatever it reads at timeout).
    The element is looked up afresh: a cleared output is re-created when a new result comes."""
    label = panel.locator("[data-testid=label-output-value]").first
    try:
        expect(label).to_have_text(expected, timeout=20_000)
    except AssertionError:
        pass  # the caller's assert shows what it reads instead
    return label.text_content(timeout=1_000).strip() if label.count() else "(no label)"


# Each fixed state a browser test reaches is saved as a picture there, to look at after a run
SCREENSHOTS = Path(os.environ.get("GALLERY_SCREENSHOTS", "build/screenshots"))


def screenshot(target, name: str) -> Path:
    """Save a picture of a page or locator as SCREENSHOTS/<name>.png; returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path
