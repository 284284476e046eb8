"""The `Article` every format reader returns, its headings, and the builder that assembles its text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from briefgen.sources.quotes import Normalised

Format = Literal["text", "markdown", "html", "pdf", "docx"]


class SourceError(Exception):
    """The article cannot be read at all (missing, unreadable, too large, damaged, encrypted).

    The message names what is wrong and, where one action fixes it, the action ("no text layer:
    OCR it first"); `hint` adds one where the message alone leaves the reader stuck.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    line: int
    """1-based line in the source file, so messages can send the analyst there."""
    offset: int
    """Where the heading starts in `Article.text`; orders headings for the checker."""


@dataclass(frozen=True)
class Article:
    path: Path
    format: Format
    text: str
    """The readable text: headings and paragraphs, separated by blank lines."""
    headings: tuple[Heading, ...] = ()
    title: str | None = None
    published: dt.date | None = None
    tags: tuple[str, ...] = ()
    publisher: str | None = None
    url: str | None = None

    @cached_property
    def index(self) -> Normalised:
        """The text normalised once for every quote and heading looked up in it."""
        return Normalised(self.text)


@dataclass
class TextBuilder:
    """Collects paragraphs and headings into one text, remembering where each heading starts."""

    parts: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, *, heading_line: int | None = None) -> None:
        text = text.strip()
        if not text:
            return
        if self.parts:
            self.length += 2  # the blank line between paragraphs
        if heading_line is not None:
            self.headings.append(Heading(text, heading_line, self.length))
        self.parts.append(text)
        self.length += len(text)

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)
