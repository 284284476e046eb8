"""The weekly digest, built by the real command and read back: PDF (pypdf), HTML and Markdown parsers."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from pypdf import PdfReader

from briefgen.digest import Period, range_period, week_period
from briefgen.errors import ExitCode
from tests.conftest import EXAMPLE_ID, copy_workspace, run

DATA = Path(__file__).parent / "data" / "digest"
EXAMPLE_TITLE = "Putin anchors Russia's Ukraine settlement strategy to undisclosed 'Alaska Summit' provisions"
# Week 2025-W41 (6–12 October), oldest first: (id, title, marking).
WEEK = [
    ("energy-gas-prices", "European gas prices ease as storage passes 90 per cent", "TLP:GREEN"),
    ("ukraine-talks", "Talks on a Black Sea corridor stall", "TLP:AMBER"),
    (EXAMPLE_ID, EXAMPLE_TITLE, "TLP:CLEAR"),
]
MARKINGS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:RED")


def digest_workspace(root: Path) -> Path:
    """The example workspace plus the digest test briefs (three in week 41, one in week 42)."""
    copy_workspace(root)
    for path in DATA.glob("*.yaml"):
        shutil.copy(path, root / "briefs" / path.name)
    return root


def flat(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass(frozen=True)
class Built:
    root: Path
    pdf: PdfReader
    pages: list[str]
    html: str
    md: str
    manifest: dict
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def week41(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """`briefgen digest --week 2025-W41`, run once for the whole module."""
    root = digest_workspace(tmp_path_factory.mktemp("digest"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run("digest", "--week", "2025-W41")
    assert result.exit_code == 0, result.output + result.stderr
    folder = root / "build" / "digest"
    reader = PdfReader(folder / "digest-2025-W41.pdf")
    yield Built(
        root,
        reader,
        [flat(page.extract_text()) for page in reader.pages],
        (folder / "digest-2025-W41.html").read_text(encoding="utf-8"),
        (folder / "digest-2025-W41.md").read_text(encoding="utf-8"),
        json.loads((folder / "digest-2025-W41.json").read_text(encoding="utf-8")),
        result.stdout,
        result.stderr,
    )


def outline_tree(reader: PdfReader, items: list | None = None) -> list[tuple[str, int, list]]:
    """pypdf's flat outline list (children follow their parent as a list) → (title, page index, children)."""
    tree: list[tuple[str, int, list]] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            title, page, _ = tree[-1]
            tree[-1] = (title, page, outline_tree(reader, item))
        else:
            tree.append((item.title, reader.get_destination_page_number(item), []))
    return tree


def toc_pages(built: Built) -> dict[str, int]:
    """Title → the page number the contents page prints after its dot leader."""
    assert built.pages[1].startswith("THIS WEEK AT A GLANCE"), "the glance page comes right after the cover"
    contents = built.pages[2]
    assert contents.startswith("CONTENTS")
    numbers = {}
    for _, title, _ in WEEK:
        found = re.search(re.escape(title) + r"[ .]*?(\d+)\b", contents)
        assert found, f"{title!r} not in the contents: {contents[:400]!r}"
        numbers[title] = int(found[1])
    return numbers


# ---- the PDF --------------------------------------------------------------------------------------


def test_the_command_says_what_it_made(week41: Built) -> None:
    assert "digest-2025-W41: 3 briefs, TLP:AMBER" in week41.stdout
    assert "build/digest/digest-2025-W41.pdf" in week41.stdout
    assert "warning" not in week41.stderr, "WeasyPrint logged nothing"


def test_cover_shows_title_period_count_and_most_restrictive_marking(week41: Built) -> None:
    cover = week41.pages[0]
    assert "Weekly brief digest" in cover
    assert "Week 41, 2025 (6–12 October 2025)" in cover
    assert "Briefs: 3" in cover
    assert "TLP:AMBER" in cover, "AMBER is the most restrictive of GREEN, AMBER and CLEAR"
    assert "TLP:RED" not in cover, "the week-42 RED brief is not in this digest"
    assert cover.count("TLP:AMBER") >= 3, "kicker, facts, and the banners in the page margins"


def test_contents_page_numbers_are_the_pages_where_each_brief_starts(week41: Built) -> None:
    numbers = toc_pages(week41)
    assert list(numbers.values()) == sorted(numbers.values()), "briefs in date order"
    for _, title, marking in WEEK:
        start = week41.pages[numbers[title] - 1]
        assert start.startswith(f"BRIEF · {marking}"), (
            f"{title!r} does not start page {numbers[title]}: {start[:80]!r}"
        )
        assert title in start


def test_each_brief_page_carries_its_own_marking_and_running_header(week41: Built) -> None:
    numbers = list(toc_pages(week41).values())
    ends = [*numbers[1:], len(week41.pages) + 1]
    for (_, title, marking), start, end in zip(WEEK, numbers, ends, strict=True):
        for number in range(start, end):
            text = week41.pages[number - 1]
            assert text.count(marking) >= 2, f"page {number}: banners top and bottom say {marking}"
            assert not [m for m in MARKINGS if m != marking and m in text], (
                f"page {number} shows another marking"
            )
            assert title[:30] in text, f"page {number}: running header with the brief's title"
            assert f"Page {number} of {len(week41.pages)}" in text


def test_bookmarks_nest_digest_brief_section(week41: Built) -> None:
    tree = outline_tree(week41.pdf)
    assert len(tree) == 1
    digest_title, digest_page, children = tree[0]
    assert (digest_title, digest_page) == ("Weekly brief digest", 0)
    assert [title for title, _, _ in children] == ["This week at a glance", "Contents"] + [
        title for _, title, _ in WEEK
    ]
    numbers = toc_pages(week41)
    for title, page, parts in children[2:]:
        assert page == numbers[title] - 1, "the bookmark and the contents agree"
        names = [name for name, _, _ in parts]
        assert names[:2] == ["Bottom line up front", "Key claims"]
        assert "Implications" in names
        assert all(part_page >= page for _, part_page, _ in parts)
    example_parts = dict((name, sub) for name, _, sub in children[4][2])
    assert [name for name, _, _ in example_parts["The article, section by section"]] == [
        "Understanding the 'Alaska Summit' Provisions",
        "Why the CIS Platform Matters",
        "The Path Forward: A Geopolitical Tug-of-War",
    ]


def test_pdf_metadata_describes_the_whole_digest(week41: Built) -> None:
    meta = week41.pdf.metadata
    assert meta is not None
    assert meta.title == "Weekly brief digest: Week 41, 2025 (6–12 October 2025)"
    assert "Digest test desk" in meta.author and "briefgen example team" in meta.author
    keywords = meta["/Keywords"].split(", ")
    assert {"energy", "ukraine", "UkraineWar"} <= set(keywords)
    assert meta["/CreationDate"].startswith("D:20251010"), (
        "the latest brief's date, so rebuilds are identical"
    )
    assert week41.pdf.trailer["/Root"]["/Lang"] == "en"


def test_manifest_records_what_went_in(week41: Built) -> None:
    manifest = week41.manifest
    assert [brief["id"] for brief in manifest["briefs"]] == [brief_id for brief_id, _, _ in WEEK]
    assert manifest["handling"] == "TLP:AMBER"
    assert manifest["week"] == "2025-W41"
    assert manifest["pdf"] == "digest-2025-W41.pdf"
    assert len(manifest["sha256"]) == 64


# ---- HTML and Markdown -----------------------------------------------------------------------------


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.h1: list[str] = []
        self.tags: set[str] = set()
        self._h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "h1":
            self._h1 = True
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        self._h1 = self._h1 and tag != "h1"

    def handle_data(self, data: str) -> None:
        if self._h1:
            self.h1[-1] = flat(self.h1[-1] + data)


def test_html_has_the_same_contents_with_unique_working_anchors(week41: Built) -> None:
    page = Anchors()
    page.feed(week41.html)
    assert page.h1 == ["Weekly brief digest"] + [title for _, title, _ in WEEK]
    assert len(page.ids) == len(set(page.ids)), "each brief's ids are prefixed, none collides"
    for link in page.links:
        if link.startswith("#"):
            assert link[1:] in page.ids, f"dangling in-page link {link}"
    for brief_id, _, _ in WEEK:
        assert f"#brief-{brief_id}" in page.links, "contents entry"
        assert f"../html/{brief_id}.html" in page.links, "link to the brief's own page"
    assert "script" not in page.tags and "link" not in page.tags
    assert week41.html.count('class="banner"') == 3, "each brief shows its own marking"


def test_markdown_has_front_matter_contents_and_each_brief(week41: Built) -> None:
    found = re.match(r"---\n(.*?)\n---\n(.*)", week41.md, re.DOTALL)
    assert found
    front, body = yaml.safe_load(found[1]), found[2]
    assert front["handling"] == "TLP:AMBER"
    assert front["briefs"] == [brief_id for brief_id, _, _ in WEEK]
    assert front["period"] == {"start": "2025-10-06", "end": "2025-10-12", "week": "2025-W41"}
    tokens = MarkdownIt("commonmark").parse(body)
    headings = [
        (int(t.tag[1]), tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"
    ]
    assert [text for level, text in headings if level == 1] == ["Weekly brief digest"]
    assert [text for level, text in headings if level == 2] == ["This week at a glance", "Contents"] + [
        title for _, title, _ in WEEK
    ]
    glance = [text for level, text in headings if level == 3][: len(WEEK)]
    assert glance == [f"[{title}](../md/{brief_id}.md)" for brief_id, title, _ in WEEK], (
        "the glance comes first"
    )
    assert headings.count((3, "Bottom line up front")) == 3, "each brief's parts one level down"
    for brief_id, _, _ in WEEK:
        assert f"](../md/{brief_id}.md)" in body, "links to each brief's own page"
    assert "](#" not in body, "in-page links of a brief point at its own page, not at another brief's heading"


def test_markdown_footnotes_of_different_briefs_stay_apart(week41: Built) -> None:
    env: dict = {}
    MarkdownIt("commonmark").use(footnote_plugin).parse(week41.md, env)
    labels = set(env.get("footnotes", {}).get("refs", {}))
    assert {":energy-gas-prices-bluf-1", ":ukraine-talks-bluf-1"} <= labels, labels


# ---- selection, empty weeks, errors -------------------------------------------------------------------


@pytest.fixture
def digest_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(digest_workspace(tmp_path))
    return tmp_path


def manifest_of(root: Path, name: str) -> dict:
    return json.loads((root / "build" / "digest" / f"{name}.json").read_text(encoding="utf-8"))


def test_tag_and_status_filters_name_the_digest(digest_ws: Path) -> None:
    result = run(
        "digest", "--week", "2025-W41", "--tag", "energy", "--tag", "ukraine", "--status", "final", "-q"
    )
    assert result.exit_code == 0, result.stderr
    manifest = manifest_of(digest_ws, "digest-2025-W41-energy-ukraine-final")
    assert [b["id"] for b in manifest["briefs"]] == ["energy-gas-prices"], "ukraine-talks is a draft"
    assert manifest["handling"] == "TLP:GREEN"


def test_date_range_crosses_weeks_and_is_rebuilt_identically(digest_ws: Path) -> None:
    name = "digest-2025-10-07_2025-10-14-energy"
    assert run("digest", "--since", "2025-10-07", "--until", "2025-10-14", "--tag", "energy").exit_code == 0
    first = manifest_of(digest_ws, name)
    assert [b["id"] for b in first["briefs"]] == ["energy-gas-prices", "next-week"]
    assert first["handling"] == "TLP:RED"
    assert first["period"] == "7–14 October 2025"
    assert run("digest", "--since", "2025-10-07", "--until", "2025-10-14", "--tag", "energy").exit_code == 0
    assert manifest_of(digest_ws, name)["sha256"] == first["sha256"], "same briefs, same bytes"


def test_an_empty_week_writes_nothing_and_exits_3(digest_ws: Path) -> None:
    result = run("digest", "--week", "2025-W30")
    assert result.exit_code == ExitCode.NOTHING_MATCHED
    assert "no digest: no brief dated 21–27 July 2025" in result.stderr
    assert not (digest_ws / "build" / "digest").exists()


def test_a_broken_brief_is_reported_and_the_digest_made_from_the_rest(digest_ws: Path) -> None:
    (digest_ws / "briefs" / "broken.yaml").write_text(
        "title: Broken\ndate: 2025-10-08\nbluf: [\n", encoding="utf-8"
    )
    result = run("digest", "--week", "2025-W41")
    assert result.exit_code == 1
    assert re.search(r"briefs/broken\.yaml:\d+:\d+: ", result.stderr)
    assert len(manifest_of(digest_ws, "digest-2025-W41")["briefs"]) == 3


def test_a_superseded_brief_gives_way_to_its_replacement(digest_ws: Path) -> None:
    text = (DATA / "energy-gas-prices.yaml").read_text(encoding="utf-8")
    text = text.replace("id: energy-gas-prices", "id: energy-gas-prices-v2\nsupersedes: energy-gas-prices")
    text = text.replace("date: 2025-10-07", "date: 2025-10-08")
    (digest_ws / "briefs" / "energy-gas-prices-v2.yaml").write_text(text, encoding="utf-8")
    assert run("digest", "--week", "2025-W41", "--tag", "energy").exit_code == 0
    assert [b["id"] for b in manifest_of(digest_ws, "digest-2025-W41-energy")["briefs"]] == [
        "energy-gas-prices-v2"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2025-W60"], "2025 has no ISO week 60"),
        (["--week", "next friday"], "write it like 2025-W41"),
        (["--week", "2025-W41", "--since", "2025-10-01"], "either --week or --since/--until"),
        (["--until", "2025-10-01"], "--until needs --since"),
        (["--since", "2025-10-09", "--until", "2025-10-01"], "is before --since"),
        (["--to", "team"], "go with --mail"),
        (["--mail"], "--mail needs at least one --to LIST"),
    ],
)
def test_usage_errors_exit_2(digest_ws: Path, args: list[str], message: str) -> None:
    result = run("digest", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_mail_without_mail_settings_stops_before_building(digest_ws: Path) -> None:
    result = run("digest", "--week", "2025-W41", "--mail", "--to", "team")
    assert result.exit_code == 2
    assert "no [mail] settings" in result.stderr
    assert not (digest_ws / "build" / "digest").exists()


# ---- periods --------------------------------------------------------------------------------------------


def test_iso_weeks() -> None:
    assert week_period("2025-W41") == Period(dt.date(2025, 10, 6), dt.date(2025, 10, 12), (2025, 41))
    assert week_period("2026w1").start == dt.date(2025, 12, 29), "ISO week 1 may start in December"
    assert week_period("2020-W53").end == dt.date(2021, 1, 3)
    with pytest.raises(ValueError, match="2021 has no ISO week 53"):
        week_period("2021-W53")
    wednesday = dt.date(2025, 10, 15)
    assert week_period("this", today=wednesday).key == "2025-W42"
    assert week_period("last", today=wednesday).key == "2025-W41"
    assert week_period("last", today=dt.date(2026, 1, 2)).key == "2025-W52"


def test_period_labels() -> None:
    assert range_period(dt.date(2025, 9, 29), dt.date(2025, 10, 5)).dates == "29 September – 5 October 2025"
    assert (
        range_period(dt.date(2025, 12, 29), dt.date(2026, 1, 4)).dates == "29 December 2025 – 4 January 2026"
    )
    assert range_period(dt.date(2025, 10, 6), dt.date(2025, 10, 6)).dates == "6 October 2025"
    assert range_period(dt.date(2025, 10, 6), dt.date(2025, 10, 12)).key == "2025-10-06_2025-10-12"


def test_a_digest_that_never_finishes_rendering_is_stopped(digest_ws: Path) -> None:
    """The weekly job is unattended: a template that never ends costs a clear error, not a hung job."""
    (digest_ws / "templates").mkdir(exist_ok=True)
    (digest_ws / "templates" / "digest.pdf.j2").write_text(
        '{% for i in range(10**10) %}{% endfor %}{% extends "builtin/digest.pdf.j2" %}', encoding="utf-8"
    )
    (digest_ws / "briefgen.toml").write_text("pdf_timeout = 0.5\n", encoding="utf-8")
    result = run("digest", "--week", "2025-W41")
    assert result.exit_code == 1
    assert (
        "the digest took longer than 1.5 s (pdf_timeout for each brief) to render and was stopped"
        in result.stderr
    )
    assert not list((digest_ws / "build").rglob("digest-2025-W41.*"))


def test_a_template_error_still_shows_the_briefs_that_did_not_load(digest_ws: Path) -> None:
    (digest_ws / "briefs" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    (digest_ws / "templates").mkdir()
    (digest_ws / "templates" / "digest.md.j2").write_text("{{ nosuch.field }}", encoding="utf-8")
    result = run("digest", "--week", "2025-W41")
    assert result.exit_code == ExitCode.FAILED, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("briefs/broken.yaml:2:1: YAML syntax:") for line in lines), result.stderr
    assert any("template error" in line for line in lines) and "Traceback" not in result.stderr
    assert not (digest_ws / "build" / "digest").exists() or not list(
        (digest_ws / "build" / "digest").iterdir()
    )


def test_a_brief_template_without_the_article_block_is_refused(digest_ws: Path) -> None:
    (digest_ws / "templates").mkdir()
    (digest_ws / "templates" / "brief.html.j2").write_text(
        "<!DOCTYPE html><html><body>{{ brief.title }}</body></html>", encoding="utf-8"
    )
    result = run("digest", "--week", "2025-W41")
    assert result.exit_code == ExitCode.FAILED, result.stderr
    assert "brief.html.j2:1:1: no <article> block to take into the digest" in result.stderr
