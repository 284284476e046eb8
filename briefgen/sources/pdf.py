"""PDF article → `Article` (not written yet: issue 11)."""

from __future__ import annotations

from pathlib import Path

from briefgen.sources.article import Article, SourceError


def read_pdf(data: bytes, path: Path) -> Article:
    raise SourceError("PDF articles are not supported yet: save the article as HTML or text")
