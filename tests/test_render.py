"""The three outputs of the worked example, read back with real parsers."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser

import pytest
import yaml
from markdown_it import MarkdownIt
from pypdf import PdfReader

from briefgen.loading import load_brief
from tests.conftest import REPO, Built

BRIEF = load_brief(REPO / "briefs" / "putin-alaska-provisions.yaml").brief
HEADINGS = [s.heading for s in BRIEF.sections]


class Outline(HTMLParser):
    """Collects tags, headings (level, text), and the `lang` attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self._in: int | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._in, self._text = int(tag[1]), ""

    def handle_endtag(self, tag: str) -> None:
        if self._in is not None and tag == f"h{self._in}":
            self.headings.append((self._in, " ".join(self._text.split())))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text += data


def html_outline(text: str) -> Outline:
    parser = Outline()
    parser.feed(text)
    return parser


def md_headings(text: str) -> list[tuple[int, str]]:
    tokens = MarkdownIt("commonmark").parse(text)
    return [
        (int(token.tag[1]), tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def _outline_titles(items: list) -> list[str]:
    titles: list[str] = []
    for item in items:
        titles.extend(_outline_titles(item) if isinstance(item, list) else [item.title])
    return titles


# ---- PDF ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(example_build: Built) -> PdfReader:
    return PdfReader(example_build.pdf)


def test_pdf_metadata_comes_from_the_brief(pdf: PdfReader) -> None:
    meta = pdf.metadata
    assert meta is not None
    assert meta.title == BRIEF.title
    assert meta.author == ", ".join(BRIEF.authors)
    assert meta["/Keywords"] == ", ".join(BRIEF.tags)
    assert meta.subject.startswith("Speaking at the CIS summit in Dushanbe")
    assert "**" not in meta.subject, "the subject is the BLUF as plain text, not Markdown"
    assert meta["/CreationDate"].startswith("D:20251010")
    assert meta["/ModDate"].startswith("D:20251010")


def test_pdf_has_title_bluf_and_every_section(pdf: PdfReader) -> None:
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert "Putin anchors Russia's Ukraine settlement" in text
    assert "BOTTOM LINE UP FRONT" in text
    assert "basing its approach to a Ukraine settlement" in text
    for heading in HEADINGS:
        assert heading in text


def test_pdf_bookmarks_follow_the_outline(pdf: PdfReader) -> None:
    titles = _outline_titles(pdf.outline)
    assert titles[0] == BRIEF.title
    for heading in ["Bottom line up front", "Key claims", "Context", "Implications", *HEADINGS]:
        assert heading in titles
    assert [t for t in titles if t in HEADINGS] == HEADINGS, "sections in the article's order"


def test_every_page_has_its_banners_and_page_number(pdf: PdfReader) -> None:
    pages = len(pdf.pages)
    assert pages >= 2
    for number, page in enumerate(pdf.pages, 1):
        text = page.extract_text() or ""
        assert f"Page {number} of {pages}" in text
        banners = text.count("TLP:CLEAR") - (
            1 if number == 1 else 0
        )  # page 1 also says it in the title block
        assert banners == 2, f"page {number}: top and bottom banner expected, text: {text[:200]!r}"


def test_pdf_is_a4_tagged_and_embeds_its_fonts(pdf: PdfReader) -> None:
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root, "tagged PDF"
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    fonts = {}
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)[
            "/FontDescriptor"
        ]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"


def test_pdftotext_reads_the_pdf(example_build: Built) -> None:
    text = subprocess.run(
        ["pdftotext", str(example_build.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Why the CIS Platform Matters" in text
    assert "Indicators to watch".upper() in text


# ---- HTML -----------------------------------------------------------------------------------


def test_html_is_self_contained_and_scriptless(example_build: Built) -> None:
    outline = html_outline(example_build.html)
    assert "script" not in outline.tags
    assert "link" not in outline.tags, "styles are inlined, nothing to fetch"
    assert "style" in outline.tags
    assert ("html", {"lang": "en", "dir": "ltr"}) in outline.attrs
    assert "<script" not in example_build.html.lower()
    for tag, attrs in outline.attrs:
        assert not any(k.startswith("on") for k in attrs), f"event handler on <{tag}>"
        assert not str(attrs.get("src", "")).startswith(("http", "file")), "nothing loads from elsewhere"


def test_html_has_semantic_outline(example_build: Built) -> None:
    outline = html_outline(example_build.html)
    assert outline.headings[0] == (1, BRIEF.title)
    assert [text for level, text in outline.headings if level == 3] == HEADINGS
    assert {"article", "header", "section", "blockquote", "time"} <= set(outline.tags)
    assert example_build.html.count('class="banner') == 2


# ---- Markdown -------------------------------------------------------------------------------


def test_markdown_front_matter(example_build: Built) -> None:
    match = re.match(r"---\n(.*?)\n---\n", example_build.md, re.DOTALL)
    assert match, "front matter at the top"
    front = yaml.safe_load(match[1])
    assert front["title"] == BRIEF.title
    assert str(front["date"]) == "2025-10-10"
    assert front["tags"] == BRIEF.tags
    assert front["handling"] == "TLP:CLEAR"
    assert front["source"] == "seeds/putin-alaska-summit-dushanbe.txt"


def test_markdown_has_the_same_headings_in_the_same_order_as_html(example_build: Built) -> None:
    body = example_build.md.split("\n---\n", 1)[1]
    assert md_headings(body) == html_outline(example_build.html).headings


def test_markdown_renders_claims_quotes_and_tags(example_build: Built) -> None:
    html = MarkdownIt("commonmark").render(example_build.md.split("\n---\n", 1)[1])
    assert html.count("<blockquote>") == len(BRIEF.key_claims) + sum(len(s.quotes) for s in BRIEF.sections)
    assert "#UkraineWar" in html
    assert "Moderate confidence" in html
