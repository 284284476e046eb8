"""Markdown → `Article`: YAML front matter for metadata, markdown-it tokens for headings and paragraphs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefgen.sources.article import Article, TextBuilder
from briefgen.sources.dates import detect_languages, language_tag, text_date
from briefgen.sources.lines import short_unpunctuated, strip_number
from briefgen.sources.metadata import as_date, hashtags, http_url

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def _inline_text(token: Token) -> str:
    out: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
    return "".join(out)


def _only_strong(token: Token) -> bool:
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    return len(children) >= 3 and children[0].type == "strong_open" and children[-1].type == "strong_close"


def read_markdown(raw: str, path: Path) -> Article:
    meta: dict[str, Any] = {}
    skipped_lines = 0
    front = _FRONT_MATTER.match(raw)
    if front:
        try:
            loaded = yaml.safe_load(front.group(1))
        except yaml.YAMLError:
            loaded = None
        meta = loaded if isinstance(loaded, dict) else {}
        skipped_lines = raw[: front.end()].count("\n")
        raw = raw[front.end() :]
    tokens = MarkdownIt("commonmark").enable("table").parse(raw)
    blocks: list[tuple[str, int, int, str, bool]] = []  # (kind, level, line, text, bold-only paragraph)
    for position, token in enumerate(tokens):
        line = (token.map[0] if token.map else 0) + 1 + skipped_lines
        if token.type == "heading_open":
            blocks.append(("heading", int(token.tag[1]), line, _inline_text(tokens[position + 1]), False))
        elif token.type == "inline" and position and tokens[position - 1].type == "paragraph_open":
            blocks.append(("paragraph", 0, line, _inline_text(token), _only_strong(token)))
        elif token.type in ("fence", "code_block"):
            blocks.append(("paragraph", 0, line, token.content, False))
    headings = [b for b in blocks if b[0] == "heading"]
    title: str | None = None
    title_block = None
    if headings and headings[0][1] == 1 and sum(1 for b in headings if b[1] == 1) == 1:
        title_block = headings[0]
        title = title_block[3].strip()
    sections = [b for b in headings if b is not title_block]
    if not sections:  # no headings: paragraphs that are a short bold phrase and nothing else
        sections = [b for b in blocks if b[4] and short_unpunctuated(strip_number(b[3].strip("*_ ")), 14)]
    level = min((b[1] for b in sections), default=0)
    section_ids = {id(b) for b in sections if b[1] == level}
    builder = TextBuilder()
    for block in blocks:
        builder.add(block[3], heading_line=block[2] if id(block) in section_ids else None)
    text = builder.text
    meta_title = meta.get("title")
    declared = language_tag(meta.get("lang") or meta.get("language"))
    languages = [declared] if declared else detect_languages(text)
    return Article(
        path,
        "markdown",
        text,
        tuple(builder.headings),
        title=title or (str(meta_title).strip() if meta_title else None),
        published=as_date(meta.get("date") or meta.get("published")) or text_date(text, languages),
        tags=tuple(hashtags(text)),
        publisher=str(meta["publisher"]) if meta.get("publisher") else None,
        url=http_url(meta.get("url")),
    )
