"""Dates in the document's language, as Babel (CLDR) writes them: long dates, date ranges, weeks.

English keeps briefgen's own wording (day month year, full month names: "6–12 October 2025"), which
is also what CLDR's en-GB writes for single dates; a region tag such as en-US is left to Babel, as is
every other language ("6–12 oct. 2025" in French). A tag Babel does not know falls back through its
language to English, like the label catalogs.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval

from briefgen import dates as english
from briefgen.locale.catalog import chain


@cache
def babel_locale(lang: str) -> Locale | None:
    """The Babel locale of a BCP 47 tag; None for plain English (briefgen's own wording)."""
    for tag in reversed(chain(lang)):
        if tag == "en":
            return None
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return None


def long_date(value: dt.date, lang: str = "en") -> str:
    """6 October 2025; 6 octobre 2025; 6. Oktober 2025; 2025年10月6日."""
    locale = babel_locale(lang)
    return english.longdate(value) if locale is None else format_date(value, "long", locale=locale)


def date_range(start: dt.date, end: dt.date, lang: str = "en") -> str:
    """6–12 October 2025; 6–12 oct. 2025 (fr); a single day as its long date."""
    locale = babel_locale(lang)
    if locale is None:
        return english.date_range(start, end)
    if start == end:
        return format_date(start, "long", locale=locale)
    return format_interval(start, end, "yMMMd", locale=locale)
