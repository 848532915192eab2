"""The sentences a summary is made of: models.common.text.split_sentences, with its pieces joined
again where a summary would otherwise take a part that cannot stand alone.

    split_sentences("Mr R. Smith met the U.S. envoy. It rained.")
    # ["Mr R. Smith met the U.S. envoy.", "It rained."]
    split_sentences("“你好！”她说。如果明天下雨；我们就不去了。")
    # ["“你好！”她说。", "如果明天下雨；我们就不去了。"]

English: a full stop after a title or a short form ("Dr.", "e.g.", "approx."), a single capital
initial ("R.") or a dotted acronym ("U.S.", "a.m.") ends no sentence; after an initial or an
acronym one does when the next word is one that usually starts a sentence ("in the U.S. The
firm ..."). Chinese: a speech tag after a quoted sentence ("“你好！”她说。") belongs to it; ；
ends a sentence only between clauses that each stand alone: not after one that opens with a
subordinating conjunction (如果, 虽然, 因为 ...: its main clause follows) nor before one that
opens with a connective (但是, 所以 ...: it leans on the clause before). A line break always
ends a sentence.
"""

import re

from models.common.text import split_sentences as split_at_end_marks

# After these (lowercased, without the full stop) an English sentence goes on: titles before a
# name, and short forms that stand inside a sentence.
ABBREVIATIONS = {
    *("mr", "mrs", "ms", "dr", "prof", "sir", "st", "mt", "ft", "jr", "sr", "rev", "hon"),
    *("gen", "col", "capt", "lt", "sgt", "gov", "sen", "rep", "pres", "supt", "insp", "det"),
    *("e.g", "i.e", "cf", "vs", "v", "fig", "vol", "approx", "ca", "al", "dept"),
}
NUMBER_SIGNS = {"no", "nos"}  # "No. 10": a short form only before a number ("I said no. He")
_INITIAL = re.compile(r"[A-Z]\.")  # "R." of "Mr R. Smith", "J." and "K." of "J. K. Rowling"
_ACRONYM = re.compile(r"(?:[A-Za-z]\.){2,}")  # "U.S.", "U.K.", "a.m."
# Words that start most English sentences: after an initial or an acronym, a new one began.
STARTERS = {
    *("the", "a", "an", "it", "he", "she", "they", "we", "i", "you", "this", "that", "there"),
    *("these", "those", "his", "her", "its", "their", "our", "but", "and", "so", "yet"),
    *("in", "on", "at", "for", "if", "when", "as", "after", "before", "while", "mr", "mrs"),
}
# A Chinese clause opening with one of these needs the clause after it (its main clause).
SUBORDINATORS = (
    *("如果", "假如", "假设", "要是", "倘若", "若是", "虽然", "虽说", "尽管", "即使", "即便"),
    *("哪怕", "因为", "由于", "只要", "只有", "除非", "无论", "不论", "不管", "既然", "一旦"),
)
# A Chinese clause opening with one of these leans on the clause before it.
CONNECTIVES = (
    *("但是", "但", "可是", "然而", "而是", "而且", "而", "所以", "因此", "因而", "从而"),
    *("于是", "否则", "那么", "就", "则", "却", "并且", "并", "也", "还"),
)
# A quoted sentence's speech tag: a few characters ending in a verb of saying, then 。 or ！
_SPEECH_TAG = re.compile(r"[^，。！？“”「」]{0,8}(?:说|道|问|答|喊|叫|笑|表示|称|写道)[。！]")
_CLOSING_QUOTE = re.compile(r"[。！？!?…][”’\"'」』]$")
_CLAUSE_START = re.compile(r"[^，,；;：:。！？!?]*$")  # the last clause of a piece


def _last_word(piece: str) -> str:
    words = piece.split()
    return words[-1].lstrip("\"'“‘([{") if words else ""


def _goes_on_english(before: str, after: str) -> bool:
    """Whether the full stop ending `before` is not the end of its sentence."""
    word = _last_word(before)
    if not word.endswith("."):
        return False
    if word[:-1].lower() in ABBREVIATIONS:
        return True
    if word[:-1].lower() in NUMBER_SIGNS:
        return after[:1].isdigit()
    next_word = re.match(r"[\"'“‘(]*([A-Za-z]+)", after)
    starts_sentence = next_word is not None and next_word.group(1).lower() in STARTERS
    return bool(_INITIAL.fullmatch(word) or _ACRONYM.fullmatch(word)) and not starts_sentence


def _goes_on_chinese(before: str, after: str) -> bool:
    """Whether `after` belongs to the sentence `before` ends: a speech tag after a quotation,
    or a clause joined by ； to a clause that cannot stand alone."""
    if _CLOSING_QUOTE.search(before) and _SPEECH_TAG.fullmatch(after):
        return True
    if not before.endswith(("；", ";")):
        return False
    last_clause = _CLAUSE_START.search(before[:-1]).group().lstrip()
    return last_clause.startswith(SUBORDINATORS) or after.startswith(CONNECTIVES)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of each of its sentences, in order, trimmed, none empty; each one a
    summary can take alone."""
    out: list[tuple[int, int]] = []
    pos = 0
    for piece in split_at_end_marks(text):
        start = text.find(piece, pos)  # (always found: the splitter only trims its pieces)
        pos = start + len(piece)
        if (
            out
            and "\n" not in text[out[-1][1] : start]  # (a line break always ends a sentence)
            and (
                _goes_on_english(text[slice(*out[-1])], piece)
                or _goes_on_chinese(text[slice(*out[-1])], piece)
            )
        ):
            out[-1] = (out[-1][0], pos)
        else:
            out.append((start, pos))
    return out


def split_sentences(text: str) -> list[str]:
    """The text's sentences (see `sentence_spans`)."""
    return [text[a:b] for a, b in sentence_spans(text)]
