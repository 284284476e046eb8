"""The period a digest covers: an ISO week or an inclusive date range."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from briefgen.dates import date_range
from briefgen.locale import Labels
from briefgen.locale import date_range as local_date_range

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """Inclusive date range; an ISO week when `week` is set (year, number)."""

    start: dt.date
    end: dt.date
    week: tuple[int, int] | None = None

    @property
    def key(self) -> str:
        """For file names: 2025-W41, or 2025-10-06_2025-10-12."""
        if self.week:
            return f"{self.week[0]}-W{self.week[1]:02d}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def dates(self) -> str:
        """In English, for messages on the terminal; pages use `dates_in` and `label_in`."""
        return date_range(self.start, self.end)

    @property
    def label(self) -> str:
        if self.week:
            return f"Week {self.week[1]}, {self.week[0]} ({self.dates})"
        return self.dates

    def dates_in(self, lang: str) -> str:
        """The dates as the reader's language writes a range: "6–12 oct. 2025" in French."""
        return local_date_range(self.start, self.end, lang)

    def label_in(self, labels: Labels) -> str:
        """The period's name in the labels' language: "Semaine 41, 2025 (6–12 oct. 2025)"."""
        dates = self.dates_in(labels.lang)
        if self.week:
            return labels("week_period", week=self.week[1], year=self.week[0], dates=dates)
        return dates

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def week_period(text: str, today: dt.date | None = None) -> Period:
    """`2025-W41`, `this` (the current ISO week) or `last` (the one before); else ValueError with a hint."""
    today = today or dt.date.today()
    word = text.strip().lower()
    if word in ("this", "last"):
        day = today - dt.timedelta(days=7) if word == "last" else today
        year, week, _ = day.isocalendar()
    else:
        found = _WEEK.match(text.strip())
        if not found:
            raise ValueError(f"{text!r} is not an ISO week: write it like 2025-W41 (or 'this', 'last')")
        year, week = int(found[1]), int(found[2])
    try:
        start = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no ISO week {week}") from None
    return Period(start, start + dt.timedelta(days=6), (year, week))


def range_period(since: dt.date, until: dt.date) -> Period:
    if until < since:
        raise ValueError(f"--until {until} is before --since {since}")
    return Period(since, until)
