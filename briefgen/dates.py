"""How dates and date ranges are worded on every page (one place, so that localising it is one change)."""

from __future__ import annotations

import datetime as dt


def longdate(value: dt.date) -> str:
    """6 October 2025."""
    return f"{value.day} {value:%B %Y}"


def date_range(start: dt.date, end: dt.date) -> str:
    """6–12 October 2025; 29 September – 5 October 2025; 29 December 2025 – 4 January 2026; 6 October 2025."""
    if start == end:
        return longdate(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{longdate(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {longdate(end)}"
    return f"{longdate(start)} – {longdate(end)}"
