"""Word (.docx) article → `Article`, with python-docx.

Headings are the paragraphs styled Heading 1–9, or given an outline level (`w:outlineLvl`, on the
paragraph or on its style or a style it is based on: "My Heading" based on Heading 2 is a level-2
heading); the Title style gives the title. Lists keep one item a line (`- item`), tables one row a
line with its cells separated by ` | `. `Heading.line` is the paragraph number: the body's
paragraphs counted from 1, a table counting one per row.

The file is a zip: before python-docx opens it, macro-enabled files (a `vbaProject.bin`, a
macroEnabled content type) are refused, and so is a zip bomb, judged from the sizes the archive
declares before anything is unpacked. Parsing runs in a child process under a time limit.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from briefgen.sources.article import Article, SourceError, TextBuilder
from briefgen.sources.document import Block, opening_date
from briefgen.sources.isolation import parse_isolated
from briefgen.sources.metadata import find_date, hashtags, http_url

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""What a Word article may unpack to, all parts together; text compresses about tenfold."""
_MAX_RATIO = 100
"""A part unpacking to more than a hundred times its packed size (and over 1 MB) is a bomb."""
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TITLE = -1
_JUNK_TITLE = re.compile(r"^(?:untitled\b|document\d*$)|\.(?:docx?|dotx?)$", re.IGNORECASE)


def read_docx(data: bytes, path: Path) -> Article:
    return parse_isolated(_read_docx, data, path, "Word file")


def _inspect(data: bytes, path: Path) -> None:
    """Refuse macros and zip bombs from the archive's directory, before unpacking anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > 1024 * 1024:
                raise SourceError("a zip bomb: its content types part is over 1 MB")
            content_types = archive.read(types).lower()
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        raise SourceError("a damaged Word file: its zip archive cannot be read") from None
    names = [info.filename.lower() for info in infos]
    if (
        path.suffix.lower() in (".docm", ".dotm")
        or any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in names)
        or b"macroenabled" in content_types
    ):
        raise SourceError("a macro-enabled Word file: save it as a plain .docx (File > Save As) first")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise SourceError(f"a zip bomb: it would unpack to {total:,} bytes, over {MAX_UNPACKED_BYTES:,}")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > _MAX_RATIO * max(1, info.compress_size):
            raise SourceError(
                f"a zip bomb: {info.filename} unpacks {info.file_size // max(1, info.compress_size):,} times"
            )


def _outline_level(properties: Any) -> int | None:
    """The heading level a `w:pPr` gives (1–9), 0 for explicit body text, None when it says nothing."""
    if properties is None:
        return None
    element = properties.find(f"{_W}outlineLvl")
    if element is None:
        return None
    try:
        value = int(element.get(f"{_W}val", "9"))
    except ValueError:
        return None
    return value + 1 if 0 <= value <= 8 else 0


def _level(paragraph: Any, element: Any) -> int:
    """The paragraph's heading level (1–9), `_TITLE` for the Title style, 0 for body text."""
    own = _outline_level(element.pPr)
    if own is not None:
        return own
    style = paragraph.style
    for _ in range(20):  # styles based on styles, a loop in a damaged file notwithstanding
        if style is None:
            return 0
        name = (style.name or "").strip().lower()
        if name == "title":
            return _TITLE
        heading = re.fullmatch(r"heading ([1-9])", name)
        if heading:
            return int(heading[1])
        level = _outline_level(style.element.pPr)
        if level is not None:
            return level
        style = style.base_style
    return 0


def _is_list_item(paragraph: Any, element: Any) -> bool:
    properties = element.pPr
    if properties is not None and properties.find(f"{_W}numPr") is not None:
        return True
    style = paragraph.style
    return bool(style is not None and (style.name or "").lower().startswith("list"))


def _clean(text: str) -> str:
    return " ".join(text.split())


def _blocks(document: Any) -> list[tuple[Block, int]]:
    """The body's paragraphs, lists and tables in order, each with its heading level."""
    from docx.text.paragraph import Paragraph

    found: list[tuple[Block, int]] = []
    number = 0
    items: list[str] = []
    items_start = 0

    def flush_list() -> None:
        if items:
            found.append((Block("\n".join(items), items_start), 0))
            items.clear()

    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            number += 1
            paragraph = Paragraph(child, document)
            text = _clean(paragraph.text)
            if not text:
                continue
            level = _level(paragraph, child)
            if level == 0 and _is_list_item(paragraph, child):
                items_start = items_start if items else number
                items.append(f"- {text}")
                continue
            flush_list()
            found.append((Block(text, number), level))
        elif child.tag == f"{_W}tbl":
            flush_list()
            rows = []
            start = number + 1
            for row in child.iterchildren(f"{_W}tr"):
                number += 1
                cells = [  # one w:tc per cell, however many columns it spans
                    _clean(" ".join(Paragraph(p, document).text for p in cell.iter(f"{_W}p")))
                    for cell in row.iterchildren(f"{_W}tc")
                ]
                if any(cells):
                    rows.append(" | ".join(cells))
            if rows:
                found.append((Block("\n".join(rows), start), 0))
    flush_list()
    return found


def _core(document: Any) -> tuple[str | None, dt.date | None, str | None]:
    properties = document.core_properties
    title = _clean(properties.title or "") or None
    if title and _JUNK_TITLE.search(title):
        title = None
    created = properties.created.date() if isinstance(properties.created, dt.datetime) else None
    return title, created, http_url(properties.identifier)


def _read_docx(data: bytes, path: Path) -> Article:
    _inspect(data, path)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        raise SourceError(f"a damaged Word file: {type(error).__name__} while opening it") from None
    blocks = _blocks(document)
    if not blocks:
        raise SourceError("a Word file without text")
    core_title, created, url = _core(document)
    title_index = next((i for i, (_, level) in enumerate(blocks) if level == _TITLE), None)
    firsts = [i for i, (_, level) in enumerate(blocks) if level == 1]
    if title_index is None and len(firsts) == 1 and firsts[0] <= 2:
        title_index = firsts[0]
    levels = [level for i, (_, level) in enumerate(blocks) if level > 0 and i != title_index]
    section_level = min(levels, default=0)
    builder = TextBuilder()
    for index, (block, level) in enumerate(blocks):
        is_section = bool(section_level) and level == section_level and index != title_index
        builder.add(block.text, heading_line=block.line if is_section else None)
    text = builder.text
    styled_title = blocks[title_index][0].text if title_index is not None else None
    return Article(
        path,
        "docx",
        text,
        tuple(builder.headings),
        title=core_title or styled_title,
        published=opening_date(text, builder.headings) or created or find_date(text),
        tags=tuple(hashtags(text)),
        url=url,
    )
