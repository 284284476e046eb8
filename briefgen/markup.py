"""The one Markdown configuration every brief field goes through, and its Markdown-output twin.

Brief text is untrusted. For HTML, markdown-it runs with raw HTML off, images off (a brief must not
make a reader's browser or WeasyPrint fetch anything) and links limited to http, https, mailto and
in-page anchors. Headings written inside a field are pushed below the brief's own outline so they
cannot pose as sections or PDF bookmarks. For the Markdown output the same tokens are written back
as Markdown, so a wiki shows what our HTML shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, Self

import mdformat.plugins
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup
from mdformat.renderer import MDRenderer, RenderTreeNode
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
HEADING_SHIFT = 3
"""Field headings start at h4: the page uses h1 (title), h2 (parts) and h3 (sections)."""


def _shift_headings(state: StateCore) -> None:
    """`env["depth"]` puts the page itself deeper (a brief inside the Markdown digest)."""
    shift = HEADING_SHIFT + state.env.get("depth", 0)
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + shift, 6)
            token.tag = f"h{level}"
            token.markup = "#" * level  # what the Markdown writer emits; setext becomes ATX


MAX_INLINE_NESTING = 16
"""Emphasis deeper than this is shown as its `*`/`_` marks: `*` x 3000 nests 1500 levels, and
mdformat (the Markdown output) recurses once per level."""


MAX_INLINE_MARKS = 256
"""Emphasis, strikethrough, code spans and links after this many in one paragraph are shown as their
marks:
WeasyPrint lays out a line of many inline boxes in quadratic time, and a field of 2,000 `*a*`
took over a minute, hitting the PDF time limit (tests/data/hostile/nesting-markdown-...)."""


def _limit_nesting(state: StateCore) -> None:
    for block in state.tokens:
        opened: list[bool] = []  # per open inline token: was it turned into text?
        count = 0
        for token in block.children or ():
            if token.type == "code_inline":
                count += 1
                if count > MAX_INLINE_MARKS:  # the code as it was written, backticks and all
                    ticks = token.markup
                    token.type, token.tag, token.content = "text", "", f"{ticks}{token.content}{ticks}"
                    token.markup = ""
                continue
            if token.nesting == 1:
                count += 1
                opened.append(len(opened) >= MAX_INLINE_NESTING or count > MAX_INLINE_MARKS)
                flatten = opened[-1]
            elif token.nesting == -1:
                flatten = opened.pop() if opened else False
            else:
                continue
            if flatten:  # a link's markup is "" or "autolink": its text alone is shown
                marks = "" if token.type.startswith("link_") else token.markup
                token.type, token.tag, token.nesting, token.content = "text", "", 0, marks
                token.attrs, token.markup, token.info = {}, "", ""


_FENCE_LANGUAGE = re.compile(r"[\w#.+-]+")
"""What Python-Markdown's fenced_code takes as a language."""


def _plain_fence_info(state: StateCore) -> None:
    """Cut a fence's info string to a plain language name, or drop it. Python-Markdown (MkDocs)
    reads `{onclick=x}` as attributes (attr_list) and sees no fence at all behind other characters
    (a backtick also makes mdformat fence with `~~~`), so the code became raw HTML; our HTML made a
    class of it."""
    for token in state.tokens:
        if token.type == "fence":
            language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
            token.info = language if _FENCE_LANGUAGE.fullmatch(language) else ""


def _merge_text(state: StateCore) -> None:
    """Join neighbouring text tokens, as markdown-it's own `text_join` does before `_limit_nesting`
    adds flattened marks: one token per mark made the Markdown writer quadratic (see `_RenderNode`),
    and mdformat escapes `~~` or a `*` between spaces only when it sees them in one token."""
    for block in state.tokens:
        if not block.children:
            continue
        merged: list[Token] = []
        run: list[Token] = []
        for token in [*block.children, None]:
            if token is not None and token.type == "text":
                run.append(token)
                continue
            if run:
                if len(run) > 1:
                    run[0].content = "".join(t.content for t in run)
                merged.append(run[0])
                run = []
            if token is not None:
                merged.append(token)
        block.children = merged


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
    md.core.ruler.push("merge_text", _merge_text)
    md.core.ruler.push("plain_fence_info", _plain_fence_info)
    md.core.ruler.push("prefix_fragments", _prefix_fragments)
    return md


def _prefix_fragments(state: StateCore) -> None:
    """An in-page link (`#sources`) gets the page's id prefix (`env["idPrefix"]`): inside a digest,
    every id of a brief carries the brief's prefix, so the link still lands in the same brief."""
    prefix = state.env.get("idPrefix", "")
    if prefix:
        _rewrite_fragments(state.tokens, lambda href: f"#{prefix}{href[1:]}")


def _rewrite_fragments(tokens: list[Token], rewrite: Callable[[str], str]) -> bool:
    """Every in-page link (`#...`) of these blocks rewritten; whether there were any."""
    changed = False
    for block in tokens:
        for token in block.children or ():
            href = token.attrs.get("href") if token.type == "link_open" else None
            if isinstance(href, str) and href.startswith("#"):
                token.attrs["href"] = rewrite(href)
                changed = True
    return changed


def to_html(text: str | None, doc_id: str = "", prefix: str = "") -> Markup:
    """Block Markdown → safe HTML. `doc_id` keeps footnote anchors of different fields apart;
    `prefix` (the page's id prefix) keeps them and in-page links apart between briefs of one digest."""
    if not text:
        return Markup("")
    return Markup(markdown().render(text, {"docId": prefix + doc_id, "idPrefix": prefix}))


def to_inline_html(text: str | None, prefix: str = "") -> Markup:
    """A one-line field (a point, a claim) → safe inline HTML, no paragraph wrapper."""
    if not text:
        return Markup("")
    return Markup(markdown().renderInline(text, {"idPrefix": prefix}))


# ---- Markdown output ------------------------------------------------------------------------

# Python-Markdown (MkDocs) reads `\<` as a backslash and a live `<`, and `\&` likewise: a `<` and an
# `&` that would start a character reference are written as references, literal in every dialect.
_TEXT_SPECIAL = re.compile(r"([\\`*_{}\[\]>#|~!])|(<)|(&(?=#?[A-Za-z0-9]+;))")


def _escape_special(found: re.Match[str]) -> str:
    """A backslash where every dialect takes one; a character reference for `<` and `&`."""
    if found[1]:
        return "\\" + found[1]
    return "&lt;" if found[2] else "&amp;"


class _SaferText:
    """mdformat escapes `<` as `\\<`, which Python-Markdown (MkDocs) reads as a backslash and a live
    tag, and skips the second of `<<`. This mdformat extension writes every `<` of a text node as
    `&lt;`, mdformat's `\\&` (before a character reference) as `&amp;`, a `{` as `\\{` (Python-Markdown's
    attr_list reads `{: onclick=x}` as attributes), and a `^` before `[` (or before the next token),
    which renderers with inline footnotes read as `^[note]`, as `&#94;`.

    A footnote definition whose first line could be a link destination (`[^1]: javascript:x`) is
    a link reference definition to a renderer without footnotes (Python-Markdown as MkDocs runs
    it, CommonMark), making `[^1]` a link: its text is moved below a blank line, out of reach."""

    RENDERERS: dict[str, Any] = {}  # noqa: RUF012 - the mdformat extension interface
    SPECIAL = re.compile(r"\\[\s\S]|<|\{|\^(?=\[|$)")
    DESTINATION_LIKE = re.compile(r"\S+(?:\s+[\"'(].*)?")

    @staticmethod
    def update_mdit(mdit: MarkdownIt) -> None:
        pass

    @staticmethod
    def _special(found: re.Match[str]) -> str:
        mark = found[0]
        if mark in ("<", "\\<"):
            return "&lt;"
        if mark == "^":
            return "&#94;"
        if mark == "{":
            return "\\{"
        return "&amp;" if mark == "\\&" else mark  # any other backslash pair is mdformat's own escape

    @staticmethod
    def _text(text: str, node: object, context: object) -> str:
        return _SaferText.SPECIAL.sub(_SaferText._special, text)

    @staticmethod
    def _footnote(text: str, node: object, context: object) -> str:
        head, newline, rest = text.partition("\n")
        label, colon, first = head.partition(": ")
        if colon and _SaferText.DESTINATION_LIKE.fullmatch(first):
            return f"{label}:\n\n    {first}{newline}{rest}"
        return text

    POSTPROCESSORS: dict[str, Any] = {"text": _text, "footnote": _footnote}  # noqa: RUF012


class _RenderNode(RenderTreeNode):
    """mdformat asks every text node for its next sibling, which markdown-it's tree finds with
    `list.index`: quadratic in a paragraph of many inline nodes (`*a` x 75,000 took 27 s). Here
    the siblings of a node are numbered once, on the first question."""

    _position = -1

    def _index(self) -> int:
        if self._position < 0:
            for position, sibling in enumerate(self.siblings):
                sibling._position = position
        return self._position

    @property
    def next_sibling(self) -> Self | None:
        siblings, position = self.siblings, self._index() + 1
        return siblings[position] if position < len(siblings) else None

    @property
    def previous_sibling(self) -> Self | None:
        position = self._index() - 1
        return self.siblings[position] if position >= 0 else None


@cache
def _markdown_renderer() -> tuple[MDRenderer, dict[str, Any]]:
    extensions = [mdformat.plugins.PARSER_EXTENSIONS[name] for name in ("gfm", "tables", "footnote")]
    extensions.append(_SaferText)
    return MDRenderer(), {"parser_extension": extensions, "mdformat": {"number": False, "wrap": "keep"}}


def _for_markdown_output(tokens: list[Token], doc_id: str, nested: bool) -> list[Token]:
    """The token fixes the Markdown writer needs, so a wiki reads what our HTML shows."""
    fixed: list[Token] = []
    for token in tokens:
        fixed.append(token)
        if token.type in ("fence", "code_block"):
            if token.level > 0 or nested:
                fixed[-1:] = _code_lines(token)
                continue
            # A fence left open at the end has no final newline; mdformat then glues the closing
            # fence to it, and the code block swallows the rest of the page.
            if not token.content.endswith("\n"):
                token.content += "\n"
        elif token.type == "footnote_open":
            _number_footnote(token, doc_id)
        for child in token.children or ():
            if child.type == "footnote_ref":
                _number_footnote(child, doc_id)
    return fixed


def _code_lines(token: Token) -> list[Token]:
    """A code block inside a list item, a quote or a footnote, as a paragraph of code spans.

    Python-Markdown (MkDocs) finds no fenced code there, and reads the fence's content as a
    paragraph in which raw HTML is live. Code spans mean code in every dialect; leading spaces are
    kept as no-break spaces (renderers collapse the others), one line per span.
    """
    children: list[Token] = []
    for line in token.content.splitlines():
        if not line.strip():
            continue
        if children:
            children.append(Token("hardbreak", "br", 0))
        indent = len(line) - len(line.lstrip(" "))
        children.append(Token("code_inline", "code", 0, content="\u00a0" * indent + line.strip(), markup="`"))
    if not children:
        return []
    opening = Token("paragraph_open", "p", 1, block=True, level=token.level, map=token.map)
    inline = Token(
        "inline", "", 0, block=True, level=token.level + 1, children=children, content=token.content
    )
    return [opening, inline, Token("paragraph_close", "p", -1, block=True, level=token.level)]


def _number_footnote(token: Token, doc_id: str) -> None:
    """Footnote labels are brief text (`[^<script>x</script>]`), written raw by mdformat: raw HTML to
    a renderer without footnotes. They become 1..n, the numbers our HTML shows, after the field's
    `doc_id` (`bluf-1`): one page holds every field, whose `[^1]`s are different notes. A label's
    notes and references share one id, so they stay matched."""
    number = str(token.meta["id"] + 1)
    token.meta["label"] = f"{doc_id}-{number}" if doc_id else number


def _render_markdown(
    tokens: list[Token], env: dict[str, Any], doc_id: str = "", nested: bool = False, page: str = ""
) -> str:
    """Tokens → Markdown, checked by reading it back: where mdformat's writing of emphasis means
    something else (`**0*:0**0**`, nested runs of one delimiter), the emphasis is dropped rather
    than the text changed, so the page says what our HTML says, if less emphatically.

    With `page`, in-page links (`#sources`) go to that page instead (a brief inside the digest
    links to its own page): done after the check, which reads every relative link as unsafe."""
    renderer, options = _markdown_renderer()
    tokens = _for_markdown_output(tokens, doc_id, nested)
    text = renderer.render_tree(_RenderNode(tokens), options, env)
    if _inline_meaning(markdown().parse(text, {})) != _inline_meaning(tokens):
        for token in tokens:
            if token.children:
                token.children = [child for child in token.children if child.type not in _EMPHASIS]
        text = ""
    if page and _rewrite_fragments(tokens, lambda href: page + href):  # in-page links to the brief's page
        text = ""
    return text or renderer.render_tree(_RenderNode(tokens), options, env)


_EMPHASIS = {"em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"}


def _inline_meaning(tokens: list[Token]) -> list[str]:
    """What each run of inline text shows: its HTML, footnote references left out (their numbers
    depend on the rest of the page)."""
    md = markdown()
    return [
        md.renderer.renderInline(
            [c for c in token.children or () if c.type != "footnote_ref"], md.options, {}
        )
        for token in tokens
        if token.type == "inline"
    ]


def to_safe_markdown(
    text: str | None, doc_id: str = "", nested: bool = False, prefix: str = "", page: str = "", depth: int = 0
) -> str:
    """A Markdown field for the Markdown output, meaning exactly what our HTML shows. `doc_id`
    (as for `to_html`) keeps the footnotes of different fields of one page apart; `nested` says
    the template puts the field inside a list item, where Python-Markdown finds no code blocks.
    Inside a digest, `prefix` keeps footnote labels of different briefs apart, `page` is where
    in-page links go, and `depth` pushes headings that many levels further down.

    The field is parsed by the same markdown-it configuration as for HTML (raw HTML off, images
    off, safe links only, headings shifted) and mdformat writes those tokens back as Markdown. So a
    wiki renderer, even one with raw HTML on, gets `<script>` or a `javascript:` link as escaped
    text, exactly as our HTML shows it, and everything safe keeps its Markdown form.
    """
    if not text:
        return ""
    env: dict[str, Any] = {"depth": depth}
    try:
        return _render_markdown(markdown().parse(text, env), env, prefix + doc_id, nested, page).rstrip("\n")
    except ValueError:  # tokens mdformat cannot nest (a footnote defined inside a footnote): keep the text
        return "\n\n".join(escape_text(part) for part in re.split(r"\n\s*\n", text) if part.strip())


def to_safe_markdown_inline(text: str | None, page: str = "") -> str:
    """A one-line field (a claim, a point) for the Markdown output, meaning what `to_inline_html` shows.

    Parsed as inline Markdown only, like the HTML side, so `# x` or `- x` at its start stays text
    (written `\\# x`) instead of becoming a heading or a list inside the line it is put on; blank
    lines become plain line breaks, so the field stays one paragraph.
    """
    text = re.sub(r"\n\s*\n", "\n", text or "").strip()  # inline, a blank line is only a line break
    if not text:
        return ""
    env: dict[str, Any] = {}
    paragraph = [Token("paragraph_open", "p", 1, block=True), *markdown().parseInline(text, env)]
    closed = [*paragraph, Token("paragraph_close", "p", -1, block=True)]
    return _render_markdown(closed, env, page=page).strip()


def escape_text(text: str | None) -> str:
    """Plain text (a title, a name) for Markdown output: every character shows literally."""
    if not text:
        return ""
    escaped = _TEXT_SPECIAL.sub(_escape_special, " ".join(text.split()))
    escaped = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", escaped)
    return re.sub(r"^([-+=])(?=[-+=\s]|$)", r"\\\1", escaped)


def to_code_span(text: str | None) -> str:
    """Plain text as a Markdown code span that nothing inside can close (a file name, a path).

    Inside a code span only a backtick run as long as the fence ends it, so the fence is one
    backtick longer than the longest run in the text; a space pads a text that starts or ends with
    a backtick or a space (renderers strip one space from each end). Line breaks become spaces: a
    blank line would end the paragraph, and the span with it, leaving the rest read as Markdown.
    """
    text = " ".join((text or "").splitlines())
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.strip() and (text[0] in "` " or text[-1] in "` ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
