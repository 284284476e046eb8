"""Figures in every output, read back from the real files: HTML parsed, PDFs read with pypdf, Markdown
links followed to the copies; and hostile figure files refused with one line each."""

from __future__ import annotations

import base64
import dataclasses
import email
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from PIL import Image as PILImage
from PIL import ImageDraw
from pypdf import PdfReader

from briefgen.digest import open_digest
from briefgen.errors import ConfigError
from briefgen.figures import FigureError, read_image
from briefgen.figures.svg import sanitise_svg
from briefgen.mail.message import mail_figures
from tests.conftest import EXAMPLE_ID, REPO, Built, Recorder, copy_workspace, recording_server, run

HOSTILE = REPO / "tests" / "data" / "hostile" / "figures"
BRIEF = f"briefs/{EXAMPLE_ID}.yaml"

MAP_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     viewBox="0 0 400 300" width="400" height="300" inkscape:version="1.3">
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#c33"/></linearGradient></defs>
  <rect x="10" y="10" width="380" height="280" fill="#eef3f8" stroke="#1f4e79" data-x="1"/>
  <path id="region" d="M60 80 L200 60 L220 200 L80 220 Z" fill="url(#g)"/>
  <use href="#region" transform="translate(120 0)"/>
  <text x="100" y="150" font-size="20">Donetsk</text>
</svg>
"""

TOP_FIGURES = """
figures:
  - file: figures/map.svg
    alt: Sketch map of Donetsk and Luhansk oblasts, the claimed area shaded red
    caption: The regions *named* in the article.
    credit: "Map: briefgen project"
    width: 0.6
  - file: figures/photo.jpg
    alt: Delegations seated at the CIS summit table in Dushanbe
    source: article
"""
SECTION_FIGURES = """    figures:
      - file: figures/chart.png
        alt: Bar chart of four rising bars, one per section of the article
        credit: "Chart: briefgen project"
      - file: figures/disguised.jpg
        alt: Second bar chart, a PNG file saved under a .jpg name
        credit: "Chart: briefgen project"
"""
ALTS = [
    "Sketch map of Donetsk and Luhansk oblasts, the claimed area shaded red",
    "Delegations seated at the CIS summit table in Dushanbe",
    "Bar chart of four rising bars, one per section of the article",
    "Second bar chart, a PNG file saved under a .jpg name",
]


def make_figures(root: Path) -> None:
    folder = root / "figures"
    folder.mkdir(exist_ok=True)
    photo = PILImage.new("RGB", (2000, 1500), "white")
    draw = ImageDraw.Draw(photo)
    for x in range(0, 2000, 40):
        draw.line([(x, 0), (2000 - x, 1500)], fill=(x % 255, 90, 160), width=3)
    photo.save(folder / "photo.jpg", quality=85)
    chart = PILImage.new("RGBA", (640, 400), (255, 255, 255, 0))
    draw = ImageDraw.Draw(chart)
    for i, height in enumerate([120, 250, 180, 320]):
        draw.rectangle([40 + i * 150, 380 - height, 150 + i * 150, 380], fill=(31, 78, 121, 255))
    chart.save(folder / "chart.png")
    chart.convert("RGB").save(folder / "disguised.jpg", format="PNG")  # a PNG named .jpg
    (folder / "map.svg").write_text(MAP_SVG, encoding="utf-8")


def without_figures(text: str) -> str:
    """The example's text without its own figure (the sketch map closing its first section)."""
    stripped = re.sub(r"    figures:\n(?:      .*\n)+(?=  - heading: Why the CIS)", "", text)
    assert stripped != text
    return stripped


def add_figures(root: Path, top: str = TOP_FIGURES, section: str = SECTION_FIGURES) -> None:
    """The example brief with these figures (and no other) after its context and at the end of its
    first section."""
    path = root / BRIEF
    text = without_figures(path.read_text(encoding="utf-8"))
    text = text.replace("\nsections:\n", top + "\nsections:\n", 1)
    second = text.index("  - heading: Why the CIS Platform Matters")
    path.write_text(text[:second] + section + text[second:], encoding="utf-8")


def second_brief(root: Path) -> None:
    """Another brief, without figures (the example under another id)."""
    text = without_figures((REPO / BRIEF).read_text(encoding="utf-8"))
    text = text.replace(f"id: {EXAMPLE_ID}", "id: other-brief")
    (root / "briefs" / "other-brief.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = copy_workspace(tmp_path_factory.mktemp("figures"))
    make_figures(root)
    add_figures(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run("build")
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    out = root / "build"
    yield Built(
        root,
        (out / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8"),
        (out / "md" / f"{EXAMPLE_ID}.md").read_text(encoding="utf-8"),
        out / "pdf" / f"{EXAMPLE_ID}.pdf",
    )


# --- HTML -------------------------------------------------------------------------------------------


def test_html_embeds_each_figure_with_alt_size_and_numbered_caption(built: Built) -> None:
    page = lxml_html.fromstring(built.html)
    figures = page.xpath("//figure")
    assert len(figures) == 4
    png = ("image/png", 640, 400)
    expected = [("image/svg+xml", 400, 300), ("image/jpeg", 2000, 1500), png, png]
    for n, (figure, alt, (mime, width, height)) in enumerate(zip(figures, ALTS, expected, strict=True), 1):
        (img,) = figure.xpath("img")
        assert img.get("src").startswith(f"data:{mime};base64,")
        assert (img.get("alt"), img.get("width"), img.get("height")) == (alt, str(width), str(height))
        caption = figure.xpath("figcaption")[0].text_content()
        assert caption.startswith(f"Figure {n}.")
        assert figure.get("id") == f"figure-{n}"
    assert "figure-w-60" in figures[0].get("class")
    assert figures[0].xpath("figcaption/em")[0].text == "named"
    assert figures[1].xpath("figcaption/a")[0].get("href") == "#source-article"
    # figures after the context, the section's at the end of its section
    assert figures[0].getparent().get("class") == "context"
    assert figures[2].getparent().xpath("h3")[0].text.startswith("Understanding")
    # self-contained: nothing the page would load from anywhere
    for element in page.iter():
        for attribute in ("src", "srcset", "data", "poster"):
            value = element.get(attribute)
            assert value is None or value.startswith("data:image/"), (element.tag, attribute)


def test_html_gets_the_sanitised_svg_only(built: Built) -> None:
    page = lxml_html.fromstring(built.html)
    src = page.xpath("//figure[1]/img")[0].get("src")
    svg = base64.b64decode(src.split(",", 1)[1])
    root = etree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (
        b"metadata" not in svg and b"inkscape" not in svg and b"DOCTYPE" not in svg and b"data-x" not in svg
    )
    assert b'href="#region"' in svg and b"url(#g)" in svg  # what draws the map is kept


# --- PDF --------------------------------------------------------------------------------------------


def _images(reader: PdfReader) -> list[tuple[str, int, int, int]]:
    """Every raster image drawn: (filter, width, height, page). WeasyPrint shares one resource
    dictionary between pages, so the page is the one whose content stream draws it (`/name Do`)."""
    found: list[tuple[str, int, int, int]] = []
    for number, page in enumerate(reader.pages):
        drawn = set(re.findall(rb"/([^\s/]+) Do", page.get_contents().get_data()))
        xobjects = page["/Resources"].get("/XObject") or {}
        for name, ref in xobjects.get_object().items():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image" and name[1:].encode() in drawn:
                found.append((str(xobject.get("/Filter")), xobject["/Width"], xobject["/Height"], number))
    return found


def _struct_alts(reader: PdfReader) -> list[tuple[str, str]]:
    alts: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/Alt" in node:
                alts.append((str(node.get("/S")), str(node["/Alt"])))
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def _outline_titles(outline: list[object]) -> list[str]:
    titles: list[str] = []
    for entry in outline:
        if isinstance(entry, list):
            titles += _outline_titles(entry)
        else:
            titles.append(str(entry.title))  # type: ignore[attr-defined]
    return titles


def test_pdf_holds_the_images_a_jpeg_as_a_jpeg_and_the_alt_texts(built: Built) -> None:
    reader = PdfReader(built.pdf)
    images = _images(reader)
    jpegs = [i for i in images if i[0] == "/DCTDecode"]
    assert [(w, h) for _, w, h, _ in jpegs] == [(2000, 1500)]  # passed through, not re-encoded
    assert [(w, h) for f, w, h, _ in images if f == "/FlateDecode"] == [(640, 400), (640, 400)]
    assert [(tag, alt) for tag, alt in _struct_alts(reader) if tag == "/Figure"] == [
        ("/Figure", alt) for alt in ALTS
    ]
    titles = _outline_titles(reader.outline)
    assert titles and not any("Figure" in title for title in titles)  # captions make no bookmark
    text = "\n".join(page.extract_text() for page in reader.pages)
    for n in range(1, 5):
        assert f"Figure {n}." in text
    assert len(reader.pages) < 12


def test_pdf_figure_and_caption_share_a_page(built: Built) -> None:
    reader = PdfReader(built.pdf)
    jpeg_page = next(page for f, _, _, page in _images(reader) if f == "/DCTDecode")
    assert "Figure 2." in reader.pages[jpeg_page].extract_text()


# --- Markdown ---------------------------------------------------------------------------------------

IMAGE_LINK = re.compile(r"!\[([^\]]*)\]\(<([^>]+)>\)")


def test_markdown_links_copies_beside_the_page(built: Built) -> None:
    md_folder = built.root / "build" / "md"
    links = IMAGE_LINK.findall(built.md)
    assert [target for _, target in links] == [
        f"assets/{EXAMPLE_ID}/map.svg",
        f"assets/{EXAMPLE_ID}/photo.jpg",
        f"assets/{EXAMPLE_ID}/chart.png",
        f"assets/{EXAMPLE_ID}/disguised.png",  # named for what it is
    ]
    assert [alt.replace("\\", "") for alt, _ in links] == ALTS
    for _, target in links:
        assert (md_folder / target).is_file()
    assert (md_folder / links[1][1]).read_bytes() == (built.root / "figures" / "photo.jpg").read_bytes()
    svg = (md_folder / links[0][1]).read_bytes()
    assert b"metadata" not in svg and svg == read_image(built.root, "figures/map.svg").data
    assert "*Figure 1.* The regions *named* in the article. Map: briefgen project" in built.md
    assert "*Figure 2.* [\\[article\\]](#sources)" in built.md


# --- incremental builds -----------------------------------------------------------------------------


@pytest.fixture
def two_briefs(workspace: Path) -> Path:
    """The example (figures made, not yet in it) and a second brief without figures."""
    make_figures(workspace)
    second_brief(workspace)
    return workspace


def test_a_changed_figure_rebuilds_only_the_brief_that_shows_it(two_briefs: Path) -> None:
    add_figures(two_briefs)
    first = run("build", "-f", "html,md")
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("2 briefs built")
    again = run("build", "-f", "html,md")
    assert again.stdout.startswith("0 briefs built, 2 up to date")
    PILImage.new("RGB", (640, 400), "red").save(two_briefs / "figures" / "chart.png")
    changed = run("build", "-f", "html,md")
    assert changed.stdout.startswith("1 brief built, 1 up to date"), changed.stdout
    assert f"built {BRIEF} →" in changed.stderr
    copy = two_briefs / "build" / "md" / "assets" / EXAMPLE_ID / "chart.png"
    assert copy.read_bytes() == (two_briefs / "figures" / "chart.png").read_bytes()


def test_assets_follow_the_page_only_changed_ones_rewritten(two_briefs: Path) -> None:
    add_figures(two_briefs)
    assert run("build", "-f", "md").exit_code == 0
    assets = two_briefs / "build" / "md" / "assets" / EXAMPLE_ID
    photo = assets / "photo.jpg"
    before = photo.stat().st_mtime_ns
    PILImage.new("RGB", (64, 40), "red").save(two_briefs / "figures" / "chart.png")
    assert run("build", "-f", "md").exit_code == 0
    assert photo.stat().st_mtime_ns == before  # unchanged copy left alone
    # figures taken out of the brief: their copies go
    path = two_briefs / BRIEF
    path.write_text(path.read_text(encoding="utf-8").replace(SECTION_FIGURES, ""), encoding="utf-8")
    assert run("build", "-f", "md").exit_code == 0
    assert sorted(p.name for p in assets.iterdir()) == ["map.svg", "photo.jpg"]
    # a deleted copy is made again
    photo.unlink()
    assert run("build", "-f", "md").stdout.startswith("1 brief built")
    assert photo.is_file()
    # the brief gone: its copies and their folder go, and a file briefgen did not write stays
    (assets.parent / "mine.txt").write_text("kept", encoding="utf-8")
    path.unlink()
    assert run("build", "-f", "md").exit_code == 0
    assert not assets.exists() and (assets.parent / "mine.txt").is_file()


# --- check ------------------------------------------------------------------------------------------


def test_check_rules_for_alt_source_and_credit(workspace: Path) -> None:
    make_figures(workspace)
    top = """
figures:
  - file: figures/chart.png
    alt: chart.png
  - file: figures/map.svg
    alt: Image
    source: artcle
"""
    add_figures(workspace, top=top, section="")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    found = {(f["rule"], f["field"]) for f in json.loads(result.stdout) if f["rule"].startswith("figure")}
    assert found == {
        ("figure-alt-is-filename", "figures[0].alt"),
        ("figure-unsourced", "figures[0]"),
        ("figure-alt-is-filename", "figures[1].alt"),
        ("figure-unknown-source", "figures[1].source"),
    }
    text = run("check").stderr
    line = next(i for i, row in enumerate(text.splitlines()) if "figure-unknown-source" in row)
    assert "did you mean 'article'?" in text.splitlines()[line]


def test_alt_texts_that_say_something_pass(workspace: Path) -> None:
    make_figures(workspace)
    add_figures(workspace)
    result = run("check", "--strict")
    assert result.exit_code == 0, result.stderr


# --- hostile figures --------------------------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    """A PNG header declaring width × height, with one tiny IDAT: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def _prepare(root: Path, name: str, outside: Path, server: str = "http://127.0.0.1:9") -> str:
    """Put hostile figure `name` into the workspace; its workspace-relative path."""
    folder = root / "figures"
    folder.mkdir(exist_ok=True)
    if name == "bomb.png":
        (folder / name).write_bytes(_png(20_000, 20_000))
    elif name == "big-pixels.png":
        (folder / name).write_bytes(_png(7_000, 7_000))
    elif name == "huge.png":
        with (folder / name).open("wb") as handle:  # sparse: 11 MB on paper
            handle.write(_png(10, 10))
            handle.truncate(11 * 1024 * 1024)
    elif name == "outside.png":
        (outside / "secret.png").write_bytes(_png(10, 10))
        (folder / name).symlink_to(outside / "secret.png")
    elif name == "zero.png":
        (folder / name).symlink_to("/dev/zero")
    elif name == "fifo.png":
        os.mkfifo(folder / name)
    elif name == "folder.png":
        (folder / name).mkdir()
    elif name == "missing.png":
        pass
    else:
        text = (HOSTILE / name).read_bytes().replace(b"@SERVER@", server.encode())
        (folder / name).write_bytes(text)
    return f"figures/{name}"


HOSTILE_CASES = [
    ("svg-script.svg", "figure-unsafe-svg", "has a <script> element"),
    ("svg-script-xhtml.svg", "figure-unsafe-svg", "has a <script> element"),
    ("svg-script-named.png", "figure-unsafe-svg", "has a <script> element"),
    ("svg-foreignobject.svg", "figure-unsafe-svg", "has a <foreignObject> element"),
    ("svg-onload.svg", "figure-unsafe-svg", "event handler (onload="),
    ("svg-external-image.svg", "figure-unsafe-svg", "/image.png' from <image>"),
    ("svg-use-other-file.svg", "figure-unsafe-svg", "refers to 'map.svg#region' from <use>"),
    ("svg-file-href.svg", "figure-unsafe-svg", "refers to 'file:///etc/passwd'"),
    ("svg-css-url.svg", "figure-unsafe-svg", "/fill.svg#p) in style="),
    ("svg-style-import.svg", "figure-unsafe-svg", "'@import' in its CSS"),
    ("svg-css-escape.svg", "figure-unsafe-svg", "has a CSS escape in its CSS (<style>)"),
    ("svg-animate-href.svg", "figure-unsafe-svg", "has a <set> element"),
    ("svg-xxe.svg", "figure-unsafe-svg", "declares a DTD with entities"),
    ("svg-billion-laughs.svg", "figure-unsafe-svg", "declares a DTD with entities"),
    ("html-named.png", "figure-unreadable", "is not a PNG, JPEG, WebP or SVG image (its bytes are HTML)"),
    ("gif-named.png", "figure-unreadable", "(its bytes are a GIF)"),
    ("truncated.png", "figure-unreadable", "is a damaged image"),
    ("bomb.png", "figure-too-large", "declares more than 40 megapixels"),
    ("big-pixels.png", "figure-too-large", "is 7000×7000 pixels (49 megapixels; the limit is 40)"),
    ("huge.png", "figure-too-large", "is 11.0 MB; the limit is 10 MB"),
    ("outside.png", "figure-unreadable", "resolves outside the workspace"),
    ("zero.png", "figure-unreadable", "resolves outside the workspace"),
    ("fifo.png", "figure-unreadable", "is not a regular file"),
    ("folder.png", "figure-unreadable", "is not a regular file"),
    ("missing.png", "figure-missing", "does not exist"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with recording_server() as url:
        yield url


@pytest.mark.parametrize(("name", "rule", "message"), HOSTILE_CASES, ids=[c[0] for c in HOSTILE_CASES])
def test_hostile_figure_is_one_line_and_the_other_brief_is_built(
    two_briefs: Path,
    tmp_path_factory: pytest.TempPathFactory,
    server: str,
    name: str,
    rule: str,
    message: str,
) -> None:
    file = _prepare(two_briefs, name, tmp_path_factory.mktemp("outside"), server)
    top = f"\nfigures:\n  - file: {file}\n    alt: A figure that must not load\n    credit: nobody\n"
    add_figures(two_briefs, top=top, section="")
    Recorder.requests = []
    result = run("build", "-f", "html,md")
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if not line.startswith("built ")]
    assert len(problems) == 1, result.stderr
    line = (two_briefs / BRIEF).read_text(encoding="utf-8").splitlines().index(f"  - file: {file}") + 1
    assert problems[0].startswith(f"{BRIEF}:{line}:11: error: figures[0].file: {file} ")
    assert message in problems[0] and problems[0].endswith(f"[{rule}]")
    assert "built briefs/other-brief.yaml → html, md" in result.stderr
    assert result.stdout.startswith("1 brief built, 0 up to date, 1 failed")
    assert not (two_briefs / "build" / "html" / f"{EXAMPLE_ID}.html").exists()
    checked = run("check", "--format", "json")
    assert rule in {f["rule"] for f in json.loads(checked.stdout)}
    assert Recorder.requests == []


def test_no_request_reaches_the_server_from_any_output(two_briefs: Path, server: str) -> None:
    """The external-reference SVGs sanitised or refused before WeasyPrint (PDF) sees them."""
    for name in ("svg-external-image.svg", "svg-css-url.svg", "svg-style-import.svg", "svg-script.svg"):
        _prepare(two_briefs, name, two_briefs, server)
    top = "\nfigures:\n" + "".join(
        f"  - file: figures/{name}\n    alt: A figure that must not load\n    credit: nobody\n"
        for name in ("svg-external-image.svg", "svg-css-url.svg", "svg-style-import.svg", "svg-script.svg")
    )
    add_figures(two_briefs, top=top, section="")
    Recorder.requests = []
    result = run("build")
    assert result.exit_code == 1
    assert len([line for line in result.stderr.splitlines() if "[figure-unsafe-svg]" in line]) == 4
    assert Recorder.requests == []
    assert (two_briefs / "build" / "pdf" / "other-brief.pdf").is_file()


def test_a_safe_svg_named_png_is_shown_as_svg(two_briefs: Path) -> None:
    shutil.copy(two_briefs / "figures" / "map.svg", two_briefs / "figures" / "drawing.png")
    top = "\nfigures:\n  - file: figures/drawing.png\n    alt: The sketch map again\n    credit: us\n"
    add_figures(two_briefs, top=top, section="")
    result = run("build", "-f", "html,md")
    assert result.exit_code == 0, result.stderr
    html = (two_briefs / "build" / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8")
    assert 'src="data:image/svg+xml;base64,' in html
    assert (two_briefs / "build" / "md" / "assets" / EXAMPLE_ID / "drawing.svg").is_file()


# --- the sanitiser and readers directly ---------------------------------------------------------------


def test_svg_size_from_units_and_viewbox() -> None:
    def size(attributes: str) -> tuple[int, int]:
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}/>'.encode()
        result = sanitise_svg(svg, "x.svg")
        assert result is not None
        return result.width, result.height

    assert size('width="2in" height="1in"') == (192, 96)
    assert size('viewBox="0 0 800 600"') == (800, 600)
    assert size('width="400" viewBox="0 0 800 600"') == (400, 300)
    assert size('width="100%"') == (300, 150)


def test_an_embedded_raster_in_an_svg_is_checked_too() -> None:
    bomb = base64.b64encode(_png(20_000, 20_000)).decode()
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,{bomb}"/></svg>'
    with pytest.raises(FigureError) as raised:
        sanitise_svg(svg.encode(), "x.svg")
    assert raised.value.rule == "figure-too-large"
    small = io.BytesIO()
    PILImage.new("RGB", (4, 4)).save(small, format="PNG")
    ok = base64.b64encode(small.getvalue()).decode()
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,{ok}"/></svg>'
    assert sanitise_svg(svg.encode(), "x.svg") is not None
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><image href="data:text/html;base64,PGI+"/></svg>'
    with pytest.raises(FigureError, match="refers to 'data:text/html"):
        sanitise_svg(svg.encode(), "x.svg")


# --- wiki, digest and mail --------------------------------------------------------------------------


def test_mkdocs_wiki_shows_the_figures(two_briefs: Path) -> None:
    add_figures(two_briefs)
    site = two_briefs / "site"
    site.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(site)], check=True)
    result = run("publish", "--wiki", str(site), "--flavor", "mkdocs")
    assert result.exit_code == 0, result.stderr
    assets = site / "docs" / "briefs" / "assets" / EXAMPLE_ID
    assert sorted(p.name for p in assets.iterdir()) == ["chart.png", "disguised.png", "map.svg", "photo.jpg"]
    page = (site / "docs" / "briefs" / f"{EXAMPLE_ID}.md").read_text(encoding="utf-8")
    assert f"](<assets/{EXAMPLE_ID}/photo.jpg>)" in page
    html = two_briefs / "html"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(html)],
        cwd=site,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    rendered = lxml_html.fromstring((html / "briefs" / EXAMPLE_ID / "index.html").read_bytes())
    sources = [img.get("src") for img in rendered.xpath("//img")]
    assert len(sources) == 4
    for src in sources:
        assert (html / "briefs" / EXAMPLE_ID / src).resolve().is_file()
    # publishing again writes nothing; a figure dropped from the brief is pruned with --prune
    again = run("publish", "--wiki", str(site), "--flavor", "mkdocs")
    assert again.exit_code == 0 and "chart.png" not in again.stdout
    path = two_briefs / BRIEF
    path.write_text(path.read_text(encoding="utf-8").replace(SECTION_FIGURES, ""), encoding="utf-8")
    pruned = run("publish", "--wiki", str(site), "--flavor", "mkdocs", "--prune")
    assert pruned.exit_code == 0, pruned.stderr
    assert sorted(p.name for p in assets.iterdir()) == ["map.svg", "photo.jpg"]


@pytest.mark.parametrize("flavor", ["github", "gitlab"])
def test_wiki_layouts_link_the_copies(two_briefs: Path, flavor: str) -> None:
    add_figures(two_briefs)
    site = two_briefs / "wiki"
    site.mkdir()
    result = run("publish", "--wiki", str(site), "--flavor", flavor)
    assert result.exit_code == 0, result.stderr
    page_name = f"Brief-{EXAMPLE_ID}.md" if flavor == "github" else f"briefs/{EXAMPLE_ID}.md"
    page = (site / page_name).read_text(encoding="utf-8")
    targets = [target for _, target in IMAGE_LINK.findall(page)]
    assert len(targets) == 4
    for target in targets:  # both wikis resolve these from the wiki's root
        assert (site / target).is_file(), target


def test_digest_and_mail_show_the_figures(two_briefs: Path) -> None:
    add_figures(two_briefs)
    result = run("digest", "--week", "2025-W41")
    assert result.exit_code == 0, result.stderr
    folder = two_briefs / "build" / "digest"
    name = "digest-2025-W41"
    page = lxml_html.fromstring((folder / f"{name}.html").read_bytes())
    assert [img.get("alt") for img in page.xpath("//figure/img")] == ALTS  # the other brief has none
    assert all(img.get("src").startswith("data:image/") for img in page.xpath("//img"))
    md = (folder / f"{name}.md").read_text(encoding="utf-8")
    targets = [target for _, target in IMAGE_LINK.findall(md)]
    assert len(targets) == 4 and all((folder / target).is_file() for target in targets)
    reader = PdfReader(folder / f"{name}.pdf")
    assert [f for f, _, _, _ in _images(reader)].count("/DCTDecode") == 1
    assert [alt for tag, alt in _struct_alts(reader) if tag == "/Figure"] == ALTS

    (two_briefs / "briefgen.toml").write_text(
        '[mail]\nhost = "127.0.0.1"\nport = 9\nsecurity = "none"\nsender = "Desk <desk@example.org>"\n'
        '[mail.lists]\nteam = ["ann@example.org"]\n',
        encoding="utf-8",
    )
    mailed = run("mail", name, "--to", "team", "--dry-run")
    assert mailed.exit_code == 0, mailed.stderr
    eml = (folder / f"{name}.team.eml").read_bytes()
    assert len(eml) < 10 * 1024 * 1024
    message = email.message_from_bytes(eml, policy=policy.default)
    html_part = message.get_body(("html",))
    assert html_part is not None
    related = next(part for part in message.walk() if part.get_content_type() == "multipart/related")
    images = [part for part in related.iter_parts() if part.get_content_maintype() == "image"]
    # PNG and JPEG inline once each, by Content-ID; the SVG stays in the attached PDF
    assert sorted(part.get_content_type() for part in images) == ["image/jpeg", "image/png", "image/png"]
    body = html_part.get_content()
    for part in images:
        assert f'src="cid:{part["Content-ID"].strip("<>")}"' in body
    assert "data:image" not in body
    assert body.count("<img") == 3
    jpeg = next(part for part in images if part.get_content_type() == "image/jpeg")
    assert jpeg.get_content() == (two_briefs / "figures" / "photo.jpg").read_bytes()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("http://127.0.0.1:9/map.png", "must be a relative path inside the workspace"),
        ("/etc/passwd", "must be a relative path inside the workspace"),
        ("../outside.png", "must be a relative path inside the workspace"),
    ],
)
def test_a_file_that_is_no_workspace_path_does_not_load(workspace: Path, file: str, message: str) -> None:
    top = f"\nfigures:\n  - file: {file!r}\n    alt: A figure that must not load\n"
    add_figures(workspace, top=top, section="")
    result = run("check")
    assert result.exit_code == 1
    (line,) = [row for row in result.stderr.splitlines() if "figures[0].file" in row]
    number = (workspace / BRIEF).read_text(encoding="utf-8").splitlines().index(f"  - file: {file!r}") + 1
    assert line.startswith(f"{BRIEF}:{number}:11: ") and message in line


def test_alt_that_is_the_path_is_flagged(workspace: Path) -> None:
    name = "seeds/figures/donbas-sketch.svg"
    top = f"\nfigures:\n  - file: {name}\n    alt: {name}\n    credit: us\n"
    add_figures(workspace, top=top, section="")
    rules = [f["rule"] for f in json.loads(run("check", "--format", "json").stdout)]
    assert rules.count("figure-alt-is-filename") == 1


def test_wiki_dry_run_names_a_changed_figure_without_dumping_its_bytes(two_briefs: Path) -> None:
    add_figures(two_briefs)
    site = two_briefs / "wiki"
    site.mkdir()
    assert run("publish", "--wiki", str(site), "--flavor", "gitlab").exit_code == 0
    PILImage.new("RGB", (64, 40), "red").save(two_briefs / "figures" / "chart.png")
    result = run("publish", "--wiki", str(site), "--flavor", "gitlab", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"Binary file briefs/assets/{EXAMPLE_ID}/chart.png: " in result.stdout
    assert "PNG" not in result.stdout.replace("chart.png", "")


def test_the_worked_example_shows_its_sketch_map(example_build: object) -> None:
    built = example_build
    assert isinstance(built, Built)
    (img,) = lxml_html.fromstring(built.html).xpath("//figure/img")
    assert img.get("src").startswith("data:image/svg+xml;base64,")
    assert img.get("alt").startswith("Schematic map of eastern Ukraine: Donetsk and Luhansk oblasts")
    assert (img.get("width"), img.get("height")) == ("480", "360")
    alts = [alt for tag, alt in _struct_alts(PdfReader(built.pdf)) if tag == "/Figure"]
    assert alts == [img.get("alt")]
    assert f"](<assets/{EXAMPLE_ID}/donbas-sketch.svg>)" in built.md


def test_mail_leaves_figures_to_the_pdf_past_the_size_budget(two_briefs: Path) -> None:
    add_figures(two_briefs)
    assert run("digest", "--week", "2025-W41", "-q").exit_code == 0
    built = open_digest("digest-2025-W41", two_briefs / "build")
    assert [f["figure"].mime for items in mail_figures(built, "example.org").values() for f in items] == [
        "image/jpeg",
        "image/png",
        "image/png",
    ]
    big = dataclasses.replace(built, pdf=built.pdf + b"\0" * (7 * 1024 * 1024))
    shown = [f["figure"].file for items in mail_figures(big, "example.org").values() for f in items]
    copy = f"assets/digest-2025-W41/{EXAMPLE_ID}/photo.jpg"
    assert copy not in shown and len(built.figures[copy]) > 200_000  # it would not fit
    # a figure copy changed after the digest was built is refused, like the PDF
    (two_briefs / "build" / "digest" / "assets" / "digest-2025-W41" / EXAMPLE_ID / "chart.png").write_bytes(
        b"x"
    )
    with pytest.raises(ConfigError, match="not the one the digest was built with"):
        open_digest("digest-2025-W41", two_briefs / "build")
