"""Dates, hashtags and URLs found in an article's text or metadata."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(
        rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE
    ),
    re.compile(
        rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
]


def find_date(text: str) -> dt.date | None:
    """The first calendar date written in the text; "yesterday, October 9" is read as the 10th."""
    found: list[tuple[int, dt.date]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = int(match["mnum"]) if "mnum" in pattern.groupindex else _MONTHS[match["month"].lower()]
            try:
                date = dt.date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                continue
            before = text[max(0, match.start() - 24) : match.start()].lower()
            if re.search(r"\byesterday\b[\s,(]*(?:\w+day,?\s*)?$", before):
                date += dt.timedelta(days=1)
            found.append((match.start(), date))
            break
    return min(found)[1] if found else None


def as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
        return find_date(value)
    return None


def http_url(value: object) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"https?://[^\s<>\"]+", value) else None


_HASHTAG = re.compile(r"(?<![\w#&/])#([^\W\d_][\w]*)")


def hashtags(text: str) -> list[str]:
    """`#UkraineWar` → `UkraineWar`, in order of first use, without repeats (ignoring case)."""
    seen: set[str] = set()
    tags = []
    for match in _HASHTAG.finditer(text):
        tag = match[1].rstrip("_")
        if tag and len(tag) <= 64 and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags
