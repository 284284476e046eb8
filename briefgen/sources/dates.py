"""Publication dates: htmldate for pages, a parser restricted to the article's language for text.

A page's markup says when it was first published (JSON-LD `datePublished`, `article:published_time`,
`<time>`); its text often says only when it was last updated, so htmldate reads the markup with
`original_date=True` and only then is the text searched. htmldate's `extensive_search` is left off: it
falls back on any year it sees and dated a page whose only date was "14 ноября 2025" 2025-01-01 from
its "© 2025" footer. The tree, never a string, goes to htmldate: a string that looks like a URL is
fetched.

Text in other languages ("9 octobre 2025", "9. Oktober 2025", "9 октября 2025") goes to dateparser's
`search_dates`, restricted to the article's language and requiring a day, a month and a year, so a bare
"October" or "2025" is never taken for a date. English keeps `metadata.find_date` ("yesterday,
October 9" is read as the 10th).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

from briefgen.sources.metadata import find_date

_SEARCHED_CHARS = 4000
"""The date line sits above the article, so the search stops here: dateparser is slow on long text."""

_DAY_AND_YEAR = re.compile(
    r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])(?!\d).*?(?<!\d)(?:1[89]|20)\d\d(?!\d)"
    r"|(?<!\d)(?:1[89]|20)\d\d(?!\d).*?(?<!\d)(?:0?[1-9]|[12]\d|3[01])(?!\d)"
)
"""A day of the month and a four-digit year, in either order ("9 octobre 2025", "2025年10月9日")."""

_LANGUAGE_CODES = {
    "English": "en", "German": "de", "French": "fr", "Dutch": "nl", "Italian": "it", "Polish": "pl",
    "Spanish": "es", "Russian": "ru", "Japanese": "ja", "Portuguese": "pt", "Swedish": "sv",
    "Chinese": "zh", "Ukrainian": "uk", "Norwegian": "nb", "Finnish": "fi", "Vietnamese": "vi",
    "Czech": "cs", "Hungarian": "hu", "Korean": "ko", "Indonesian": "id", "Turkish": "tr",
    "Romanian": "ro", "Farsi": "fa", "Arabic": "ar", "Danish": "da", "Serbian": "sr", "Lithuanian": "lt",
    "Slovene": "sl", "Slovak": "sk", "Hebrew": "he", "Bulgarian": "bg", "Croatian": "hr", "Hindi": "hi",
    "Estonian": "et", "Thai": "th", "Greek": "el", "Tamil": "ta", "Kazakh": "kk",
}  # fmt: skip
"""charset-normalizer's language names → the codes dateparser knows."""


_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff]"), ["ja"]),  # kana: Japanese, even among Chinese characters
    (re.compile(r"[\uac00-\ud7af]"), ["ko"]),
    (re.compile(r"[\u4e00-\u9fff]"), ["zh", "ja"]),
)


def detect_languages(text: str) -> list[str]:
    """The article's most likely languages (at most three), cheaply: its script, then letter frequencies.

    Kana or Hangul name the language outright. Otherwise charset-normalizer, already used to decode,
    ranks languages by how alphabet and letter frequencies fit; close relatives (Russian, Ukrainian,
    Bulgarian; French, Italian) rank near each other, so the top three are kept.
    """
    from charset_normalizer import from_bytes

    head = text[:_SEARCHED_CHARS]
    for script, languages in _SCRIPTS:
        if len(script.findall(head)) >= 5:
            return languages

    best = from_bytes(head.encode("utf-8")).best()
    if best is None:
        return []
    codes = [_LANGUAGE_CODES[name] for name in best.languages if name in _LANGUAGE_CODES]
    return codes[:3]


def language_tag(value: object) -> str | None:
    """`fr-CA` → `fr`; None for anything that is not a language tag."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", value)
    return match[1].lower() if match else None


def text_date(text: str, languages: list[str]) -> dt.date | None:
    """The first full date (day, month, year) written in the text, in one of its languages."""
    if not languages or languages[0] == "en":
        return find_date(text)
    from dateparser.search import search_dates

    head = text[:_SEARCHED_CHARS]
    settings = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "STRICT_PARSING": True,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    for language in languages:
        try:
            with warnings.catch_warnings():  # dateparser warns about pytz/tzlocal internals
                warnings.simplefilter("ignore")
                found = search_dates(head, languages=[language], settings=settings)
                for source, when in found or ():
                    # search_dates ignores REQUIRE_PARTS, and reads the French article "un" as a day
                    # ("en octobre 2025 un" came back as 1 October): a day and a year written in digits.
                    if _DAY_AND_YEAR.search(source):
                        return when.date()
        except (ValueError, KeyError, OverflowError):
            continue
    return find_date(head)


def page_date(tree: HtmlElement) -> dt.date | None:
    """The original publication date in a page's markup (JSON-LD, meta tags, `<time>`), or None."""
    import htmldate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = htmldate.find_date(
            tree,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%d",
            verbose=False,
        )
    if not found:
        return None
    try:
        return dt.date.fromisoformat(found)
    except ValueError:
        return None
