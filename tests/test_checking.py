"""`briefgen check`: briefs checked against their sources, with rule ids and exact positions."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefgen.checking import RULES, Checker
from briefgen.config import find_workspace
from briefgen.loading import load_brief
from briefgen.problems import Problem
from tests.conftest import EXAMPLE_ID, REPO, run

DATA = Path(__file__).parent / "data" / "checking"
EXAMPLE = f"briefs/{EXAMPLE_ID}.yaml"


def add_brief(workspace: Path, name: str) -> str:
    shutil.copy(DATA / name, workspace / "briefs" / name)
    return f"briefs/{name}"


def findings_of(workspace: Path, path: str, today: dt.date = dt.date(2025, 10, 20)) -> list[Problem]:
    loaded = load_brief(workspace / path, path)
    return Checker(find_workspace(workspace), today=today).check(loaded)


def brief_with(workspace: Path, name: str, **fields: str) -> str:
    """A small valid brief citing the example article, with some fields replaced (YAML text)."""
    values = {
        "status": "draft",
        "bluf": "Moscow ties talks to Alaska.",
        "context": "Some context.",
        "sections": "[]",
        "quote": "fundamental provisions discussed at the Alaska Summit",
    } | fields
    text = f"""\
title: A test brief
date: 2025-10-11
status: {values["status"]}
bluf: {values["bluf"]}
key_claims:
  - text: Putin cited the Alaska provisions.
    quote: {values["quote"]}
    confidence: moderate
    sources: [article]
context: {values["context"]}
sections: {values["sections"]}
implications:
  - for: Ukraine
    text: Pressure grows.
sources:
  - id: article
    title: The article
    published: 2025-10-10
    file: seeds/putin-alaska-summit-dushanbe.txt
    reliability: B
    credibility: 2
"""
    (workspace / "briefs" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return f"briefs/{name}.yaml"


def test_the_example_passes_strictly(workspace: Path) -> None:
    result = run("check", "--strict")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "1 checked, 0 with errors, 0 warnings"
    assert result.stderr == ""
    assert json.loads(run("check", "--format", "json").stdout) == []


def test_misquote_and_reordered_sections_in_a_copy_of_the_example(workspace: Path) -> None:
    path = add_brief(workspace, "misquoted.yaml")
    result = run("check", path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"{path}:35:12: error: key_claims[1].quote: quote not found in "
        "seeds/putin-alaska-summit-dushanbe.txt "
        '(closest passage, 94% alike: generally assesses the results of that August meeting as "positive.") '
        "[quote-not-in-source]",
        f"{path}:146:14: error: sections[2].heading: section out of the source's order: in the source it "
        "comes before "
        "'The Path Forward: A Geopolitical Tug-of-War' (the article's order: Understanding the 'Alaska "
        "Summit' "
        "Provisions → Why the CIS Platform Matters → The Path Forward: A Geopolitical Tug-of-War) "
        "[heading-out-of-order]",
    ]
    assert result.stdout.strip() == "1 checked, 1 with errors, 0 warnings"


def test_json_output_is_a_stable_sorted_list(workspace: Path) -> None:
    misquoted = add_brief(workspace, "misquoted.yaml")
    add_brief(workspace, "sloppy-language.yaml")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == ""
    findings = json.loads(result.stdout)
    assert all(
        list(f) == ["rule", "severity", "file", "line", "column", "field", "message", "hint"]
        for f in findings
    )
    keys = [(f["file"], f["line"], f["column"]) for f in findings]
    assert keys == sorted(keys)
    assert findings[0] == {
        "rule": "quote-not-in-source",
        "severity": "error",
        "file": misquoted,
        "line": 35,
        "column": 12,
        "field": "key_claims[1].quote",
        "message": "quote not found in seeds/putin-alaska-summit-dushanbe.txt",
        "hint": "closest passage, 94% alike: generally assesses the results of that August meeting as "
        '"positive."',
    }
    assert [f["rule"] for f in findings].count("likelihood-off-scale") == 4
    assert run("check", "--format", "json").stdout == result.stdout, "same input, same bytes"


def test_estimative_language_is_a_warning_that_fails_only_when_strict(workspace: Path) -> None:
    path = add_brief(workspace, "sloppy-language.yaml")
    relaxed = run("check", path)
    assert relaxed.exit_code == 0
    assert relaxed.stdout.strip() == "1 checked, 0 with errors, 5 warnings"
    strict = run("check", "--strict", path)
    assert strict.exit_code == 1
    found = [(f.rule, f.line, f.column, f.field) for f in findings_of(workspace, path)]
    assert found == [
        ("likelihood-off-scale", 5, 15, "bluf"),  # probably
        ("confidence-with-likelihood", 5, 74, "bluf"),  # "high confidence ... highly likely" in one sentence
        ("likelihood-off-scale", 6, 13, "bluf"),  # "highly" / "likely" across a folded line
        ("likelihood-off-scale", 14, 19, "context"),  # the first "almost certainly" ...
        ("likelihood-off-scale", 14, 64, "context"),  # ... and the second, each at its own column
    ]
    messages = {f.message for f in findings_of(workspace, path)}
    assert "'highly likely' is not on the likelihood scale" in messages
    hints = [f.hint for f in findings_of(workspace, path) if f.rule == "likelihood-off-scale"]
    assert hints[0].startswith("use 'likely'") and hints[1].startswith("use 'very likely'")


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Talks are likely to stall and very unlikely to resume; a deal is almost certain.", []),
        ("An outcome is unlikely, and the probability of a deal is low.", []),
        ("He said it is 'probably' over.", ["probably"]),
        ('He wrote \\"probably over\\" in his notes.', []),
        ("A deal is Probably near.", ["Probably"]),
        (
            "It is a probable outcome, though highly improbable in the short term.",
            ["probable", "highly improbable"],
        ),
        ("There is a remote chance of a deal and even odds of a freeze.", ["remote chance", "even odds"]),
        ("Remote regions are improbable targets; a toss-up remains.", ["improbable", "toss-up"]),
        ("Officials from remote areas said they would attend.", []),
        ("A deal is possibly near, perhaps by spring.", ["possibly", "perhaps"]),
        ("Moscow will certainly refuse; Kyiv will certainly not agree.", ["certainly", "certainly not"]),
        ("It is doubtful that talks resume; a freeze is conceivably near.", ["doubtful", "conceivably"]),
        ("Doubtfully, a deal is Perhaps near.", ["Doubtfully", "Perhaps"]),
        ("Talks may stall, could resume or might collapse.", []),
        ("He called it “possibly the end” and “certainly” doubtful.", ["doubtful"]),
        ("Uncertainly worded, perhapsy and impossibly vague.", []),
    ],
)
def test_likelihood_terms(workspace: Path, text: str, flagged: list[str]) -> None:
    path = brief_with(workspace, "words", bluf=f'"{text}"')
    found = [f for f in findings_of(workspace, path) if f.rule == "likelihood-off-scale"]
    assert [re.search(r"'(.+)' is not", f.message)[1] for f in found] == flagged  # type: ignore[index]


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("possibly", "roughly even chance"),
        ("perhaps", "roughly even chance"),
        ("conceivably", "unlikely"),
        ("doubtful", "unlikely"),
        ("doubtfully", "unlikely"),
        ("certainly", "almost certain"),
        ("certainly not", "almost no chance"),
    ],
)
def test_hedges_name_the_nearest_scale_term(workspace: Path, word: str, term: str) -> None:
    path = brief_with(workspace, "hedge", bluf=f"A deal is {word} near.")
    (finding,) = findings_of(workspace, path)
    assert (finding.rule, finding.line, finding.column) == ("likelihood-off-scale", 4, 17)
    assert finding.hint.startswith(f"use '{term}';")


def test_confidence_and_likelihood_in_separate_sentences_are_fine(workspace: Path) -> None:
    path = brief_with(
        workspace, "sep", bluf="We have moderate confidence in the reporting. A freeze is likely."
    )
    assert findings_of(workspace, path) == []
    same = brief_with(
        workspace, "same", context="With low confidence, a freeze is very likely before winter."
    )
    found = findings_of(workspace, same)
    assert [(f.rule, f.line, f.column, f.message) for f in found] == [
        ("confidence-with-likelihood", 10, 15, "one sentence states 'low confidence' and 'very likely'")
    ]


def test_sourcing_dates_and_placeholders(workspace: Path) -> None:
    path = add_brief(workspace, "bad-sourcing.yaml")
    result = run("check", path)
    assert result.exit_code == 1
    found = [(f.rule, f.severity, f.line, f.column, f.field) for f in findings_of(workspace, path)]
    assert found == [
        ("date-before-source", "error", 3, 7, "date"),
        ("date-before-source", "error", 3, 7, "date"),
        ("alternatives-missing", "warning", 4, 9, "status"),  # final, with a high-confidence claim
        ("assumptions-missing", "warning", 4, 9, "status"),
        ("todo-in-final", "error", 5, 7, "bluf"),
        ("claim-without-source", "error", 7, 5, "key_claims[0]"),
        ("high-confidence-single-source", "warning", 11, 17, "key_claims[1].confidence"),
        ("unknown-source", "error", 12, 15, "key_claims[1].sources[0]"),
        ("quote-unchecked", "warning", 14, 12, "key_claims[2].quote"),
        ("heading-not-in-source", "error", 20, 14, "sections[1].heading"),
        ("source-ungraded", "error", 29, 5, "sources[1]"),  # cited by a final brief: an error
        ("date-in-future", "error", 32, 16, "sources[1].published"),
        ("duplicate-source-id", "error", 33, 9, "sources[2].id"),
        ("source-file-missing", "error", 35, 11, "sources[2].file"),
    ]
    assert "(did you mean 'article'?) [unknown-source]" in result.stderr
    assert "(did you mean 'seeds/putin-alaska-summit-dushanbe.txt'?) [source-file-missing]" in result.stderr
    assert "the source's headings: Understanding the 'Alaska Summit' Provisions → Why" in result.stderr


def test_a_quote_citing_a_source_without_a_file_is_only_unchecked(workspace: Path) -> None:
    path = brief_with(workspace, "mixed", quote="words only the wire report has")
    brief = workspace / path
    text = brief.read_text(encoding="utf-8").replace("sources: [article]", "sources: [article, wire]")
    brief.write_text(
        text + "  - id: wire\n    title: Wire\n    url: https://example.org/wire\n    reliability: B\n"
        "    credibility: 2\n",
        encoding="utf-8",
    )
    (finding,) = findings_of(workspace, path)
    assert (finding.rule, finding.severity, finding.line, finding.column) == (
        "quote-unchecked",
        "warning",
        7,
        12,
    )
    assert finding.message == (
        "quote not found in seeds/putin-alaska-summit-dushanbe.txt, and it cites source 'wire' without a "
        "`file`"
    )


def test_todo_only_matters_once_final(workspace: Path) -> None:
    draft = brief_with(workspace, "draft", context="TODO later.  # and a TODO in a comment")
    assert findings_of(workspace, draft) == []
    final = brief_with(workspace, "final", status="final", context="TODO later.  # and a TODO in a comment")
    assert [(f.rule, f.line, f.column, f.field) for f in findings_of(workspace, final)] == [
        ("todo-in-final", 10, 10, "context"),
        ("todo-in-final", 10, 31, "context"),
    ]


def test_dates_in_the_future(workspace: Path) -> None:
    path = brief_with(workspace, "dated")
    found = findings_of(workspace, path, today=dt.date(2025, 10, 10))
    assert [(f.rule, f.line, f.column, f.message) for f in found] == [
        ("date-in-future", 2, 7, "brief dated 2025-10-11, after today (2025-10-10)")
    ]
    assert findings_of(workspace, path, today=dt.date(2025, 10, 11)) == []


def test_reversed_sections_and_a_section_quote_not_in_the_source(workspace: Path) -> None:
    sections = (
        "\n  - heading: 'The Path Forward: A Geopolitical Tug-of-War'"
        "\n  - heading: Why the CIS Platform Matters"
        "\n    quotes: [Putin is isolated at the summit]"
        "\n  - heading: understanding the ‘alaska summit’ provisions"  # case and quote marks are normalised
    )
    path = brief_with(workspace, "reversed", sections=sections)
    found = [(f.rule, f.line, f.column, f.message) for f in findings_of(workspace, path)]
    assert found == [
        (
            "heading-out-of-order",
            13,
            14,
            "section out of the source's order: in the source it comes before 'The Path Forward: A "
            "Geopolitical Tug-of-War'",
        ),
        ("quote-not-in-source", 14, 14, "quote not found in seeds/putin-alaska-summit-dushanbe.txt"),
        (
            "heading-out-of-order",
            15,
            14,
            "section out of the source's order: in the source it comes before 'The Path Forward: A "
            "Geopolitical Tug-of-War'",
        ),
    ]


def test_a_heading_found_only_in_the_body_is_not_a_section(workspace: Path) -> None:
    sections = (
        "\n  - heading: Why the CIS Platform Matters"
        "\n  - heading: Territorial Concessions as a Precondition"  # a bullet label of the first section
    )
    path = brief_with(workspace, "label", sections=sections)
    found = findings_of(workspace, path)
    assert [(f.rule, f.severity, f.line, f.column) for f in found] == [
        ("heading-not-a-section", "warning", 13, 14),
        ("heading-out-of-order", "error", 13, 14),  # the bullet's place still orders it: in the first section
    ]
    assert found[0].message == (
        "'Territorial Concessions as a Precondition' is in the source but not as one of its section headings"
    )
    assert found[0].hint == (
        "it is under 'Understanding the 'Alaska Summit' Provisions'; the source's headings: "
        "Understanding the 'Alaska Summit' Provisions → Why the CIS Platform Matters → "
        "The Path Forward: A Geopolitical Tug-of-War"
    )
    assert "comes before 'Why the CIS Platform Matters'" in found[1].message


def test_a_body_heading_close_to_a_section_heading_names_it(workspace: Path) -> None:
    path = brief_with(
        workspace, "close", sections="\n  - heading: the CIS Platform"
    )  # in the body, near a heading
    (finding,) = findings_of(workspace, path)
    assert (finding.rule, finding.hint.split(";")[0]) == (
        "heading-not-a-section",
        "the closest section heading is 'Why the CIS Platform Matters'",
    )
    assert run("check", path).exit_code == 0 and run("check", "--strict", path).exit_code == 1


def test_source_files_cannot_escape_the_workspace(
    workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    secret = tmp_path_factory.mktemp("outside") / "secret.txt"
    secret.write_text("fundamental provisions discussed at the Alaska Summit\n", encoding="utf-8")
    os.symlink(secret, workspace / "seeds" / "link.txt")
    path = brief_with(workspace, "escape")
    brief = workspace / path
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("putin-alaska-summit-dushanbe.txt", "link.txt"),
        encoding="utf-8",
    )
    result = run("check", path)
    assert result.exit_code == 1
    assert (
        f"{path}:19:11: error: sources[0].file: seeds/link.txt resolves outside the workspace"
        in result.stderr
    )
    assert "quote-not-in-source" not in result.stderr, "nothing is read from outside"
    (workspace / "seeds" / "empty-dir.txt").mkdir()
    brief.write_text(brief.read_text(encoding="utf-8").replace("link.txt", "empty-dir.txt"), encoding="utf-8")
    assert "seeds/empty-dir.txt does not exist" in run("check", path).stderr


def test_unreadable_source_is_a_finding(workspace: Path) -> None:
    big = workspace / "seeds" / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)
    path = brief_with(workspace, "huge")
    brief = workspace / path
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("putin-alaska-summit-dushanbe.txt", "huge.txt"),
        encoding="utf-8",
    )
    result = run("check", path)
    assert result.exit_code == 1
    assert (
        "sources[0].file: seeds/huge.txt: larger than 10,485,760 bytes [source-unreadable]" in result.stderr
    )


def test_bluf_limit_comes_from_config(workspace: Path) -> None:
    (workspace / "briefgen.toml").write_text("bluf_max_words = 50\n", encoding="utf-8")
    result = run("check")
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        f"{EXAMPLE}:15:7: warning: bluf: BLUF has 117 words, more than 50 "
        "(keep the bottom line to a few sentences; move detail to context) [bluf-too-long]"
    )
    assert run("check", "--strict").exit_code == 1


def test_loader_problems_keep_their_format_and_appear_in_json(workspace: Path) -> None:
    (workspace / "briefs" / "bad.yaml").write_text("title: a\ntitle: b\n", encoding="utf-8")
    text = run("check", "briefs/bad.yaml", "briefs/nope.yaml")
    assert text.exit_code == 1
    assert text.stderr.splitlines() == [
        "briefs/nope.yaml:1:1: no such file or folder (check the path)",
        "briefs/bad.yaml:2:1: duplicate key 'title' (first defined at line 1; YAML would silently keep "
        "only one of them)",
    ]
    findings = json.loads(run("check", "--format", "json", "briefs/bad.yaml", "briefs/nope.yaml").stdout)
    assert [(f["rule"], f["file"], f["line"]) for f in findings] == [
        ("invalid-brief", "briefs/bad.yaml", 2),
        ("invalid-brief", "briefs/nope.yaml", 1),
    ]


def test_every_rule_is_documented() -> None:
    # The docs page's rules table is generated from RULES (tests/test_docs.py); its details name each rule.
    docs = (REPO / "docs" / "checking.md").read_text(encoding="utf-8")
    help_text = run("check", "--help").stdout
    for rule in RULES:
        assert f"`{rule}`" in docs, rule
        assert rule in help_text, rule


def test_check_does_not_import_weasyprint(workspace: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "briefgen", "check", "--strict", "briefs/"],
        capture_output=True,
        text=True,
        cwd=workspace,
    )
    assert done.returncode == 0, done.stderr
    assert "import time:" in done.stderr
    assert "weasyprint" not in done.stderr


def test_pre_commit_hook(workspace: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert (hook["id"], hook["entry"], hook["language"]) == ("briefgen-check", "briefgen check", "python")
    files = re.compile(hook["files"])
    tracked = ["briefs/a.yaml", "briefs/deep/b.yml", "seeds/a.txt", "templates/x.yaml", "briefs/notes.md"]
    assert [name for name in tracked if files.search(name)] == ["briefs/a.yaml", "briefs/deep/b.yml"]
    # What pre-commit runs: the console script with the changed files that match.
    script = Path(sys.executable).with_name("briefgen")
    command = [str(script), *hook["entry"].split()[1:]]
    assert subprocess.run([*command, EXAMPLE], cwd=workspace, capture_output=True).returncode == 0
    add_brief(workspace, "misquoted.yaml")
    failed = subprocess.run(
        [*command, EXAMPLE, "briefs/misquoted.yaml"], cwd=workspace, capture_output=True, text=True
    )
    assert failed.returncode == 1 and "[quote-not-in-source]" in failed.stderr
