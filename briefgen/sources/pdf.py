"""PDF article → `Article`: PDFium's text with its positions and fonts, rebuilt into paragraphs.

A PDF holds positioned lines, not paragraphs. The reader puts them back: running headers and
footers (a line at the same place on most pages) and page numbers go; lines of one paragraph are
joined (a word broken with a hyphen at the line's end is joined whole, "communi-" + "cation"; a
real hyphen before a capital stays, "Russia-" + "Ukraine"); a paragraph ends where the gap to the
next line is wider than the line spacing or the font changes. Sections come from the outline
(bookmarks) when the PDF has one, else from lines set larger or bolder than the body text.
`Heading.line` is the heading's page number.

PDFium (Chrome's PDF engine, through pypdfium2's 4 MB wheel, no other dependency) rather than pypdf
or pdfminer.six: on a 100-page WeasyPrint PDF it reads the text with positions, sizes and weights in
about 0.5 s, where pypdf took 7.8 s and pdfminer.six longer (benchmarks/pdf_intake.py); it is also
the parser most fuzzed against hostile files. Parsing runs in a child process under a time limit
(`isolation`), so a pathological file cannot hang `new` or `check`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from briefgen.sources.article import Article, SourceError, TextBuilder
from briefgen.sources.document import Block, norm, opening_date, section_blocks
from briefgen.sources.isolation import parse_isolated
from briefgen.sources.metadata import find_date, hashtags

MAX_PAGES = 2000
"""More pages than any article: a larger PDF is a book or a trap."""
_EDGE_LINES = 3
"""Running headers, footers and page numbers are looked for among a page's first and last lines."""
_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|seite|página|pagina|стр\.?)?\s*[-–—]?\s*\d{1,5}\s*[-–—]?(?:\s*(?:of|/|von|de|из)\s*\d{1,5})?",
    re.IGNORECASE,
)
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_JUNK_TITLE = re.compile(r"^(?:microsoft word\s*-|untitled\b)|\.(?:docx?|pdf|indd|tex|rtf)$", re.IGNORECASE)
_HYPHENS = "-\u2010\xad"
"""A hyphen, the Unicode hyphen WeasyPrint and TeX hyphenate with, and the soft hyphen."""


@dataclass
class _Line:
    page: int
    text: str
    x: float
    top: float
    """Distance from the top of the page, in points."""
    size: float
    bold: bool


@dataclass
class _Page:
    number: int
    lines: list[_Line] = field(default_factory=list)


def read_pdf(data: bytes, path: Path) -> Article:
    return parse_isolated(_read_pdf, data, path, "PDF")


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(data)  # tries the empty password itself
    except pdfium.PdfiumError as error:
        if error.err_code == raw.FPDF_ERR_PASSWORD:
            raise SourceError(
                "an encrypted PDF that needs a password: save a copy without the password"
            ) from None
        if error.err_code == raw.FPDF_ERR_SECURITY:
            message = "an encrypted PDF in a form briefgen cannot open: save an unprotected copy"
            raise SourceError(message) from None
        raise SourceError("a damaged or truncated PDF: its structure cannot be read") from None
    count = len(document)
    if count > MAX_PAGES:
        raise SourceError(f"a PDF of {count:,} pages, more than the {MAX_PAGES:,} an article may have")
    if count == 0:
        raise SourceError("a PDF without pages")
    return document


class _Fonts:
    """Whether the font of a character is bold: by its weight, its ForceBold flag or its name."""

    def __init__(self, textpage: Any) -> None:
        import ctypes

        self.textpage = textpage
        self.buffer = ctypes.create_string_buffer(256)
        self.flags = ctypes.c_int()
        self._ctypes = ctypes

    def bold(self, index: int) -> bool:
        import pypdfium2.raw as raw

        if raw.FPDFText_GetFontWeight(self.textpage, index) >= 600:
            return True
        raw.FPDFText_GetFontInfo(self.textpage, index, self.buffer, 256, self._ctypes.byref(self.flags))
        return bool(self.flags.value & (1 << 18)) or bool(
            _BOLD_NAME.search(self.buffer.value.decode("latin-1"))
        )


def _page_lines(page: Any, number: int) -> _Page:
    """The page's lines, each with where it starts and its (largest) font size and weight.

    PDFium gives the text as rectangles of one run each, in reading order; runs on one baseline are
    one line (a bold word inside a sentence is a run of its own).
    """
    import pypdfium2.raw as raw

    height = page.get_height()
    textpage = page.get_textpage()
    fonts = _Fonts(textpage)
    found = _Page(number)
    current: list[Any] = []  # text, left, bottom, size, bold share

    def finish() -> None:
        if current:
            text = " ".join(" ".join(part[0] for part in current).split())
            if text:
                size = max(part[3] for part in current)
                bold = sum(len(p[0]) for p in current if p[4]) * 2 > sum(len(p[0]) for p in current)
                found.lines.append(_Line(number, text, current[0][1], height - current[0][2], size, bold))
            current.clear()

    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top).replace("\r", " ").replace("\n", " ")
        if not text.strip():
            continue
        char = raw.FPDFText_GetCharIndexAtPos(textpage, left + 0.5, (bottom + top) / 2, 2.0, 2.0)
        size = round(raw.FPDFText_GetFontSize(textpage, char), 1) if char >= 0 else 0.0
        bold = fonts.bold(char) if char >= 0 else False
        if current and (abs(current[-1][2] - bottom) > 2.0 or left < current[-1][5]):
            finish()
        current.append([text, left, bottom, size, bold, right])
    finish()
    return found


def _drop_furniture(pages: list[_Page]) -> None:
    """Remove running headers and footers (same text, digits aside, at the same place on most pages)
    and page numbers ("7", "- 7 -", "Page 3 of 10") from the top and bottom of every page."""

    def key(line: _Line) -> tuple[int, str]:
        return round(line.top / 3), re.sub(r"\d+", "#", line.text.casefold())

    def edges(page: _Page) -> list[_Line]:
        return page.lines[:_EDGE_LINES] + page.lines[_EDGE_LINES:][-_EDGE_LINES:]

    seen: Counter[tuple[int, str]] = Counter()
    for page in pages:
        seen.update({key(line) for line in edges(page)})
    enough = max(2, (len(pages) + 1) // 2)
    for page in pages:
        edge = {id(line) for line in edges(page)}
        page.lines = [
            line
            for line in page.lines
            if id(line) not in edge or not (seen[key(line)] >= enough or _PAGE_NUMBER.fullmatch(line.text))
        ]


def join_lines(lines: list[str], hyphenated: set[str]) -> str:
    """Lines of one paragraph as one: a hyphen at a line's end joins a broken word whole, unless the
    PDF writes that word with its hyphen elsewhere or the next line starts with a capital."""
    text = lines[0]
    for line in lines[1:]:
        end = re.search(r"(\w+)[" + _HYPHENS + r"]$", text)
        if end and line[:1].isalpha():
            first = re.match(r"\w+", line)
            whole = f"{end[1]}-{first[0] if first else ''}".casefold()
            if line[0].islower() and whole not in hyphenated:
                text = text[:-1] + line
            else:
                text = text[:-1] + "-" + line
        else:
            text = f"{text} {line}"
    return text.replace("\xad", "")


def _blocks(pages: list[_Page], body_size: float) -> list[Block]:
    """Paragraphs and headings: a new one where the font changes or the gap between lines is wider
    than the line spacing of the body text; a paragraph runs on to the next page unless its last
    line ends a sentence."""
    lines = [line for page in pages for line in page.lines]
    hyphenated = {
        match.casefold() for line in lines for match in re.findall(r"\w+-\w+", line.text.rstrip(_HYPHENS))
    }
    body = [abs(line.size - body_size) < 0.3 for line in lines]
    gaps = Counter(
        round(b.top - a.top, 1)
        for (a, a_body), (b, b_body) in pairwise(zip(lines, body, strict=True))
        if a.page == b.page and a_body and b_body and b.top > a.top
    )
    pitch = gaps.most_common(1)[0][0] if gaps else body_size * 1.2
    groups: list[list[_Line]] = []
    for line in lines:
        previous = groups[-1][-1] if groups else None
        same_style = (
            previous is not None and abs(previous.size - line.size) < 0.3 and previous.bold == line.bold
        )
        if previous is not None and same_style:
            if previous.page == line.page:
                joins = 0 < line.top - previous.top <= pitch * 1.3 * max(1.0, line.size / body_size)
            else:
                joins = line.page == previous.page + 1 and previous.text.rstrip("'\"’”)")[-1:] not in ".!?:"
            if joins:
                groups[-1].append(line)
                continue
        groups.append([line])
    return [
        Block(join_lines([ln.text for ln in group], hyphenated), group[0].page, group[0].size, group[0].bold)
        for group in groups
    ]


_OUTLINE_DEPTH = 16
"""Deeper than any article's contents: an outline that goes further is a trap, and is ignored."""


def _outline(document: Any) -> list[tuple[int, str, int]]:
    """The bookmarks as (depth, title, page number), in order; none when the outline cannot be read."""
    import pypdfium2.raw as raw

    found: list[tuple[int, str, int]] = []
    try:
        for bookmark in document.get_toc(max_depth=_OUTLINE_DEPTH):
            if len(found) >= 10_000:
                break
            if bookmark.level == _OUTLINE_DEPTH - 1 and raw.FPDFBookmark_GetFirstChild(document, bookmark):
                return []
            title = " ".join((bookmark.get_title() or "").split())
            dest = bookmark.get_dest()
            page = dest.get_index() if dest is not None else None
            if title:
                found.append((bookmark.level, title, page + 1 if page is not None and page >= 0 else 0))
    except Exception:
        return []
    return found


def _outline_sections(
    outline: list[tuple[int, str, int]], blocks: list[Block]
) -> tuple[str | None, set[int]]:
    """The outline's title (its only top entry, when it has entries below) and the blocks that are
    its section headings: the entries of the top level below the title, found in order."""
    title = None
    entries = outline
    top = [entry for entry in outline if entry[0] == 0]
    if len(top) == 1 and outline[0][0] == 0 and len(outline) > 1:
        title = top[0][1]
        entries = outline[1:]
    level = min((entry[0] for entry in entries), default=0)
    sections: set[int] = set()
    start = 0
    if title:
        for index, block in enumerate(blocks):
            if norm(block.text) == norm(title):
                start = index + 1
                break
    for _depth, text, page in (entry for entry in entries if entry[0] == level):
        wanted = norm(text)
        for index in range(start, len(blocks)):
            block = blocks[index]
            if block.line >= page and (norm(block.text) == wanted or norm(block.text).startswith(wanted)):
                sections.add(index)
                start = index + 1
                break
    return title, sections


def _metadata(document: Any) -> tuple[str | None, dt.date | None]:
    try:
        meta = document.get_metadata_dict()
    except Exception:
        return None, None
    title = " ".join(str(meta.get("Title") or "").split()) or None
    if title and _JUNK_TITLE.search(title):
        title = None
    created = None
    stamp = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", str(meta.get("CreationDate") or ""))
    if stamp:
        try:
            created = dt.date(int(stamp[1]), int(stamp[2]), int(stamp[3]))
        except ValueError:
            created = None
    return title, created


def _read_pdf(data: bytes, path: Path) -> Article:
    document = _open(data)
    pages = [_page_lines(page, number) for number, page in enumerate(document, 1)]
    sizes: Counter[float] = Counter()
    for line in (line for page in pages for line in page.lines):
        sizes[round(line.size * 2) / 2] += len(line.text)
    if not sizes:
        raise SourceError("no text layer: OCR it first (a scanned PDF holds only pictures of its pages)")
    body_size = sizes.most_common(1)[0][0]
    _drop_furniture(pages)
    blocks = _blocks(pages, body_size)
    meta_title, created = _metadata(document)
    outline = _outline(document)
    outline_title, sections = _outline_sections(outline, blocks) if outline else (None, set())
    title_index = None
    if not sections:
        title_index, sections = section_blocks(blocks, body_size, meta_title)
    builder = TextBuilder()
    for index, block in enumerate(blocks):
        builder.add(block.text, heading_line=block.line if index in sections else None)
    text = builder.text
    page_one_title = blocks[title_index].text if title_index is not None else None
    return Article(
        path,
        "pdf",
        text,
        tuple(builder.headings),
        title=meta_title or outline_title or page_one_title,
        published=opening_date(text, builder.headings) or created or find_date(text),
        tags=tuple(hashtags(text)),
    )
