"""The request's language: the page's choice (its cookie) first, then Accept-Language."""

import pytest

from demos.i18n import cookie_language, language_of


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ("gallery-lang=zh", "zh"),
        ("other=1; gallery-lang=en; x=y", "en"),
        ("gallery-lang=fr", None),  # not a language we have
        ("", None),
        (None, None),
        ('gallery-lang="zh', None),  # malformed
    ],
)
def test_the_language_cookie_names_a_language_we_have_or_nothing(cookie, expected):
    assert cookie_language(cookie) == expected


def test_the_cookie_wins_over_accept_language_in_a_request(monkeypatch):
    from gradio.context import LocalContext

    import demos.i18n as i18n

    class Request:
        def __init__(self, headers: dict) -> None:
            self.headers = headers

    for headers, expected in [
        ({"accept-language": "zh-CN,zh;q=0.9", "cookie": "gallery-lang=en"}, "en"),
        ({"accept-language": "en-US", "cookie": "gallery-lang=zh"}, "zh"),
        ({"accept-language": "zh-CN"}, "zh"),  # an API client: no cookie
        ({}, "en"),
    ]:
        token = LocalContext.request.set(Request(headers))
        try:
            assert i18n.request_language() == expected, headers
        finally:
            LocalContext.request.reset(token)
    assert language_of("de-DE,zh;q=0.5") == "zh"
