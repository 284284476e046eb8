"""View → PDF bytes through WeasyPrint, with the workspace-only fetcher and warnings captured.

Imported only when a PDF is wanted: WeasyPrint takes most of a second to import.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from weasyprint import HTML
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


def warm_up() -> None:
    """Load fonts and Pango once per process, so the first real brief is not the slow one."""
    global _fonts
    _fonts = FontConfiguration()
    HTML(string="<p>warm up</p>").write_pdf(font_config=_fonts)


def render_pdf(templates: Templates, view: dict[str, Any], root: Path) -> tuple[bytes, list[str]]:
    """One brief's PDF and every warning WeasyPrint logged while making it."""
    return html_to_pdf(templates.render("brief.pdf.j2", **view), root)


def html_to_pdf(html: str, root: Path) -> tuple[bytes, list[str]]:
    """Any HTML of ours → PDF, loading resources only through the workspace fetcher.

    Returns the bytes and every warning WeasyPrint logged (to be surfaced, never swallowed).
    """
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    propagate, logger.propagate = logger.propagate, False
    try:
        document = HTML(string=html, base_url=root.resolve().as_uri() + "/", url_fetcher=WorkspaceFetcher(root))
        pdf = document.write_pdf(pdf_tags=True, font_config=_fonts)
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    assert pdf is not None
    return pdf, collect.messages
