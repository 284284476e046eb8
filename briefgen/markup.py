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
from markdown_it.token import Token
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


MAX_INLINE_NESTING = 16
"""Emphasis deeper than this is shown as its `*`/`_` marks: `*` x 3000 nests 1500 levels, and
mdformat (the Markdown output) recurses once per level."""


def _limit_nesting(state: StateCore) -> None:
    for block in state.tokens:
        opened: list[bool] = []  # per open inline token: was it turned into text?
        for token in block.children or ():
            if token.nesting == 1:
                opened.append(len(opened) >= MAX_INLINE_NESTING)
                flatten = opened[-1]
            elif token.nesting == -1:
                flatten = opened.pop() if opened else False
            else:
                continue
            if flatten:
                token.type, token.tag, token.nesting, token.content = "text", "", 0, token.markup


@cache
def markdown() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .disable("image")
        .use(footnote_plugin, inline=False)  # `^[...]`: mdformat cannot write it back (KeyError)
    )
    md.validateLink = lambda url: bool(ALLOWED_LINK.match(url.strip()))  # type: ignore[method-assign]
    md.core.ruler.push("shift_headings", _shift_headings)
    md.core.ruler.push("limit_nesting", _limit_nesting)
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


class _SaferText:
    """mdformat escapes `<` with a regex that skips the second of `<<`: `&#x3C;<script>` came out as
    `\\<<script>`, live HTML for a wiki. This mdformat extension escapes every `<` left bare, and a
    `^` before `[` (or before the next token), which renderers with inline footnotes read as `^[note]`."""

    RENDERERS: dict[str, Any] = {}  # noqa: RUF012 - the mdformat extension interface
    BARE = re.compile(r"(?<!\\)((?:\\\\)*)(<(?! )|\^(?=\[|$))")

    @staticmethod
    def update_mdit(mdit: MarkdownIt) -> None:
        pass

    @staticmethod
    def _text(text: str, node: object, context: object) -> str:
        return _SaferText.BARE.sub(r"\1\\\2", text)

    POSTPROCESSORS: dict[str, Any] = {"text": _text}  # noqa: RUF012


@cache
def _markdown_renderer() -> tuple[MDRenderer, dict[str, Any]]:
    extensions = [mdformat.plugins.PARSER_EXTENSIONS[name] for name in ("gfm", "tables", "footnote")]
    extensions.append(_SaferText)
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
    for token in tokens:  # a fence left open at the end has no final newline; mdformat then glues
        if token.type in ("fence", "code_block") and not token.content.endswith("\n"):  # the closing
            token.content += "\n"  # fence to it, and the code block swallows the rest of the page
    return renderer.render(tokens, options, env).rstrip("\n")


def to_safe_markdown_inline(text: str | None) -> str:
    """A one-line field (a claim, a point) for the Markdown output, meaning what `to_inline_html` shows.

    Parsed as inline Markdown only, like the HTML side, so `# x` or `- x` at its start stays text
    (written `\\# x`) instead of becoming a heading or a list inside the line it is put on; blank
    lines become plain line breaks, so the field stays one paragraph.
    """
    text = re.sub(r"\n\s*\n", "\n", text or "").strip()  # inline, a blank line is only a line break
    if not text:
        return ""
    renderer, options = _markdown_renderer()
    env: dict[str, Any] = {}
    paragraph = [Token("paragraph_open", "p", 1, block=True), *markdown().parseInline(text, env)]
    return renderer.render([*paragraph, Token("paragraph_close", "p", -1, block=True)], options, env).strip()


def escape_text(text: str | None) -> str:
    """Plain text (a title, a name) for Markdown output: every character shows literally."""
    if not text:
        return ""
    escaped = _TEXT_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    escaped = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", escaped)
    return re.sub(r"^([-+=])(?=[-+=\s]|$)", r"\\\1", escaped)
