"""What a digest holds: its briefs, each with the view its own page is rendered from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from briefgen import __version__
from briefgen.config import Workspace
from briefgen.digest.selection import Selection
from briefgen.lineage import Lineage
from briefgen.locale import Labels, labels_for
from briefgen.model import Brief, Handling, Implication, Likelihood
from briefgen.releases import release
from briefgen.view import handling_of, prepare


@dataclass
class DigestItem:
    brief: Brief
    handling: Handling
    view: dict[str, Any]

    @property
    def top_implication(self) -> Implication | None:
        """The implication judged most likely (the first when none has a likelihood): the glance page
        shows one per brief. None for a release that holds no implication."""
        scale = list(Likelihood)
        rated = [i for i in self.brief.implications if i.likelihood is not None]
        if not rated:
            return self.brief.implications[0] if self.brief.implications else None
        return max(rated, key=lambda i: scale.index(i.likelihood) if i.likelihood else -1)

    @property
    def anchor(self) -> str:
        """Every id inside the brief gets this prefix and `--`; slugs never hold '--', so ids stay unique."""
        return f"brief-{self.brief.id}"


@dataclass
class Digest:
    name: str
    title: str
    selection: Selection
    items: list[DigestItem]
    labels: Labels
    """The digest's own words, in the workspace's language (`lang` in briefgen.toml)."""
    paper: str = "A4"

    @property
    def handling(self) -> Handling:
        """The most restrictive marking of the briefs: the digest is as sensitive as its worst page."""
        return max((item.handling for item in self.items), key=lambda h: h.rank)

    @property
    def created(self) -> dt.date:
        """The latest brief's date, so the same briefs make the same bytes."""
        return max(item.brief.date for item in self.items)

    @property
    def tags(self) -> list[str]:
        return sorted({tag for item in self.items for tag in item.brief.tags})

    def context(self) -> dict[str, Any]:
        handling = self.handling
        authors = list(dict.fromkeys(author for item in self.items for author in item.brief.authors))
        period = self.selection.period
        return {
            "digest_name": self.name,
            "title": self.title,
            "period": period,
            "period_label": period.label_in(self.labels),
            "period_dates": period.dates_in(self.labels.lang),
            "selection": self.selection,
            "items": self.items,
            "count": len(self.items),
            "handling": str(handling),
            "handling_class": handling.slug,
            "tags": self.tags,
            "authors": authors,
            "lang": self.labels.lang,
            "labels": self.labels,
            "created": self.created.isoformat(),
            "paper": self.paper,
            "version": __version__,
        }


def make_digest(workspace: Workspace, briefs: Sequence[Brief], selection: Selection) -> Digest:
    """The digest of `briefs`; for a release (`selection.release`) each brief, and the one it
    supersedes, is cut to the level first, and a brief with no BLUF at the level is left out."""
    config = workspace.config
    root = workspace.root
    lineage = Lineage(workspace)
    level = selection.release

    def cut(brief: Brief | None) -> Brief | None:
        return release(brief, level, config.handling) if brief is not None and level is not None else brief

    def previous(brief: Brief) -> Brief | None:
        found = lineage.predecessor(brief.supersedes).loaded if brief.supersedes else None
        return cut(found.brief) if found else None

    released = [b for b in (cut(brief) for brief in briefs) if b is not None]
    items = [
        DigestItem(brief, handling_of(brief, config), prepare(brief, config, root, previous(brief)))
        for brief in released
    ]
    labels = labels_for(selection.lang or config.lang, root)
    title = labels("digest_title_weekly" if selection.period.week else "digest_title")
    if level is not None:
        title = labels("release_title", title=title, level=level.value)
    return Digest(selection.name, title, selection, items, labels, config.paper)
