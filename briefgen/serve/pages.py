"""What the preview answers with: a Page, and the pieces the index and problem pages are made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import jinja2

from briefgen import __version__
from briefgen.config import Workspace
from briefgen.errors import ConfigError
from briefgen.loading import LoadedBrief, read_briefs
from briefgen.locale import labels_for
from briefgen.model import slugify
from briefgen.problems import Problem
from briefgen.templates import Templates, template_problem
from briefgen.view import handling_of

PROBLEMS_HEADER = "X-Briefgen-Problems"
"""On a page that shows problems instead of a brief: how many."""


@dataclass(frozen=True)
class Page:
    status: HTTPStatus
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


def text_page(status: HTTPStatus, message: str) -> Page:
    return Page(status, "text/plain; charset=utf-8", f"{status.value} {status.phrase}: {message}\n".encode())


def problems_page(root: Path, title: str, problems: list[Problem], lang: str = "en", **fields: str) -> Page:
    """The problems as a page, titled by the label `title` (with its `fields`) in `lang`. 200, not
    4xx: the page shows the brief's current state, reloads when it is fixed, and keeps the browser
    console clean; tools read the PROBLEMS_HEADER instead."""
    templates = Templates(root)
    try:
        labels = templates.labels(lang)
    except ConfigError as error:  # a broken override file: built-in words, and its problems shown too
        labels, problems = labels_for(lang), [*problems, *error.problems]
    heading = labels(title, **fields)
    lines = [str(p) for p in problems]
    headers = {PROBLEMS_HEADER: str(len(lines))}
    try:
        html = templates.render(
            "preview-problems.html.j2", title=heading, problems=lines, version=__version__, labels=labels
        )
    except jinja2.TemplateError as error:
        # A workspace's own preview template is broken: still show the lines.
        text = "\n".join([heading, *lines, str(template_problem("preview", error, root))])
        return Page(HTTPStatus.OK, "text/plain; charset=utf-8", f"{text}\n".encode(), headers)
    return Page(HTTPStatus.OK, "text/html; charset=utf-8", html.encode("utf-8"), headers)


@dataclass(frozen=True)
class Entry:
    """One brief file as the index shows it: loaded, or the problems that stop it from loading."""

    key: str | None
    """The id in its URL: the brief's id, or for a broken file its file name as a slug (None if taken)."""
    source: str
    loaded: LoadedBrief | None
    problems: list[Problem]


def catalogue(workspace: Workspace) -> list[Entry]:
    """Every brief in the workspace, loaded the way `build` loads them (ids unique)."""
    results = read_briefs(workspace)
    taken = {item.brief.id for _, item in results if item is not None}
    entries = []
    for result, item in results:
        if item is not None:
            entries.append(Entry(item.brief.id, result.source, item, []))
            continue
        key: str | None = slugify(Path(result.source).stem)
        if key in taken:
            key = None
        taken.add(key)
        entries.append(Entry(key, result.source, None, result.problems))
    return entries


def index_row(entry: Entry, workspace: Workspace) -> dict[str, Any]:
    """A loaded brief's row in the index."""
    assert entry.loaded is not None and entry.key is not None
    brief = entry.loaded.brief
    return {
        "title": brief.title,
        "lang": brief.lang,
        "date": brief.date.isoformat(),
        "status": str(brief.status),
        "handling": str(handling_of(brief, workspace.config)),
        "tags": list(brief.tags),
        "source": entry.source,
        "html": f"/briefs/{entry.key}.html",
        "pdf": f"/briefs/{entry.key}.pdf",
    }


def broken_row(entry: Entry) -> dict[str, Any]:
    """A brief that does not load, in the index: its file, and its problems."""
    return {
        "source": entry.source,
        "url": f"/briefs/{entry.key}.html" if entry.key else None,
        "problems": [str(p) for p in entry.problems],
    }
