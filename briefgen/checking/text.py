"""Rules on the brief's text as written: no TODO left in a final brief, a BLUF within its word limit."""

from __future__ import annotations

import re

from briefgen.checking.context import BriefContext
from briefgen.loading import Loc
from briefgen.model import Status

_TODO = re.compile(r"\bTODO\b")


def check_todos(context: BriefContext) -> None:
    """Searched in the file's text, so a TODO in a comment or any field counts."""
    raw = context.raw
    if context.brief.status != Status.FINAL or raw is None:
        return
    values = sorted((position, loc) for loc, position in context.loaded.positions.values.items())
    for match in _TODO.finditer(raw.text):
        line, column = raw.position(match.start())
        before = [loc for position, loc in values if position <= (line, column)]
        loc: Loc = before[-1] if before else ()
        context.add(
            "todo-in-final",
            loc,
            "TODO placeholder left in a final brief",
            "write the text, or set `status: draft`",
            (line, column),
        )


def check_bluf(context: BriefContext) -> None:
    limit = context.shared.workspace.config.bluf_max_words
    count = _words(context.brief.bluf)
    if count > limit:
        context.add(
            "bluf-too-long",
            ("bluf",),
            f"BLUF has {count} words, more than {limit}",
            "keep the bottom line to a few sentences; move detail to context",
        )


def _words(text: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text))
