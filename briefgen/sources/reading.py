"""Reading an article file: size limit, decoding, and dispatch to the reader of its format."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.sources.article import Article, Format, SourceError
from briefgen.sources.html import read_html
from briefgen.sources.markdown import read_markdown
from briefgen.sources.plain import read_plain

MAX_SOURCE_BYTES = 10 * 1024 * 1024


def detect_format(path: Path, text: str) -> Format:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".mdown", ".mkd"):
        return "markdown"
    if suffix in (".html", ".htm", ".xhtml") or re.match(
        r"\s*(<!doctype\s+html|<html[\s>])", text[:1000], re.IGNORECASE
    ):
        return "html"
    return "text"


def read_article(path: Path) -> Article:
    """Read an article file of any supported format; raise SourceError when it cannot be read."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        raise SourceError(f"cannot read it: {error.strerror or error}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"larger than {MAX_SOURCE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # old saved pages; words still match
    return parse_article(text, path)


def parse_article(text: str, path: Path, format: Format | None = None) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kind = format or detect_format(path, text)
    reader = {"text": read_plain, "markdown": read_markdown, "html": read_html}[kind]
    return reader(text, path)
