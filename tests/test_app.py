"""The running app, driven over HTTP with gradio_client like an API user."""

import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from demos.cifar10 import EXAMPLES
from models.cifar10.hub import HUB_MODEL
from tests.conftest import hub_model_cached
from tests.strokes import render


def test_importing_and_building_the_app_loads_no_model_and_imports_no_torch():
    """The start stays fast: torch (2 of 5 s on a 2-core CPU), the tokenizers and transformers
    are imported by the first request that needs them, not by building the tabs."""
    heavy = ("torch", "torchvision", "transformers", "jieba", "sentencepiece", "matplotlib")
    code = (
        "import sys, app; from models.common.loading import loaded_keys; app.build_app(); "
        f"print(loaded_keys(), [m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[] []"


def top(result: dict) -> str:
    return result["label"]


def test_api_lists_the_documented_endpoints(client):
    names = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert {
        "/digits",
        "/digits_preview",
        "/digits_sketch",
        "/cifar10",
        "/cifar10_preview",
        "/sentiment",
        "/sentiment_batch",
        "/cifar10_gradcam",
    } <= names


def test_digits_endpoint_reads_a_drawn_seven(client, tmp_path):
    path = tmp_path / "seven.png"
    render(7, canvas=400, left=120, top=60, height=280, width=24).convert("RGB").save(path)
    result = client.predict(handle_file(str(path)), api_name="/digits")
    assert top(result) == "7"
    assert result["confidences"][0]["confidence"] > 0.5


def test_digits_sketch_endpoint_reads_a_drawing_and_checks_its_size(client, tmp_path):
    """The live sketch event: a drawing is read; a huge one (only an API caller can send it) is
    refused with the size in the status line, as an empty canvas is, not with an exception."""

    def sketch(path) -> dict:
        return {"background": None, "layers": [], "composite": handle_file(str(path))}

    seven = tmp_path / "seven.png"
    render(7, canvas=280, left=80, top=30, height=220, width=14).save(seven)
    label, _, _, status = client.predict(sketch(seven), api_name="/digits_sketch")
    assert top(label) == "7" and "**7**" in status
    huge = tmp_path / "huge.png"
    Image.new("L", (6000, 6000), 255).save(huge)
    label, _, _, status = client.predict(sketch(huge), api_name="/digits_sketch")
    assert not label and "megapixels" in status
    cleared = {"background": None, "layers": [], "composite": None}
    assert "Draw a digit" in client.predict(cleared, api_name="/digits_sketch")[3]


def test_digits_preview_is_the_28x28_model_input(client, tmp_path):
    from models.digits.predict import preprocess

    path = tmp_path / "two.png"
    render(2).save(path)
    preview = Image.open(client.predict(handle_file(str(path)), api_name="/digits_preview"))
    assert preview.size == (224, 224)
    pixels = np.asarray(preview.convert("L"))[4::8, 4::8]  # one pixel per enlarged cell
    expected = np.round(preprocess(path) * 255)
    assert np.abs(pixels.astype(float) - expected).max() <= 3  # 8-bit rounding, image format


def test_cifar10_endpoint_recognises_the_cat_example(client):
    result = client.predict(handle_file(EXAMPLES[0]), api_name="/cifar10")  # chelsea, a cat
    assert top(result) == "cat"
    assert len(result["confidences"]) == 5  # the top-5 the tab shows


@pytest.mark.skipif(hub_model_cached(HUB_MODEL), reason="the Hub model is cached here")
def test_cifar10_pretrained_option_offline_says_so_and_the_trained_model_still_answers(
    client, monkeypatch
):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # as without internet; never downloads in CI
    with pytest.raises(AppError, match="could not be loaded.*needs internet.*still works"):
        client.predict(handle_file(EXAMPLES[0]), "pretrained", api_name="/cifar10")
    assert top(client.predict(handle_file(EXAMPLES[0]), "trained", api_name="/cifar10")) == "cat"


def test_blank_and_corrupt_uploads_get_clear_messages(client, tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 300), "white").save(blank)
    with pytest.raises(AppError, match="No digit found: the image looks blank"):
        client.predict(handle_file(str(blank)), api_name="/digits")
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 100)
    for endpoint in ("/digits", "/cifar10"):
        with pytest.raises(AppError, match="not an image|damaged"):
            client.predict(handle_file(str(corrupt)), api_name=endpoint)


def test_a_server_path_that_was_not_uploaded_is_refused(app_url):
    """Events run with preprocess=False, so Gradio's own check is what keeps a raw API call from
    pointing the app at a file on the server: it must refuse a path outside its uploads."""
    import httpx

    def classify(path: str) -> str:
        photo = {"path": path, "meta": {"_type": "gradio.FileData"}}
        data = {"data": [photo, "trained"]}
        call = httpx.post(f"{app_url}gradio_api/call/cifar10", json=data, timeout=30)
        event = call.json()["event_id"]
        return httpx.get(f"{app_url}gradio_api/call/cifar10/{event}", timeout=30).text

    refused = classify(EXAMPLES[0])
    assert "event: error" in refused and "cat" not in refused
    # a bare {"path": ...} (no FileData meta) gets past Gradio's own check: the app refuses it
    call = httpx.post(
        f"{app_url}gradio_api/call/cifar10",
        json={"data": [{"path": EXAMPLES[0]}, "trained"]},
        timeout=30,
    )
    bare = call.json()["event_id"]
    refused = httpx.get(f"{app_url}gradio_api/call/cifar10/{bare}", timeout=30).text
    assert "event: error" in refused and "a path on the server is not read" in refused
    with open(EXAMPLES[0], "rb") as f:  # the same photo uploaded first is read
        uploaded = httpx.post(f"{app_url}gradio_api/upload", files={"files": f}, timeout=30)
    read = classify(uploaded.json()[0])
    assert "event: complete" in read and '"label": "cat"' in read


def test_a_server_path_in_a_sketch_is_refused_too(app_url, tmp_path):
    """The sketch event also reads API clients' files itself (preprocess=False): a drawing
    naming a file on the server is refused, the same drawing uploaded is read."""
    import httpx

    seven = tmp_path / "seven.png"
    render(7, canvas=280, left=70, top=40, height=200, width=24).save(seven)

    def classify(path: str) -> str:
        drawing = {"path": path, "meta": {"_type": "gradio.FileData"}}
        data = {"data": [{"background": None, "layers": [], "composite": drawing}]}
        call = httpx.post(f"{app_url}gradio_api/call/digits_sketch", json=data, timeout=30)
        event = call.json()["event_id"]
        return httpx.get(f"{app_url}gradio_api/call/digits_sketch/{event}", timeout=30).text

    refused = classify(str(seven))
    assert "event: error" in refused and '"label": "7"' not in refused
    with seven.open("rb") as f:
        uploaded = httpx.post(f"{app_url}gradio_api/upload", files={"files": f}, timeout=30)
    read = classify(uploaded.json()[0])
    assert "event: complete" in read and '"label": "7"' in read


def test_huge_image_is_handled(client, tmp_path):
    huge = tmp_path / "huge.jpg"
    Image.new("RGB", (8000, 8000), (90, 140, 200)).save(huge, quality=40)
    result = client.predict(handle_file(str(huge)), api_name="/cifar10")
    assert len(result["confidences"]) == 5  # the top-5 the tab shows


def test_missing_weights_break_only_their_own_tab(tmp_path, monkeypatch):
    """With no CIFAR-10 weights the CIFAR-10 tab says so, and the digits tab still works."""
    import shutil

    import app
    from models.common import loading
    from models.digits import SPEC

    (tmp_path / "digits").mkdir()
    shutil.copy(SPEC.weights_path(), tmp_path / "digits" / "default.safetensors")
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    loading.forget()
    blocks = app.build_app()
    url = app.launch_in_background(blocks)
    try:
        client = Client(url, verbose=False)
        with pytest.raises(AppError, match=r"unavailable.*cifar10.*default\.safetensors"):
            client.predict(handle_file(EXAMPLES[0]), api_name="/cifar10")
        seven = tmp_path / "seven.png"
        render(7).save(seven)
        assert top(client.predict(handle_file(str(seven)), api_name="/digits")) == "7"
    finally:
        blocks.close()
        loading.forget()


def test_broken_files_beside_the_weights_do_not_stop_the_app(tiny_weights):
    """A truncated weights file, a log line cut short and a half-written metrics file: the app
    still builds, the About panel names the broken file, and the readable log rows still plot."""
    import app
    from demos.common import about_markdown
    from models.cifar10 import SPEC as cifar10
    from models.common.cards import training_curves
    from models.digits import SPEC as digits

    weights = cifar10.weights_path()
    weights.write_bytes(weights.read_bytes()[:40])
    digits.artefact("default", "log.jsonl").write_text(
        '{"epoch": 1, "val_acc": 0.9}\n{"epoch": 2, "val_a'
    )
    digits.artefact("default", "metrics.json").write_text('{"accuracy": 0.9')

    app.build_app()
    assert re.search(r"weights file .*cifar10.*unreadable", about_markdown(cifar10))
    assert "metrics file `default.metrics.json` is unreadable" in about_markdown(digits)
    assert [row["epoch"] for row in training_curves(digits)] == [1]


def test_sentiment_endpoint_reads_a_clear_review(client):
    result = client.predict("房间干净，服务热情，早餐丰富，下次还住这里。", api_name="/sentiment")
    assert top(result) == "positive"
    result = client.predict("质量太差了，用了两天就坏了，客服也不理人。", api_name="/sentiment")
    assert top(result) == "negative"


def test_sentiment_batch_endpoint_scores_every_line(client):
    rows = client.predict(
        ["物流很快，包装完好，很满意", "太失望了，再也不买了", "  "], api_name="/sentiment_batch"
    )
    assert [row[1] for row in rows] == ["positive", "negative"]
    assert all(0 <= row[2] <= 1 for row in rows)


def test_sentiment_empty_text_gets_a_clear_message(client):
    with pytest.raises(AppError, match="Type or paste"):
        client.predict("   ", api_name="/sentiment")


def test_cifar10_gradcam_returns_a_heat_map_over_the_image(client):
    top_map = Image.open(
        client.predict(handle_file(EXAMPLES[0]), "top class", api_name="/cifar10_gradcam")
    )
    dog_map = Image.open(
        client.predict(handle_file(EXAMPLES[0]), "dog", api_name="/cifar10_gradcam")
    )
    assert top_map.size == dog_map.size == (192, 192)
    assert np.abs(np.asarray(top_map, dtype=float) - np.asarray(dog_map, dtype=float)).mean() > 1
    with pytest.raises(AppError, match="Upload an image"):
        client.predict(None, "top class", api_name="/cifar10_gradcam")


def pets_weights_shipped() -> bool:
    from models.pets import SPEC as pets

    return pets.weights_path().is_file()


@pytest.mark.skipif(not pets_weights_shipped(), reason="no shipped pets weights")
def test_segment_pet_returns_the_mask_at_the_photos_size_then_the_overlay_and_share(
    client, tmp_path
):
    from demos.pets import EXAMPLES as PET_EXAMPLES

    assert (
        "/segment_pet" in client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    )
    cat = Image.open(PET_EXAMPLES[0])  # chelsea, a cat
    odd = tmp_path / "cat.jpg"
    cat.resize((301, 199)).convert("RGB").save(odd)
    for path, size in ((PET_EXAMPLES[0], cat.size), (str(odd), (301, 199))):
        mask_path, overlay_path, share = client.predict(handle_file(path), api_name="/segment_pet")
        mask = np.asarray(Image.open(mask_path).convert("L"))
        assert (mask.shape[1], mask.shape[0]) == size
        assert set(np.unique(mask).tolist()) <= {0, 255}
        assert Image.open(overlay_path).size == size
        assert 0.2 < share < 0.95 and abs(share - (mask == 255).mean()) < 0.01
    with pytest.raises(AppError, match="Upload an image first"):
        client.predict(None, api_name="/segment_pet")


def test_translate_endpoint_translates_both_ways_and_detects_the_language(client):
    english = client.predict("我喜欢喝茶。", "zh-en", api_name="/translate")
    assert english and not re.search(r"[\u4e00-\u9fff]", english)
    chinese = client.predict("I like tea.", "en-zh", api_name="/translate")
    assert re.search(r"[\u4e00-\u9fff]", chinese)
    assert client.predict("I like tea.", "auto", api_name="/translate") == chinese
    with pytest.raises(AppError, match="Type or paste"):
        client.predict("  ", "auto", api_name="/translate")


def test_uploads_and_outputs_are_deleted_from_the_servers_cache_once_old(tmp_path):
    """A shared link serves for weeks: files older than the app's cache age must go."""
    import app
    from models.common import loading

    loading.forget()
    blocks = app.build_app(delete_cache=(1, 1))
    url = app.launch_in_background(blocks)

    def cached() -> set[Path]:
        return {Path(f) for files in blocks.temp_file_sets for f in files}

    try:
        static = cached()  # the page's own pictures (About panels): kept while the app runs
        path = tmp_path / "seven.png"
        render(7).convert("RGB").save(path)
        Client(url, verbose=False).predict(handle_file(str(path)), api_name="/digits_preview")
        served = cached() - static
        assert any(f.suffix in (".png", ".webp") for f in served), served  # upload and preview
        deadline = time.monotonic() + 30
        while any(f.exists() for f in served) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not any(f.exists() for f in served), [f for f in served if f.exists()]
        assert all(f.exists() for f in static)
    finally:
        blocks.close()


def test_the_server_limits_glibcs_malloc_arenas():
    """(RSS stays flat under load only with few arenas: see app.limit_malloc_arenas.)"""
    import platform

    import app

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert app.limit_malloc_arenas() is True
