"""Source articles as briefs need them: title, date, section headings, hashtags, and quote lookup.

Articles arrive as plain text (often one paragraph per line, as copied from a web page), Markdown or
a saved HTML page. Each reader turns its format into the same `Article`: readable text with
paragraphs separated by blank lines and the section headings found in it, each with its offset in
that text. `briefgen new` scaffolds from it and `briefgen check` verifies quotes and heading order
against it without caring which format the article came in.

Quotes are compared after normalising what copying text around changes without changing the words:
Unicode forms, curly versus straight quote marks, the many dashes, whitespace and case.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_SOURCE_BYTES = 10 * 1024 * 1024
Format = Literal["text", "markdown", "html"]


class SourceError(Exception):
    """The article cannot be read at all (missing, unreadable, too large)."""


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


# ---- reading ---------------------------------------------------------------------------------


def detect_format(path: Path, text: str) -> Format:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".mdown", ".mkd"):
        return "markdown"
    if suffix in (".html", ".htm", ".xhtml") or re.match(r"\s*(<!doctype\s+html|<html[\s>])", text[:1000], re.IGNORECASE):
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
    reader = {"text": _read_plain, "markdown": _read_markdown, "html": _read_html}[kind]
    return reader(text, path)


@dataclass
class _Builder:
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


# ---- plain text ------------------------------------------------------------------------------


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_MINOR_WORDS = _set("a an and as at but by for from in into nor of on or per the to vs via with over under about than")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•▪◦‣]\s|\d{1,3}[.)]\s|[a-z][.)]\s)")
_UNDERLINE = re.compile(r"^\s*(?:={3,}|-{3,})\s*$")
_BYLINE = re.compile(r"^(?:by|photo|image|picture|source|credit|credits|published|updated|posted|filed)\b", re.IGNORECASE)
_BOILERPLATE = re.compile(
    r"(?:advertisement|read more|related|share|subscribe|sign up|click here|continue reading|watch|listen)\b", re.IGNORECASE
)
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def _words(line: str) -> list[str]:
    return line.split()


def _is_hashtag_line(line: str) -> bool:
    words = _words(line)
    return bool(words) and all(word.startswith("#") for word in words)


def _title_case_ish(line: str) -> bool:
    """Most significant words capitalised (or the whole line in capitals)."""
    letters = [c for c in line if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3:
        return True
    significant = []
    for word in _words(line):
        core = word.strip("'\"‘’“”()[]:;,.!?-–—")
        if core and core.lower() not in _MINOR_WORDS:
            significant.append(core)
    if not significant:
        return False
    capitalised = sum(1 for word in significant if word[0].isupper() or word[0].isdigit())
    return capitalised / len(significant) >= 0.75


def _short_unpunctuated(line: str, max_words: int = 12) -> bool:
    """A line that could be a heading: short, not a list item, byline, date line, link or sentence."""
    text = line.strip()
    if not text or len(_words(text)) > max_words or len(text) > 120:
        return False
    if _LIST_ITEM.match(text) or text.startswith(("#", ">", "|")) or _is_hashtag_line(text):
        return False
    if _BYLINE.match(text) or _URL.search(text) or (_find_date(text) and len(_words(text)) <= 8):
        return False
    stripped = text.rstrip("'\"’”)")
    return stripped[-1] not in ".,;:!…" if stripped else False


def _line_heading(line: str, *, line_mode: bool, between_prose: bool = False) -> bool:
    """Whether a one-line block is a section heading.

    Where paragraphs are separated by blank lines, a short line standing alone between them is a
    heading whatever its case. Where every line is a paragraph (text copied from a web page), short
    lines must also look like headings: title case, capitals, a question, a "Topic: subtitle", or a
    few words in sentence case with prose right above and below.
    """
    if not _short_unpunctuated(line) or _BOILERPLATE.match(line.strip()):
        return False
    if not line_mode:
        return True
    text = line.strip()
    if between_prose and len(_words(text)) <= 10:
        return True
    return _title_case_ish(text) or text.endswith("?") or bool(re.search(r"\w: \S", text))


def _is_body(block: list[str]) -> bool:
    """A paragraph of prose: ends a sentence or runs long."""
    text = " ".join(line.strip() for line in block)
    return len(_words(text)) >= 20 or text.rstrip("'\"’”)")[-1:] in (".", "!", "?", "…")


def _read_plain(raw: str, path: Path) -> Article:
    lines = raw.split("\n")
    # Setext-style underlines (=== or --- under a short line) mark headings; drop the underline.
    underlined: set[int] = set()
    for number in range(1, len(lines)):
        if _UNDERLINE.match(lines[number]) and lines[number - 1].strip() and _short_unpunctuated(lines[number - 1], 16):
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
    if len(blocks) > 1 and _short_unpunctuated(blocks[0][1][0], 25) and not _is_body(blocks[0][1][:1]):
        title = blocks[0][1][0].strip()
    builder = _Builder()
    in_front = True  # before the first prose paragraph: title, byline, date line, standfirst
    for index, (number, block) in enumerate(blocks):
        first = block[0].strip()
        if 0 < index < len(blocks) - 1:
            between = _is_body(blocks[index - 1][1]) and _is_body(blocks[index + 1][1])
            heading = not in_front and _line_heading(first, line_mode=line_mode, between_prose=between)
            if len(block) == 1 and (number in underlined or heading):
                builder.add(first, heading_line=number + 1)
                continue
            # A heading directly above its paragraph: much shorter than the wrapped lines under it.
            if (
                len(block) > 1
                and not line_mode
                and not in_front
                and _line_heading(first, line_mode=False)
                and len(first) <= 0.6 * max(len(line.strip()) for line in block[1:])
            ):
                builder.add(first, heading_line=number + 1)
                block = block[1:]
        if _is_body(block):
            in_front = False
        builder.add(" ".join(line.strip() for line in block))
    text = builder.text
    return Article(
        path,
        "text",
        text,
        tuple(builder.headings),
        title=title,
        published=_find_date(text),
        tags=tuple(hashtags(text)),
    )


# ---- Markdown --------------------------------------------------------------------------------

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


def _read_markdown(raw: str, path: Path) -> Article:
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
        sections = [b for b in blocks if b[4] and _short_unpunctuated(b[3].strip("*_ "), 14)]
    level = min((b[1] for b in sections), default=0)
    section_ids = {id(b) for b in sections if b[1] == level}
    builder = _Builder()
    for block in blocks:
        builder.add(block[3], heading_line=block[2] if id(block) in section_ids else None)
    text = builder.text
    meta_title = meta.get("title")
    return Article(
        path,
        "markdown",
        text,
        tuple(builder.headings),
        title=title or (str(meta_title).strip() if meta_title else None),
        published=_as_date(meta.get("date") or meta.get("published")) or _find_date(text),
        tags=tuple(hashtags(text)),
        publisher=str(meta["publisher"]) if meta.get("publisher") else None,
        url=_http_url(meta.get("url")),
    )


# ---- HTML ------------------------------------------------------------------------------------

_SKIP_TAGS = _set("script style noscript template svg math nav aside footer form button select textarea iframe object canvas")
_BLOCK_TAGS = _set(
    """p div section article main header h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tr td th
    thead tbody caption figure figcaption hr br address details summary"""
)
_VOID_TAGS = _set("area base br col embed hr img input link meta source track wbr")
_DATE_META = _set(
    "article:published_time date pubdate publishdate publish-date publication_date dc.date dc.date.issued "
    "dcterms.date dcterms.created datepublished og:published_time sailthru.date parsely-pub-date"
)


_FURNITURE = _set(
    "nav navbar navigation menu sidebar footer related comment comments share sharing social newsletter promo "
    "advert ad ads cookie cookies breadcrumb breadcrumbs banner complementary contentinfo subscribe"
)
_STATE_CLASS = re.compile(r"^(?:has|with|no|is|show|hide)-|-(?:enabled|disabled|active|open|visible)$")


def _is_furniture(tag: str, values: dict[str, str]) -> bool:
    """A menu, sidebar, footer or share bar marked only by its class, id or role (`<div class="site-footer">`)."""
    if tag in ("html", "body", "main", "article"):
        return False
    for token in f"{values.get('class', '')} {values.get('id', '')} {values.get('role', '')}".lower().split():
        parts = re.split(r"[-_]+", token)
        if not _STATE_CLASS.search(token) and (parts[0] in _FURNITURE or parts[-1] in _FURNITURE):
            return True
    return False


@dataclass
class _HtmlBlock:
    text: str
    line: int
    level: int  # 0 for a paragraph, 1–6 for a heading
    article: int | None
    in_main: bool


class _HtmlReader(HTMLParser):
    """Collects paragraphs and headings with the <article>/<main> they sit in, and the page's metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip_depth: list[int] = []
        """Stack depths of elements whose class or id says they are page furniture (menus, footers)."""
        self.blocks: list[_HtmlBlock] = []
        self.buffer: list[str] = []
        self.buffer_line = 1
        self.heading_level = 0
        self.articles = 0
        self.article_stack: list[int] = []
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.times: list[str] = []
        self.canonical: str | None = None

    def _skipping(self) -> bool:
        return bool(self.skip_depth) or any(tag in _SKIP_TAGS or tag in ("head", "title") for tag in self.stack)

    def _flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer = []
        if text:
            self.blocks.append(
                _HtmlBlock(
                    text,
                    self.buffer_line,
                    self.heading_level,
                    self.article_stack[-1] if self.article_stack else None,
                    "main" in self.stack,
                )
            )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = values.get("href")
        elif tag == "time" and values.get("datetime") and not self._skipping():
            self.times.append(values["datetime"])
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in _VOID_TAGS:
            return
        self.stack.append(tag)
        if _is_furniture(tag, values):
            self.skip_depth.append(len(self.stack))
        if tag == "article":
            self.articles += 1
            self.article_stack.append(self.articles)
        if re.fullmatch(r"h[1-6]", tag) and not self._skipping():
            self.heading_level = int(tag[1])
            self.buffer_line = self.getpos()[0]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return
        if tag in _BLOCK_TAGS:
            self._flush()
            if re.fullmatch(r"h[1-6]", tag):
                self.heading_level = 0
        while self.stack:
            if self.skip_depth and self.skip_depth[-1] == len(self.stack):
                self.skip_depth.pop()
            popped = self.stack.pop()
            if popped == "article" and self.article_stack:
                self.article_stack.pop()
            if popped == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "title":
            self.title_parts.append(data)
            return
        if self._skipping():
            return
        if not self.buffer and data.strip():
            self.buffer_line = self.getpos()[0]
        self.buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _read_html(raw: str, path: Path) -> Article:
    reader = _HtmlReader()
    reader.feed(raw)
    reader.close()
    blocks = reader.blocks
    if reader.articles:
        sizes: dict[int, int] = {}
        for block in blocks:
            if block.article is not None:
                sizes[block.article] = sizes.get(block.article, 0) + len(block.text)
        main_article = max(sizes, key=lambda key: sizes[key]) if sizes else None
        blocks = [b for b in blocks if b.article == main_article]
    elif any(b.in_main for b in blocks):
        blocks = [b for b in blocks if b.in_main]
    meta = reader.meta
    h1s = [b for b in blocks if b.level == 1]
    title_block = h1s[0] if len(h1s) == 1 and blocks and blocks.index(h1s[0]) <= 3 else None
    headings = [b for b in blocks if b.level and b is not title_block]
    level = min((b.level for b in headings), default=0)
    builder = _Builder()
    for block in blocks:
        is_section = block.level == level and block.level and block is not title_block
        builder.add(block.text, heading_line=block.line if is_section else None)
    text = builder.text
    page_title = " ".join("".join(reader.title_parts).split())
    title = title_block.text if title_block else meta.get("og:title") or page_title or None
    published = next((d for d in (_as_date(meta.get(k)) for k in _DATE_META if k in meta) if d), None)
    published = published or next((d for d in map(_as_date, reader.times) if d), None) or _find_date(text)
    return Article(
        path,
        "html",
        text,
        tuple(builder.headings),
        title=title,
        published=published,
        tags=tuple(hashtags(text)),
        publisher=meta.get("og:site_name") or None,
        url=_http_url(reader.canonical) or _http_url(meta.get("og:url")),
    )


# ---- dates, hashtags -------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
]


def _find_date(text: str) -> dt.date | None:
    """The first calendar date written in the text; "yesterday, October 9" is read as the 10th."""
    found: list[tuple[int, dt.date]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = int(match["mnum"]) if "mnum" in pattern.groupindex else _MONTHS[match["month"].lower()]
            try:
                date = dt.date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                continue
            before = text[max(0, match.start() - 24) : match.start()].lower()
            if re.search(r"\byesterday\b[\s,(]*(?:\w+day,?\s*)?$", before):
                date += dt.timedelta(days=1)
            found.append((match.start(), date))
            break
    return min(found)[1] if found else None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
        return _find_date(value)
    return None


def _http_url(value: object) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"https?://[^\s<>\"]+", value) else None


_HASHTAG = re.compile(r"(?<![\w#&/])#([^\W\d_][\w]*)")


def hashtags(text: str) -> list[str]:
    """`#UkraineWar` → `UkraineWar`, in order of first use, without repeats (ignoring case)."""
    seen: set[str] = set()
    tags = []
    for match in _HASHTAG.finditer(text):
        tag = match[1].rstrip("_")
        if tag and len(tag) <= 64 and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


# ---- quote lookup ----------------------------------------------------------------------------

_QUOTE_MARKS = frozenset("'\"‘’‚‛′″‵`´“”„‟«»‹›＂＇")
_DASH_MARKS = frozenset("-‐‑‒–—―−⁃﹘﹣－")
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\.\.\.)\s*")


def _normal_chars(text: str) -> Iterator[tuple[int, str]]:
    """(index in `text`, normalised character) pairs, before spaces are collapsed."""
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        for part in unicodedata.normalize("NFKC", char).casefold():
            if part in _QUOTE_MARKS:
                yield index, "'"
            elif part in _DASH_MARKS:
                yield index, "-"
            elif part.isspace():
                yield index, " "
            else:
                yield index, part


class Normalised:
    """Text normalised for comparison (case, quote marks, dashes, whitespace), mapped back to the original."""

    def __init__(self, original: str) -> None:
        self.original = original
        chars: list[str] = []
        origin: list[int] = []
        for index, char in _normal_chars(original):
            if char == " ":
                if chars and chars[-1] not in (" ", "-"):
                    chars.append(" ")
                    origin.append(index)
                continue
            if char == "-" and chars and chars[-1] == " ":  # "a – b", "a—b" and "a - b" compare equal
                chars.pop()
                origin.pop()
            chars.append(char)
            origin.append(index)
        if chars and chars[-1] == " ":
            chars.pop()
            origin.pop()
        self.text = "".join(chars)
        self.origin = origin

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Normalised [start, end) → the same stretch of the original text."""
        return self.origin[start], self.origin[end - 1] + 1

    def passage(self, start: int, end: int) -> str:
        first, last = self.span(start, end)
        return " ".join(self.original[first:last].split())


def normalise(text: str) -> str:
    return Normalised(text).text


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    found: bool
    passage: str
    """The matching stretch of the source, or the closest one when the quote is not there."""
    start: int
    """Offset of the passage in the original text (-1 when the text is empty)."""
    similarity: float


def find_quote(quote: str, index: Normalised) -> QuoteMatch:
    """Find `quote` in the indexed text: exactly after normalisation, allowing `...` for cut words."""
    needle = normalise(quote)
    candidates = [needle, needle.strip("' "), needle.strip("' ").rstrip(".,;:").strip("' ")]
    for candidate in dict.fromkeys(c for c in candidates if c):
        span = _find_in_order(_ELLIPSIS.split(candidate) if "..." in candidate else [candidate], index.text)
        if span:
            return QuoteMatch(True, index.passage(*span), index.span(*span)[0], 1.0)
    return closest_passage(needle, index)


def _find_in_order(fragments: list[str], haystack: str) -> tuple[int, int] | None:
    fragments = [f.strip(" ") for f in fragments if f.strip(" '")]
    if not fragments:
        return None
    start = end = haystack.find(fragments[0])
    if start < 0:
        return None
    end = start + len(fragments[0])
    for fragment in fragments[1:]:
        position = haystack.find(fragment, end)
        if position < 0:
            return None
        end = position + len(fragment)
    return start, end


def closest_passage(needle: str, index: Normalised) -> QuoteMatch:
    """The stretch of the text most like `needle` (already normalised), by difflib's ratio over word windows."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", index.text)]
    if not words or not needle:
        return QuoteMatch(False, "", -1, 0.0)
    size = max(1, len(needle.split()))
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(needle)
    best = (0.0, 0, min(size, len(words)))

    def score(first: int, count: int) -> float:
        last = min(len(words), first + count) - 1
        matcher.set_seq1(index.text[words[first][0] : words[last][1]])
        return matcher.ratio() if matcher.real_quick_ratio() > best[0] and matcher.quick_ratio() > best[0] else 0.0

    for first in range(max(1, len(words) - size + 1)):
        ratio = score(first, size)
        if ratio > best[0]:
            best = (ratio, first, size)
    _, around, _ = best
    for first in range(max(0, around - 3), min(len(words), around + 4)):
        for count in range(max(1, size - 4), size + 5):
            if first + count <= len(words):
                ratio = score(first, count)
                if ratio > best[0]:
                    best = (ratio, first, count)
    ratio, first, count = best
    start, end = words[first][0], words[min(len(words), first + count) - 1][1]
    return QuoteMatch(False, index.passage(start, end), index.span(start, end)[0], round(ratio, 2))
