"""A big digest laid out in parts and assembled (briefgen.digest.parts, .assemble), read back with pypdf
and pikepdf: it must be the PDF the one-pass layout makes (page numbers, contents, running headers,
bookmarks, links, metadata, structure), and the same bytes on every build."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from briefgen.digest.parts import (
    PARTS_FROM,
    PARTS_FROM_ENV,
    STAMP_PAGES_ENV,
    own_page_styles,
    stamp_slices,
    use_parts,
)
from tests.conftest import EXAMPLE_ID, run
from tests.test_digest import WEEK, digest_workspace, flat, outline_tree
from tests.test_rtl_pdf import _standard_parts

COPIES = 22
"""Copies of the worked example beside the three week-41 digest briefs: 25 briefs, seven parts."""
STAMP = "37"
"""Pages per slice of the page numbers in the parts builds: several slices, borders inside briefs."""
PDF = "digest/digest-2025-W41.pdf"


def _copy_title(number: int) -> str:
    return f"Copy {number:02d}: Putin anchors Russia's Ukraine settlement strategy"


@dataclass(frozen=True)
class Digests:
    parts: Path
    again: Path
    one_pass: Path

    @property
    def reader(self) -> PdfReader:
        return PdfReader(self.parts)


@pytest.fixture(scope="module")
def digests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Digests]:
    """The week-41 digest of 25 briefs built in parts twice (page numbers in slices of `STAMP`
    pages), and in one pass."""
    root = digest_workspace(tmp_path_factory.mktemp("parts"))
    example = (root / "briefs" / f"{EXAMPLE_ID}.yaml").read_text(encoding="utf-8")
    for number in range(COPIES):
        text = example.replace(f"id: {EXAMPLE_ID}", f"id: copy-{number:02d}")
        text = text.replace("date: 2025-10-10", f"date: 2025-10-{6 + number % 7:02d}")
        text = re.sub(r"^title: .*$", f'title: "{_copy_title(number)}"', text, count=1, flags=re.M)
        (root / "briefs" / f"copy-{number:02d}.yaml").write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv(STAMP_PAGES_ENV, STAMP)
        for out, parts_from in (("parts", "1"), ("again", "1"), ("one-pass", "1000000")):
            patch.setenv(PARTS_FROM_ENV, parts_from)
            result = run("digest", "--week", "2025-W41", "-o", out)
            assert result.exit_code == 0, result.output + result.stderr
            assert "warning" not in result.stderr, result.stderr
    yield Digests(root / "parts" / PDF, root / "again" / PDF, root / "one-pass" / PDF)


def _titles() -> list[str]:
    return [title for _, title, _ in WEEK] + [_copy_title(number) for number in range(COPIES)]


def _pages(reader: PdfReader) -> list[str]:
    return [flat(page.extract_text()) for page in reader.pages]


def _starts(reader: PdfReader) -> dict[str, int]:
    """Each brief's title → the 1-based page its heading is on (first page after the contents with it)."""
    pages = _pages(reader)
    first = next(number for number, text in enumerate(pages) if text.startswith("BRIEF ·"))
    return {
        title: next(number for number in range(first, len(pages)) if title in pages[number]) + 1
        for title in _titles()
    }


def _contents_numbers(reader: PdfReader) -> dict[str, int]:
    """Each brief's title → the number its contents line prints after the dot leader."""
    pages = _pages(reader)
    contents = " ".join(text for text in pages if text.startswith("CONTENTS") or "Contents TLP:" in text)
    numbers = {}
    for title in _titles():
        found = re.search(re.escape(title) + r"[ .]*?(\d+)\b", contents)
        assert found, f"{title!r} is not in the contents"
        numbers[title] = int(found[1])
    return numbers


def test_digests_from_twenty_one_briefs_are_laid_out_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PARTS_FROM_ENV, raising=False)
    assert PARTS_FROM == 21 and use_parts(21) and not use_parts(20)
    monkeypatch.setenv(PARTS_FROM_ENV, "3")
    assert use_parts(3) and not use_parts(2)


def test_page_numbers_are_laid_out_in_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STAMP_PAGES_ENV, "3")
    assert stamp_slices(7) == [range(0, 3), range(3, 6), range(6, 7)]
    assert stamp_slices(7, whole=True) == [range(0, 7)]
    monkeypatch.delenv(STAMP_PAGES_ENV)
    assert stamp_slices(5) == [range(0, 5)]


@pytest.mark.parametrize(
    ("own", "whole"),
    [
        (None, False),
        ("brief.md.j2", False),
        ("pdf.css", True),
        ("digest.pdf.j2", True),
        ("digest-part.pdf.j2", True),
    ],
)
def test_a_workspace_that_restyles_the_digest_gets_its_numbers_laid_out_whole(
    tmp_path: Path, own: str | None, whole: bool
) -> None:
    """Its own rules may number pages in ways a slice cannot know (`counter(pages)`, `@page :first`)."""
    if own is not None:
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates" / own).write_text("", encoding="utf-8")
    assert own_page_styles(tmp_path) is whole


def test_every_page_but_the_cover_says_page_x_of_y(digests: Digests) -> None:
    """Across the borders of the slices the numbers were laid out in, too."""
    pages = _pages(digests.reader)
    assert len(pages) > 3 * int(STAMP)
    assert "Page 1 of" not in pages[0], "the cover has no page number, as in one pass"
    for number, text in enumerate(pages[1:], 2):
        assert text.endswith(f"Page {number} of {len(pages)}") or f"Page {number} of {len(pages)}" in text
        assert len(re.findall(r"Page \d+ of \d+", text)) == 1, f"page {number}: one page number"


def test_the_same_pages_as_one_pass(digests: Digests) -> None:
    parts, one = _pages(digests.reader), _pages(PdfReader(digests.one_pass))
    assert len(parts) == len(one)
    for number, (mine, theirs) in enumerate(zip(parts, one, strict=True), 1):
        assert Counter(mine.split()) == Counter(theirs.split()), f"page {number} differs"


def test_contents_numbers_are_the_pages_of_the_briefs_headings(digests: Digests) -> None:
    reader = digests.reader
    numbers, starts = _contents_numbers(reader), _starts(reader)
    assert numbers == starts
    assert numbers == _contents_numbers(PdfReader(digests.one_pass))
    pages = _pages(reader)
    for (_, title, marking), start in zip(WEEK, (numbers[title] for _, title, _ in WEEK), strict=True):
        assert pages[start - 1].startswith(f"BRIEF · {marking}")
        assert title in pages[start - 1]


def test_running_headers_carry_the_digest_and_the_brief(digests: Digests) -> None:
    pages = _pages(digests.reader)
    starts = sorted(_starts(digests.reader).values())
    for number in range(2, len(pages) + 1):
        assert "Weekly brief digest, 6–12 October 2025" in pages[number - 1], f"page {number}"
    contents = [number for number, text in enumerate(pages, 1) if "Contents TLP:" in text]
    assert contents and all(number < starts[0] for number in contents)


def test_bookmarks_nest_as_in_one_pass(digests: Digests) -> None:
    tree = outline_tree(digests.reader)
    assert tree == outline_tree(PdfReader(digests.one_pass))
    [(title, page, children)] = tree
    assert (title, page) == ("Weekly brief digest", 0)
    names = [name for name, _, _ in children]
    assert names[:2] == ["This week at a glance", "Contents"] and len(names) == 27
    starts = _starts(digests.reader)
    for name, page, sections in children[2:]:
        assert page == starts[name] - 1
        assert [section for section, _, _ in sections][:2] == ["Bottom line up front", "Key claims"]
    with pikepdf.open(digests.parts) as pdf:
        briefs = list(pdf.open_outline().root[0].children)[2:]
        assert all(int(item.obj.Count) < 0 for item in briefs), "each brief's bookmark closed"


def test_internal_links_land_on_their_targets(digests: Digests) -> None:
    reader = digests.reader
    destinations = reader.named_destinations
    starts = {f"brief-{brief_id}": starts for brief_id, starts in _anchor_starts(reader).items()}
    links = 0
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if "/Dest" not in annotation:
                continue
            name = str(annotation["/Dest"])
            assert name in destinations, f"page {number + 1}: a link to the missing #{name}"
            target = reader.get_destination_page_number(destinations[name])
            anchor = name.split("--")[0]
            if anchor in starts:  # the brief itself, or a place inside it
                first, end = starts[anchor]
                assert first <= target < end, f"#{name} lands on page {target + 1}, not in {first + 1}-{end}"
                if name == anchor:
                    assert target == first
            links += 1
    assert links >= 2 * 25, "the glance and the contents link every brief"


def _anchor_starts(reader: PdfReader) -> dict[str, tuple[int, int]]:
    """Brief id → its (first, past the last) 0-based page, from the bookmarks."""
    [(_, _, children)] = outline_tree(reader)
    briefs = children[2:]
    ids = [brief_id for brief_id, _, _ in WEEK] + [f"copy-{number:02d}" for number in range(COPIES)]
    by_title = dict(zip(_titles(), ids, strict=True))
    ends = [page for _, page, _ in briefs[1:]] + [len(reader.pages)]
    return {by_title[title]: (page, end) for (title, page, _), end in zip(briefs, ends, strict=True)}


def test_metadata_is_the_one_pass_digests(digests: Digests) -> None:
    reader, one = digests.reader, PdfReader(digests.one_pass)
    assert reader.metadata == one.metadata
    assert reader.metadata.title == "Weekly brief digest: Week 41, 2025 (6–12 October 2025)"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    _, xmp, _ = _standard_parts(digests.parts)
    assert 'pdfuaid:part="1"' in xmp
    assert xmp == one.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_one_structure_tree_with_every_briefs_headings_and_figures(digests: Digests) -> None:
    _, _, types = _standard_parts(digests.parts)
    _, _, theirs = _standard_parts(digests.one_pass)
    counts = {name: len(found) for name, found in types.items()}
    assert counts == {name: len(found) for name, found in theirs.items()}
    assert counts["H1"] == 1 + 25, "the digest's title and every brief's"
    assert counts["Document"] == 1, "one /Document; as in one pass, <main> is a /Part on each page"
    assert counts["Figure"] >= COPIES + 1 and all(str(f.get("/Alt", "")).strip() for f in types["Figure"])
    assert counts["H2"] >= 25 * 5


def _marked(pdf: pikepdf.Pdf, page: pikepdf.Page) -> tuple[list[int], int, int]:
    """The page's MCIDs; how many times it draws the page number inside an /Artifact and outside one."""
    mcids: list[int] = []
    open_tags: list[str] = []
    stamped = loose = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            open_tags.append(str(operands[0]))
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcids.append(int(operands[1].MCID))
        elif op == "EMC":
            open_tags.pop()
        elif op == "Do" and str(operands[0]) == "/BgPageNumber":
            if "/Artifact" in open_tags:
                stamped += 1
            else:
                loose += 1
    return mcids, stamped, loose


def test_every_marked_content_is_in_the_structure_and_page_numbers_are_artifacts(digests: Digests) -> None:
    with pikepdf.open(digests.parts) as pdf:
        parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        annotations = 0
        for number, page in enumerate(pdf.pages):
            assert int(page.obj.StructParents) == number
            mcids, stamped, loose = _marked(pdf, page)
            assert (stamped, loose) == (1, 0), (
                f"page {number + 1}: the page number drawn once, as an artifact"
            )
            elements = parents[number]
            for mcid in mcids:
                element = elements[mcid]
                assert element.Type == "/StructElem" and element.Pg.objgen == page.obj.objgen
            for annotation in page.obj.get("/Annots", []):
                element = parents[int(annotation.StructParent)]
                assert element.S == "/Link"
                annotations += 1
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == len(pdf.pages) + annotations


def test_two_builds_are_byte_identical(digests: Digests) -> None:
    assert digests.parts.read_bytes() == digests.again.read_bytes()
