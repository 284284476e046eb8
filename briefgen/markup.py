"""The one Markdown configuration every brief field goes through, and its Markdown-output twin.

Brief text is untrusted. For HTML, markdown-it runs with raw HTML off, images off (a brief must not
make a reader's browser or WeasyPrint fetch anything) and links limited to http, https, mailto and
in-page anchors. Headings written inside a field are pushed below the brief's own outline so they
cannot pose as sections or PDF bookmarks. For the Markdown output the same field text is passed on
with the constructs a wiki renderer would act on (raw HTML, unsafe links) neutralised.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
HEADING_SHIFT = 3
"""Field headings start at h4: the page uses h1 (title), h2 (parts) and h3 (sections)."""


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"


@cache
def markdown() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .disable("image")
        .use(footnote_plugin)
    )
    md.validateLink = lambda url: bool(ALLOWED_LINK.match(url.strip()))  # type: ignore[method-assign]
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


def to_html(text: str | None, doc_id: str = "") -> Markup:
    """Block Markdown → safe HTML. `doc_id` keeps footnote anchors of different fields apart."""
    if not text:
        return Markup("")
    return Markup(markdown().render(text, {"docId": doc_id}))


def to_inline_html(text: str | None) -> Markup:
    """A one-line field (a point, a claim) → safe inline HTML, no paragraph wrapper."""
    if not text:
        return Markup("")
    return Markup(markdown().renderInline(text))


# ---- Markdown output ------------------------------------------------------------------------

_CODE = re.compile(r"(^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\2[ \t]*$|\Z)|`+[^`]*?`+)", re.DOTALL | re.MULTILINE)
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])(?![A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>)(?![^\s@<>]+@[^\s@<>]+>)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_INLINE_LINK = re.compile(r"\]\(\s*+<?+(?!https?:|mailto:|#)([^)\s>]*)", re.IGNORECASE)
_REF_DEF = re.compile(
    r"^( {0,3})\[(?!\^)([^\]\n]+)\]:(?=[ \t]*+<?+(?!https?:|mailto:|#))", re.MULTILINE | re.IGNORECASE
)
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)", re.MULTILINE)
_TEXT_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])")


def _neutralise(prose: str) -> str:
    prose = prose.replace("![", "!\\[")  # images are off in our HTML; a wiki must not load them either
    prose = _HTML_START.sub(r"\\<", prose)
    prose = _AUTOLINK.sub(lambda m: m[0] if ALLOWED_LINK.match(m[1]) else "\\" + m[0], prose)
    prose = _INLINE_LINK.sub(lambda m: "]\\(" + m[0][2:] if m[1] else m[0], prose)
    prose = _REF_DEF.sub(r"\1\\[\2]:", prose)
    return _ATX.sub(lambda m: m[1] + "#" * min(len(m[2]) + HEADING_SHIFT, 6), prose)


def to_safe_markdown(text: str | None) -> str:
    """A Markdown field for the Markdown output: the same meaning our HTML gives it, nothing active.

    Raw HTML is escaped so a wiki shows it as text (as our HTML does), links with other schemes
    become literal text, and field headings are shifted like in HTML. Code spans and fences are
    left alone, where all of this is already literal.
    """
    if not text:
        return ""
    parts = _CODE.split(text)
    out: list[str] = []
    # re.split with 2 groups yields: prose, code, fence-marker, prose, code, fence-marker, ...
    for index in range(0, len(parts), 3):
        out.append(_neutralise(parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def escape_text(text: str | None) -> str:
    """Plain text (a title, a name) for Markdown output: every character shows literally."""
    if not text:
        return ""
    escaped = _TEXT_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    escaped = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", escaped)
    return re.sub(r"^([-+=])(?=\s|$)", r"\\\1", escaped)
