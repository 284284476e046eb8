"""briefgen.markup: untrusted Markdown fields → safe HTML, and safe Markdown for the wiki output."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from markupsafe import Markup

from briefgen.markup import escape_text, to_html, to_inline_html, to_safe_markdown

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
    found += [f"href={attrs.get('href')!r}" for tag, attrs in parsed.tags if tag == "a" and not SAFE_HREF.match(attrs.get("href") or "")]
    found += [f"on* attribute on <{tag}>" for tag, attrs in parsed.tags if any(name.startswith("on") for name in attrs)]
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
    assert "".join(tags_of(html).text).strip().startswith(text.split("\n")[0][:4])


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
    ["![chart](https://x.example/chart.png)", "![chart][img]\n\n[img]: https://x.example/c.png", '<img src="x.png">'],
)
def test_images_are_not_rendered(markdown: str) -> None:
    html = str(to_html(markdown))
    assert "<img" not in html
    assert "src=" not in html
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
    targets = {(attrs.get("href") or "")[1:] for tag, attrs in parsed.tags if tag == "a" and (attrs.get("href") or "").startswith("#")}
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
    assert to_safe_markdown(text) == text
    assert links(wiki().render(to_safe_markdown(text))) == [
        "http://a.example",
        "https://b.example/x?y=1",
        "mailto:a@b.example",
        "#sec",
        "https://c.example",
        "mailto:analyst@example.org",
        "https://d.example",
    ]


def test_safe_markdown_leaves_code_alone() -> None:
    span = "`<b>bold</b> [x](javascript:y)`"
    fence = "```html\n<script>alert(1)</script>\n[x](javascript:y)\n# not a heading\n```\n"
    tilde = "~~~\n<i>it</i>\n~~~\n"
    text = f"Use {span} here, not <b>live</b>.\n\n{fence}\n{tilde}"
    out = to_safe_markdown(text)
    assert span in out
    assert fence in out
    assert tilde in out
    assert "\\<b>live\\</b>" in out
    html = wiki().render(out)
    assert "<code>&lt;b&gt;bold&lt;/b&gt; [x](javascript:y)</code>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\n[x](javascript:y)\n# not a heading\n</code></pre>" in html
    assert live_problems(html) == []


def test_safe_markdown_shifts_headings() -> None:
    assert to_safe_markdown("# Top\n\ntext\n\n## Sub\n\n##### Deep\n") == "#### Top\n\ntext\n\n##### Sub\n\n###### Deep\n"
    assert to_safe_markdown("#hashtag and a # in text") == "#hashtag and a # in text"


def test_safe_markdown_keeps_ordinary_markdown() -> None:
    text = "**Bold**, *em*, ~~struck~~, a < b, 3 > 2, and a footnote.[^1]\n\n- one\n- two\n\n[^1]: The note."
    assert to_safe_markdown(text) == text
    assert to_safe_markdown("") == ""
    assert to_safe_markdown(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\\<script>alert(1)</script>", id="backslash-before-tag"),
        pytest.param("\\<javascript:alert(1)>", id="backslash-before-autolink"),
        pytest.param("`` <script>alert(1)</script> `", id="unequal-backtick-runs"),
        pytest.param("a `b\n\n<script>alert(1)</script>\n\nc` d", id="code-span-across-paragraphs"),
        pytest.param("```\ncode\n````\n<script>alert(1)</script>\n", id="longer-closing-fence"),
        pytest.param("[click][r]\n\n> [r]: javascript:alert(1)", id="ref-def-in-blockquote"),
        pytest.param("[click][r]\n\n- [r]: javascript:alert(1)", id="ref-def-in-list-item"),
    ],
)
@pytest.mark.xfail(
    strict=True,
    reason="BUG: to_safe_markdown lets live HTML or a javascript: link through: it escapes '<' by "
    "prefixing a backslash (an existing backslash then escapes the new one), its code-span/fence regex "
    "does not follow CommonMark (unequal backtick runs, spans across blank lines, longer closing fences), "
    "and it only disarms link definitions at the start of a line (not inside > or - containers).",
)
def test_safe_markdown_bypasses(text: str) -> None:
    html = wiki().render(to_safe_markdown(text))
    assert live_problems(html) == [], html


@pytest.mark.xfail(
    strict=True,
    reason="BUG: to_safe_markdown leaves fences and code spans alone but not indented code blocks, so "
    "'    <b>x</b>' shows stray backslashes in the wiki where our HTML shows '<b>x</b>'.",
)
def test_safe_markdown_leaves_indented_code_alone() -> None:
    text = "Example:\n\n    <b>x</b> [y](javascript:z)\n"
    assert to_safe_markdown(text) == text


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
    "---",
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


@pytest.mark.parametrize(
    "text",
    ["a | b", "*x*", "# h", "<b>x</b>", "_x_", "1. item", "- item"],
)
def test_escape_text_is_needed_for_these(text: str) -> None:
    # Guard for the round-trip test: unescaped, each of these would not show literally.
    try:
        shown = rendered_text(text, MarkdownIt("commonmark").enable("table"))
    except AssertionError:
        return
    assert shown != text or escape_text(text) != text


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


def test_escape_text_fuzz_round_trip() -> None:
    rng = random.Random(20251010)
    alphabet = " a1.-+=#*_<>|[]()!\\`~:)&;"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
        expected = " ".join(text.split())
        if expected:
            assert rendered_text(escape_text(text)) == expected, (text, escape_text(text))


@pytest.mark.parametrize("text", ["R&amp;D budget", "&copy; 2025", "&#42;starred&#42;", "AT&T &lt;3"])
@pytest.mark.xfail(
    strict=True,
    reason="BUG: escape_text does not escape '&', so HTML entity references in plain text "
    "('&amp;', '&copy;', '&#42;') are decoded by Markdown renderers instead of shown literally.",
)
def test_escape_text_keeps_entity_references_literal(text: str) -> None:
    assert rendered_text(escape_text(text)) == text
