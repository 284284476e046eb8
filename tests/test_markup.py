"""briefgen.markup: untrusted Markdown fields → safe HTML, and safe Markdown for the wiki output."""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator, Sequence
from html import unescape
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

from briefgen.markup import (
    escape_text,
    markdown,
    to_html,
    to_inline_html,
    to_safe_markdown,
    to_safe_markdown_inline,
)

SAFE_HREF = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def tags_of(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


MARKDOWN_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "br", "hr", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "s", "sup", "section",
}  # fmt: skip


def live_problems(html: str) -> list[str]:
    """Anything in rendered HTML that Markdown alone would not produce, or a link that is not safe."""
    parsed = tags_of(html)
    found = [f"<{tag}>" for tag, _ in parsed.tags if tag not in MARKDOWN_TAGS]
    found += [
        f"href={attrs.get('href')!r}"
        for tag, attrs in parsed.tags
        if tag == "a" and not SAFE_HREF.match(attrs.get("href") or "")
    ]
    found += [
        f"on* attribute on <{tag}>"
        for tag, attrs in parsed.tags
        if any(name.startswith("on") for name in attrs)
    ]
    found += [f"<!--{c}-->" for c in parsed.comments]
    return found


def links(html: str) -> list[str]:
    return [attrs.get("href") or "" for tag, attrs in tags_of(html).tags if tag == "a"]


def wiki() -> MarkdownIt:
    """A careless wiki renderer: CommonMark with raw HTML on and every link scheme allowed."""
    md = MarkdownIt("commonmark")
    assert md.options["html"] is True
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


# ---- to_html ------------------------------------------------------------------------------------

RAW_HTML = [
    "<script>alert(1)</script>",
    "before <script>alert(1)</script> after",
    "<div>\nblock\n</div>",
    "hi <b onclick=alert(1)>x</b>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<!-- a comment -->",
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("text", RAW_HTML)
def test_raw_html_is_escaped(text: str) -> None:
    html = str(to_html(text))
    assert live_problems(html) == []
    assert "&lt;" in html
    # The markup is shown to the reader as text.
    assert text in "".join(tags_of(html).text)


def test_script_is_text_not_a_tag() -> None:
    html = str(to_html("<script>alert(1)</script>"))
    assert "<script" not in html.lower()
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "java&#115;cript:alert(1)",
        "<javascript:alert(1)>",
    ],
)
def test_unsafe_links_are_not_links(url: str) -> None:
    for text in (f"[click]({url})", f"[click][r]\n\n[r]: {url}"):
        html = str(to_html(text))
        assert "<a" not in html, html
        assert live_problems(html) == []
        assert "click" in html


@pytest.mark.parametrize("scheme", ["javascript", "JAVASCRIPT", "vbscript", "file"])
def test_unsafe_autolinks_are_not_links(scheme: str) -> None:
    html = str(to_html(f"<{scheme}:alert(1)>"))
    assert "<a" not in html
    assert f"&lt;{scheme}:alert(1)&gt;" in html


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[h](http://a.example/x)", "http://a.example/x"),
        ("[s](https://b.example/?q=1&r=2)", "https://b.example/?q=1&r=2"),
        ("[HTTPS](HTTPS://c.example)", "HTTPS://c.example"),
        ("[m](mailto:analyst@example.org)", "mailto:analyst@example.org"),
        ("[n](#section-2)", "#section-2"),
        ("<https://d.example/page>", "https://d.example/page"),
        ("<analyst@example.org>", "mailto:analyst@example.org"),
        ("[ref][r]\n\n[r]: https://e.example", "https://e.example"),
    ],
)
def test_safe_links_are_links(markdown: str, href: str) -> None:
    html = str(to_html(markdown))
    assert links(html) == [href]
    assert live_problems(html) == []


@pytest.mark.parametrize(
    "markdown",
    [
        "![chart](https://x.example/chart.png)",
        "![chart][img]\n\n[img]: https://x.example/c.png",
        '<img src="x.png">',
    ],
)
def test_images_are_not_rendered(markdown: str) -> None:
    html = str(to_html(markdown))
    parsed = tags_of(html)
    assert "<img" not in html
    assert [tag for tag, attrs in parsed.tags if tag == "img" or "src" in attrs] == []
    assert "chart" in html or "&lt;img" in html


def test_table() -> None:
    html = str(to_html("| Party | Stance |\n|---|---|\n| A | **yes** |\n| B \\| C | no |"))
    assert html.startswith("<table>")
    assert "<th>Party</th>" in html
    assert "<th>Stance</th>" in html
    assert "<td><strong>yes</strong></td>" in html
    assert "<td>B | C</td>" in html
    assert html.count("<tr>") == 3


def test_strikethrough() -> None:
    assert str(to_html("was ~~final~~ draft")) == "<p>was <s>final</s> draft</p>\n"


def _footnote_ids(html: str) -> tuple[set[str], set[str]]:
    parsed = tags_of(html)
    ids = {attrs["id"] or "" for _, attrs in parsed.tags if attrs.get("id")}
    targets = {
        (attrs.get("href") or "")[1:]
        for tag, attrs in parsed.tags
        if tag == "a" and (attrs.get("href") or "").startswith("#")
    }
    return ids, targets


def test_footnotes_work_and_ids_include_doc_id() -> None:
    text = "Claim one.[^1] Claim two.[^note]\n\n[^1]: First source.\n\n[^note]: Second source."
    html = str(to_html(text, "bluf"))
    assert '<section class="footnotes">' in html
    assert "First source." in html
    assert "Second source." in html
    ids, targets = _footnote_ids(html)
    assert len(ids) == 4  # two references, two notes
    assert all("bluf" in i for i in ids), ids
    assert targets == ids  # every in-page link goes to an id in the same field


def test_footnote_ids_of_two_fields_do_not_collide() -> None:
    text = "A point.[^1]\n\n[^1]: A note."
    first_ids, _ = _footnote_ids(str(to_html(text, "context")))
    second_ids, _ = _footnote_ids(str(to_html(text, "sections-0-summary")))
    assert first_ids
    assert second_ids
    assert first_ids.isdisjoint(second_ids)


@pytest.mark.parametrize(
    ("markdown", "tag"),
    [("# Top", "h4"), ("## Sub", "h5"), ("### Third", "h6"), ("#### Fourth", "h6"), ("###### Sixth", "h6"),
     ("Setext\n======", "h4"), ("Setext\n------", "h5")],
)  # fmt: skip
def test_headings_in_a_field_start_at_h4(markdown: str, tag: str) -> None:
    html = str(to_html(markdown))
    assert html.startswith(f"<{tag}>")
    assert html.rstrip().endswith(f"</{tag}>")
    assert not re.search(r"<h[1-3][ >]", html)


def test_to_html_returns_markup_and_handles_empty() -> None:
    assert isinstance(to_html("**x**"), Markup)
    assert str(to_html("**x**")) == "<p><strong>x</strong></p>\n"
    assert to_html("") == Markup("")
    assert to_html(None) == Markup("")


def test_inline_html_has_no_paragraph_and_stays_safe() -> None:
    html = to_inline_html("**Territory first:** <b>raw</b> [bad](javascript:x) [good](https://ok.example)")
    assert isinstance(html, Markup)
    assert not str(html).startswith("<p>")
    assert "<strong>Territory first:</strong>" in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html
    assert links(str(html)) == ["https://ok.example"]
    assert live_problems(str(html)) == []
    assert to_inline_html(None) == Markup("")


# ---- to_safe_markdown ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*RAW_HTML, "x <b>y</b> z", "a</p>b", "<?php echo 1 ?>", "<![CDATA[x]]>"])
def test_safe_markdown_escapes_raw_html(text: str) -> None:
    out = to_safe_markdown(text)
    assert out != text
    html = wiki().render(out)
    assert live_problems(html) == [], (out, html)


def test_safe_markdown_shows_html_as_text() -> None:
    html = wiki().render(to_safe_markdown("<script>alert(1)</script>"))
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click]( javascript:alert(1) 'title')",
        "[click](<javascript:alert(1)>)",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html,<script>alert(1)</script>)",
        "[click](file:///etc/passwd)",
        "[click](java&#115;cript:alert(1))",
        "<javascript:alert(1)>",
        "<JavaScript:alert(1)>",
        "[click][r]\n\n[r]: javascript:alert(1)",
        "[click][r]\n\n   [r]: <javascript:alert(1)>",
        "[click]\n\n[click]:\n  javascript:alert(1)",
    ],
)
def test_safe_markdown_disarms_unsafe_links(text: str) -> None:
    html = wiki().render(to_safe_markdown(text))
    assert links(html) == [], html
    assert "click" in html or "javascript" in html.lower()


def test_safe_markdown_keeps_safe_links() -> None:
    text = (
        "[h](http://a.example) [s](https://b.example/x?y=1) [m](mailto:a@b.example) [n](#sec) "
        "<https://c.example> <analyst@example.org> [ref][r]\n\n[r]: https://d.example\n"
    )
    html = wiki().render(to_safe_markdown(text))
    assert links(html) == [
        "http://a.example",
        "https://b.example/x?y=1",
        "mailto:a@b.example",
        "#sec",
        "https://c.example",
        "mailto:analyst@example.org",
        "https://d.example",
    ]
    assert [re.sub(r"<[^>]+>", "", a) for a in re.findall(r"<a [^>]*>.*?</a>", html)][:4] == [
        "h",
        "s",
        "m",
        "n",
    ]


@pytest.mark.parametrize(
    "text", ["![pixel](https://tracker.example/p.png)", "![pixel][r]\n\n[r]: https://tracker.example/p.png"]
)
def test_safe_markdown_does_not_load_images(text: str) -> None:
    html = wiki().render(to_safe_markdown(text))
    assert "<img" not in html
    assert "pixel" in html


def code_blocks(html: str) -> list[str]:
    return [unescape(c) for c in re.findall(r"<code[^>]*>(.*?)</code>", html, re.DOTALL)]


def test_safe_markdown_leaves_code_alone() -> None:
    span = "<b>bold</b> [x](javascript:y)"
    fenced = "<script>alert(1)</script>\n[x](javascript:y)\n# not a heading\n"
    tilde = "<i>it</i> ![img](https://x.example/i.png)\n"
    text = f"Use `{span}` here, not <b>live</b>.\n\n```html\n{fenced}```\n\n~~~\n{tilde}~~~\n"
    out = to_safe_markdown(text)
    # The code itself is passed on untouched (no backslashes added inside it)...
    assert f"`{span}`" in out
    assert fenced in out
    assert tilde in out
    # ...and a wiki shows it as code, the prose around it with the HTML as text.
    html = wiki().render(out)
    assert code_blocks(html) == [span, fenced, tilde]
    assert "not &lt;b&gt;live&lt;/b&gt;." in html
    assert live_problems(html) == []


def test_safe_markdown_leaves_indented_code_alone() -> None:
    html = wiki().render(to_safe_markdown("Example:\n\n    <b>x</b> [y](javascript:z)\n"))
    assert code_blocks(html) == ["<b>x</b> [y](javascript:z)\n"]
    assert live_problems(html) == []


def test_safe_markdown_shifts_headings() -> None:
    html = wiki().render(to_safe_markdown("# Top\n\ntext\n\n## Sub\n\n##### Deep\n\nSetext\n======\n"))
    assert re.findall(r"<(h\d)>(.*?)</h\d>", html) == [
        ("h4", "Top"),
        ("h5", "Sub"),
        ("h6", "Deep"),
        ("h4", "Setext"),
    ]


def test_safe_markdown_keeps_hashes_that_are_not_headings() -> None:
    html = wiki().render(to_safe_markdown("#hashtag and a # in text"))
    assert html == "<p>#hashtag and a # in text</p>\n"


def test_safe_markdown_keeps_ordinary_markdown() -> None:
    text = (
        "**Bold**, *em*, ~~struck~~, `code`, a < b and 3 > 2.\n\n"
        "1. one\n2. two\n\n- dash\n\n> quoted\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"
    )
    gfm_wiki = wiki().enable(["table", "strikethrough"])
    html = gfm_wiki.render(to_safe_markdown(text))
    for fragment in (
        "<strong>Bold</strong>",
        "<em>em</em>",
        "<s>struck</s>",
        "<code>code</code>",
        "a &lt; b and 3 &gt; 2.",
        "<ol>\n<li>one</li>\n<li>two</li>\n</ol>",
        "<li>dash</li>",
        "<blockquote>\n<p>quoted</p>\n</blockquote>",
        "<th>A</th>",
        "<td>2</td>",
    ):
        assert fragment in html, (fragment, html)
    assert live_problems(html) == []


def test_safe_markdown_keeps_footnotes() -> None:
    out = to_safe_markdown("Claim.[^1]\n\n[^1]: The source.")
    assert "[^1]" in out
    assert "[^1]: The source." in out


def test_safe_markdown_empty() -> None:
    assert to_safe_markdown("") == ""
    assert to_safe_markdown(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\\<script>alert(1)</script>", id="backslash-before-tag"),
        pytest.param("\\\\<script>alert(1)</script>", id="escaped-backslash-before-tag"),
        pytest.param("\\<javascript:alert(1)>", id="backslash-before-autolink"),
        pytest.param("`` <script>alert(1)</script> `", id="unequal-backtick-runs"),
        pytest.param("a `b\n\n<script>alert(1)</script>\n\nc` d", id="code-span-across-paragraphs"),
        pytest.param("```\ncode\n````\n<script>alert(1)</script>\n", id="longer-closing-fence"),
        pytest.param("[click][r]\n\n> [r]: javascript:alert(1)", id="ref-def-in-blockquote"),
        pytest.param("[click][r]\n\n- [r]: javascript:alert(1)", id="ref-def-in-list-item"),
        pytest.param("[click](<javascript:alert(1)>)", id="angle-bracket-destination"),
        pytest.param("<a href='javascript:alert(1)'>click</a>", id="raw-anchor"),
        pytest.param(
            "- <script>alert(1)</script>\n\n> <img src=x onerror=alert(1)>", id="html-in-containers"
        ),
        pytest.param("| a |\n|---|\n| <script>alert(1)</script> |", id="html-in-table"),
    ],
)
def test_safe_markdown_tricky_input_stays_inert(text: str) -> None:
    out = to_safe_markdown(text)
    for md in (wiki(), wiki().enable("table")):
        html = md.render(out)
        assert live_problems(html) == [], (out, html)
        assert "javascript:" not in "".join(links(html))


# ---- escape_text --------------------------------------------------------------------------------

COMMONMARK = MarkdownIt("commonmark")


def rendered_text(markdown: str, md: MarkdownIt = COMMONMARK) -> str:
    """The text a reader sees for one line of Markdown; fails if it became anything but one paragraph."""
    tokens = md.parse(markdown)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], (markdown, tokens)
    children = tokens[1].children or []
    assert [c.type for c in children] == ["text"] * len(children), (markdown, [c.type for c in children])
    return "".join(c.content for c in children)


ESCAPE_CASES = [
    "a | b | c",
    "*not emphasis*",
    "**not strong**",
    "# not a heading",
    "###### nor this",
    "<script>alert(1)</script>",
    "<b>bold?</b>",
    "snake_case_name and _underscored_",
    "1. not a list",
    "2025) not a list either",
    "- not a bullet",
    "+ not a bullet",
    "* not a bullet",
    "= not a setext underline",
    "--- x",
    "- - -",
    "-",
    "> not a quote",
    "`not code`",
    "[not](a link)",
    "![not](an image)",
    "<https://not.an.autolink>",
    "~~not struck~~",
    "back\\slash and \\*escaped\\*",
    "Putin–Trump: the 'Alaska' {provisions}",
    "1984",
    "C#, F# and 50% | 1.5 * 2",
]


@pytest.mark.parametrize("text", ESCAPE_CASES)
def test_escape_text_round_trips(text: str) -> None:
    escaped = escape_text(text)
    assert rendered_text(escaped) == text


def shows_literally(markdown: str, text: str) -> bool:
    tokens = COMMONMARK.parse(markdown)
    if [t.type for t in tokens] != ["paragraph_open", "inline", "paragraph_close"]:
        return False
    children = tokens[1].children or []
    return all(c.type == "text" for c in children) and "".join(c.content for c in children) == text


@pytest.mark.parametrize(
    "text", ["*x*", "# h", "<b>x</b>", "_x_", "1. item", "2) item", "- item", "`c`", "[a](b)"]
)
def test_escape_text_is_needed_for_these(text: str) -> None:
    # Guard for the round-trip test: unescaped, each of these would not show literally...
    assert not shows_literally(text, text)
    # ...and escaped they do.
    assert shows_literally(escape_text(text), text)


def test_escape_text_in_a_table_cell() -> None:
    gfm = MarkdownIt("commonmark").enable("table")
    title = "Yes | No | *Maybe* <b>"
    html = gfm.render(f"| Title |\n|---|\n| {escape_text(title)} |\n")
    cells = re.findall(r"<td>(.*?)</td>", html)
    assert cells == ["Yes | No | *Maybe* &lt;b&gt;"]


def test_escape_text_collapses_whitespace_and_handles_empty() -> None:
    assert rendered_text(escape_text("  a\n  b\t c  ")) == "a b c"
    assert escape_text("") == ""
    assert escape_text(None) == ""
    # Leading spaces must not turn a title into an indented code block.
    assert rendered_text(escape_text("      - indented")) == "- indented"


def test_escape_text_exhaustive_round_trip() -> None:
    alphabet = " -+=*_#>1.)`~<|&a![]\\"
    failures = []
    for length in (1, 2, 3):
        for chars in itertools.product(alphabet, repeat=length):
            text = "".join(chars)
            expected = " ".join(text.split())
            if not expected or THEMATIC_BREAK.fullmatch(expected):
                continue  # empty, or the known bug in test_escape_text_keeps_dash_rules_literal
            if not shows_literally(escape_text(text), expected):
                failures.append(text)
    assert failures == []


def test_escape_text_fuzz_round_trip() -> None:
    rng = random.Random(20251010)
    alphabet = " a1.-+=#*_<>|[]()!\\`~:)&;"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 10)))
        expected = " ".join(text.split())
        if expected and not THEMATIC_BREAK.fullmatch(expected):
            assert shows_literally(escape_text(text), expected), (text, escape_text(text))


THEMATIC_BREAK = re.compile(r"--(?: *-)+")


@pytest.mark.parametrize("text", ["---", "----", "-- -"])
def test_escape_text_keeps_dash_rules_literal(text: str) -> None:
    assert shows_literally(escape_text(text), text)


@pytest.mark.parametrize(
    "text", ["R&amp;D budget", "&copy; 2025", "&quot;quoted&quot;", "AT&T &lt;3", "&#42;x&#42;"]
)
def test_escape_text_keeps_entity_references_literal(text: str) -> None:
    assert rendered_text(escape_text(text)) == text


# ---- the Markdown output as Python-Markdown (MkDocs) reads it -------------------------------------

MKDOCS_EXTENSIONS = ["toc", "tables", "fenced_code"]
"""What MkDocs always enables; the second set adds what sites commonly add (attr_list, footnotes)."""
PYTHON_MARKDOWN = [MKDOCS_EXTENSIONS, [*MKDOCS_EXTENSIONS, "attr_list", "footnotes"]]
PYTHON_MARKDOWN_TAGS = MARKDOWN_TAGS | {"div", "sup"}  # its footnotes: <div class="footnote">, <sup>


def python_markdown(text: str, extensions: list[str]) -> str:
    import markdown

    return markdown.markdown(text, extensions=extensions)


def python_markdown_problems(html: str) -> list[str]:
    """What could run or fetch in Python-Markdown's HTML: its raw HTML passes through as it is."""
    parsed = tags_of(html)
    found = [f"<{tag}>" for tag, _ in parsed.tags if tag not in PYTHON_MARKDOWN_TAGS]
    for tag, attrs in parsed.tags:
        found += [
            f"<{tag} {name}>" for name in attrs if name.startswith("on") or name in ("src", "style", "srcset")
        ]
        if "href" in attrs and not SAFE_HREF.match(attrs["href"] or ""):
            found.append(f"<{tag} href={attrs['href']!r}>")
    return found + [f"<!--{c}-->" for c in parsed.comments]


FOR_PYTHON_MARKDOWN = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("x <iframe src=https://evil.example></iframe> y", id="iframe"),
    pytest.param("\\<script>alert(1)</script>", id="backslash-before-tag"),
    pytest.param("<<script>alert(1)</script>", id="double-less-than"),
    pytest.param("A&#x3C;<script>alert(1)</script>", id="entity-then-tag"),
    pytest.param('<div onclick="alert(1)">\nblock\n</div>', id="html-block"),
    pytest.param("- <svg onload=alert(1)>\n\n> <img src=x onerror=alert(1)>", id="html-in-containers"),
    pytest.param("| a |\n|---|\n| <script>alert(1)</script> |", id="html-in-table"),
    pytest.param("[<img src=x onerror=alert(1)>](https://ok.example)", id="html-in-link-text"),
    pytest.param("``` {onclick=alert(1)}\ncode\n```", id="fence-attr-list"),
    pytest.param("~~~ `x`\n<script>alert(1)</script>\n~~~", id="fence-info-with-backtick"),
    pytest.param("A note.[^1]\n\n[^1]: javascript:alert(1)", id="footnote-read-as-link-definition"),
    pytest.param(
        'A note.[^1]\n\n[^1]: javascript:alert(1)\n    "title"', id="footnote-with-title-on-next-line"
    ),
    pytest.param("x[^<script>alert(1)</script>]\n\n[^<script>alert(1)</script>]: n", id="footnote-label"),
    pytest.param(
        "x[^<img/src=x/onerror=alert(1)>]\n\n[^<img/src=x/onerror=alert(1)>]: a note", id="footnote-label-img"
    ),
]


@pytest.mark.parametrize("extensions", PYTHON_MARKDOWN, ids=["mkdocs", "mkdocs-attr-list-footnotes"])
@pytest.mark.parametrize("text", FOR_PYTHON_MARKDOWN)
def test_python_markdown_gets_no_live_html(text: str, extensions: list[str]) -> None:
    """Python-Markdown reads `\\<` as a backslash and a live `<`: the output writes `&lt;` instead."""
    for out in (to_safe_markdown(text), to_safe_markdown_inline(text), escape_text(text)):
        html = python_markdown(out, extensions)
        assert python_markdown_problems(html) == [], (out, html)
    assert live_problems(wiki().render(to_safe_markdown(text))) == []


@pytest.mark.parametrize(
    "text",
    [
        "- item\n\n  ```\n  <script>alert(1)</script>\n    <b>indented</b> `tick`\n  ```",
        "> quote\n>\n>     <script>alert(1)</script>",
        "x[^1]\n\n[^1]: note\n\n    ```\n    <img src=x onerror=alert(1)>\n    ```",
    ],
)
def test_python_markdown_code_block_in_a_container(text: str) -> None:
    """Python-Markdown sees no fence inside a list item, a quote or a footnote: such code is written as
    code spans."""
    out = to_safe_markdown(text)
    for extensions in (MKDOCS_EXTENSIONS, [*MKDOCS_EXTENSIONS, "footnotes"]):
        assert python_markdown_problems(python_markdown(out, extensions)) == [], out
    assert live_problems(wiki().render(out)) == []
    assert "alert(1)" in unescape(re.sub(r"<[^>]+>", "", wiki().render(out))), "the code still shows"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a < b, <b>, &amp;copy; & AT&T", "a < b, <b>, &copy; & AT&T"),
        ("&#x3C;<script>", "<<script>"),
        ("x \\<y and ^[z]", "x <y and ^[z]"),
    ],
)
def test_python_markdown_shows_the_text_without_backslashes(text: str, shown: str) -> None:
    for out in (to_safe_markdown(text), to_safe_markdown_inline(text)):
        assert unescape(re.sub(r"<[^>]+>", "", python_markdown(out, MKDOCS_EXTENSIONS))) == shown, out
        assert unescape(re.sub(r"<[^>]+>", "", wiki().render(out))).strip() == shown, out


@pytest.mark.parametrize(
    "text", ["AT&T &lt;3 &#42;x&#42; &copy;", "<img src=x onerror=alert(1)>", "a < b > c"]
)
def test_escape_text_shows_literally_in_python_markdown(text: str) -> None:
    html = python_markdown(escape_text(text), MKDOCS_EXTENSIONS)
    assert unescape(re.sub(r"<[^>]+>", "", html)) == text, escape_text(text)
    assert rendered_text(escape_text(text)) == text


def test_footnote_labels_become_numbers_that_still_match() -> None:
    text = (
        "One.[^<b>z</b>] Two.[^<script>alert(1)</script>] Again.[^<b>z</b>]\n\n"
        "[^<script>alert(1)</script>]: The second note.\n\n[^<b>z</b>]: The first note.\n\n[^unused]: "
        "Dropped."
    )
    out = to_safe_markdown(text)
    assert "<" not in out and "unused" not in out
    assert re.findall(r"\[\^([^\]]*)\]", out) == ["1", "2", "1", "1", "2"]
    assert "[^1]: The first note." in out and "[^2]: The second note." in out
    shown = MarkdownIt("commonmark").use(footnote_plugin).render(out)
    notes = re.findall(r'<li id="fn\d+" class="footnote-item"><p>(.*?) <a', shown)
    assert notes == ["The first note.", "The second note."]
    assert (
        re.findall(r'href="#fn(\d+)"', shown)
        == re.findall(r'href="#fn-*(\d+)"', str(to_html(text)))
        == ["1", "2", "1"]
    )


def test_footnote_that_looks_like_a_link_definition_stays_a_footnote() -> None:
    out = to_safe_markdown("A note.[^x]\n\n[^x]: javascript:alert(1)\n\n    more")
    assert out == "A note.[^1]\n\n[^1]:\n\n    javascript:alert(1)\n\n    more"
    shown = MarkdownIt("commonmark").use(footnote_plugin).render(out)
    assert '<li id="fn1" class="footnote-item"><p>javascript:alert(1)</p>' in shown
    assert links(wiki().render(out)) == []  # read as CommonMark without footnotes: no link either
    assert "footnote-ref" in python_markdown(out, [*MKDOCS_EXTENSIONS, "footnotes"])


def test_fence_info_keeps_only_a_language() -> None:
    text = "``` python {onclick=alert(1)}\nx\n```\n\n~~~ `x`\ny\n~~~"
    assert to_safe_markdown(text) == "```python\nx\n```\n\n```\ny\n```"
    assert (
        str(to_html(text))
        == '<pre><code class="language-python">x\n</code></pre>\n<pre><code>y\n</code></pre>\n'
    )


def test_markdown_output_is_linear_in_inline_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    """mdformat asks every text node for its next sibling; with `list.index` that was quadratic
    (`*a` x 75,000 took 27 s, `build` 60 s). Counts the sibling entries anything looks at."""
    looked = 0

    class Counted(Sequence[SyntaxTreeNode]):
        def __init__(self, items: list[SyntaxTreeNode]) -> None:
            self.items = items

        def __len__(self) -> int:
            return len(self.items)

        def __getitem__(self, index: int) -> SyntaxTreeNode:  # type: ignore[override]
            nonlocal looked
            looked += 1
            return self.items[index]

        def __iter__(self) -> Iterator[SyntaxTreeNode]:
            nonlocal looked
            for item in self.items:
                looked += 1
                yield item

        def index(self, value: object, *args: object) -> int:
            nonlocal looked
            position = self.items.index(value)  # type: ignore[arg-type]
            looked += position + 1
            return position

    siblings = SyntaxTreeNode.siblings.fget
    monkeypatch.setattr(SyntaxTreeNode, "siblings", property(lambda node: Counted(siblings(node))))  # type: ignore[misc]
    for unit in ("*a", "`a", "~~a"):
        text = unit * (6000 // len(unit))
        for render in (to_safe_markdown, to_safe_markdown_inline):
            looked = 0
            assert render(text)
            assert looked <= 4 * len(text), (unit, render.__name__, looked)


def test_flattened_emphasis_is_one_text_token() -> None:
    """`_limit_nesting` turns marks past 16 levels into text; merged, they are one token (and the
    writer sees `~~` or `* *` whole, to escape it), and a flattened autolink shows only its address."""
    [_, inline, _] = markdown().parse("*" * 3000 + "deep" + "*" * 3000)
    types = [child.type for child in inline.children or []]
    assert len(types) < 100  # the 16 levels and their (empty) text; 6,000 tokens before
    assert not any(a == b == "text" for a, b in itertools.pairwise(types))
    nested = "*" * 40 + "<https://x.example>" + "*" * 40
    assert "autolink" not in to_html(nested) and "autolink" not in to_safe_markdown(nested)
    assert "https://x.example" in to_html(nested)


def test_past_256_inline_marks_a_paragraph_shows_the_rest_as_written() -> None:
    """WeasyPrint lays out a line of many inline boxes in quadratic time: 2,000 `*a*` took a minute."""
    from briefgen.markup import MAX_INLINE_MARKS, to_html

    html = str(to_html("*a* " * 300 + "`c` " * 10))
    assert html.count("<em>") == MAX_INLINE_MARKS == 256
    assert html.count("*a*") == 300 - MAX_INLINE_MARKS, "the rest keep their asterisks, as text"
    assert "<code>" not in html and "`c`" in html, "code spans count too"
    assert str(to_html("*a* " * 10 + "\n\n" + "*b* " * 10)).count("<em>") == 20, "counted per paragraph"
