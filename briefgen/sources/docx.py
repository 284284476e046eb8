"""Word (.docx) article → `Article` (not written yet: issue 11)."""

from __future__ import annotations

from pathlib import Path

from briefgen.sources.article import Article, SourceError


def read_docx(data: bytes, path: Path) -> Article:
    raise SourceError("Word articles are not supported yet: save the article as HTML or text")
