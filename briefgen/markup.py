"""The one Markdown configuration every brief field goes through, and its Markdown-output twin.

Brief text is untrusted. For HTML, markdown-it runs with raw HTML off, images off (a brief must not
make a reader's browser or WeasyPrint fetch anything) and links limited to http, https, mailto and
in-page anchors. Headings written inside a field are pushed below the brief's own outline so they
cannot pose as sections or PDF bookmarks. For the Markdown output the same tokens are written back
as Markdown, so a wiki shows what our HTML shows.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import mdformat.plugins
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup
from mdformat.renderer import MDRenderer
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
HEADING_SHIFT = 3
"""Field headings start at h4: the page uses h1 (title), h2 (parts) and h3 (sections)."""


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"
            token.markup = "#" * level  # what the Markdown writer emits; setext becomes ATX


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

_TEXT_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!&])")


@cache
def _markdown_renderer() -> tuple[MDRenderer, dict[str, Any]]:
    extensions = [mdformat.plugins.PARSER_EXTENSIONS[name] for name in ("gfm", "tables", "footnote")]
    return MDRenderer(), {"parser_extension": extensions, "mdformat": {"number": False, "wrap": "keep"}}


def to_safe_markdown(text: str | None) -> str:
    """A Markdown field for the Markdown output, meaning exactly what our HTML shows.

    The field is parsed by the same markdown-it configuration as for HTML (raw HTML off, images
    off, safe links only, headings shifted) and mdformat writes those tokens back as Markdown. So a
    wiki renderer, even one with raw HTML on, gets `<script>` or a `javascript:` link as escaped
    text, exactly as our HTML shows it, and everything safe keeps its Markdown form.
    """
    if not text:
        return ""
    renderer, options = _markdown_renderer()
    env: dict[str, Any] = {}
    tokens = markdown().parse(text, env)
    return renderer.render(tokens, options, env).rstrip("\n")


def escape_text(text: str | None) -> str:
    """Plain text (a title, a name) for Markdown output: every character shows literally."""
    if not text:
        return ""
    escaped = _TEXT_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    escaped = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", escaped)
    return re.sub(r"^([-+=])(?=[-+=\s]|$)", r"\\\1", escaped)
