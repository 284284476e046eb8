"""Brief content is untrusted: nothing in it may run, fetch, read outside the workspace or be evaluated."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from pypdf import PdfReader

from tests.conftest import EXAMPLE_ID, PIXEL, Recorder, copy_workspace, recording_server, run
from tests.test_render import html_outline

SAFE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "div",
    "article",
    "header",
    "p",
    "span",
    "h1",
    "h2",
    "h3",
    "h4",
    "dl",
    "dt",
    "dd",
    "time",
    "section",
    "strong",
    "em",
    "ol",
    "ul",
    "li",
    "blockquote",
    "a",
    "cite",
    "footer",
    "code",
    "s",
    "sup",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "br",
    "pre",
}


@pytest.fixture
def server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    with recording_server() as url:
        yield url


def hostile_brief(base: str) -> str:
    evil = (
        f"<script>alert(1)</script> <img src=x onerror=alert(2)> [a](javascript:alert(3)) "
        f"[b](data:text/html;base64,PHNjcmlwdD4=) ![c](file:///etc/passwd) ![d]({base}/md-image.png) "
        f"<iframe src='{base}/frame'></iframe> {{{{ 12345*6789 }}}} {{% if true %}}jinja{{% endif %}}"
    )
    return f"""\
title: "Title | with *stars* # and <b>tags</b> {{{{ 12345*6789 }}}}"
date: 2025-10-10
authors: ["<script>alert('author')</script>"]
bluf: "{evil}"
context: |
  {evil}

  <style>body {{ background: url({base}/style-bg.png) }}</style>
key_claims:
  - text: "{evil}"
    quote: "<script>q</script>"
    attribution: "<a href='{base}/attr'>x</a>"
    confidence: high
    sources: [src]
sections:
  - heading: "<h1 onclick=x>Heading</h1>"
    summary: "{evil}"
    points: ["{evil}"]
implications:
  - for: "</dt><script>x</script>"
    text: "{evil}"
recommendations: ["{evil}"]
indicators: ["{evil}"]
sources:
  - id: src
    title: "<img src='{base}/source-title.png'>"
    url: "{base}/source-link"
tags: [UkraineWar]
"""


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: str) -> tuple[Path, str]:
    copy_workspace(tmp_path)
    (tmp_path / "briefs" / "hostile.yaml").write_text(hostile_brief(server), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path, server


def test_hostile_brief_builds_inert(hostile: tuple[Path, str]) -> None:
    root, _ = hostile
    result = run("build")
    assert result.exit_code == 0, result.output
    assert Recorder.requests == [], "briefgen fetched something from the network"

    html = (root / "build" / "html" / "hostile.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "<iframe" not in html.lower()
    assert "<img" not in html.lower()
    elements = html_outline(html).attrs
    assert not [(tag, a) for tag, a in elements if any(k.startswith("on") for k in a)], "no event handlers"
    assert {tag for tag, _ in elements} <= SAFE_TAGS, "only tags our templates and Markdown make"
    assert 'href="javascript' not in html.lower() and 'href="data:' not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "shown as text, not dropped"
    assert "{{ 12345*6789 }}" in html and "83810205" not in html, (
        "Jinja syntax in a brief is printed, never evaluated"
    )

    pdf = (root / "build" / "pdf" / "hostile.pdf").read_bytes()
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf
    reader = PdfReader(root / "build" / "pdf" / "hostile.pdf")
    uris = [
        annot.get_object()["/A"].get("/URI", "")
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert not [u for u in uris if not str(u).startswith(("http://127.0.0.1", "https://"))], uris
    assert "<script>alert(1)</script>" in " ".join(p.extract_text() or "" for p in reader.pages).replace(
        "\n", " "
    )


def test_hostile_markdown_output_stays_inert(hostile: tuple[Path, str]) -> None:
    root, _ = hostile
    assert run("build", "-f", "md").exit_code == 0
    front, text = (root / "build" / "md" / "hostile.md").read_text(encoding="utf-8").split("\n---\n", 1)
    assert yaml.safe_load(front.removeprefix("---\n"))["authors"] == ["<script>alert('author')</script>"]
    # What a wiki would render: a full CommonMark renderer with raw HTML *on*.
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)
    lowered = rendered.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<style" not in lowered
    assert "<img" not in lowered and "<h1" not in lowered.replace("<h1>title", "")
    assert 'href="javascript' not in lowered and 'href="data:' not in lowered
    h1 = MarkdownIt("commonmark").render(text).split("\n")[0]
    assert h1 == "<h1>Title | with *stars* # and &lt;b&gt;tags&lt;/b&gt; {{ 12345*6789 }}</h1>", (
        "special characters stay literal"
    )


@pytest.fixture
def override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: str) -> tuple[Path, str]:
    copy_workspace(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(PIXEL)
    (tmp_path / "pixel.png").write_bytes(PIXEL)
    (tmp_path / "escape.png").symlink_to(outside)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.pdf.j2").write_text(
        '{% extends "builtin/brief.pdf.j2" %}{% block tags %}'
        f'<img src="pixel.png"><img src="{server}/remote.png"><img src="file:///etc/passwd">'
        '<img src="file:///dev/zero"><img src="escape.png"><img src="../x.png">'
        '<link rel="attachment" href="file:///etc/passwd">{% endblock %}',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path, server


def test_fetcher_serves_only_workspace_files(override: tuple[Path, str]) -> None:
    root, _ = override
    result = run("build", "-f", "pdf")
    assert result.exit_code == 0, result.output
    assert Recorder.requests == []
    warnings = [line for line in result.stderr.splitlines() if ": warning: pdf: " in line]
    for needle in ("remote.png", "/etc/passwd", "/dev/zero", "outside the workspace"):
        assert any(needle in w for w in warnings), f"no warning about {needle}: {warnings}"
    reader = PdfReader(root / "build" / "pdf" / f"{EXAMPLE_ID}.pdf")
    images = {image.data for page in reader.pages for image in page.images}
    assert images == {PIXEL} or len(images) == 1, "only the workspace's own pixel.png is embedded"
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {}), "no local file attached"


def test_workspace_template_overrides_one_block_and_css_file(workspace: Path) -> None:
    templates = workspace / "templates"
    templates.mkdir()
    (templates / "brief.html.j2").write_text(
        '{% extends "builtin/brief.html.j2" %}{% block tags %}<p class="custom">our tags</p>{% endblock %}',
        encoding="utf-8",
    )
    (templates / "screen.css").write_text(".workspace-screen-css { color: red }", encoding="utf-8")
    assert run("build", "-f", "html").exit_code == 0
    html = (workspace / "build" / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8")
    assert '<p class="custom">our tags</p>' in html
    assert "#UkraineWar" not in html
    assert ".workspace-screen-css" in html, "workspace CSS replaces the built-in file"
    assert "prefers-color-scheme" not in html
    assert "Bottom line up front" in html, "other blocks are the built-in ones"


def test_broken_workspace_template_names_its_line(workspace: Path) -> None:
    (workspace / "templates").mkdir()
    (workspace / "templates" / "brief.md.j2").write_text("# {{ brief.title }}\n{% if %}\n", encoding="utf-8")
    result = run("build", "-f", "md")
    assert result.exit_code == 1
    assert re.search(r"^templates/brief\.md\.j2:2:1: template syntax: ", result.stderr, re.MULTILINE), (
        result.stderr
    )
    assert "Traceback" not in result.output


def test_pdf_bytes_are_identical_for_identical_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = []
    for name in ("one", "two"):
        root = copy_workspace(tmp_path / name)
        monkeypatch.chdir(root)
        assert run("build", "-f", "pdf").exit_code == 0
        outputs.append((root / "build" / "pdf" / f"{EXAMPLE_ID}.pdf").read_bytes())
    assert outputs[0] == outputs[1]


def two_briefs_with_pdf_css(workspace: Path, css: str) -> None:
    """The example twice (a second id) and a workspace pdf.css: one worker renders both with one parse."""
    (workspace / "templates").mkdir()
    (workspace / "templates" / "pdf.css").write_text(css, encoding="utf-8")
    second = (
        (workspace / "briefs" / f"{EXAMPLE_ID}.yaml").read_text(encoding="utf-8").replace("id: ", "# id: ", 1)
    )
    (workspace / "briefs" / "second.yaml").write_text(second, encoding="utf-8")


def test_workspace_pdf_css_applies_and_its_warnings_reach_every_brief(workspace: Path) -> None:
    """Workers parse the stylesheet once and reuse it: its rules still apply and each brief still hears
    its warnings."""
    two_briefs_with_pdf_css(
        workspace, "@page { margin: 2cm; @top-right { content: 'WORKSPACE CSS' } }\nh1 { colour: red }\n"
    )
    result = run("build", "-f", "pdf", "-j", "1")
    assert result.exit_code == 0, result.stderr
    warned = {
        line.split(":")[0]
        for line in result.stderr.splitlines()
        if ": warning: pdf: " in line and "colour" in line
    }
    assert warned == {f"briefs/{EXAMPLE_ID}.yaml", "briefs/second.yaml"}, result.stderr
    for name in (EXAMPLE_ID, "second"):
        reader = PdfReader(workspace / "build" / "pdf" / f"{name}.pdf")
        assert all("WORKSPACE CSS" in page.extract_text() for page in reader.pages)


def test_a_workspace_templates_own_style_keeps_its_place_in_the_cascade(workspace: Path) -> None:
    """The shared stylesheet is parsed once only when it is the page's only CSS: passed to WeasyPrint
    beside the page, it would rank below a second <style> whatever the selectors say."""
    (workspace / "templates").mkdir()
    (workspace / "templates" / "pdf.css").write_text("article .probe { display: none }\n", encoding="utf-8")
    (workspace / "templates" / "brief.pdf.j2").write_text(
        '{% extends "builtin/brief.pdf.j2" %}{% block tags %}'
        '<style>.probe { display: block }</style><p class="probe">PROBE TEXT</p><p>VISIBLE TEXT</p>{% '
        "endblock %}",
        encoding="utf-8",
    )
    assert run("build", "-f", "pdf").exit_code == 0
    text = " ".join(
        page.extract_text() for page in PdfReader(workspace / "build" / "pdf" / f"{EXAMPLE_ID}.pdf").pages
    )
    assert "VISIBLE TEXT" in text
    assert "PROBE TEXT" not in text, "the more specific rule of the first <style> wins"


def test_a_font_the_stylesheet_loads_is_an_input_of_every_brief(workspace: Path) -> None:
    fonts = Path("/usr/share/fonts/truetype/dejavu")
    (workspace / "fonts").mkdir()
    brand = workspace / "fonts" / "brand.ttf"
    shutil.copy(fonts / "DejaVuSans.ttf", brand)
    css = "@font-face { font-family: Brand; src: url(fonts/brand.ttf) }\nh1 { font-family: Brand }\n"
    two_briefs_with_pdf_css(workspace, css)
    first = run("build", "-f", "pdf", "-j", "1")
    assert first.exit_code == 0 and "warning" not in first.stderr, first.stderr
    manifest = json.loads((workspace / "build" / ".briefgen-manifest.json").read_text(encoding="utf-8"))
    assert all("fonts/brand.ttf" in entry["deps"] for entry in manifest["briefs"].values()), manifest
    shutil.copy(fonts / "DejaVuSans-Bold.ttf", brand)
    assert "2 briefs built, 0 up to date" in run("build", "-f", "pdf", "-j", "1").stdout
