"""Right-to-left layout and the PDF standards (PDF/UA-1 by default, PDF/A on request), read back.

veraPDF cannot run here, so the PDFs WeasyPrint writes are opened with pypdf and checked for the
parts PDF/UA-1 and PDF/A require: XMP identification, a tagged structure tree with headings and
figures carrying /Alt, /Lang, DisplayDocTitle, embedded fonts with no .notdef glyph drawn, no
encryption, and for PDF/A an OutputIntent and no transparency group.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from briefgen.locale.direction import direction
from tests.conftest import EXAMPLE_ID, copy_workspace, run

ARABIC_BLUF = "قال Vladimir Putin إن المحادثات ستستمر."
BRIEFS = {
    "ar-brief": f"""\
        title: تقرير عن المفاوضات
        lang: ar
        date: 2025-10-10
        authors: [John Smith]
        bluf: {ARABIC_BLUF}
        key_claims:
          - text: التقى الوفدان في مدينة Anchorage يوم الجمعة.
            confidence: high
            attribution: Reuters
        context: خلفية قصيرة عن الاجتماع.
        implications:
          - for: الحلفاء
            text: ما يعنيه ذلك.
        """,
    "he-brief": """\
        title: סקירה על המשא ומתן
        lang: he-IL
        date: 2025-10-10
        bluf: המשלחות נפגשו באנקורג'.
        key_claims:
          - text: הפגישה נמשכה שלוש שעות.
            confidence: moderate
        context: רקע קצר.
        implications:
          - for: בעלות הברית
            text: מה זה אומר.
        """,
    "zh-brief": """\
        title: 关于谈判的简报
        lang: zh
        date: 2025-10-10
        bluf: 两国代表团在安克雷奇会面。
        key_claims:
          - text: 会谈持续了三个小时。
            confidence: low
        context: 简短的背景。
        implications:
          - for: 盟友
            text: 这意味着什么。
        """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example brief and the three briefs above, built once to HTML, PDF and Markdown."""
    root = copy_workspace(tmp_path_factory.mktemp("rtl"))
    for name, text in BRIEFS.items():
        (root / "briefs" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run("build", "-f", "html", "-f", "pdf", "-f", "md")
        assert result.exit_code == 0, result.output
        assert ".notdef" not in result.stderr
    yield root


def test_direction_of_language_tags() -> None:
    for tag in ("ar", "fa", "he", "ur", "ar-EG", "he-IL", "fa_IR", "az-Arab"):
        assert direction(tag) == "rtl", tag
    for tag in ("en", "fr-CA", "zh", "ru", "ur-Latn", "", None):
        assert direction(tag) == "ltr", tag


def test_html_root_and_front_matter_carry_dir(built: Path) -> None:
    arabic = (built / "build/html/ar-brief.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="ar" dir="rtl">', arabic)
    assert '<html lang="he-IL" dir="rtl">' in (built / "build/html/he-brief.html").read_text(encoding="utf-8")
    assert 'dir="ltr"' in (built / "build/html/zh-brief.html").read_text(encoding="utf-8")
    assert "\ndir: rtl\n" in (built / "build/md/ar-brief.md").read_text(encoding="utf-8")
    assert "dir:" not in (built / f"build/md/{EXAMPLE_ID}.md").read_text(encoding="utf-8")


def _runs(page: Any) -> list[tuple[str, float, float]]:
    """Each shown string with its page position in points (x from the left, y from the top)."""
    height = float(page.mediabox.height)
    runs: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text, x, height - y))

    page.extract_text(visitor_text=visit)
    return runs


def test_arabic_pdf_mirrors_and_reads_in_logical_order(built: Path) -> None:
    page = PdfReader(built / "build/pdf/ar-brief.pdf").pages[0]
    width = float(page.mediabox.width)
    runs = _runs(page)
    # The page number moves to the bottom left; the claim's number to the right edge.
    word = "الصفحة"  # "Page", from the Arabic label catalog; drawn right to left, so either order
    (number,) = [(x, y) for text, x, y in runs if word in text or word[::-1] in text][:1]
    assert number[0] < width / 3 and number[1] > 700
    example = _runs(PdfReader(built / f"build/pdf/{EXAMPLE_ID}.pdf").pages[0])
    (left_to_right,) = [x for text, x, _ in example if text.startswith("Page ")]
    assert left_to_right > width / 2
    # The BLUF line is laid out right to left: its runs, read from the right, are the sentence as
    # written, with the English name in its place.
    line_y = next(y for text, _, y in runs if "Vladimir Putin" in text)
    line = [text for text, _, y in runs if abs(y - line_y) < 1]
    assert "".join(reversed(line)).replace(" ", "") == ARABIC_BLUF.replace(" ", "")


def _fonts(reader: PdfReader) -> Iterator[tuple[str, DictionaryObject]]:
    for page in reader.pages:
        for name, ref in page["/Resources"]["/Font"].items():
            yield name, ref.get_object()


def _notdef_drawn(reader: PdfReader) -> int:
    """How many glyphs the pages draw as .notdef (a tofu box). WeasyPrint writes every string as
    2-byte hex glyph codes (Identity-H); a character no font covers becomes code 0000 or ffff."""
    count = 0
    for page in reader.pages:
        for string in re.findall(rb"<([0-9a-fA-F]*)>", page.get_contents().get_data()):
            codes = [string[i : i + 4].lower() for i in range(0, len(string), 4)]
            count += sum(code in (b"0000", b"ffff") for code in codes)
    return count


@pytest.mark.parametrize(
    ("name", "family", "words"),
    [
        ("ar-brief", "Noto-Sans-Arabic", "خلفية قصيرة عن الاجتماع"),
        ("he-brief", "Noto-Sans-Hebrew", "רקע קצר"),
        ("zh-brief", "Noto-Sans-CJK", "简短的背景"),
    ],
)
def test_script_fonts_embedded_no_tofu(built: Path, name: str, family: str, words: str) -> None:
    reader = PdfReader(built / f"build/pdf/{name}.pdf")
    names = []
    for _, font in _fonts(reader):
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
        names.append(str(font["/BaseFont"]))
    assert any(family in font for font in names), names
    assert _notdef_drawn(reader) == 0
    assert words in reader.pages[0].extract_text()


def test_notdef_check_sees_tofu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tofu check above can fail: a script no installed font covers draws glyph 0."""
    copy_workspace(tmp_path)
    for old in (tmp_path / "briefs").iterdir():
        old.unlink()
    # U+0378 is unassigned, U+10FFFD private use: no installed font has a glyph for either.
    brief = textwrap.dedent(BRIEFS["zh-brief"]).replace("简短的背景。", "A\u0378\U0010fffdB")
    (tmp_path / "briefs/tofu.yaml").write_text(brief, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("build", "-f", "pdf")
    assert result.exit_code == 0 and ".notdef" in result.stderr
    assert _notdef_drawn(PdfReader(tmp_path / "build/pdf/tofu.pdf")) == 2


def _struct_types(node: Any, found: dict[str, list[DictionaryObject]]) -> None:
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if isinstance(node, list):
        for child in node:
            _struct_types(child, found)
    elif isinstance(node, DictionaryObject) and "/S" in node:
        found.setdefault(str(node["/S"]).lstrip("/"), []).append(node)
        if "/K" in node:
            _struct_types(node["/K"], found)


def _standard_parts(path: Path) -> tuple[PdfReader, str, dict[str, list[DictionaryObject]]]:
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert not reader.is_encrypted and "/Encrypt" not in reader.trailer
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert root["/Lang"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    types: dict[str, list[DictionaryObject]] = {}
    _struct_types(root["/StructTreeRoot"]["/K"], types)
    for _, font in _fonts(reader):
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descendant["/FontDescriptor"].get_object())
    return reader, xmp, types


def test_pdf_ua_by_default(built: Path) -> None:
    reader, xmp, types = _standard_parts(built / f"build/pdf/{EXAMPLE_ID}.pdf")
    assert 'pdfuaid:part="1"' in xmp
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert {"H1", "H2", "P", "Figure"} <= set(types), set(types)
    assert all(str(figure.get("/Alt", "")).strip() for figure in types["Figure"])
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert PdfReader(built / "build/pdf/ar-brief.pdf").trailer["/Root"]["/Lang"] == "ar"


def test_pdf_a_3u_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_workspace(tmp_path)
    (tmp_path / "briefgen.toml").write_text('pdf_variant = "pdf/a-3u"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("build", "-f", "pdf").exit_code == 0
    path = tmp_path / f"build/pdf/{EXAMPLE_ID}.pdf"
    reader = PdfReader(path)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="U"', xmp)
    assert reader.trailer["/Root"]["/OutputIntents"]
    assert not reader.is_encrypted
    # PDF/A-1 forbids transparency; PDF/A-2 and -3 allow a transparency group (an SVG figure's
    # opacity) when it names its blending colour space.
    groups = re.findall(rb"/Group\s*<<([^>]*)>>", path.read_bytes())
    assert all(b"/CS" in group for group in groups if b"/Transparency" in group)
    # PDF/A-3u is still tagged: the structure tree and /Lang stay.
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/Lang"] == "en"


def test_digest_pdf_is_pdf_ua(workspace: Path) -> None:
    assert run("digest", "--week", "2025-W41").exit_code == 0
    _, xmp, types = _standard_parts(workspace / "build/digest/digest-2025-W41.pdf")
    assert 'pdfuaid:part="1"' in xmp
    assert {"H1", "H2"} <= set(types)


def test_unknown_variant_is_a_config_error(workspace: Path) -> None:
    (workspace / "briefgen.toml").write_text('out = "build"\npdf_variant = "pdf/ua1"\n', encoding="utf-8")
    result = run("build", "-f", "pdf")
    assert result.exit_code != 0
    assert "briefgen.toml:2:1" in result.stderr
    assert "did you mean 'pdf/ua-1'" in result.stderr
    assert "Traceback" not in result.stderr
