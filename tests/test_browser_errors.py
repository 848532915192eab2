"""A person's view of a pretrained (downloaded) choice without internet: the tab says why, the
outputs of the model chosen before are cleared rather than left under the new choice, no red
"Error" badge appears (nor stays after switching back), and the shipped model answers again."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from models.common.samples import sample
from tests.browser import active_panel, needs_chromium, screenshot, shown_label
from tests.conftest import hub_model_cached

pytestmark = needs_chromium

OFFLINE = re.compile("needs internet access")  # every Hub model's message says so


def torch_hub_cached(url: str) -> bool:
    from models.pets.hub import cached_file

    return cached_file(url).is_file()


def offline(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # as without internet (the app runs in-process)


def no_error_badge(panel) -> None:
    """No "Error" on any output, also a moment after the last reply (a late event's)."""
    panel.page.wait_for_timeout(500)
    assert panel.get_by_text("Error", exact=True).count() == 0


def image_of(panel, label: str):
    block = "div.block:has(> label[data-testid=block-label]:text-is('{}'))"
    return panel.locator(block.format(label)).locator("img[src*='gradio_api/file']")


def open_tab(page, name: str):
    page.get_by_role("tab", name=name, exact=True).click()
    return active_panel(page)


@pytest.mark.skipif(
    hub_model_cached(__import__("models.sentiment.hub", fromlist=["HUB_MODEL"]).HUB_MODEL),
    reason="the Hub model is cached here",
)
def test_sentiment_pretrained_offline_says_why_and_clears_the_verdict(page, monkeypatch):
    panel = open_tab(page, "中文情感 (Chinese sentiment)")
    panel.get_by_label("Review").fill("这家店的菜又贵又难吃，服务员态度也很差。")
    panel.get_by_role("button", name="Analyse").click()
    assert shown_label(panel, "negative") == "negative"
    offline(monkeypatch)
    panel.get_by_label("pretrained", exact=False).check()  # re-analyses at once
    panel.get_by_text(OFFLINE).first.wait_for(timeout=20_000)
    panel.locator("[data-testid=label-output-value]").wait_for(state="detached", timeout=20_000)
    no_error_badge(panel)
    screenshot(panel, "sentiment-pretrained-offline")
    panel.get_by_label("trained here", exact=False).check()
    assert shown_label(panel, "negative") == "negative"
    expect(panel.get_by_text(OFFLINE)).to_have_count(0)
    no_error_badge(panel)

    # the batch mode: scores of the model trained here, then none under the pretrained choice
    panel.get_by_role("tab", name="Many reviews", exact=True).click()
    panel.get_by_label("Reviews, one per line").fill("房间很干净\n太差了")
    panel.get_by_role("button", name="Score all").click()
    scored = panel.get_by_text("negative", exact=True).filter(visible=True)
    expect(scored).to_have_count(1, timeout=20_000)  # (the table's label cell)
    panel.get_by_label("pretrained", exact=False).check()
    panel.get_by_role("button", name="Score all").click()
    panel.get_by_text(OFFLINE).filter(visible=True).first.wait_for(timeout=20_000)
    expect(scored).to_have_count(0, timeout=20_000)
    no_error_badge(panel)
    screenshot(panel, "sentiment-batch-pretrained-offline")
    panel.get_by_label("trained here", exact=False).check()
    panel.get_by_role("button", name="Score all").click()
    expect(scored).to_have_count(1, timeout=20_000)
    no_error_badge(panel)
    panel.get_by_role("tab", name="One review", exact=True).click()


def offline_and_back(panel, monkeypatch, choices: tuple[str, str], images: tuple, name: str):
    """With no network, picking the pretrained choice (choices[0]) says why, clears the tab's
    `images` and shows no Error badge; picking a shipped model (choices[1]) brings a picture
    back without the message."""
    pretrained, shipped = choices
    offline(monkeypatch)
    panel.get_by_label(pretrained, exact=False).check()
    panel.get_by_text(OFFLINE).first.wait_for(timeout=20_000)
    for label in images:
        expect(image_of(panel, label)).to_have_count(0, timeout=20_000)
    no_error_badge(panel)
    screenshot(panel, name)
    panel.get_by_label(shipped, exact=False).check()
    image_of(panel, images[0]).wait_for(timeout=30_000)
    expect(panel.get_by_text(OFFLINE)).to_have_count(0)
    no_error_badge(panel)


@pytest.mark.skipif(
    torch_hub_cached(__import__("models.pets.hub", fromlist=["weights"]).weights().url),
    reason="torchvision's DeepLabV3 is cached here",
)
def test_pets_pretrained_offline_says_why_and_clears_the_shipped_models_mask(page, monkeypatch):
    from demos.pets import EXAMPLES

    panel = open_tab(page, "Pets")
    panel.locator("input[type=file]").first.set_input_files(EXAMPLES[0])
    image_of(panel, "Segmentation").wait_for(timeout=30_000)
    offline_and_back(
        panel,
        monkeypatch,
        ("pretrained: torchvision", "pretrained, offline"),
        ("Segmentation", "Mask (white = pet)"),
        "pets-pretrained-offline",
    )


def test_cyclegan_pretrained_offline_says_why_and_clears_the_translation(page, monkeypatch):
    from torch.hub import get_dir

    from models.cyclegan.hub import LOCAL_ENV

    if Path(get_dir(), "checkpoints", "cyclegan_horse2zebra.pth").is_file():
        pytest.skip("the authors' horse2zebra generator is cached here")
    monkeypatch.delenv(LOCAL_ENV, raising=False)
    panel = open_tab(page, "CycleGAN")
    panel.locator("input[type=file]").first.set_input_files(str(sample("chelsea")))
    image_of(panel, "Translated").wait_for(timeout=30_000)
    offline_and_back(
        panel,
        monkeypatch,
        ("the CycleGAN authors' generator", "the best shipped one"),
        ("Translated",),
        "cyclegan-pretrained-offline",
    )


@pytest.mark.skipif(
    hub_model_cached("Helsinki-NLP/opus-mt-en-zh"), reason="the Hub model is cached here"
)
def test_translation_pretrained_offline_says_why_and_clears_the_translation(page, monkeypatch):
    panel = open_tab(page, "中文 ↔ English")
    source = panel.get_by_placeholder("Where is the station?")
    source.fill("Where is the nearest train station?")
    panel.get_by_role("button", name="Translate", exact=True).click()
    output = panel.locator("#translation-output textarea")
    expect(output).to_have_value(re.compile(r"[\u4e00-\u9fff]"), timeout=30_000)
    offline(monkeypatch)
    panel.get_by_label("Pretrained, from the Hugging Face Hub", exact=False).check()
    panel.get_by_role("button", name="Translate", exact=True).click()
    panel.get_by_text(OFFLINE).first.wait_for(timeout=20_000)
    expect(output).to_have_value("", timeout=20_000)
    expect(panel.locator("#translation-attention img[src*='gradio_api/file']")).to_have_count(0)
    no_error_badge(panel)
    screenshot(panel, "translation-pretrained-offline")
    panel.get_by_label("Trained here", exact=False).check()
    panel.get_by_role("button", name="Translate", exact=True).click()
    expect(output).to_have_value(re.compile(r"[\u4e00-\u9fff]"), timeout=30_000)
    expect(panel.get_by_text(OFFLINE)).to_have_count(0)
    no_error_badge(panel)


def test_style_vgg19_offline_says_why_and_darknet_still_paints(page, monkeypatch):
    from demos.style import OWN_EXAMPLES
    from models.common.paths import data_dir
    from models.style.hub import VGG_ENV, cached_file, weights_url
    from models.style.perceptual import DARKNET_FILE

    if cached_file(weights_url("vgg19")).is_file():
        pytest.skip("torchvision's VGG19 is cached here")
    monkeypatch.delenv(VGG_ENV, raising=False)
    page.get_by_role("tab", name="Style transfer", exact=True).click()
    page.get_by_role("tab", name="Your own style", exact=True).click()
    panel = page.locator("#style-own")
    panel.locator("input[type=file]").nth(0).set_input_files(OWN_EXAMPLES[0][0])
    panel.locator("input[type=file]").nth(1).set_input_files(OWN_EXAMPLES[0][1])
    offline(monkeypatch)
    panel.get_by_label("VGG19", exact=False).check()
    panel.get_by_role("button", name="Paint", exact=True).click()
    panel.get_by_text(OFFLINE).first.wait_for(timeout=30_000)
    no_error_badge(panel)
    screenshot(panel, "style-vgg19-offline")
    if not (data_dir() / DARKNET_FILE).is_file():
        return  # (no perceptual network here to paint with)
    panel.get_by_label("Darknet tiny", exact=False).check()
    panel.get_by_role("button", name="Paint", exact=True).click()
    panel.locator("#style-picture img[src*='gradio_api/file']").wait_for(timeout=60_000)
    panel.get_by_role("button", name="Stop", exact=True).click()
    expect(panel.get_by_text(OFFLINE)).to_have_count(0)
    no_error_badge(panel)
