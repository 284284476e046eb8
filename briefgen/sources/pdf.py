"""PDF article → `Article`: pypdf's text with its positions and fonts, rebuilt into paragraphs.

A PDF holds positioned lines, not paragraphs. The reader puts them back: running headers and
footers (a line at the same place on most pages) and page numbers go; lines of one paragraph are
joined (a word broken with a hyphen at the line's end is joined whole, "communi-" + "cation"; a
real hyphen before a capital stays, "Russia-" + "Ukraine"); a paragraph ends where the gap to the
next line is wider than the line spacing or the font changes. Sections come from the outline
(bookmarks) when the PDF has one, else from lines set larger or bolder than the body text.
`Heading.line` is the heading's page number.

pypdf rather than pdfminer.six: on a 100-page WeasyPrint PDF it read the text with positions and
fonts in about 5 s where pdfminer.six took 7–8 s without layout analysis, and it has no
dependencies (pdfminer.six pulls in cryptography). Parsing runs in a child process under a time
limit (`isolation`), so a pathological file cannot hang `new` or `check`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from math import hypot
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
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        raise SourceError("a damaged or truncated PDF: its structure cannot be read") from None
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError):
            message = "an encrypted PDF in a form briefgen cannot open: save an unprotected copy"
            raise SourceError(message) from None
        except (PdfReadError, FileNotDecryptedError):
            opened = PasswordType.NOT_DECRYPTED
        if opened == PasswordType.NOT_DECRYPTED:
            raise SourceError("an encrypted PDF that needs a password: save a copy without the password")
    try:
        count = len(reader.pages)
    except Exception:
        raise SourceError("a damaged or truncated PDF: its pages cannot be found") from None
    if count > MAX_PAGES:
        raise SourceError(f"a PDF of {count:,} pages, more than the {MAX_PAGES:,} an article may have")
    if count == 0:
        raise SourceError("a PDF without pages")
    return reader


def _is_bold(font: Any, cache: dict[int, bool]) -> bool:
    if font is None:
        return False
    key = id(font)
    if key not in cache:
        bold = bool(_BOLD_NAME.search(str(font.get("/BaseFont", ""))))
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and font.get("/DescendantFonts"):
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        if descriptor is not None:
            descriptor = descriptor.get_object()
            weight = descriptor.get("/FontWeight")
            bold = bold or (weight is not None and float(weight) >= 600)
            bold = bold or bool(int(descriptor.get("/Flags", 0)) & (1 << 18))  # ForceBold
        cache[key] = bold
    return cache[key]


def _page_lines(page: Any, number: int, bold_cache: dict[int, bool]) -> _Page:
    """The page's lines, each with where it starts and its (largest) font size and weight."""
    height = float(page.mediabox.top)
    found = _Page(number)
    parts: list[str] = []
    where: list[float] = []  # x, top, size, bold chars, chars
    bold_chars = 0
    chars = 0

    def finish() -> None:
        nonlocal bold_chars, chars
        text = " ".join("".join(parts).split())
        if text and where:
            found.lines.append(_Line(number, text, where[0], where[1], where[2], bold_chars * 2 > chars))
        parts.clear()
        where.clear()
        bold_chars = chars = 0

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        nonlocal bold_chars, chars
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                finish()
            if not piece:
                continue
            parts.append(piece)
            if not piece.strip():
                continue
            scale = hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            effective = round(size * scale, 1)
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not where:
                where.extend([x, height - y, effective])
            else:
                where[2] = max(where[2], effective)
            weight = len(piece.strip())
            chars += weight
            if _is_bold(font, bold_cache):
                bold_chars += weight

    page.extract_text(visitor_text=visit)
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


def _outline(reader: Any) -> list[tuple[int, str, int]]:
    """The bookmarks as (depth, title, page number), in order; none when the outline cannot be read."""
    found: list[tuple[int, str, int]] = []
    try:
        stack: list[tuple[int, list[Any]]] = [(0, list(reader.outline))]
        while stack and len(found) < 10_000:
            depth, items = stack.pop()
            while items:
                item = items.pop(0)
                if isinstance(item, list):
                    stack.append((depth, items))
                    depth, items = depth + 1, list(item)
                    continue
                title = " ".join(str(item.title or "").split())
                page = reader.get_destination_page_number(item)
                if title:
                    found.append((depth, title, page + 1 if page is not None and page >= 0 else 0))
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


def _metadata(reader: Any) -> tuple[str | None, dt.date | None]:
    try:
        meta = reader.metadata
    except Exception:
        return None, None
    if not meta:
        return None, None
    title = " ".join(str(meta.get("/Title") or "").split()) or None
    if title and _JUNK_TITLE.search(title):
        title = None
    created = None
    try:
        stamp = meta.creation_date
        created = stamp.date() if stamp else None
    except Exception:
        created = find_date(str(meta.get("/CreationDate", "")))
    return title, created


def _read_pdf(data: bytes, path: Path) -> Article:
    reader = _open(data)
    bold_cache: dict[int, bool] = {}
    pages = [_page_lines(page, number, bold_cache) for number, page in enumerate(reader.pages, 1)]
    sizes: Counter[float] = Counter()
    for line in (line for page in pages for line in page.lines):
        sizes[round(line.size * 2) / 2] += len(line.text)
    if not sizes:
        raise SourceError("no text layer: OCR it first (a scanned PDF holds only pictures of its pages)")
    body_size = sizes.most_common(1)[0][0]
    _drop_furniture(pages)
    blocks = _blocks(pages, body_size)
    meta_title, created = _metadata(reader)
    outline = _outline(reader)
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
