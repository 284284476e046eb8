"""View → PDF bytes through WeasyPrint, with the workspace-only fetcher and warnings captured.

Imported only when a PDF is wanted: WeasyPrint takes most of a second to import.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from briefgen.fetching import WorkspaceFetcher
from briefgen.templates import Templates


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


_fonts: FontConfiguration | None = None
_sheets: dict[tuple[str, str], tuple[CSS, list[str]]] = {}
"""Parsed stylesheets (and the warnings parsing gave, repeated for every brief that uses them) by
(workspace, text): a worker parses the CSS its briefs share once, not per brief."""
_FIRST_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
"""Our templates' one <style> in <head>. Brief text cannot close it early: it is escaped, and what
the head holds before the style (the title, meta tags) is escaped too."""


def warm_up() -> None:
    """Load fonts and Pango once per process, so the first real brief is not the slow one."""
    global _fonts
    _fonts = FontConfiguration()
    HTML(string="<p>warm up</p>").write_pdf(font_config=_fonts)


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    warnings: list[str]
    """Everything WeasyPrint logged at WARNING or above: surfaced to the user, never swallowed."""
    files: frozenset[str]
    """Workspace files the fetcher served (an image or font a template or stylesheet loads)."""


def render_pdf(templates: Templates, view: dict[str, Any], root: Path) -> Rendered:
    """One brief's PDF."""
    return html_to_pdf(templates.render("brief.pdf.j2", **view), root)


def html_to_pdf(html: str, root: Path) -> Rendered:
    """Any HTML of ours → PDF, loading resources only through the workspace fetcher."""
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    propagate, logger.propagate = logger.propagate, False
    try:
        base_url = root.resolve().as_uri() + "/"
        fetcher = WorkspaceFetcher(root)
        stylesheets = []
        style = _FIRST_STYLE.search(html)
        if style:
            key = (base_url, style.group(1))
            if key not in _sheets:
                if len(_sheets) >= 16:  # a long-lived preview whose CSS is being edited
                    _sheets.clear()
                sheet = CSS(string=style.group(1), base_url=base_url, url_fetcher=fetcher, font_config=_fonts)
                _sheets[key] = sheet, collect.messages[:]
            else:
                collect.messages.extend(_sheets[key][1])
            stylesheets.append(_sheets[key][0])
            html = html[: style.start()] + html[style.end() :]
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=stylesheets, pdf_tags=True, font_config=_fonts)
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    assert pdf is not None
    return Rendered(pdf, collect.messages, frozenset(fetcher.served))
