"""Brief → the context templates get: the brief itself plus what is derived from it and the config.

Markdown-to-HTML conversion happens in template filters (`markdown`, `mdsafe`, ...) so that an
overriding template can use them on any field; here live the values that need the workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.changes import compare
from briefgen.config import Config
from briefgen.figures import show_figures
from briefgen.locale import labels_for
from briefgen.locale.direction import direction
from briefgen.model import Brief, Handling
from briefgen.releases import portion_markings


def handling_of(brief: Brief, config: Config) -> Handling:
    """The banner: the brief's marking, raised to its highest portion's when one is above it (a
    `portion-above-banner` error in `check`), so no channel ever takes a page for lower than it is."""
    base = brief.handling or config.handling
    return max([base, *portion_markings(brief)], key=lambda h: h.rank)


def with_language(brief: Brief, config: Config) -> Brief:
    """The brief with its language: its own `lang`, or the workspace's (`lang` in briefgen.toml)."""
    if "lang" in brief.model_fields_set or brief.lang == config.lang:
        return brief
    return brief.model_copy(update={"lang": config.lang})


def prepare(brief: Brief, config: Config, root: Path, previous: Brief | None = None) -> dict[str, Any]:
    """The view; raises FigureError when a figure file (under `root`, the workspace) cannot be shown.

    `previous`: the brief this one supersedes, when the workspace has it; its changes are shown.
    """
    brief = with_language(brief, config)
    handling = handling_of(brief, config)
    source = next((s for s in brief.sources if s.url or s.file), None)
    front_matter: dict[str, Any] = {
        "id": brief.id,
        "title": brief.title,
        "date": brief.date.isoformat(),
        "status": str(brief.status),
        "handling": str(handling),
        "tags": list(brief.tags),
    }
    if direction(brief.lang) == "rtl":  # a wiki theme mirrors the page
        front_matter["dir"] = "rtl"
    if brief.authors:
        front_matter["authors"] = list(brief.authors)
    if source is not None:
        front_matter["source"] = source.url or source.file
    return {
        "brief": brief,
        "labels": labels_for(brief.lang, root),  # every fixed word: label('key_claims') in templates
        "handling": str(handling),
        "handling_class": handling.slug,
        "paper": config.paper,
        "version": __version__,
        "front_matter": front_matter,
        "changes": compare(previous, brief) if previous is not None else None,
        "id_prefix": "",  # the digest sets one per brief (templates/base.html.j2)
        "figures": show_figures(brief, root),
        "asset_base": f"assets/{brief.id}/",  # where the Markdown page finds its figures' copies
    }
