"""The interface in Chinese and English (en.py, zh.py: one file per language, one block per tab).

Static text (labels, titles, Markdown, choices) carries a translation key, `t("digits.draw")`,
which the browser resolves through Gradio's own i18n (`gr.I18n`, passed to `launch`): it follows
the browser's language and the language picker in Gradio's Settings panel. Text the server
writes while answering (messages, status lines, summaries) is picked by the request's
Accept-Language: `text("digits.looks_like", digit=7, p=0.98)`, `localize(message)`.
Any language other than Chinese gets English; the API's values (class labels) never change.
"""

import gradio as gr
from gradio.context import LocalContext

from demos.i18n import en, zh

LANGUAGES = {"en": en.STRINGS, "zh": zh.STRINGS}
DEFAULT = "en"


def flat(strings: dict[str, dict[str, str]]) -> dict[str, str]:
    """{"digits": {"draw": ...}} -> {"digits.draw": ...}"""
    return {
        f"{block}.{key}": value for block, keys in strings.items() for key, value in keys.items()
    }


FLAT = {language: flat(strings) for language, strings in LANGUAGES.items()}
# Gradio matches the browser's locale ("zh-CN", "zh-TW", "en-US") to these by language too
I18N = gr.I18n(en=FLAT["en"], zh=FLAT["zh"], **{"zh-CN": FLAT["zh"]})


def t(key: str) -> gr.i18n.I18nData:
    """A translation key for a component; KeyError at build time for a key en.py lacks."""
    if key not in FLAT[DEFAULT]:
        raise KeyError(f"no string {key!r} in demos/i18n/en.py")
    return I18N(key)


def language_of(accept_language: str | None) -> str:
    """ "zh" when Chinese is the first language of an Accept-Language header that names one we
    have, else English; a missing or malformed header is English too."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        try:
            quality = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT


def request_language() -> str:
    """The language of the request being answered (English outside a request)."""
    request = LocalContext.request.get(None)
    headers = getattr(request, "headers", None) or {}
    return language_of(headers.get("accept-language"))


def text(key: str, language: str | None = None, **params) -> str:
    """A server-written string in the request's language, its {placeholders} filled in."""
    strings = FLAT[language or request_language()]
    return strings.get(key, FLAT[DEFAULT][key]).format(**params)


def localize(message: str, language: str | None = None) -> str:
    """A model's English message (models.common.errors.Message, or a plain notice) in the
    request's language; as it is when no translation exists."""
    if (language or request_language()) != "zh":
        return str(message)
    template = getattr(message, "template", str(message))
    translated = zh.MESSAGES.get(template)
    if translated is None:
        return str(message)
    return translated.format(**getattr(message, "params", {}))


def label_names(probs: dict[str, float], language: str | None = None) -> dict[str, float]:
    """Class names as the UI shows them: "猫 cat" beside the API's own name in Chinese."""
    if (language or request_language()) != "zh":
        return probs
    names = FLAT["zh"]
    return {f"{names.get(f'labels.{k}', k)} {k}": p for k, p in probs.items()}
