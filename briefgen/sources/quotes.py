"""Quote lookup: text normalised for comparison, exact finds with `...` for cut words, and the closest
passage."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

_QUOTE_MARKS = frozenset("'\"‘’‚‛′″‵`´“”„‟«»‹›＂＇")
_DASH_MARKS = frozenset("-‐‑‒–—―−⁃﹘﹣－")
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\.\.\.)\s*")


def _normal_chars(text: str) -> Iterator[tuple[int, str]]:
    """(index in `text`, normalised character) pairs, before spaces are collapsed."""
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        for part in unicodedata.normalize("NFKC", char).casefold():
            if part in _QUOTE_MARKS:
                yield index, "'"
            elif part in _DASH_MARKS:
                yield index, "-"
            elif part.isspace():
                yield index, " "
            else:
                yield index, part


class Normalised:
    """Text normalised for comparison (case, quote marks, dashes, whitespace), mapped back to the original."""

    def __init__(self, original: str) -> None:
        self.original = original
        chars: list[str] = []
        origin: list[int] = []
        for index, char in _normal_chars(original):
            if char == " ":
                if chars and chars[-1] not in (" ", "-"):
                    chars.append(" ")
                    origin.append(index)
                continue
            if char == "-" and chars and chars[-1] == " ":  # "a – b", "a—b" and "a - b" compare equal
                chars.pop()
                origin.pop()
            chars.append(char)
            origin.append(index)
        if chars and chars[-1] == " ":
            chars.pop()
            origin.pop()
        self.text = "".join(chars)
        self.origin = origin

    @cached_property
    def words(self) -> list[tuple[int, int]]:
        """[start, end) of each word of the normalised text: the closest-passage search's windows."""
        return [(m.start(), m.end()) for m in re.finditer(r"\S+", self.text)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Normalised [start, end) → the same stretch of the original text."""
        return self.origin[start], self.origin[end - 1] + 1

    def passage(self, start: int, end: int) -> str:
        first, last = self.span(start, end)
        return " ".join(self.original[first:last].split())


def normalise(text: str) -> str:
    return Normalised(text).text


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    found: bool
    passage: str
    """The matching stretch of the source, or the closest one when the quote is not there."""
    start: int
    """Offset of the passage in the original text (-1 when the text is empty)."""
    similarity: float


def find_quote(quote: str, index: Normalised) -> QuoteMatch:
    """Find `quote` in the indexed text: exactly after normalisation, allowing `...` for cut words."""
    needle = normalise(quote)
    candidates = [needle, needle.strip("' "), needle.strip("' ").rstrip(".,;:").strip("' ")]
    for candidate in dict.fromkeys(c for c in candidates if c):
        span = _find_in_order(_ELLIPSIS.split(candidate) if "..." in candidate else [candidate], index.text)
        if span:
            return QuoteMatch(True, index.passage(*span), index.span(*span)[0], 1.0)
    return closest_passage(needle, index)


def _find_in_order(fragments: list[str], haystack: str) -> tuple[int, int] | None:
    fragments = [f.strip(" ") for f in fragments if f.strip(" '")]
    if not fragments:
        return None
    start = end = haystack.find(fragments[0])
    if start < 0:
        return None
    end = start + len(fragments[0])
    for fragment in fragments[1:]:
        position = haystack.find(fragment, end)
        if position < 0:
            return None
        end = position + len(fragment)
    return start, end


def closest_passage(needle: str, index: Normalised) -> QuoteMatch:
    """The stretch of the text most like `needle` (already normalised), by rapidfuzz's ratio (the
    share of characters in common, as difflib's ratio).

    Windows of as many words as the quote, every quarter-quote apart, find the five likeliest places;
    around each, every start and a few words more or fewer are scored to settle the best. All of it in
    rapidfuzz's C loops: a 31,000-word source takes milliseconds where difflib took seconds
    (benchmarks/quote_search.py).
    """
    from rapidfuzz import fuzz, process  # imported here: only a quote that is not found needs it

    text, words = index.text, index.words
    if not words or not needle:
        return QuoteMatch(False, "", -1, 0.0)
    size = min(max(1, len(needle.split())), len(words))
    step = max(1, size // 4)

    def window(first: int, count: int) -> str:
        return text[words[first][0] : words[min(len(words), first + count) - 1][1]]

    coarse = [window(first, size) for first in range(0, len(words) - size + 1, step)]
    best = (0.0, 0, size)
    for _, _, place in process.extract(needle, coarse, scorer=fuzz.ratio, limit=5):
        around = place * step
        for first in range(max(0, around - step), min(len(words), around + step + 1)):
            for count in range(max(1, size - 4), size + 5):
                if first + count <= len(words):
                    ratio = fuzz.ratio(needle, window(first, count), score_cutoff=best[0])
                    if ratio > best[0]:
                        best = (ratio, first, count)
    ratio, first, count = best
    start, end = words[first][0], words[min(len(words), first + count) - 1][1]
    return QuoteMatch(False, index.passage(start, end), index.span(start, end)[0], round(ratio / 100, 2))
