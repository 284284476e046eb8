"""Plain text → `Article`: paragraphs one per line or between blank lines, headings guessed from their
shape."""

from __future__ import annotations

import itertools
from pathlib import Path

from briefgen.sources.article import Article, TextBuilder
from briefgen.sources.dates import detect_languages, text_date
from briefgen.sources.lines import (
    NUMBERED,
    UNDERLINE,
    is_body,
    is_prose,
    line_heading,
    short_unpunctuated,
    strip_number,
)
from briefgen.sources.metadata import hashtags


def read_plain(raw: str, path: Path) -> Article:
    lines = raw.split("\n")
    # Setext-style underlines (=== or --- under a short line) mark headings; drop the underline.
    underlined: set[int] = set()
    for number in range(1, len(lines)):
        if (
            UNDERLINE.match(lines[number])
            and lines[number - 1].strip()
            and short_unpunctuated(strip_number(lines[number - 1]), 16)
        ):
            underlined.add(number - 1)
            lines[number] = ""
    non_empty = sum(1 for line in lines if line.strip())
    blank_separated = sum(1 for a, b in itertools.pairwise(lines) if a.strip() and not b.strip())
    # One paragraph per line (text copied from a web page) or paragraphs between blank lines?
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    median = lengths[len(lengths) // 2] if lengths else 0
    line_mode = blank_separated <= 1 or (blank_separated * 8 < non_empty and median > 100)

    blocks: list[tuple[int, list[str]]] = []  # (first line number, lines)
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        starts_block = line_mode or not blocks or not lines[number - 1].strip() or number in underlined
        if number - 1 in underlined:
            starts_block = True
        if starts_block:
            blocks.append((number, [line]))
        else:
            blocks[-1][1].append(line)

    title: str | None = None
    if len(blocks) > 1 and short_unpunctuated(blocks[0][1][0], 25) and not is_body(blocks[0][1][:1]):
        title = blocks[0][1][0].strip()
    builder = TextBuilder()
    in_front = True  # before the first prose paragraph: title, byline, date line, standfirst
    for index, (number, block) in enumerate(blocks):
        first = block[0].strip()
        if 0 < index < len(blocks) - 1:
            before, after = blocks[index - 1][1], blocks[index + 1][1]
            if NUMBERED.match(first):
                # `1. Background` alone between paragraphs of prose numbers a section; next to other
                # numbered or bulleted lines it is one item of a list.
                alone = len(block) == 1 and is_prose(before) and is_prose(after)
                heading = (
                    alone
                    and not in_front
                    and line_heading(strip_number(first), line_mode=line_mode, between_prose=True)
                )
            else:
                between = is_body(before) and is_body(after)
                heading = not in_front and line_heading(first, line_mode=line_mode, between_prose=between)
            if len(block) == 1 and (number in underlined or heading):
                builder.add(first, heading_line=number + 1)
                continue
            # A heading directly above its paragraph: much shorter than the wrapped lines under it.
            if (
                len(block) > 1
                and not line_mode
                and not in_front
                and line_heading(first, line_mode=False)
                and len(first) <= 0.6 * max(len(line.strip()) for line in block[1:])
            ):
                builder.add(first, heading_line=number + 1)
                block = block[1:]
        if is_body(block):
            in_front = False
        builder.add(" ".join(line.strip() for line in block))
    text = builder.text
    return Article(
        path,
        "text",
        text,
        tuple(builder.headings),
        title=title,
        published=text_date(text, detect_languages(text)),
        tags=tuple(hashtags(text)),
    )
