"""Briefs → the wiki's pages: one page per brief, an index by week, one page per tag, a sidebar.

A brief's page is the ordinary Markdown output (`render_markdown`), with the flavor's front matter
and a footer of wiki links (tags, superseded briefs, the index) in place of the plain tag line. The
generated pages come from the `wiki-*.md.j2` templates, which a workspace can override like any
other. Pages depend only on the briefs, so the same briefs always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.config import Config
from briefgen.locale import Labels, date_range
from briefgen.markup import markdown
from briefgen.model import Brief
from briefgen.render.markdown import render_markdown, tidy_markdown
from briefgen.templates import Templates
from briefgen.view import handling_of, prepare
from briefgen.wiki.flavors import Flavor, PageInfo, tag_slug

SIDEBAR_LATEST = 10
DESCRIPTION_LIMIT = 200


@dataclass(frozen=True)
class Page:
    path: str
    """POSIX path relative to the wiki root."""
    data: bytes
    brief: str | None = None
    """Id of the brief this page shows; None for generated pages."""
    optional: bool = False
    """A page the wiki does without (the sidebar): where a file briefgen did not write is in its
    place, that file is left alone and the page skipped, rather than the publish refused."""


class PageClash(Exception):
    """A brief's page would share one file with another page (its id equals a generated page's name)."""

    def __init__(self, path: str, brief: str, other: str) -> None:
        super().__init__(f"the page of brief '{brief}' would be {path}, which is already {other}")
        self.path = path
        self.brief = brief


def build_pages(
    briefs: Sequence[Brief], config: Config, templates: Templates, flavor: Flavor, sidebar: bool, root: Path
) -> list[Page]:
    """Every page for these briefs, in a stable order, each brief's figure copies after its page;
    raises PageClash when two want one file, FigureError when a figure file cannot be shown."""
    ordered = sorted(briefs, key=lambda b: (-b.date.toordinal(), b.id or ""))
    tags = _tags(ordered)
    pages = [
        page for brief in ordered for page in _brief_page(brief, ordered, config, templates, flavor, root)
    ]
    pages.append(_index_page(ordered, tags, config, templates, flavor))
    for slug, (name, tagged) in sorted(tags.items()):
        pages.append(_tag_page(slug, name, tagged, config, templates, flavor))
    sidebar_path = flavor.sidebar() if sidebar else None
    if sidebar_path:
        pages.append(_sidebar_page(sidebar_path, ordered, tags, config, templates, flavor))
    seen: dict[str, Page] = {}
    for page in pages:
        key = page.path.casefold()  # one file on case-insensitive file systems, and for GitHub page names
        if key in seen:
            first, brief = (seen[key], page) if page.brief else (page, seen[key])
            assert brief.brief is not None  # ids are unique and generated names differ, so one is a brief
            other = f"the page of brief '{first.brief}'" if first.brief else "a page briefgen generates"
            raise PageClash(first.path, brief.brief, other)
        seen[key] = page
    return pages


def _tags(ordered: Sequence[Brief]) -> dict[str, tuple[str, list[Brief]]]:
    """Tag slug → (the tag as first written, its briefs newest first)."""
    tags: dict[str, tuple[str, list[Brief]]] = {}
    for brief in ordered:
        for tag in dict.fromkeys(brief.tags):
            _, tagged = tags.setdefault(tag_slug(tag), (tag, []))
            if brief not in tagged:
                tagged.append(brief)
    return tags


def _finish(text: str) -> bytes:
    return tidy_markdown(text).encode("utf-8")


def plain_text(text: str) -> str:
    """A Markdown field as one line of plain text, for descriptions that wikis show unrendered."""
    words: list[str] = []
    for token in markdown().parse(text):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.type == "paragraph_close":
            words.append(" ")
    flat = " ".join("".join(words).split())
    return flat if len(flat) <= DESCRIPTION_LIMIT else flat[: DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def _entry(brief: Brief, source: str, config: Config, flavor: Flavor) -> dict[str, Any]:
    assert brief.id is not None
    return {
        "id": brief.id,
        "title": brief.title,
        "subtitle": brief.subtitle,
        "date": brief.date,
        "handling": str(handling_of(brief, config)),
        "status": str(brief.status),
        "link": flavor.link(source, flavor.brief(brief.id)),
    }


def _tag_links(
    names: Sequence[str], source: str, flavor: Flavor, counts: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "link": flavor.link(source, flavor.tag(tag_slug(name))),
            "count": (counts or {}).get(name, 0),
        }
        for name in names
    ]


def _brief_page(
    brief: Brief,
    ordered: Sequence[Brief],
    config: Config,
    templates: Templates,
    flavor: Flavor,
    root: Path,
) -> list[Page]:
    """The brief's page, then a copy of each figure it shows (as published: sanitised, for SVG)."""
    assert brief.id is not None
    path = flavor.brief(brief.id)
    by_id = {b.id: b for b in ordered}
    view = prepare(brief, config, root, by_id.get(brief.supersedes) if brief.supersedes else None)
    view["asset_base"] = flavor.asset_link(path, flavor.asset(brief.id, "")).rstrip("/") + "/"
    info = PageInfo(
        title=brief.title,
        date=brief.date,
        description=brief.subtitle or plain_text(brief.bluf),
        tags=tuple(brief.tags),
        standard=view["front_matter"],
    )
    view["front_matter"] = flavor.front_matter(info)
    view["body_title"] = flavor.body_title
    supersedes = None
    if brief.supersedes:
        old = by_id.get(brief.supersedes)
        # A brief that is not published gets no link: a link to nothing is worse than plain text.
        supersedes = _entry(old, path, config, flavor) if old else {"title": brief.supersedes, "link": None}
    newer = [_entry(b, path, config, flavor) for b in ordered if b.supersedes == brief.id and b is not brief]
    # The brief's own spelling of each tag (one per tag page: `CIS` and `cis` share a page).
    own: dict[str, str] = {}
    for tag in brief.tags:
        own.setdefault(tag_slug(tag), tag)
    view["wiki_footer"] = templates.render(
        "wiki-footer.md.j2",
        tags=_tag_links(list(own.values()), path, flavor),
        supersedes=supersedes,
        superseded_by=newer,
        index_link=flavor.link(path, flavor.index()),
        lang=brief.lang,
    ).strip()
    copies = [
        Page(flavor.asset(brief.id, item.asset), item.image.data, brief.id) for item in view["figures"].all()
    ]
    return [Page(path, render_markdown(templates, view), brief.id), *copies]


def _weeks(
    ordered: Sequence[Brief], source: str, config: Config, flavor: Flavor, labels: Labels
) -> list[dict[str, Any]]:
    groups: dict[tuple[int, int], list[Brief]] = defaultdict(list)
    for brief in ordered:
        year, week, _ = brief.date.isocalendar()
        groups[(year, week)].append(brief)
    weeks = []
    for (year, week), briefs in groups.items():  # already newest first: `ordered` is
        monday = dt.date.fromisocalendar(year, week, 1)
        weeks.append(
            {
                "label": labels("week_heading", week=week, year=year, dates=week_span(monday, labels.lang)),
                "entries": [_entry(b, source, config, flavor) for b in briefs],
            }
        )
    return weeks


def week_span(monday: dt.date, lang: str = "en") -> str:
    """'6–12 October 2025', '29 September – 5 October 2025' or '29 December 2025 – 4 January 2026'."""
    return date_range(monday, monday + dt.timedelta(days=6), lang)


def _index_page(
    ordered: Sequence[Brief],
    tags: dict[str, tuple[str, list[Brief]]],
    config: Config,
    templates: Templates,
    flavor: Flavor,
) -> Page:
    path = flavor.index()
    labels = templates.labels(config.lang)
    title = labels("briefs")
    newest = ordered[0].date if ordered else dt.date(1970, 1, 1)
    info = PageInfo(title, newest, labels("wiki_index_description"), ())
    counts = {name: len(tagged) for name, tagged in tags.values()}
    text = templates.render(
        "wiki-index.md.j2",
        front_matter=flavor.front_matter(info),
        body_title=flavor.body_title,
        title=title,
        count=len(ordered),
        weeks=_weeks(ordered, path, config, flavor, labels),
        tags=_tag_links(sorted(counts, key=str.casefold), path, flavor, counts),
        labels=labels,
    )
    return Page(path, _finish(text))


def _tag_page(
    slug: str, name: str, tagged: list[Brief], config: Config, templates: Templates, flavor: Flavor
) -> Page:
    path = flavor.tag(slug)
    labels = templates.labels(config.lang)
    title = labels("tagged", tag=name)
    info = PageInfo(title, tagged[0].date, labels("wiki_tag_description", tag=name), ())
    text = templates.render(
        "wiki-tag.md.j2",
        front_matter=flavor.front_matter(info),
        body_title=flavor.body_title,
        title=title,
        tag=name,
        entries=[_entry(b, path, config, flavor) for b in tagged],
        index_link=flavor.link(path, flavor.index()),
        labels=labels,
    )
    return Page(path, _finish(text))


def _sidebar_page(
    path: str,
    ordered: Sequence[Brief],
    tags: dict[str, tuple[str, list[Brief]]],
    config: Config,
    templates: Templates,
    flavor: Flavor,
) -> Page:
    counts = {name: len(tagged) for name, tagged in tags.values()}
    text = templates.render(
        "wiki-sidebar.md.j2",
        index_link=flavor.link(path, flavor.index()),
        latest=[_entry(b, path, config, flavor) for b in ordered[:SIDEBAR_LATEST]],
        tags=_tag_links(sorted(counts, key=str.casefold), path, flavor, counts),
        lang=config.lang,
    )
    return Page(path, _finish(text), optional=True)
