"""Plain-text heuristics: which lines of an article are headings, bylines, list items or prose.

The plain-text reader decides every heading with them; the Markdown reader uses `short_unpunctuated`
(after `strip_number`) for bold-only "headings", and the HTML reader builds its tag sets with `word_set`.
"""

from __future__ import annotations

import re

from briefgen.sources.metadata import find_date


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_MINOR_WORDS = word_set(
    "a an and as at but by for from in into nor of on or per the to vs via with over under about than"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•▪◦‣]\s|\d{1,3}[.)]\s|[a-z][.)]\s)")
NUMBERED = re.compile(r"^\s*(?:\d{1,3}|[IVXLC]{1,7}|[A-Z])[.)]\s+(?=\S)")
"""`1. `, `1) `, `II. `, `A. `: a list item's number, or a heading's where the line stands alone
(see `is_prose`)."""
UNDERLINE = re.compile(r"^\s*(?:={3,}|-{3,})\s*$")
_BYLINE = re.compile(
    r"^(?:by|photo|image|picture|source|credit|credits|published|updated|posted|filed)\b", re.IGNORECASE
)
_BOILERPLATE = re.compile(
    r"(?:advertisement|read more|related|share|subscribe|sign up|click here|continue reading|watch|listen)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def _words(line: str) -> list[str]:
    return line.split()


def _is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line) or NUMBERED.match(line))


def strip_number(line: str) -> str:
    """The line without its leading `1. `, `1) `, `II. ` or `A. `: to judge a numbered heading's words."""
    return NUMBERED.sub("", line.strip(), count=1)


def _is_hashtag_line(line: str) -> bool:
    words = _words(line)
    return bool(words) and all(word.startswith("#") for word in words)


def _title_case_ish(line: str) -> bool:
    """Most significant words capitalised (or the whole line in capitals)."""
    letters = [c for c in line if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3:
        return True
    significant = []
    for word in _words(line):
        core = word.strip("'\"‘’“”()[]:;,.!?-–—")
        if core and core.lower() not in _MINOR_WORDS:
            significant.append(core)
    if not significant:
        return False
    capitalised = sum(1 for word in significant if word[0].isupper() or word[0].isdigit())
    return capitalised / len(significant) >= 0.75


def short_unpunctuated(line: str, max_words: int = 12) -> bool:
    """A line that could be a heading: short, not a list item, byline, date line, link or sentence.

    A numbered line counts as a list item here; callers that know it stands alone strip its number first.
    """
    text = line.strip()
    if not text or len(_words(text)) > max_words or len(text) > 120:
        return False
    if _is_list_item(text) or text.startswith(("#", ">", "|")) or _is_hashtag_line(text):
        return False
    if _BYLINE.match(text) or _URL.search(text) or (find_date(text) and len(_words(text)) <= 8):
        return False
    stripped = text.rstrip("'\"’”)")
    return stripped[-1] not in ".,;:!…" if stripped else False


def line_heading(line: str, *, line_mode: bool, between_prose: bool = False) -> bool:
    """Whether a one-line block is a section heading.

    Where paragraphs are separated by blank lines, a short line standing alone between them is a
    heading whatever its case. Where every line is a paragraph (text copied from a web page), short
    lines must also look like headings: title case, capitals, a question, a "Topic: subtitle", or a
    few words in sentence case with prose right above and below.
    """
    if not short_unpunctuated(line) or _BOILERPLATE.match(line.strip()):
        return False
    if not line_mode:
        return True
    text = line.strip()
    if between_prose and len(_words(text)) <= 10:
        return True
    return _title_case_ish(text) or text.endswith("?") or bool(re.search(r"\w: \S", text))


def is_body(block: list[str]) -> bool:
    """A paragraph of prose: ends a sentence or runs long."""
    text = " ".join(line.strip() for line in block)
    return len(_words(text)) >= 20 or text.rstrip("'\"’”)")[-1:] in (".", "!", "?", "…")


def is_prose(block: list[str]) -> bool:
    """A paragraph of prose and not part of a list: what must surround a numbered heading."""
    return is_body(block) and not any(_is_list_item(line) for line in block)
