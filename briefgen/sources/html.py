"""Saved HTML page → `Article`: the page's readable text, the main content's section headings, and the
page's metadata.

The text is every paragraph of the page outside scripts, styles and obvious furniture (menus,
footers, share bars, asides marked by tag, class, id or role), so a quote from the standfirst, a
caption or a pull quote is found. Which headings are sections is trafilatura's call
(`extraction.main_headings`): it tells the story from the newsletter box and the "most read" list
far better than tags and class names do.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.sources.article import Article, TextBuilder
from briefgen.sources.dates import detect_languages, language_tag, page_date, text_date
from briefgen.sources.extraction import main_headings
from briefgen.sources.lines import word_set
from briefgen.sources.metadata import as_date, hashtags, http_url

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_SKIP_TAGS = word_set(
    "script style noscript template svg math nav aside footer form button select textarea iframe object "
    "canvas amp-consent amp-sidebar amp-social-share"
)
_HIDDEN_CONTAINERS = _SKIP_TAGS | {"head", "title"}
_BLOCK_TAGS = word_set(
    """p div section article main header h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tr td th
    thead tbody caption figure figcaption hr br address details summary"""
)
_VOID_TAGS = word_set("area base br col embed hr img input link meta source track wbr")
_DATE_META = word_set(
    "article:published_time date pubdate publishdate publish-date publication_date dc.date dc.date.issued "
    "dcterms.date dcterms.created datepublished og:published_time sailthru.date parsely-pub-date"
)


_FURNITURE = word_set(
    "nav navbar navigation menu sidebar footer related comment comments share sharing social newsletter "
    "promo advert ad ads cookie cookies breadcrumb breadcrumbs banner complementary contentinfo subscribe "
    "consent gdpr cmp dialog popular trending most"
)
_STATE_CLASS = re.compile(r"^(?:has|with|no|is|show|hide)-|-(?:enabled|disabled|active|open|visible)$")


def _is_furniture(tag: str, values: dict[str, str]) -> bool:
    """A menu, sidebar, footer, share bar or consent banner marked only by its class, id or role, or an
    element the page hides.

    For example `<div class="site-footer">`.
    """
    if "hidden" in values or values.get("aria-hidden", "").strip().lower() == "true":
        return True  # not shown to the reader, so nothing to quote from
    if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", values.get("style", ""), re.IGNORECASE):
        return True
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
        self.open_counts: Counter[str] = Counter()
        self.hidden_open = 0
        """How many of each element are open, and of those whose text is never read (scripts, styles, the
        head): scanning `stack` for every piece of text was slow on large pages."""
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
        return bool(self.skip_depth) or self.hidden_open > 0

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
                    self.open_counts["main"] > 0,
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
        self.open_counts[tag] += 1
        self.hidden_open += tag in _HIDDEN_CONTAINERS
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
            self.open_counts[popped] -= 1
            self.hidden_open -= popped in _HIDDEN_CONTAINERS
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


def _main_article_blocks(reader: _HtmlReader) -> list[_HtmlBlock]:
    """The blocks of the largest <article>, else of <main>, else all: the guess used when trafilatura
    finds no main content (very short pages)."""
    blocks = reader.blocks
    if reader.articles:
        sizes: dict[int, int] = {}
        for block in blocks:
            if block.article is not None:
                sizes[block.article] = sizes.get(block.article, 0) + len(block.text)
        main_article = max(sizes, key=lambda key: sizes[key]) if sizes else None
        return [b for b in blocks if b.article == main_article]
    if any(b.in_main for b in blocks):
        return [b for b in blocks if b.in_main]
    return blocks


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def _tree(raw: str) -> HtmlElement | None:
    """The page parsed by lxml; None for one with nothing in it (only a comment, say)."""
    import lxml.etree  # here, not at the top: `check` on text sources never needs lxml
    import lxml.html

    # An XHTML page's `<?xml ... encoding=...?>` makes lxml refuse the already decoded text.
    raw = _XML_DECLARATION.sub("", raw, count=1)
    if not raw.strip():
        return None
    try:
        return lxml.html.document_fromstring(raw)
    except (lxml.etree.ParserError, ValueError):
        return None


def _without_furniture(raw: str) -> HtmlElement | None:
    """The page's tree without what `_is_furniture` already knows is not the story (ads, banners,
    hidden elements): trafilatura's own pruning of the same costs a third of a second on a 2 MB page."""
    tree = _tree(raw)
    if tree is None:
        return None
    marked = "//*[@class or @id or @role or @hidden or @aria-hidden or @style]"
    for element in tree.xpath(marked):
        values = {name.lower(): value for name, value in element.attrib.items()}
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag and element.getparent() is not None and _is_furniture(tag, values):
            element.drop_tree()  # keeps the text that follows it
    return tree


def _title_block(blocks: list[_HtmlBlock]) -> _HtmlBlock | None:
    h1s = [b for b in blocks if b.level == 1]
    return h1s[0] if len(h1s) == 1 else None


def _section_blocks(raw: str, reader: _HtmlReader, title: _HtmlBlock | None) -> list[_HtmlBlock]:
    """The page's blocks that are the main content's top-level headings, in order.

    trafilatura says which headings are the article's; each is then found, in order, among the page's
    own heading blocks so that its line and its place in the full text are known.
    """
    tree = _without_furniture(raw)
    found = main_headings(tree) if tree is not None else None
    if found is None:
        blocks = _main_article_blocks(reader)
        found = [(b.level, b.text) for b in blocks if b.level]
    firsts = [index for index, (level, _) in enumerate(found) if level == 1]
    if len(firsts) == 1 and (firsts[0] == 0 or (title and found[firsts[0]][1] == title.text)):
        del found[firsts[0]]  # the story's own <h1> is its title, even beside a logo's <h1>
    level = min((lv for lv, _ in found), default=0)
    wanted = [text for lv, text in found if lv == level]
    sections: list[_HtmlBlock] = []
    candidates = [b for b in reader.blocks if b.level and b is not title]
    position = 0
    for text in wanted:
        for index in range(position, len(candidates)):
            if candidates[index].text == text:
                sections.append(candidates[index])
                position = index + 1
                break
    return sections


_DTD_SUBSET = re.compile(r"<!DOCTYPE\b[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
"""An XHTML DOCTYPE with an internal subset (`[<!ENTITY ...>]`): entity declarations that no reader
here expands, and whose `]>` the HTML parser would show as text."""


def read_html(raw: str, path: Path) -> Article:
    raw = _DTD_SUBSET.sub("<!DOCTYPE html>", raw, count=1)
    reader = _HtmlReader()
    reader.feed(raw)
    reader.close()
    title_block = _title_block(reader.blocks)
    section_ids = {id(block) for block in _section_blocks(raw, reader, title_block)}
    builder = TextBuilder()
    for block in reader.blocks:
        builder.add(block.text, heading_line=block.line if id(block) in section_ids else None)
    text = builder.text
    meta = reader.meta
    page_title = " ".join("".join(reader.title_parts).split())
    title = title_block.text if title_block else meta.get("og:title") or page_title or None
    tree = _tree(raw)
    published = page_date(tree) if tree is not None else None
    if published is None:
        published = next((d for d in (as_date(meta.get(k)) for k in _DATE_META if k in meta) if d), None)
    if published is None:
        published = next((d for d in map(as_date, reader.times) if d), None)
    if published is None:
        declared = language_tag(tree.get("lang") if tree is not None else None)
        published = text_date(text, [declared] if declared else detect_languages(text))
    return Article(
        path,
        "html",
        text,
        tuple(builder.headings),
        title=title,
        published=published,
        tags=tuple(hashtags(text)),
        publisher=meta.get("og:site_name") or None,
        url=http_url(reader.canonical) or http_url(meta.get("og:url")),
    )
