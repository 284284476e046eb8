"""Rules on figures beyond their files (which the loader checks: figure-missing, -unreadable,
-too-large, -unsafe-svg): a cited source exists, the alt text says something, the figure is credited."""

from __future__ import annotations

import difflib
import re
from pathlib import PurePosixPath

from briefgen.checking.context import BriefContext
from briefgen.figures import figure_locations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EMPTY_ALT = _words(
    """
    image picture photo photograph figure fig chart graph map diagram illustration screenshot img
    graphic icon logo untitled alt todo
    """
)
"""Words that say only that there is an image: a screen reader already says so."""


def _is_empty(alt: str, file: str) -> bool:
    words = re.sub(r"[\W_]+", " ", alt.lower()).split()
    path = PurePosixPath(file)
    names = {
        file.lower(),
        path.name.lower(),
        path.stem.lower(),
        re.sub(r"[\W_]+", " ", path.stem.lower()).strip(),
    }
    return (
        alt.strip().lower() in names
        or " ".join(words) in names
        or all(w in EMPTY_ALT or w.isdigit() or w in {"a", "an", "the", "of"} for w in words)
    )


def check(context: BriefContext) -> None:
    ids = [source.id for source in context.brief.sources]
    for loc, figure in figure_locations(context.brief):
        if figure.source is not None and figure.source not in ids:
            close = difflib.get_close_matches(figure.source, ids, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "add it to `sources`"
            context.add(
                "figure-unknown-source",
                (*loc, "source"),
                f"source '{figure.source}' is not defined in `sources`",
                hint,
            )
        if _is_empty(figure.alt, figure.file):
            context.add(
                "figure-alt-is-filename",
                (*loc, "alt"),
                f"alt text {figure.alt!r} does not say what the figure shows",
                "say what a reader should see, e.g. 'Map of Donetsk and Luhansk oblasts, front line in red'",
            )
        if figure.source is None and figure.credit is None:
            context.add(
                "figure-unsourced",
                loc,
                f"figure {figure.file} has no `source` and no `credit`",
                "add `credit: Map: <who made it>` or `source: <source id>`",
            )
