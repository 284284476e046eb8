"""`briefgen new`: a brief skeleton that mirrors its article, loads as-is and passes `check` as a draft."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from briefgen.config import find_workspace
from briefgen.errors import ExitCode
from briefgen.loading import load_brief
from briefgen.new import render_brief, scaffold
from briefgen.schema import schema_json
from briefgen.sources import parse_article, read_article
from tests.conftest import run

ARTICLES = Path(__file__).parent / "data" / "articles"
EXAMPLE_SOURCE = "seeds/putin-alaska-summit-dushanbe.txt"
EXAMPLE_HEADINGS = [
    "Understanding the 'Alaska Summit' Provisions",
    "Why the CIS Platform Matters",
    "The Path Forward: A Geopolitical Tug-of-War",
]


def test_new_from_the_example_article(workspace: Path) -> None:
    result = run("new", EXAMPLE_SOURCE)
    assert result.exit_code == 0, result.stderr
    assert (
        "wrote briefs/putin-alaska-summit-dushanbe.yaml: 3 sections, 12 tags, source dated 2025-10-10"
        in result.stdout
    )
    path = workspace / "briefs" / "putin-alaska-summit-dushanbe.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/brief.schema.json"
    schema = path.parent / "../schema/brief.schema.json"
    assert schema.read_text(encoding="utf-8") == schema_json(), "the schema line points at a real file"
    assert "wrote schema/brief.schema.json" in result.stdout

    brief = load_brief(path).brief
    assert brief.id == "putin-alaska-summit-dushanbe"
    assert str(brief.status) == "draft"
    assert [s.heading for s in brief.sections] == EXAMPLE_HEADINGS
    assert brief.tags[:3] == ["CISSummit", "UkrainianSettlement", "NATOExpansion"] and len(brief.tags) == 12
    assert [(s.id, s.file, s.published) for s in brief.sources] == [
        ("article", EXAMPLE_SOURCE, dt.date(2025, 10, 10))
    ]
    assert brief.key_claims[0].sources == ["article"] and str(brief.key_claims[0].confidence) == "low"
    assert brief.bluf.startswith("TODO") and brief.context.startswith("TODO")
    assert brief.implications[0].for_.startswith("TODO")


def test_a_new_draft_passes_check_and_a_final_one_does_not(workspace: Path) -> None:
    assert run("new", EXAMPLE_SOURCE, "--id", "fresh").exit_code == 0
    clean = run("check", "--strict", "briefs/fresh.yaml")
    assert clean.exit_code == 0, clean.stderr
    path = workspace / "briefs" / "fresh.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8"
    )
    final = run("check", "briefs/fresh.yaml")
    assert final.exit_code == 1
    assert "briefs/fresh.yaml:9:5: error: authors[0]: TODO placeholder left in a final brief" in final.stderr
    assert "[todo-in-final]" in final.stderr and final.stderr.count("\n") > 10


def test_new_never_overwrites_without_force(workspace: Path) -> None:
    assert run("new", EXAMPLE_SOURCE, "--id", "mine").exit_code == 0
    path = workspace / "briefs" / "mine.yaml"
    path.write_text("analyst's work\n", encoding="utf-8")
    again = run("new", EXAMPLE_SOURCE, "--id", "mine")
    assert again.exit_code == 1
    assert "briefs/mine.yaml:1:1: brief already exists (pass --force to replace it" in again.stderr
    assert path.read_text(encoding="utf-8") == "analyst's work\n"
    forced = run("new", EXAMPLE_SOURCE, "--id", "mine", "--force")
    assert forced.exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server:")
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == [], "written atomically"


def test_new_refuses_an_id_another_brief_file_has(workspace: Path) -> None:
    shutil.copy(ARTICLES / "river-water-talks.txt", workspace / "seeds" / "drought.txt")
    briefs = workspace / "briefs"
    (briefs / "dry-season.yml").write_text("title: Dry season\nid: drought\n", encoding="utf-8")
    (briefs / "broken.yaml").write_text("id: [drought\n", encoding="utf-8")  # unreadable YAML: its stem only
    for force in ([], ["--force"]):  # --force replaces briefs/drought.yaml, never another file's brief
        result = run("new", "seeds/drought.txt", *force)
        assert result.exit_code == 1, result.stdout
        assert result.stderr.startswith(
            "briefs/dry-season.yml:2:5: id 'drought' is already used by this brief ("
        )
        assert "--id" in result.stderr and "Traceback" not in result.stderr
        assert not (briefs / "drought.yaml").exists()
    (briefs / "dry-season.yml").unlink()
    (briefs / "archive").mkdir()
    (briefs / "archive" / "Drought.yml").write_text("title: Old\n", encoding="utf-8")  # its id: its file name
    nested = run("new", "seeds/drought.txt")
    assert nested.exit_code == 1
    assert nested.stderr.startswith(
        "briefs/archive/Drought.yml:1:1: id 'drought' is already used by this brief"
    )
    assert run("new", "seeds/drought.txt", "--id", "drought-2025").exit_code == 0
    assert run("new", "seeds/drought.txt", "--id", "broken").exit_code == 1, (
        "a broken brief still owns its file name"
    )


def test_new_keeps_an_existing_schema(workspace: Path) -> None:
    (workspace / "schema").mkdir()
    (workspace / "schema" / "brief.schema.json").write_text("{}", encoding="utf-8")
    result = run("new", EXAMPLE_SOURCE)
    assert result.exit_code == 0
    assert "schema" not in result.stdout
    assert (workspace / "schema" / "brief.schema.json").read_text(encoding="utf-8") == "{}"


def test_bad_sources_and_ids_are_usage_errors(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere") / "article.txt"
    outside.write_text("Some text.\n", encoding="utf-8")
    result = run("new", str(outside))
    assert result.exit_code == 2
    assert "outside the workspace" in result.stderr and "copy the article into the workspace" in result.stderr
    missing = run("new", "seeds/nope.txt")
    assert missing.exit_code == 2
    assert missing.stderr.startswith("seeds/nope.txt:1:1: no such file")
    bad_id = run("new", EXAMPLE_SOURCE, "--id", "Not A Slug")
    assert bad_id.exit_code == 2
    assert "e.g. not-a-slug" in bad_id.stderr
    assert not (workspace / "briefs" / "Not A Slug.yaml").exists()
    assert "Traceback" not in result.stderr + missing.stderr + bad_id.stderr


@pytest.mark.parametrize("name", ["baltic-grid.md", "arctic-shipping.html", "river-water-talks.txt"])
def test_new_on_unseen_articles(workspace: Path, name: str) -> None:
    shutil.copy(ARTICLES / name, workspace / "seeds" / name)
    result = run("new", f"seeds/{name}")
    assert result.exit_code == 0, result.stderr
    brief_id = Path(name).stem
    loaded = load_brief(workspace / "briefs" / f"{brief_id}.yaml")
    article = read_article(ARTICLES / name)
    assert [s.heading for s in loaded.brief.sections] == [h.text for h in article.headings]
    assert len(loaded.brief.sections) == 3
    assert loaded.brief.title == article.title
    assert loaded.brief.tags == list(article.tags)
    assert loaded.brief.sources[0].published == article.published
    assert loaded.brief.sources[0].file == f"seeds/{name}"
    check = run("check", "--strict", f"briefs/{brief_id}.yaml")
    assert check.exit_code == 0, check.stderr


def test_awkward_headings_are_quoted_and_come_back_exactly(tmp_path: Path) -> None:
    headings = [
        'Q&A: "Who pays?" #1',
        "Yes",
        "- Not a list: really",
        "null",
        "@handle's [view]",
        "O'Neil: 50% off",
    ]
    markdown = "# Title\n\nIntro paragraph.\n\n" + "".join(f"## {h}\n\nText under it.\n\n" for h in headings)
    article = parse_article(markdown, tmp_path / "awkward.md")
    assert [h.text for h in article.headings] == headings
    text = render_brief(
        article,
        brief_id="awkward",
        source_file="seeds/awkward.md",
        schema_ref="../schema/brief.schema.json",
        today=dt.date(2025, 1, 1),
    )
    (tmp_path / "awkward.yaml").write_text(text, encoding="utf-8")
    brief = load_brief(tmp_path / "awkward.yaml").brief
    assert [s.heading for s in brief.sections] == headings


def test_article_without_headings_or_tags_or_date(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "plain.txt").write_text(
        "Just one paragraph of prose, no headings at all.\n", encoding="utf-8"
    )
    made = scaffold(find_workspace(tmp_path), tmp_path / "seeds" / "plain.txt", today=dt.date(2025, 5, 1))
    text = made.path.read_text(encoding="utf-8")
    assert "sections: []" in text and "tags: []" in text and "# published: YYYY-MM-DD" in text
    brief = load_brief(made.path).brief
    assert brief.sections == [] and brief.tags == [] and brief.sources[0].published is None
    assert brief.title == "Plain" and brief.date == dt.date(2025, 5, 1)


def test_a_date_after_today_is_not_written_as_published(tmp_path: Path) -> None:
    article = parse_article(
        "Title Here\nOn 3 March 2030 something will happen, officials said.\n", tmp_path / "x.txt"
    )
    assert article.published == dt.date(2030, 3, 3)
    text = render_brief(
        article, brief_id="x", source_file="x.txt", schema_ref="s.json", today=dt.date(2025, 1, 1)
    )
    assert "published: 2030" not in text
    assert yaml.safe_load(text)["sources"][0]["file"] == "x.txt"


def test_a_folder_where_the_brief_goes_is_one_line_and_exit_5(workspace: Path) -> None:
    (workspace / "briefs" / "in-the-way.yaml").mkdir()
    (workspace / "seeds" / "in-the-way.txt").write_text("A title\n\nSome text.\n", encoding="utf-8")
    result = run("new", "seeds/in-the-way.txt", "--force")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION, result.stderr
    assert result.stderr.startswith("briefs/in-the-way.yaml:1:1: cannot write: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "brief_id"),
    [
        ("café-crème.txt", "cafe-creme"),
        ("Война в Украине.txt", "voina-v-ukraine"),
        ("北京会议.txt", "bei-jing-hui-yi"),
        ("Ärger über Öl.md", "arger-uber-ol"),
    ],
)
def test_ids_from_file_names_are_transliterated(workspace: Path, name: str, brief_id: str) -> None:
    (workspace / "seeds" / name).write_text("A Title\n\nSome text of the article.\n", encoding="utf-8")
    result = run("new", f"seeds/{name}")
    assert result.exit_code == 0, result.stderr
    assert f"wrote briefs/{brief_id}.yaml" in result.stdout
    assert load_brief(workspace / "briefs" / f"{brief_id}.yaml").brief.id == brief_id


def test_articles_named_in_other_scripts_get_distinct_ids(workspace: Path) -> None:
    names = ["Донецк.txt", "Луганск.txt", "顿涅茨克.txt", "دونيتسك.txt"]
    for name in names:
        (workspace / "seeds" / name).write_text("Some text of the article.\n", encoding="utf-8")
        assert run("new", f"seeds/{name}").exit_code == 0
    made = sorted(p.stem for p in (workspace / "briefs").glob("*.yaml"))
    assert "brief" not in made
    assert {"donetsk", "lugansk", "dun-nie-ci-ke", "dwnytsk"} <= set(made)


def test_new_freezes_a_local_article_and_check_reports_when_it_changes(workspace: Path) -> None:
    seed = workspace / "seeds" / "putin-alaska-summit-dushanbe.txt"
    assert run("new", EXAMPLE_SOURCE, "--id", "frozen").exit_code == 0
    path = workspace / "briefs" / "frozen.yaml"
    text = path.read_text(encoding="utf-8")
    source = load_brief(path).brief.sources[0]
    assert source.sha256 == hashlib.sha256(seed.read_bytes()).hexdigest()
    assert source.retrieved is None and "retrieved:" not in text, "only a download has a retrieval time"
    assert run("check", "briefs/frozen.yaml").exit_code == 0

    seed.write_bytes(seed.read_bytes().replace(b"Dushanbe", b"Dushanbe, Tajikistan", 1))
    result = run("check", "briefs/frozen.yaml")
    assert result.exit_code == ExitCode.FAILED
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("    sha256: "))
    new_digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    assert (
        f"briefs/frozen.yaml:{line}:13: error: sources[0].sha256: {EXAMPLE_SOURCE} has changed: its sha256 is"
        f" {new_digest} (the article on disk is no longer the one the brief was written from: restore it, or"
        " update sha256 after re-reading the brief against it) [source-changed]"
    ) in result.stderr
    path.write_text(text.replace(source.sha256 or "", new_digest), encoding="utf-8")
    assert run("check", "briefs/frozen.yaml").exit_code == 0


def test_a_malformed_sha256_does_not_load(workspace: Path) -> None:
    assert run("new", EXAMPLE_SOURCE, "--id", "frozen").exit_code == 0
    path = workspace / "briefs" / "frozen.yaml"
    text = path.read_text(encoding="utf-8")
    digest = load_brief(path).brief.sources[0].sha256 or ""
    path.write_text(text.replace(digest, digest.upper()), encoding="utf-8")
    result = run("check", "briefs/frozen.yaml")
    assert result.exit_code == ExitCode.FAILED and "sources[0].sha256" in result.stderr
