"""Text helpers every text tab shares: clean-up of pasted text and the checks every text input
passes (`read_input`), the language check, sentence splitting for Chinese and English, and the
one jieba dictionary in memory.

    looks_chinese("房间很干净")                  # True: at least 30 % Chinese characters
    language("Where is the station?")          # "en"
    split_sentences("你好！今天天气很好。Hi. How are you?")
    # ["你好！", "今天天气很好。", "Hi.", "How are you?"]
"""

import re
import threading
import unicodedata
from collections.abc import Callable

from models.common.errors import InputError, Message

MIN_CJK = 0.3  # at least this share of Chinese characters (spaces aside) reads as Chinese
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")

# A sentence ends after Chinese 。！？； or …… (closing quotes and brackets stay with it), or after
# English . ! ? (and closing quotes) followed by a space; a line break ends one too.
_ZH_END = r"[。！？；!?]+|…+"
_CLOSE = r"[”’\"'」』）)】]*"
_BOUNDARY = re.compile(rf"(?:{_ZH_END}){_CLOSE}|(?<=[.!?]){_CLOSE}(?=\s)|\n+")
_LOWER_NEXT = re.compile(r"[ \t]+[a-z]")  # what follows an end mark that ends no sentence
# A full stop after these does not end an English sentence.
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "no", "jr", "sr"}


def cjk_ratio(text: str) -> float:
    """Share of Chinese characters among the non-space characters."""
    chars = [c for c in text if not c.isspace()]
    return sum(bool(_CJK.match(c)) for c in chars) / max(len(chars), 1)


def looks_chinese(text: str) -> bool:
    return cjk_ratio(text) >= MIN_CJK


def language(text: str) -> str:
    """ "zh" if the text looks Chinese, else "en"."""
    return "zh" if looks_chinese(text) else "en"


def mixed_languages(text: str, share: float = 0.15) -> bool:
    """Whether both Chinese characters and Latin letters make up a fair share of the text."""
    chars = [c for c in text if not c.isspace()]
    n = max(len(chars), 1)
    cjk = sum(bool(_CJK.match(c)) for c in chars) / n
    latin = sum(bool(_LATIN.match(c)) for c in chars) / n
    return cjk >= share and latin >= share


def _ends_abbreviation(piece: str) -> bool:
    words = piece.rstrip().split()
    return bool(words) and words[-1].rstrip(".").lower() in ABBREVIATIONS and piece.endswith(".")


def split_sentences(text: str) -> list[str]:
    """The text's sentences in order, trimmed, none empty (a text without an end mark is one
    sentence). An end mark followed by a space and a lower-case letter ends none ("Wait...
    what?", "approx. five")."""
    sentences, start, pending = [], 0, ""
    for match in _BOUNDARY.finditer(text):
        piece = pending + text[start : match.end()]
        start = match.end()
        english_mark = not re.search(r"[\n。！？；]", match.group())
        continues = english_mark and _LOWER_NEXT.match(text, match.end())
        if _ends_abbreviation(piece) or continues:
            pending = piece
            continue
        pending = ""
        if piece.strip():
            sentences.append(piece.strip())
    rest = (pending + text[start:]).strip()
    if rest:
        sentences.append(rest)
    return sentences


def valid_unicode(text: str) -> str:
    """`text` with each lone surrogate as U+FFFD: JSON can carry one ("\\ud800"), but no answer
    that echoes the text could be sent (Gradio's orjson, like UTF-8, refuses them)."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def normalize(text: str | None) -> str:
    """Pasted text made safe to read: NFC, valid Unicode (lone surrogates become U+FFFD), no
    BOM or control characters, trimmed. NFC, not NFKC: the tabs show the text back, and NFKC
    would turn Chinese full-width punctuation (，！) into ASCII."""
    text = unicodedata.normalize("NFC", valid_unicode(text or "").replace("\ufeff", ""))
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C").strip()


def read_input(
    text: str | None,
    max_chars: int,
    empty: Message,
    cut: Message,
    nothing: Message | None = None,
    clean: Callable[[str], str] = normalize,
) -> tuple[str, list[Message]]:
    """The text a text tab reads, and its notices: `clean`ed (default `normalize`; a model
    trained on text cleaned another way passes its own rule), InputError(`empty`) when nothing
    is left, cut to `max_chars` with the notice `cut` (a template of {n} and {limit}), and
    InputError(`nothing`) when no letter or digit is left (None: no such check).

        read_input(text, 2000, Message("Type a review first."),
                   Message("The text has {n:,} characters; only the first {limit:,} were read."))
    """
    text = clean(text or "")
    if not text:
        raise InputError(empty.template)
    notices = []
    if len(text) > max_chars:
        notices.append(Message(cut.template, n=len(text), limit=max_chars))
        text = text[:max_chars]
    if nothing is not None and not any(c.isalnum() for c in text):
        raise InputError(nothing.template)
    return text, notices


_jieba_lock = threading.Lock()
_jieba: dict[tuple[str, ...], object] = {}  # added words -> tokenizer


def jieba_tokenizer(words: tuple[str, ...] = (), freq: int = 20000):
    """jieba's tokenizer with its default dictionary, loaded once (thread-safe) and shared, and
    `words` added (each of frequency `freq`) for the callers that pass them. A tokenizer with
    added words reads the one dictionary through a layer of its own (a ChainMap: jieba's
    add_word writes only the words and their prefixes), so it cuts text exactly as a
    jieba.Tokenizer of its own with those words added would, without a second copy of the
    dictionary (about 70 MB)."""
    from collections import ChainMap

    with _jieba_lock:
        if () not in _jieba:
            import jieba

            jieba.setLogLevel(60)  # its "Building prefix dict" notice is noise
            base = jieba.Tokenizer()
            base.initialize()
            _jieba[()] = base
        if words not in _jieba:
            import jieba

            base = _jieba[()]
            tokenizer = jieba.Tokenizer()
            tokenizer.FREQ, tokenizer.total = ChainMap({}, base.FREQ), base.total
            tokenizer.initialized = True
            for word in words:
                tokenizer.add_word(word, freq=freq)
            _jieba[words] = tokenizer
    return _jieba[words]
