"""The preview's pages: the index, and each brief as HTML or PDF, from the files on disk at the
moment of each request."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

from markupsafe import escape

from briefgen import __version__
from briefgen.config import Format, find_workspace
from briefgen.errors import ConfigError
from briefgen.locale import Labels, labels_for
from briefgen.model import Handling
from briefgen.releases import parse_level
from briefgen.releases import release as cut_brief
from briefgen.serve.log import Log, quiet
from briefgen.serve.pages import Page, broken_row, catalogue, index_row, problems_page, text_page
from briefgen.serve.rendering import Renderer
from briefgen.templates import Templates

MAX_ID = 100
CONTENT_TYPES: dict[Format, str] = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def _labelled(html: bytes, level: Handling, labels: Labels) -> bytes:
    """The page with a note at the top of its main landmark (of its body, if it has none) saying
    which release it previews, in the brief's language."""
    text = escape(labels("preview_release", level=level.value))
    label = f'<p class="preview-release" role="note">{text}</p>'.encode()
    at = re.search(rb"<main[^>]*>", html) or re.search(rb"<body[^>]*>", html)
    return html[: at.end()] + label + html[at.end() :] if at else label + html


class Site:
    """Reads the workspace per request; renders briefs through `Renderer`'s worker pool."""

    def __init__(self, root: Path, log: Log = quiet) -> None:
        self.root = root
        self.log = log
        self.renderer = Renderer(root)

    def index(self) -> Page:
        try:
            workspace = find_workspace(self.root)
        except ConfigError as error:
            return problems_page(self.root, "preview_config_errors", error.problems)
        lang = workspace.config.lang
        templates = Templates(self.root)
        try:
            labels = templates.labels(lang)
        except ConfigError as error:
            return problems_page(self.root, "preview_config_errors", error.problems, lang)
        entries = catalogue(workspace)
        rows = [index_row(entry, workspace) for entry in entries if entry.loaded is not None]
        rows.sort(key=lambda row: (row["date"], row["title"]), reverse=True)
        broken = [broken_row(entry) for entry in entries if entry.loaded is None]
        html = templates.render(
            "preview-index.html.j2",
            rows=rows,
            broken=broken,
            root=str(workspace.root),
            version=__version__,
            labels=labels,
        )
        return Page(HTTPStatus.OK, "text/html; charset=utf-8", html.encode("utf-8"))

    def brief(self, key: str, fmt: Format, release: str | None = None) -> Page:
        """One brief as HTML or PDF; a brief that cannot be loaded or rendered gets its problems instead.

        `release` (`?release=TLP:GREEN`): the version for that level, cut before it is rendered,
        labelled as such at the top of the HTML page."""
        level = None
        if release is not None:
            try:
                level = parse_level(release)
            except ValueError as error:
                return text_page(HTTPStatus.BAD_REQUEST, str(error))
        try:
            workspace = find_workspace(self.root)
        except ConfigError as error:
            return problems_page(self.root, "preview_config_errors", error.problems)
        lang = workspace.config.lang
        entry = next((e for e in catalogue(workspace) if e.key == key), None) if len(key) <= MAX_ID else None
        if entry is None:
            return text_page(HTTPStatus.NOT_FOUND, f"no brief with id '{key}' (see the index at /)")
        if entry.loaded is None:
            return problems_page(self.root, "preview_file_errors", entry.problems, lang, file=entry.source)
        brief = entry.loaded.brief
        if level is not None:
            cut = cut_brief(brief, level, workspace.config.handling)
            if cut is None:
                return text_page(
                    HTTPStatus.NOT_FOUND, f"'{key}' is not in the {level.value} release (no BLUF)"
                )
            brief = cut
        rendering = self.renderer.render(workspace, entry.source, brief, fmt, level)
        for warning in (p for p in rendering.problems if not p.is_error):
            self.log(f"warning: {entry.source}: {fmt}: {warning.message}")
        if rendering.data is None:
            return problems_page(
                self.root, "preview_cannot_render", rendering.problems, brief.lang, file=entry.source
            )
        headers = {"Content-Disposition": f'inline; filename="{key}.pdf"'} if fmt == "pdf" else {}
        data = rendering.data
        if level is not None and fmt == "html":
            data = _labelled(data, level, labels_for(brief.lang, self.root))
        return Page(HTTPStatus.OK, CONTENT_TYPES[fmt], data, headers)

    def start(self) -> None:
        self.renderer.start()

    def close(self) -> None:
        self.renderer.close()
