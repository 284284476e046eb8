"""What the PDF and Word readers share: paragraphs with their font, headings told by size and
weight, and the date an article's opening states."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from briefgen.sources.article import Heading
from briefgen.sources.metadata import find_date

_LARGER = 1.12
"""How much larger than the body text a line must be to be a heading by size alone."""


@dataclass(frozen=True)
class Block:
    text: str
    line: int
    """The page (PDF) or paragraph number (Word) where the block starts."""
    size: float = 0.0
    bold: bool = False


def norm(text: str) -> str:
    return " ".join(text.replace("\xad", "").casefold().split())


def _style(block: Block) -> tuple[float, bool]:
    return round(block.size * 2) / 2, block.bold


def _could_be_heading(block: Block, body_size: float) -> bool:
    words = block.text.split()
    if not words or len(words) > 20 or len(block.text) > 200 or block.text[-1] in ".,;:":
        return False
    if block.text.replace(".", "").isdigit():
        return False
    return block.size >= body_size * _LARGER or (block.bold and block.size >= body_size * 0.95)


def section_blocks(
    blocks: Sequence[Block], body_size: float, title: str | None
) -> tuple[int | None, set[int]]:
    """The title block and the section headings of a document whose headings are told only by
    their font: short lines set larger or bolder than the body text, of the largest such style
    below the title (the metadata title, else the one largest line on the first page)."""
    candidates = [index for index, block in enumerate(blocks) if _could_be_heading(block, body_size)]
    title_index = None
    if title:
        title_index = next((i for i in candidates[:5] if norm(blocks[i].text) == norm(title)), None)
    if title_index is None:
        first_page = [i for i in candidates if blocks[i].line == blocks[0].line] if blocks else []
        if first_page:
            largest = max(first_page, key=lambda i: blocks[i].size)
            others = [i for i in candidates if i != largest]
            if blocks[largest].size >= body_size * _LARGER and all(
                blocks[i].size < blocks[largest].size - 0.3 for i in others
            ):
                title_index = largest
    rest = [i for i in candidates if i != title_index]
    if not rest:
        return title_index, set()
    top = max(_style(blocks[i]) for i in rest)
    return title_index, {i for i in rest if _style(blocks[i]) == top}


def opening_date(text: str, headings: Sequence[Heading]) -> dt.date | None:
    """A date written in the article's opening (before its first section), as a byline or dateline
    gives it: more telling than a file's creation date, which is often when it was exported."""
    end = headings[0].offset if headings else 1500
    return find_date(text[:end])
