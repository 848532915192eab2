"""The interface in Chinese and English (en.py, zh.py: one file per language, one block per tab).

Static text (labels, titles, Markdown, choices) carries a translation key, `t("digits.draw")`,
which the browser resolves through Gradio's own i18n (`gr.I18n`, passed to `launch`). Text the
server writes while answering (messages, status lines, summaries) is in the request's language:
`text("digits.looks_like", digit=7, p=0.98)`, and a model's message the same way, `text(err.message)`.
The page has one language: the browser's at first, then whatever the page's 中文 | English
switch (SWITCH_HTML) or Gradio's Settings picker chose. switch.js keeps it in localStorage, the
URL (?lang=zh) and a cookie (LANGUAGE_COOKIE) that each request carries, so the server follows
it too; a request without the cookie (an API client) is answered in its Accept-Language.
Any language other than Chinese gets English; the API's values (class labels) never change.
"""

from http.cookies import CookieError, SimpleCookie
from pathlib import Path

import gradio as gr
from gradio.context import LocalContext

from demos.i18n import en, zh
from models.common.errors import Message

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


LANGUAGE_COOKIE = "gallery-lang"  # set by switch.js: "en" or "zh"
SWITCH_JS = (Path(__file__).parent / "switch.js").read_text()  # gr.Blocks(js=...)
# the switch: two buttons switch.js listens to, each named in its own language
SWITCH_HTML = (
    '<nav class="language-switch" aria-label="Language / 语言">'
    '<button data-gallery-lang="zh" lang="zh">中文</button>'
    '<button data-gallery-lang="en" lang="en">English</button></nav>'
)
# the chosen language's button is highlighted (switch.js marks <html data-gallery-language>)
SWITCH_CSS = """
.language-switch { display: flex; gap: 0.25rem; justify-content: flex-end; }
.language-switch button { padding: 0.2rem 0.7rem; border-radius: 999px; border: 1px solid #ccc; }
html[data-gallery-language="zh"] .language-switch [data-gallery-lang="zh"],
html[data-gallery-language="en"] .language-switch [data-gallery-lang="en"] {
  background: var(--color-accent); color: white; border-color: var(--color-accent);
}
"""


def cookie_language(cookie_header: str | None) -> str | None:
    """The language the page's switch chose, from a Cookie header; None when it has none."""
    try:
        morsel = SimpleCookie(cookie_header or "").get(LANGUAGE_COOKIE)
    except CookieError:
        return None
    return morsel.value if morsel is not None and morsel.value in LANGUAGES else None


def request_language() -> str:
    """The language of the request being answered: the page's choice (its cookie), else the
    Accept-Language header; English outside a request."""
    request = LocalContext.request.get(None)
    headers = getattr(request, "headers", None) or {}
    return cookie_language(headers.get("cookie")) or language_of(headers.get("accept-language"))


def text(key: str, language: str | None = None, **params) -> str:
    """What the server writes, in the request's language: a key of en.py, its {placeholders}
    filled in from `params` (`text("digits.looks_like", digit=7, p=0.98)`), or a model's English
    message (models.common.errors.Message, or a plain notice), translated where zh.py has its
    template and as it is otherwise."""
    language = language or request_language()
    if not isinstance(key, Message) and key in FLAT[DEFAULT]:
        return FLAT[language].get(key, FLAT[DEFAULT][key]).format(**params)
    if language != "zh":
        return str(key)
    translated = zh.MESSAGES.get(getattr(key, "template", str(key)))
    if translated is None:
        return str(key)
    return translated.format(**getattr(key, "params", {}))


def label_names(probs: dict[str, float], language: str | None = None) -> dict[str, float]:
    """Class names as the UI shows them: "猫 cat" beside the API's own name in Chinese."""
    if (language or request_language()) != "zh":
        return probs
    names = FLAT["zh"]
    return {f"{names.get(f'labels.{k}', k)} {k}": p for k, p in probs.items()}
