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
from briefgen.render.custom_properties import fold
from briefgen.templates import Templates


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


_fonts: FontConfiguration | None = None


@dataclass(frozen=True, slots=True)
class _Sheet:
    css: CSS
    warnings: list[str]
    """What parsing it logged: repeated for every brief that uses it."""
    files: dict[str, tuple[int, int]]
    """Files parsing it fetched (`@font-face`, `@import`) with (mtime_ns, size): inputs of every
    brief that uses it, and a reason to parse again when one changes (a long-lived preview)."""


_sheets: dict[tuple[str, str], _Sheet] = {}
"""Parsed stylesheets by (workspace, text): a worker parses the CSS its briefs share once, not per brief."""
_FIRST_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
"""Our templates' one <style> in <head>. Brief text cannot close it early: it is escaped, and what
the head holds before the style (the title, meta tags) is escaped too."""


def _states(root: Path, names: set[str]) -> dict[str, tuple[int, int]]:
    states = {}
    for name in names:
        try:
            stat = (root / name).stat()
        except OSError:
            continue
        states[name] = (stat.st_mtime_ns, stat.st_size)
    return states


def _shared_sheet(
    html: str, base_url: str, root: Path, fetcher: WorkspaceFetcher, collect: _Collect
) -> tuple[str, list[CSS]]:
    """The page without its <style>, and that style parsed once per worker.

    Only for a page whose one <style> is all its author CSS: WeasyPrint gives `stylesheets=` the
    user origin, below the document's own author styles, so a second <style> or a `style`
    attribute (a workspace template's) would otherwise win where it used to lose.
    """
    style = _FIRST_STYLE.search(html)
    if not style or html.count("<style") != 1 or ' style="' in html:
        return html, []
    key = (base_url, style.group(1))
    sheet = _sheets.get(key)
    if sheet is None or _states(root, set(sheet.files)) != sheet.files:
        if len(_sheets) >= 16:  # a long-lived preview whose CSS is being edited
            _sheets.clear()
        before = set(fetcher.served)
        css = CSS(string=fold(style.group(1)), base_url=base_url, url_fetcher=fetcher, font_config=_fonts)
        sheet = _Sheet(css, collect.messages[:], _states(root, fetcher.served - before))
        _sheets[key] = sheet
    else:
        collect.messages.extend(sheet.warnings)
    fetcher.served.update(sheet.files)
    return html[: style.start()] + html[style.end() :], [sheet.css]


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


def render_pdf(templates: Templates, view: dict[str, Any], root: Path, variant: str = "pdf/ua-1") -> Rendered:
    """One brief's PDF."""
    return html_to_pdf(templates.render("brief.pdf.j2", **view), root, variant)


def html_to_pdf(html: str, root: Path, variant: str = "pdf/ua-1", tagged: bool = True) -> Rendered:
    """Any HTML of ours → PDF, loading resources only through the workspace fetcher.

    `variant` is the config's `pdf_variant` (PDF/UA-1 by default: XMP identification, /Lang,
    DisplayDocTitle, a structure tree); `none` leaves a plain tagged PDF. Untagged (`tagged=False`)
    only for what is drawn as an artifact: a digest's page numbers.
    """
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    propagate, logger.propagate = logger.propagate, False
    try:
        base_url = root.resolve().as_uri() + "/"
        fetcher = WorkspaceFetcher(root)
        html, stylesheets = _shared_sheet(html, base_url, root, fetcher, collect)
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        # No optimize_images or jpeg_quality: a JPEG figure is embedded as the JPEG it is (DCTDecode),
        # never decoded and re-encoded; pdf_tags puts each <img>'s alt in its /Figure's /Alt.
        pdf = document.write_pdf(
            stylesheets=stylesheets,
            pdf_tags=tagged,
            font_config=_fonts,
            pdf_variant=None if variant == "none" else variant,
        )
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    assert pdf is not None
    return Rendered(pdf, collect.messages, frozenset(fetcher.served))
