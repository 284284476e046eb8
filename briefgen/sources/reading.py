"""Reading an article file: size limit, format from its bytes, decoding, and dispatch to its reader."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from briefgen.sources.article import Article, Format, SourceError
from briefgen.sources.docx import read_docx
from briefgen.sources.encoding import decode
from briefgen.sources.html import read_html
from briefgen.sources.markdown import read_markdown
from briefgen.sources.pdf import read_pdf
from briefgen.sources.plain import read_plain

MAX_SOURCE_BYTES = 10 * 1024 * 1024
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
_HTML_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S
)


def _is_zip_with(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False


def sniff(data: bytes, path: Path) -> Format:
    """The article's format, from its bytes first: a `.txt` that is a PDF is read as the PDF it is.

    Only text formats fall back on the name: Markdown and plain text share their bytes.
    """
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if _is_zip_with(data, "word/document.xml"):
            return "docx"
        raise SourceError("a zip archive, not a Word document: save the article as .docx, PDF, HTML or text")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError("an old binary Word (.doc) or Office file: save it as .docx or PDF")
    suffix = path.suffix.lower()
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in (".html", ".htm", ".xhtml") or _HTML_START.match(head):
        return "html"
    return "text"


def read_article(path: Path) -> Article:
    """Read an article file of any supported format; raise SourceError when it cannot be read."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        raise SourceError(
            f"cannot read it: {error.strerror or error}", "check the file's permissions"
        ) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(
            f"larger than {MAX_SOURCE_BYTES:,} bytes", "save the article alone (its text), not the whole page"
        )
    return parse_bytes(data, path)


def parse_bytes(data: bytes, path: Path) -> Article:
    kind = sniff(data, path)
    if kind == "pdf":
        return read_pdf(data, path)
    if kind == "docx":
        return read_docx(data, path)
    return parse_article(decode(data, html=kind == "html"), path, kind)


def parse_article(text: str, path: Path, format: Format | None = None) -> Article:
    """An article from text already decoded (tests and the fuzzers start here)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kind = format or sniff(text.encode("utf-8", errors="replace"), path)
    reader = {"text": read_plain, "markdown": read_markdown, "html": read_html}.get(kind)
    if reader is None:
        raise SourceError(f"a {kind} article must be read from its bytes")
    return reader(text, path)
