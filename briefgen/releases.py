"""Portion markings: a Brief cut down to what one audience may see, before anything renders it.

Every channel (a release build, the wiki, a mail list, a digest) receives the Brief *after*
`release` cut it, so no template, index, front matter, metadata field or asset can show a portion
above the channel's level: there is nothing left to show. A portion without `handling` has the
brief's marking; so do the brief's own prose fields (subtitle, assumptions, alternatives, changes),
which is why they leave a release below the brief's marking. Title, authors, date, status, version,
tags and id are the brief's identity and go with every release: they must be written releasable.
TLP:RED is never released: a channel cannot ask for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from briefgen.model import Brief, Figure, Handling, Tearline

RELEASABLE: tuple[Handling, ...] = tuple(h for h in Handling if h is not Handling.RED)
"""The levels a channel may ask for: every marking but TLP:RED."""

P = TypeVar("P")


class NotReleasable(ValueError):
    """A release was asked for TLP:RED, which never leaves by a channel."""


def parse_level(text: str) -> Handling:
    """A release level as a user types it: `TLP:GREEN`, `tlp:green`, `green` or the slug `tlp-green`.

    Raises ValueError naming the choices (TLP:RED included among the refused)."""
    cleaned = text.strip().upper().replace("TLP-", "TLP:")
    if not cleaned.startswith("TLP:"):
        cleaned = "TLP:" + cleaned
    cleaned = cleaned.replace("AMBER-STRICT", "AMBER+STRICT")
    try:
        level = Handling(cleaned)
    except ValueError:
        choices = ", ".join(h.value for h in RELEASABLE)
        raise ValueError(f"{text!r} is not a TLP level: choose from {choices}") from None
    if level is Handling.RED:
        raise NotReleasable("TLP:RED is never released to a channel: choose a lower level")
    return level


def marking_of(portion: object, base: Handling) -> Handling:
    """A portion's effective marking: its own `handling`, else the brief's (a plain string: the brief's)."""
    own = getattr(portion, "handling", None)
    return own if isinstance(own, Handling) else base


def portion_markings(brief: Brief) -> list[Handling]:
    """Every marking a portion of the brief carries itself (tearlines included)."""
    portions: list[object] = [
        *brief.key_claims,
        *brief.sections,
        *brief.implications,
        *brief.figures,
        *(f for s in brief.sections for f in s.figures),
        *brief.sources,
        *brief.recommendations,
        *brief.indicators,
    ]
    own = [getattr(p, "handling", None) for p in portions]
    return [h for h in own if isinstance(h, Handling)] + [t.handling for t in brief.tearline]


def _kept(items: Iterable[P], base: Handling, level: Handling, shown: list[Handling]) -> list[P]:
    """The items at or below `level`, in their order; their markings noted in `shown` (for the banner)."""
    kept = []
    for item in items:
        marking = marking_of(item, base)
        if marking.rank <= level.rank:
            kept.append(item)
            shown.append(marking)
    return kept


def bottom_line(brief: Brief, level: Handling, base: Handling) -> Tearline | None:
    """The BLUF and context a `level` reader gets: the brief's own (as a Tearline at the brief's
    marking) when the brief is at or below the level, else the highest tearline at or below it."""
    if base.rank <= level.rank:
        return Tearline(handling=base, bluf=brief.bluf, context=brief.context)
    fitting = [t for t in brief.tearline if t.handling.rank <= level.rank]
    return max(fitting, key=lambda t: t.handling.rank) if fitting else None


def release(brief: Brief, level: Handling, default: Handling = Handling.CLEAR) -> Brief | None:
    """The brief as a `level` audience may see it, or None when it has no BLUF releasable there.

    `default`: the workspace's marking for a brief that sets none. Portions above the level are
    gone (numbering is the templates' loop index, so it has no gaps); sources above it go with the
    citations to them; figures above it go, and a kept figure's withheld source is unlinked. The
    result's `handling` is the highest marking it still holds, and it has no tearlines (other
    levels' bottom lines are not this audience's either).
    """
    if level is Handling.RED:
        raise NotReleasable("TLP:RED is never released to a channel")
    base = brief.handling or default
    line = bottom_line(brief, level, base)
    if line is None:
        return None
    shown = [line.handling]
    whole = base.rank <= level.rank  # the brief's own prose comes along
    sources = _kept(brief.sources, base, level, shown)
    source_ids = {s.id for s in sources}

    def figures(items: list[Figure]) -> list[Figure]:
        return [
            f if f.source is None or f.source in source_ids else f.model_copy(update={"source": None})
            for f in _kept(items, base, level, shown)
        ]

    claims = [
        c.model_copy(update={"sources": [s for s in c.sources if s in source_ids]})
        for c in _kept(brief.key_claims, base, level, shown)
    ]
    sections = [
        s.model_copy(update={"figures": figures(s.figures)})
        for s in _kept(brief.sections, base, level, shown)
    ]
    update = {
        "bluf": line.bluf,
        "context": line.context,
        "tearline": [],
        "key_claims": claims,
        "sections": sections,
        "figures": figures(brief.figures),
        "implications": _kept(brief.implications, base, level, shown),
        "recommendations": _kept(brief.recommendations, base, level, shown),
        "indicators": _kept(brief.indicators, base, level, shown),
        "sources": sources,
        "subtitle": brief.subtitle if whole else None,
        "assumptions": brief.assumptions if whole else [],
        "alternatives": brief.alternatives if whole else [],
        "changes": brief.changes if whole else None,
    }
    update["handling"] = max(shown, key=lambda h: h.rank)
    return brief.model_copy(update=update)
