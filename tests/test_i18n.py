"""Both languages complete: the same keys, every key the UI uses defined, every message the
models raise translated, and any Accept-Language header answered (English by default)."""

import ast
from pathlib import Path

import pytest

from demos import i18n
from demos.i18n import FLAT, en, language_of, t, text, zh
from models import MODELS
from models.common.errors import InputError, Message

ROOT = Path(__file__).resolve().parents[1]


def test_both_languages_define_the_same_keys_in_the_same_blocks():
    assert en.STRINGS.keys() == zh.STRINGS.keys()
    for block in en.STRINGS:
        assert en.STRINGS[block].keys() == zh.STRINGS[block].keys(), block


def test_every_tab_has_its_block_title_and_chinese_summary():
    for name in MODELS:
        assert {"title", "intro", "summary"} <= en.STRINGS[name].keys(), name


def test_placeholders_match_between_languages():
    import string

    def fields(s: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(s) if name}

    for key, english in FLAT["en"].items():
        assert fields(english) == fields(FLAT["zh"][key]), key
    for template, chinese in zh.MESSAGES.items():
        assert fields(template) == fields(chinese), template


def keys_used_in_ui() -> set[str]:
    """Every literal key passed to t() or text() in demos/ and app.py."""
    used = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "demos").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("t", "text")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                used.add(node.args[0].value)
    return used


def test_every_key_the_ui_uses_exists_and_an_unknown_one_fails_at_build():
    used = keys_used_in_ui()
    assert len(used) > 40  # the scan finds the tabs' keys
    assert used <= FLAT["en"].keys() and used <= FLAT["zh"].keys(), used - FLAT["en"].keys()
    with pytest.raises(KeyError, match="no string 'digits.nope'"):
        t("digits.nope")


def message_templates() -> set[str]:
    """Every literal English template the models raise or notice (InputError, Message)."""
    found = set()
    for path in sorted((ROOT / "models").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node, "func", None) and getattr(node.func, "id", None)
            if name in ("InputError", "Message") and node.args:
                if isinstance(node.args[0], ast.Constant):
                    found.add(node.args[0].value)
                elif isinstance(node.args[0], ast.JoinedStr):
                    raise AssertionError(f"{path}: an f-string message cannot be translated")
    return found


def test_every_message_the_models_raise_has_a_chinese_translation():
    templates = message_templates()
    assert len(templates) > 20
    missing = templates - zh.MESSAGES.keys()
    assert not missing, missing


def test_a_model_message_is_shown_in_the_readers_language_with_its_values():
    err = InputError("The file is over {mb} MB; upload a smaller one.", mb=25)
    assert str(err) == "The file is over 25 MB; upload a smaller one."
    assert text(err.message, "zh") == "文件超过 25 MB，请上传小一些的文件。"
    assert text(err.message, "en") == str(err)
    assert text(Message("not translated {x}", x=1), "zh") == "not translated 1"
    assert text("digits.looks_like", "zh", digit="7", p=0.98) == "看起来是 **7**（98%）。"


@pytest.mark.parametrize(
    "header, language",
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("zh-TW", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR, zh;q=0.5", "zh"),  # French is not offered: the next choice is
        ("de, fr;q=0.9", "en"),  # nothing we have: English
        ("en;q=0.1, zh;q=0.9", "zh"),  # quality decides, not the order
        ("zh;q=0", "en"),  # q=0 means "not this one"
        ("", "en"),
        (None, "en"),
        (";;;,,q=x", "en"),
        ("zh;q=abc, en", "en"),
        ("*", "en"),
    ],
)
def test_accept_language_picks_chinese_or_english_and_never_fails(header, language):
    assert language_of(header) == language


def test_outside_a_request_the_server_speaks_english():
    assert i18n.request_language() == "en"


def about_english() -> set[str]:
    """The models' own English the About panels show: each SPEC's prose and metric names, the
    figure captions the figures block has no key for, and the split of the shipped metrics."""
    from importlib import import_module

    from models.common.cards import read_metrics

    texts = set()
    for name in MODELS:
        spec = import_module(f"models.{name}").SPEC
        texts |= {spec.architecture, spec.training_data, *(m.label for m in spec.metrics)}
        texts |= {f.caption for f in spec.figures if f"figures.{f.suffix}" not in FLAT["en"]}
        split = read_metrics(spec)[0].get("split")
        if isinstance(split, str):
            texts.add(split)
    return texts


def test_every_fact_the_about_panels_show_has_a_chinese_translation():
    from importlib import import_module

    english = about_english()
    assert len(english) > 40
    missing = english - zh.FACTS.keys()
    assert not missing, f"add to zh.FACTS: {missing}"
    commands = {import_module(f"models.{name}").SPEC.train for name in MODELS}
    stale = zh.FACTS.keys() - english - commands
    assert not stale, f"no model says these any more: {stale}"


def test_an_about_panel_reads_in_chinese_and_an_untranslated_fact_stays_english():
    from demos.common import about_facts, fact_text
    from models.digits import SPEC

    lines = about_facts(SPEC, "zh")
    assert [line.split("：**")[0] for line in lines] == [
        f"**{zh.STRINGS['common'][key]}"
        for key in ("architecture", "parameters", "training_data", "training", "measured")
        + ("runs_on", "reproduce", "export")  # export: models/digits/weights/default.export.json
    ]
    measured = lines[4]
    assert "准确率，测于 MNIST 测试集（10,000 个样本）" in measured, measured
    assert "轮" in lines[3] and "epochs" not in lines[3]
    assert about_facts(SPEC, "en")[4].endswith("accuracy on MNIST test (10,000 examples)")
    assert fact_text("a sentence nobody translated", "zh") == "a sentence nobody translated"


def test_the_about_panels_runs_on_line_names_the_device_once_a_model_has_chosen_it(monkeypatch):
    import torch

    from demos.common import about_facts
    from models.common import device as devices
    from models.digits import SPEC

    def runs_on(language: str) -> str:
        (line,) = [f for f in about_facts(SPEC, language) if zh.STRINGS["common"]["runs_on"] in f]
        return line

    monkeypatch.setattr(devices, "_chosen", None)  # "auto", no model loaded yet
    assert zh.STRINGS["about"]["device_pending"] in runs_on("zh")
    monkeypatch.setattr(devices, "_chosen", torch.device("cpu"))
    assert runs_on("zh").endswith(zh.STRINGS["about"]["device_cpu"])
