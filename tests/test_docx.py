"""The Word output: read back with python-docx, unzipped and inspected, and converted by LibreOffice.

The worked example is built once as .docx; other cases write a brief of their own next to it.
LibreOffice (Debian's libreoffice-writer-nogui, installed by scripts/setup) renders the example to
PDF, as a reader's office suite would open it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
import yaml
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree
from pypdf import PdfReader

from briefgen.markup import markdown
from briefgen.model import Brief
from tests.conftest import EXAMPLE_ID, copy_workspace, run

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
OUR_FIELDS = re.compile(r'^ (TOC \\o "1-3" \\h \\z \\u|PAGE|NUMPAGES|SEQ Figure \\\* ARABIC) $')
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARTS = ["Bottom line up front", "Key claims", "Context", "The article, section by section", "Implications"]


@dataclass(frozen=True)
class Example:
    root: Path
    path: Path
    brief: Brief

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()


def load_brief(path: Path) -> Brief:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("id", path.stem)
    return Brief.model_validate(data)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Example]:
    root = copy_workspace(tmp_path_factory.mktemp("docx"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run("build", "-q", "-f", "docx")
    assert result.exit_code == 0, result.output + result.stderr
    path = root / "build" / "docx" / f"{EXAMPLE_ID}.docx"
    yield Example(root, path, load_brief(root / "briefs" / f"{EXAMPLE_ID}.yaml"))


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def styled(document: docx.document.Document, *names: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name in names]


def build_one(root: Path, name: str, text: str, *args: str) -> Path:
    (root / "briefs" / f"{name}.yaml").write_text(text, encoding="utf-8")
    result = run("build", "-q", "-f", "docx", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return root / "build" / "docx" / f"{name}.docx"


def example_text(workspace: Path) -> str:
    return (workspace / "briefs" / f"{EXAMPLE_ID}.yaml").read_text(encoding="utf-8")


# ---- structure ---------------------------------------------------------------------------------


def test_headings_in_navigation_order_are_the_briefs_parts_and_sections(example: Example) -> None:
    document = docx.Document(example.path)
    assert styled(document, "Title") == [example.brief.title]
    assert styled(document, "Subtitle") == [example.brief.subtitle]
    assert styled(document, "Heading 2") == [section.heading for section in example.brief.sections]
    parts = styled(document, "Heading 1")
    assert parts[: len(PARTS)] == PARTS
    assert parts[-1] == "Sources"
    outline = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    first_section = outline.index(example.brief.sections[0].heading)
    assert outline[first_section - 1] == "The article, section by section"


def test_word_builtin_styles_carry_the_content(example: Example) -> None:
    document = docx.Document(example.path)
    used = {p.style.name for p in document.paragraphs if p.style is not None}
    assert {
        "Title",
        "Subtitle",
        "Heading 1",
        "Heading 2",
        "Quote",
        "List Number",
        "List Bullet",
        "Caption",
    } <= used
    claims = styled(document, "List Number")
    assert claims[0].startswith(example.brief.key_claims[0].text.split()[0])
    assert f"“{example.brief.key_claims[0].quote}”" in styled(document, "Quote")
    runs = [run for p in document.paragraphs for run in p.runs]
    confidence = [run.text for run in runs if run.style is not None and run.style.name == "Confidence"]
    assert confidence[0] == f"{str(example.brief.key_claims[0].confidence).capitalize()} confidence"
    assert len(confidence) == len(example.brief.key_claims)
    likelihood = [run.text for run in runs if run.style is not None and run.style.name == "Likelihood"]
    assert str(example.brief.implications[0].likelihood).capitalize() in likelihood


def test_every_page_has_the_banner_above_and_below_and_page_x_of_y(example: Example) -> None:
    document = docx.Document(example.path)
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == ["TLP:CLEAR"]
    assert [p.text for p in section.footer.paragraphs] == ["TLP:CLEAR", "Page 1 of 1"]
    footer = section.footer._element
    codes = [code.text for code in footer.iter(qn("w:instrText"))]
    assert codes == [" PAGE ", " NUMPAGES "]


def test_contents_is_a_toc_field_and_sections_are_bookmarked(example: Example) -> None:
    body = docx.Document(example.path).element.body
    codes = [code.text for code in body.iter(qn("w:instrText"))]
    assert codes[0] == ' TOC \\o "1-3" \\h \\z \\u '
    bookmarks = {mark.get(qn("w:name")) for mark in body.iter(qn("w:bookmarkStart"))}
    sections = {f"section_{n}" for n in range(1, len(example.brief.sections) + 1)}
    assert sections | {"bluf", "key_claims", "sources", "source_article", "figure_1"} <= bookmarks
    anchors = {link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink")) if link.get(qn("w:anchor"))}
    assert anchors and anchors <= bookmarks


def test_core_properties_come_from_the_brief(example: Example) -> None:
    props = docx.Document(example.path).core_properties
    brief = example.brief
    assert props.title == brief.title
    assert props.author == "; ".join(brief.authors)
    assert props.subject.startswith("Speaking at the CIS summit in Dushanbe on 9 October 2025")
    assert "**" not in props.subject
    assert props.keywords == ", ".join(brief.tags)
    assert props.created is not None and props.created.date() == brief.date
    assert props.modified == props.created
    assert props.language == brief.lang


def test_links_are_hyperlinks_to_the_briefs_own_targets_only(example: Example) -> None:
    document = docx.Document(example.path)
    external = [rel for rel in document.part.rels.values() if rel.is_external]
    assert all(rel.reltype == RT.HYPERLINK for rel in external)
    assert {rel.target_ref for rel in external} == user_links(example.brief)  # the example cites a local copy
    internal = [link for link in document.element.body.iter(qn("w:hyperlink")) if link.get(qn("w:anchor"))]
    assert len(internal) >= len(example.brief.key_claims)  # each claim's [article] goes to its source


def user_links(brief: Brief) -> set[str]:
    """Every http(s)/mailto target the brief's own text and sources give."""
    found = {source.url for source in brief.sources if source.url}
    texts = [brief.bluf, brief.context, brief.changes or ""]
    texts += [claim.text for claim in brief.key_claims] + [i.text for i in brief.implications]
    texts += [s.summary or "" for s in brief.sections] + [p for s in brief.sections for p in s.points]
    texts += brief.recommendations + brief.indicators
    for text in texts:
        for token in markdown().parse(text, {}):
            for child in token.children or ():
                href = child.attrs.get("href") if child.type == "link_open" else None
                if isinstance(href, str) and not href.startswith("#"):
                    found.add(href)
    return found


def test_the_figure_is_embedded_with_its_alt_text_and_a_caption(example: Example) -> None:
    document = docx.Document(example.path)
    figure = example.brief.sections[0].figures[0]
    pictures = list(
        document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        )
    )
    assert [p.get("descr") for p in pictures] == [figure.alt]
    images = [name for name in parts_of(example.data) if name.startswith("word/media/")]
    assert len(images) == 1 and images[0].endswith(".png")  # the SVG, rasterised: Word shows no bare SVG
    captions = styled(document, "Caption")
    assert len(captions) == 1
    assert captions[0].startswith("Figure 1. The two regions whose full administrative boundaries")
    assert figure.credit is not None and figure.credit in captions[0]


def test_language_is_set_on_the_document_and_its_runs(example: Example) -> None:
    document = docx.Document(example.path)
    default = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default is not None and default.get(qn("w:val")) == "en"
    runs = list(document.element.body.iter(qn("w:r")))
    assert runs and all(r.find(f"{W}rPr/{W}lang").get(qn("w:val")) == "en" for r in runs)


def test_a_right_to_left_brief_gets_bidi_paragraphs_and_section(workspace: Path) -> None:
    text = example_text(workspace).replace("lang: en", "lang: ar")
    path = build_one(workspace, "rtl", text.replace(f"id: {EXAMPLE_ID}", "id: rtl"))
    body = docx.Document(path).element.body
    paragraphs = list(body.iter(qn("w:p")))
    assert all(p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs)
    assert body.find(f"{W}sectPr/{W}bidi") is not None
    run = next(body.iter(qn("w:r")))
    assert run.find(f"{W}rPr/{W}rtl") is not None
    assert run.find(f"{W}rPr/{W}lang").get(qn("w:bidi")) == "ar"


MARKDOWN_BRIEF = """\
id: marks
title: Markdown in Word
date: 2025-10-10
bluf: |-
  **Bold**, *italic*, ~~gone~~, `code`, a [site](https://example.org/a?b=1&c=2), a
  [mail](mailto:desk@example.org), an [in-page link](#sources) and a note.[^n]

  [^n]: The note, with a [link](https://example.org/note).
key_claims:
  - text: One claim with a [bad link](javascript:alert(1)).
    confidence: high
context: |-
  | Actor | Position |
  |---|---|
  | Moscow | *maximalist* |
  | Kyiv | no cession |

  1. first
  2. second
     - nested bullet

  3. third after a blank

  > quoted line

  ```
  code line
  ```

  A second list:

  1. restarts at one
implications:
  - for: Everyone
    text: Something.
sources:
  - id: s
    title: A source
    url: https://example.org/source
"""


def test_markdown_becomes_word_structure(workspace: Path) -> None:
    path = build_one(workspace, "marks", MARKDOWN_BRIEF)
    document = docx.Document(path)
    parts = parts_of(path.read_bytes())
    notes = etree.fromstring(parts["word/footnotes.xml"])
    texts = [
        "".join(t.text or "" for t in note.iter(qn("w:t")))
        for note in notes
        if note.get(qn("w:type")) is None
    ]
    assert texts == [" The note, with a link."]
    assert len(list(document.element.body.iter(qn("w:footnoteReference")))) == 1
    bluf = document.paragraphs[[p.text for p in document.paragraphs].index("Bottom line up front", 10) + 1]
    kinds = {
        run.text: (run.bold, run.italic, run.font.strike, run.style.name if run.style else "")
        for run in bluf.runs
    }
    assert kinds["Bold"][0] and kinds["italic"][1] and kinds["gone"][2]
    assert kinds["code"][3] == "Verbatim Char"
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    assert targets == {
        "https://example.org/a?b=1&c=2",
        "mailto:desk@example.org",
        "https://example.org/source",
    }
    footnote_links = etree.fromstring(parts["word/_rels/footnotes.xml.rels"])
    assert [rel.get("Target") for rel in footnote_links] == ["https://example.org/note"]
    assert "bad link" in styled(document, "List Number")[0]  # its text, no link
    assert not [
        link for link in document.element.body.iter(qn("w:hyperlink")) if "bad" in "".join(link.itertext())
    ]
    table = document.tables[0]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Actor", "Position"], ["Moscow", "maximalist"], ["Kyiv", "no cession"]
    ]  # fmt: skip
    assert table.style is not None and table.style.name == "Table Grid"
    assert "nested bullet" in styled(document, "List Bullet 2")
    assert "quoted line" in styled(document, "Quote")
    assert "code line" in styled(document, "Source Code")
    numbers = [
        p._p.pPr.numPr.numId.val for p in document.paragraphs if p.text in ("first", "restarts at one")
    ]
    assert len(set(numbers)) == 2  # the second list starts again at one


# ---- guarantees --------------------------------------------------------------------------------


def test_the_same_brief_makes_the_same_bytes(example: Example, tmp_path: Path) -> None:
    """A second build in another process (so no cache of this one's is shared) makes the same bytes."""
    again = copy_workspace(tmp_path)
    command = [sys.executable, "-m", "briefgen", "build", "-q", "-f", "docx"]
    subprocess.run(command, cwd=again, check=True, capture_output=True, timeout=120)
    assert (again / "build" / "docx" / f"{EXAMPLE_ID}.docx").read_bytes() == example.data
    with zipfile.ZipFile(example.path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_docx_builds_are_incremental_and_follow_the_reference_document(workspace: Path) -> None:
    assert run("build", "-q", "-f", "docx").exit_code == 0
    second = run("build", "-f", "docx")
    assert "1 up to date" in second.output + second.stderr
    (workspace / "templates").mkdir()
    reference = docx.Document(str(Path("build/docx") / f"{EXAMPLE_ID}.docx"))  # any docx will do
    reference.styles["Normal"].font.name = "Georgia"
    reference.sections[0].page_width, reference.sections[0].page_height = Mm(148), Mm(210)
    reference.save(str(workspace / "templates" / "reference.docx"))
    third = run("build", "-f", "docx")
    assert "1 brief built" in third.output + third.stderr, third.stderr
    made = docx.Document(str(workspace / "build" / "docx" / f"{EXAMPLE_ID}.docx"))
    assert made.styles["Normal"].font.name == "Georgia"
    assert abs(made.sections[0].page_width - Mm(148)) < Mm(0.1)  # the workspace's page, whatever `paper` says
    assert [p.text for p in made.sections[0].header.paragraphs] == ["TLP:CLEAR"]  # its banner replaced
    assert [p.text for p in made.sections[0].footer.paragraphs] == ["TLP:CLEAR", "Page 1 of 1"]
    assert styled(made, "Title") == [load_brief(workspace / "briefs" / f"{EXAMPLE_ID}.yaml").title]


def test_builtin_reference_takes_the_paper_setting(workspace: Path) -> None:
    (workspace / "briefgen.toml").write_text('paper = "Letter"\nformats = ["docx"]\n', encoding="utf-8")
    assert run("build", "-q").exit_code == 0
    section = docx.Document(str(workspace / "build" / "docx" / f"{EXAMPLE_ID}.docx")).sections[0]
    assert (section.page_width, section.page_height) == (Mm(215.9), Mm(279.4))
    assert not (workspace / "build" / "pdf").exists()


def test_default_formats_do_not_include_docx(workspace: Path) -> None:
    assert run("build", "-q", "-f", "md").exit_code == 0
    assert not (workspace / "build" / "docx").exists()
    bad = run("build", "-f", "doc")
    assert bad.exit_code == 2
    assert "choose from html, pdf, md, docx" in bad.stderr


def test_a_reference_document_that_reaches_outside_is_refused(workspace: Path) -> None:
    (workspace / "templates").mkdir()
    reference = docx.Document()
    header = reference.sections[0].header
    header.part.relate_to("https://tracker.example/logo.png", RT.IMAGE, is_external=True)
    reference.save(str(workspace / "templates" / "reference.docx"))
    result = run("build", "-f", "docx,md")
    assert result.exit_code == 1
    lines = {line for line in result.stderr.splitlines() if line.startswith("templates/")}
    assert lines == {
        "templates/reference.docx:1:1: it points outside itself (https://tracker.example/logo.png)"
        " (remove it from the reference document (a logo must be a picture inside it))"
    }
    assert (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").is_file()
    assert not (workspace / "build" / "docx").exists()
    (workspace / "templates" / "reference.docx").write_bytes(b"not a zip")
    broken = run("build", "-f", "docx")
    assert broken.exit_code == 1 and "templates/reference.docx:1:1: not a Word document" in broken.stderr


def test_hostile_briefs_stay_literal_and_nothing_is_external_or_active(tmp_path: Path) -> None:
    root = tmp_path
    (root / "briefs").mkdir()
    shutil.copytree(Path(__file__).resolve().parent.parent / "seeds", root / "seeds")
    names = []
    for case in sorted(HOSTILE.glob("*.yaml")):
        head = case.read_bytes()[:40].decode("utf-8", "replace").lstrip("\ufeff")
        if head.startswith("# expect: ok"):
            text = case.read_bytes().replace(b"@SERVER@", b"http://127.0.0.1:9")
            (root / "briefs" / case.name).write_bytes(text)
            names.append(case.stem)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run("build", "-q", "-f", "docx")
    made = sorted((root / "build" / "docx").glob("*.docx"))
    assert len(made) >= len(names) - 2, result.stderr  # a few ok cases need files the hostile test makes
    for path in made:
        check_inert(path)
    fields = docx.Document(str(root / "build" / "docx" / "docx-field-codes.docx"))
    assert fields.paragraphs[0].text == '{ DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" } Field codes'
    assert fields.paragraphs[1].text.startswith("</w:t></w:r><w:fldSimple")


def check_inert(path: Path) -> None:
    """Nothing Word would fetch or run: only our own fields, hyperlinks the only external targets,
    no macros, embedded objects, attached template or DDE sources."""
    for name, data in parts_of(path.read_bytes()).items():
        assert not re.search(r"vbaProject|vbaData|oleObject|activeX|embeddings/|\.bin$", name), (path, name)
        if name.endswith(".rels"):
            for rel in etree.fromstring(data):
                if rel.get("TargetMode") == "External":
                    assert rel.get("Type") == RT.HYPERLINK, (path, rel.attrib)
                    assert re.match(r"^(https?|mailto):", rel.get("Target", ""), re.IGNORECASE), (
                        path,
                        rel.attrib,
                    )
        elif name.endswith(".xml"):
            tree = etree.fromstring(data)
            for code in tree.iter(qn("w:instrText")):
                assert OUR_FIELDS.match(code.text or ""), (path, code.text)
            assert not list(tree.iter(qn("w:fldSimple"))), path
            for tag in ("w:attachedTemplate", "w:mailMerge", "w:docVars", "w:object", "w:control"):
                assert not list(tree.iter(qn(tag))), (path, tag)
            assert b"macroEnabled" not in data


# ---- digest ------------------------------------------------------------------------------------


def test_the_digest_is_written_as_docx_too(workspace: Path) -> None:
    text = example_text(workspace).replace("lang: en", "lang: he").replace(f"id: {EXAMPLE_ID}", "id: hebrew")
    (workspace / "briefs" / "hebrew.yaml").write_text(
        text.replace("title: ", "title: (he) ", 1), encoding="utf-8"
    )
    result = run("digest", "--since", "2025-10-01", "--until", "2025-10-31")
    assert result.exit_code == 0, result.stderr
    path = workspace / "build" / "digest" / "digest-2025-10-01_2025-10-31.docx"
    document = docx.Document(str(path))
    brief = load_brief(workspace / "briefs" / f"{EXAMPLE_ID}.yaml")
    titles = styled(document, "Heading 1")
    assert sorted(titles) == sorted([brief.title, f"(he) {brief.title}"])
    assert styled(document, "Heading 3") == [section.heading for section in brief.sections] * 2
    assert [p.text for p in document.sections[0].header.paragraphs] == ["TLP:CLEAR"]
    for p in document.paragraphs:  # each brief's text in its own language, the Hebrew one right to left
        if p.style is not None and p.style.name == "Heading 1":
            lang = "he" if p.text.startswith("(he)") else "en"
        elif p.style is not None and p.style.name.startswith("Heading"):
            assert p._p.find(f"{W}r/{W}rPr/{W}lang").get(qn("w:val")) == lang
            assert (p._p.find(f"{W}pPr/{W}bidi") is not None) == (lang == "he")
    check_inert(path)


# ---- LibreOffice -------------------------------------------------------------------------------


def test_libreoffice_opens_the_example_and_prints_its_text(example: Example, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: scripts/setup --test installs libreoffice-writer-nogui"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(example.path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    reader = PdfReader(tmp_path / f"{EXAMPLE_ID}.pdf")
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    count = len(pages)
    assert 4 <= count <= 12
    assert all(page.startswith("TLP:CLEAR") for page in pages)
    assert all(f"Page {n} of {count}" in page for n, page in enumerate(pages, start=1))
    text = " ".join(pages)
    for expected in [
        example.brief.title.split("'")[0],
        *(s.heading for s in example.brief.sections),
        "Sources",
    ]:
        assert " ".join(expected.split()) in text
    assert "Moderate confidence" in text or "MODERATE CONFIDENCE" in text


def test_publish_sends_the_wiki_no_word_file(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every format built, `formats` including docx, the wiki still gets Markdown pages only."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(workspace))
    wiki = workspace / "wiki"
    subprocess.run(["git", "init", "-q", "-b", "main", str(wiki)], check=True)
    for key, value in (("user.name", "Analyst"), ("user.email", "analyst@example.org")):
        subprocess.run(["git", "config", key, value], cwd=wiki, check=True)
    (workspace / "briefgen.toml").write_text(
        'formats = ["md", "docx"]\n[wiki]\npath = "wiki"\n', encoding="utf-8"
    )
    assert run("build", "-q").exit_code == 0
    assert (workspace / "build" / "docx" / f"{EXAMPLE_ID}.docx").is_file()
    result = run("publish")
    assert result.exit_code == 0, result.output + result.stderr
    files = [p.relative_to(wiki).as_posix() for p in wiki.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert files and all(not name.endswith((".docx", ".pdf")) for name in files), files
