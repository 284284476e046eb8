"""PDF and Word articles: real files from WeasyPrint and python-docx (scripts/make_article_fixtures.py),
read, scaffolded with `new` and checked with `check`; hostile ones refused with one line."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader, PdfWriter

from briefgen.loading import load_brief
from briefgen.sources import SourceError, find_quote, isolation, read_article
from briefgen.sources.pdf import join_lines
from tests.conftest import run

ARTICLES = Path(__file__).parent / "data" / "articles"
HOSTILE = Path(__file__).parent / "data" / "hostile"

EXPECTED = {
    "grain-corridor.pdf": (
        "pdf",
        "Grain Corridor Talks Stall Over Inspection Regime",
        dt.date(2025, 10, 9),  # the byline's date, not the PDF's CreationDate (the 12th)
        [("Inspections at the Bosphorus", 1), ("Insurance and the Price of Wheat", 2),
         ("What Happens After the Deadline", 2)],
        ("BlackSea", "GrainCorridor"),
    ),
    "island-cable.pdf": (
        "pdf",
        "Island Grid Cable Cut Raises Sabotage Fears",  # no /Title: the largest text on page 1
        dt.date(2025, 11, 4),  # no date in the text: the CreationDate
        [("Why the Cable Matters", 1), ("Suspicions of Sabotage", 1), ("Repairs and Resilience Plans", 2)],
        ("IslandGrid", "CriticalInfrastructure", "EnergySecurity"),
    ),
    "fisheries-quotas.docx": (
        "docx",
        "Ministry Reviews Fisheries Quotas After Stock Survey",
        dt.date(2025, 3, 2),  # core properties `created`
        [("What the Survey Found", 3), ("Quotas Under Review", 10), ("Reactions From the Ports", 16)],
        ("Fisheries", "Quotas"),
    ),
    "border-crossing.docx": (
        "docx",
        "Border Crossing Reopens After Flood Repairs",
        dt.date(2025, 3, 12),  # "Regional office, 12 March 2025" beats `created` (1 May)
        [("Traffic on the First Day", 4), ("Temporary Bridge Limits", 6), ("Next Steps", 8)],
        ("Borders", "Logistics"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_binary_articles(name: str) -> None:
    kind, title, published, headings, tags = EXPECTED[name]
    article = read_article(ARTICLES / name)
    assert article.format == kind
    assert article.title == title
    assert article.published == published
    assert [(h.text, h.line) for h in article.headings] == headings
    assert article.tags == tags
    for heading in article.headings:
        assert article.text[heading.offset :].startswith(heading.text)


@pytest.mark.parametrize("name", ["grain-corridor.pdf", "island-cable.pdf"])
def test_pdf_text_is_the_articles_paragraphs(name: str) -> None:
    article = read_article(ARTICLES / name)
    raw = "\n".join(page.extract_text() for page in PdfReader(ARTICLES / name).pages)
    assert "Page 1 of 2" in raw and "Page 2 of 2" in raw, "the fixture has page numbers to remove"
    for furniture in ("Page 1 of 2", "Page 2 of 2", "Black Sea Monitor", "Northern Grid Review"):
        assert furniture not in article.text
    assert "\u2010" not in article.text and "\xad" not in article.text
    breaks = re.findall(r"(\w+)\u2010\n(\w+)", raw)
    assert len(breaks) >= 3, "the fixture has hyphenated line breaks"
    for left, right in breaks:
        assert re.search(rf"\b{left}{right}\b", article.text), f"{left}-{right} not joined"
    assert "oil-fired" in article.text or "Russia-Ukraine" in article.text, "real hyphens stay"
    paragraphs = article.text.split("\n\n")
    assert all("\n" not in paragraph for paragraph in paragraphs), "one paragraph, one line"


def test_grain_paragraphs_and_subheadings() -> None:
    grain = read_article(ARTICLES / "grain-corridor.pdf").text.split("\n\n")
    assert (
        "Shipping companies have responded by rerouting cargo through Romanian ports on the Danube, where "
        "capacity is limited and the communication between port authorities and insurers is still handled "
        "largely by telephone and fax."
    ) in grain
    cable = read_article(ARTICLES / "island-cable.pdf")
    assert "The anchor trail" in cable.text.split("\n\n"), "a smaller bold subheading is text, not a section"


def test_join_lines() -> None:
    assert join_lines(["the communi-", "cation between"], set()) == "the communication between"
    assert join_lines(["the Russia-", "Ukraine talks"], set()) == "the Russia-Ukraine talks"
    assert join_lines(["a well-", "known case"], {"well-known"}) == "a well-known case"
    assert join_lines(["soft\xad", "ly and a dash -", "then"], set()) == "softly and a dash - then"


def test_word_lists_and_tables() -> None:
    text = read_article(ARTICLES / "fisheries-quotas.docx").text
    assert "- Cod spawning stock down 38 per cent\n- Herring stable\n- Mackerel moving north" in text
    assert "Species | 2025 | 2026 proposal\nCod | 21,000 | 14,500\nHerring | 48,000 | 48,000" in text
    assert "\n\nMethod\n\n" in text, "a Heading 2 under Heading 1 sections is text"


def test_a_pdf_encrypted_with_an_empty_password_is_read() -> None:
    writer = PdfWriter(clone_from=PdfReader(ARTICLES / "grain-corridor.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    from briefgen.sources import parse_bytes

    article = parse_bytes(out.getvalue(), Path("locked.pdf"))
    assert [h.text for h in article.headings] == [h[0] for h in EXPECTED["grain-corridor.pdf"][3]]


def _slow_reader(data: bytes, path: Path) -> object:
    time.sleep(30)
    raise AssertionError("not given up")


def test_a_reader_that_hangs_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "PARSE_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(SourceError, match="took longer than 1 s to read"):
        isolation.parse_isolated(_slow_reader, b"", Path("x.pdf"), "PDF")  # type: ignore[arg-type]
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_new_and_check_on_binary_articles(workspace: Path, name: str) -> None:
    shutil.copy(ARTICLES / name, workspace / "seeds" / name)
    result = run("new", f"seeds/{name}")
    assert result.exit_code == 0, result.stderr
    assert ": 3 sections, " in result.stdout
    brief_id = Path(name).stem
    brief_path = workspace / "briefs" / f"{brief_id}.yaml"
    loaded = load_brief(brief_path)
    assert [s.heading for s in loaded.brief.sections] == [h[0] for h in EXPECTED[name][3]]
    assert loaded.brief.sources[0].published == EXPECTED[name][2]
    assert run("check", "--strict", f"briefs/{brief_id}.yaml").exit_code == 0


QUOTES = {
    # across a line break and a hyphenated one ("slow‐" / "down")
    "grain-corridor.pdf": 'Kyiv called "a deliberate slowdown dressed up as security"',
    "island-cable.pdf": "forced the grid operator to restart two oil-fired plants",
    "fisheries-quotas.docx": "Cod spawning stock down 38 per cent",
    "border-crossing.docx": "The temporary bridge can carry vehicles of up to forty tonnes",
}


@pytest.mark.parametrize("name", sorted(QUOTES))
def test_check_finds_verbatim_quotes(workspace: Path, name: str) -> None:
    shutil.copy(ARTICLES / name, workspace / "seeds" / name)
    assert run("new", f"seeds/{name}", "--id", "quoted").exit_code == 0
    path = workspace / "briefs" / "quoted.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["date"] = "2025-12-01"
    data["key_claims"][0]["quote"] = QUOTES[name]
    data["sections"][0]["quotes"] = ["words this article never says"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert find_quote(QUOTES[name], read_article(ARTICLES / name).index).found
    result = run("check", "briefs/quoted.yaml")
    lines = [line for line in result.stdout.splitlines() + result.stderr.splitlines() if "quote" in line]
    assert result.exit_code == 1
    assert len(lines) == 1 and "sections[0].quotes[0]: quote not found" in lines[0], lines


HOSTILE_ARTICLES = {
    "article-encrypted.pdf": "an encrypted PDF that needs a password",
    "article-scanned.pdf": "no text layer: OCR it first",
    "article-truncated.pdf": "a damaged or truncated PDF",
    "article-huge-page-count.pdf": "a PDF of 3,000 pages, more than the 2,000",
    "article-damaged.docx": "a damaged Word file",
    "article-macros.docm": "a macro-enabled Word file",
    "article-zip-bomb.docx": "a zip bomb: word/document.xml unpacks",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_ARTICLES))
def test_hostile_articles_are_one_line_and_exit_2(workspace: Path, name: str) -> None:
    shutil.copy(HOSTILE / name, workspace / "seeds" / name)
    before = sorted((workspace / "briefs").iterdir())
    result = run("new", f"seeds/{name}")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"seeds/{name}:1:1: ") and HOSTILE_ARTICLES[name] in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert sorted((workspace / "briefs").iterdir()) == before


def test_hostile_articles_are_listed_in_the_corpus_readme() -> None:
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    on_disk = {path.name for path in HOSTILE.glob("article-*")}
    assert on_disk == set(HOSTILE_ARTICLES)
    for name in on_disk:
        assert f"`{name}`" in readme


def test_an_outline_nested_thousands_deep_is_ignored_not_fatal() -> None:
    """pypdf recurses through the outline: past Python's limit the bookmarks are dropped and the
    headings come from the fonts instead; made here because the file is half a megabyte."""
    import sys

    from briefgen.sources import parse_bytes

    writer = PdfWriter(clone_from=PdfReader(ARTICLES / "island-cable.pdf"))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # pypdf's writer recurses through the outline too
    try:
        parent = None
        for depth in range(2500):
            parent = writer.add_outline_item(title=f"level {depth}", page_number=0, parent=parent)
        out = io.BytesIO()
        writer.write(out)
    finally:
        sys.setrecursionlimit(limit)
    article = parse_bytes(out.getvalue(), Path("deep.pdf"))
    assert [(h.text, h.line) for h in article.headings] == EXPECTED["island-cable.pdf"][3]
