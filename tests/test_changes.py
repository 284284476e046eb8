"""What changed between briefs: `changes.compare`, `briefgen diff`, and the check rules on lineage."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from briefgen.changes import compare
from briefgen.loading import load_brief
from briefgen.model import Brief
from tests.conftest import EXAMPLE_ID, REPO, SUPERSEDING_EXAMPLE, run

EXAMPLE = f"briefs/{EXAMPLE_ID}.yaml"


def example_data(workspace: Path) -> dict[str, Any]:
    data = yaml.safe_load((workspace / EXAMPLE).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write(workspace: Path, name: str, data: dict[str, Any]) -> str:
    path = f"briefs/{name}.yaml"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (workspace / path).write_text(text, encoding="utf-8")
    return path


def update_of(old: dict[str, Any]) -> dict[str, Any]:
    """The example a week later: one claim inserted at the top, one removed, one reworded, one
    claim's confidence and one implication's likelihood moved, an indicator swapped, a new source."""
    new = copy.deepcopy(old)
    new.update(id="alaska-update", date="2025-10-17", supersedes=old["id"])
    claims = new["key_claims"]
    claims[1]["confidence"] = "high"
    claims[1]["sources"] = ["article", "transcript"]
    claims[2]["text"] = (
        "The Anchorage summit shifted the focus from the immediate ceasefire first sought by the US "
        "to a comprehensive political settlement."
    )
    removed = claims.pop(4)
    claims.insert(
        0,
        {
            "text": "The Kremlin published a transcript of the Dushanbe remarks on 10 October.",
            "confidence": "high",
            "sources": ["transcript", "article"],
        },
    )
    new["implications"][1]["likelihood"] = "very likely"
    new["indicators"] = [*new["indicators"][1:], "A date set for a second Trump–Putin summit."]
    new["sources"].append(
        {"id": "transcript", "title": "Kremlin transcript of the CIS summit", "url": "http://kremlin.ru/x",
         "reliability": "B", "credibility": 2}
    )  # fmt: skip
    new["changes"] = "The Kremlin transcript confirms the remarks, so confidence in them rose."
    new["_removed"] = removed["text"]
    return new


def test_claims_are_matched_by_content_not_position(workspace: Path) -> None:
    old_data = example_data(workspace)
    new_data = update_of(old_data)
    removed = new_data.pop("_removed")
    old, new = Brief.model_validate(old_data), Brief.model_validate(new_data)
    changes = compare(old, new)
    assert changes.claims_added == [
        "The Kremlin published a transcript of the Dushanbe remarks on 10 October."
    ]
    assert changes.claims_removed == [" ".join(removed.split())]
    assert [r.new for r in changes.claims_reworded] == [" ".join(new_data["key_claims"][3]["text"].split())]
    assert [r.old for r in changes.claims_reworded] == [" ".join(old_data["key_claims"][2]["text"].split())]
    assert [(m.old, m.new) for m in changes.confidence_moved] == [("moderate", "high")]
    assert changes.confidence_moved[0].text.startswith("Putin assessed the results")
    assert [(m.old, m.new) for m in changes.likelihood_moved] == [("likely", "very likely")]
    assert changes.likelihood_moved[0].text.startswith("United States: Moscow will present")
    assert changes.indicators_added == ["A date set for a second Trump–Putin summit."]
    assert changes.indicators_removed == [" ".join(old_data["indicators"][0].split())]
    assert changes.sources_added == ["Kremlin transcript of the CIS summit"]
    assert changes.implications_added == changes.implications_removed == []
    assert changes.judgments_moved and not changes.empty


def test_a_brief_compared_with_itself_has_no_changes(workspace: Path) -> None:
    brief = load_brief(workspace / EXAMPLE).brief
    changes = compare(brief, brief)
    assert changes.empty and not changes.judgments_moved
    assert changes.summary() == "no change to claims, judgments or sources"


def test_diff_prints_text_and_stable_json(workspace: Path) -> None:
    new_data = update_of(example_data(workspace))
    new_data.pop("_removed")
    path = write(workspace, "alaska-update", new_data)
    text = run("diff", EXAMPLE, path)
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f"{EXAMPLE_ID} (2025-10-10) → alaska-update (2025-10-17)"
    assert "confidence moved:" in lines
    assert any(line.startswith("  ~ moderate → high: Putin assessed") for line in lines)
    assert "  + A date set for a second Trump–Putin summit." in lines
    assert lines[-2:] == [
        "why (changes):",
        "  The Kremlin transcript confirms the remarks, so confidence in them rose.",
    ]
    by_id = run("diff", EXAMPLE_ID, "alaska-update", "--format", "json")
    assert by_id.exit_code == 0, by_id.stderr
    data = json.loads(by_id.stdout)
    assert list(data) == [
        "old", "new", "claims_added", "claims_removed", "claims_reworded", "confidence_moved",
        "implications_added", "implications_removed", "likelihood_moved", "indicators_added",
        "indicators_removed", "sources_added", "explanation",
    ]  # fmt: skip
    assert data["old"] == {"id": EXAMPLE_ID, "title": example_data(workspace)["title"], "date": "2025-10-10"}
    assert data["confidence_moved"][0]["old"] == "moderate" and data["confidence_moved"][0]["new"] == "high"
    assert data["likelihood_moved"] == [
        {
            "text": data["likelihood_moved"][0]["text"],
            "old": "likely",
            "new": "very likely",
        }
    ]
    assert run("diff", EXAMPLE_ID, "alaska-update", "--format", "json").stdout == by_id.stdout


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_diff_since_a_revision_reads_the_brief_through_git(workspace: Path) -> None:
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "first")
    data = example_data(workspace)
    data["implications"][0]["likelihood"] = "almost certain"
    write(workspace, EXAMPLE_ID, data)
    result = run("diff", EXAMPLE, "--since", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.stderr
    moved = json.loads(result.stdout)["likelihood_moved"]
    assert [(m["old"], m["new"]) for m in moved] == [("very likely", "almost certain")]
    unknown = run("diff", EXAMPLE, "--since", "no-such-tag")
    assert unknown.exit_code == 2
    assert unknown.stderr == "error: unknown revision 'no-such-tag' (name a commit, tag or branch)\n"
    new_file = write(workspace, "added-later", data)
    absent = run("diff", new_file, "--since", "HEAD")
    assert absent.exit_code == 2
    assert absent.stderr.startswith("error: briefs/added-later.yaml does not exist at HEAD")


def test_diff_outside_git_and_of_unknown_briefs_is_one_line_and_exit_2(workspace: Path) -> None:
    outside = run("diff", EXAMPLE, "--since", "HEAD")
    assert outside.exit_code == 2
    assert outside.stderr.startswith(f"error: {EXAMPLE} is not in a git repository (")
    missing = run("diff", EXAMPLE, "nosuch")
    assert missing.exit_code == 2
    assert (
        missing.stderr
        == "nosuch:1:1: no such brief file or id (give a brief file or the id of a brief in briefs/)\n"
    )
    assert run("diff", EXAMPLE).exit_code == 2
    elsewhere = workspace.parent / "elsewhere.yaml"
    elsewhere.write_bytes((workspace / EXAMPLE).read_bytes())
    refused = run("diff", str(elsewhere), EXAMPLE)
    assert refused.exit_code == 2 and "outside the workspace" in refused.stderr
    assert "Traceback" not in outside.stderr + missing.stderr


def line_of(workspace: Path, path: str, start: str) -> int:
    lines = (workspace / path).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.lstrip().startswith(start))


def rules_of(path: str) -> list[tuple[str, str, int]]:
    findings = json.loads(run("check", "--format", "json", path).stdout)
    return [(f["rule"], f["severity"], f["line"]) for f in findings]


def test_lineage_rules(workspace: Path) -> None:
    old = example_data(workspace)
    unexplained = update_of(old)
    unexplained.pop("_removed")
    del unexplained["changes"]
    path = write(workspace, "alaska-update", unexplained)
    assert rules_of(path) == [("change-unexplained", "warning", line_of(workspace, path, "supersedes:"))]
    message = json.loads(run("check", "--format", "json", path).stdout)[0]["message"]
    assert message == f"2 judgments moved since '{EXAMPLE_ID}' and `changes` does not say why"
    explained = dict(unexplained, changes="A transcript confirmed it.")
    write(workspace, "alaska-update", explained)
    assert rules_of(path) == []

    typo = dict(explained, supersedes="putin-alaska-provision")
    write(workspace, "alaska-update", typo)
    (finding,) = json.loads(run("check", "--format", "json", path).stdout)
    assert (finding["rule"], finding["severity"]) == ("supersedes-unknown", "warning")
    assert finding["message"] == "supersedes 'putin-alaska-provision': no brief of the workspace has this id"
    assert finding["hint"] == f"did you mean '{EXAMPLE_ID}'?"

    write(workspace, EXAMPLE_ID, dict(old, supersedes="alaska-update"))
    write(workspace, "alaska-update", explained)
    loop = json.loads(run("check", "--format", "json", path).stdout)
    assert [(f["rule"], f["severity"], f["message"]) for f in loop] == [
        (
            "supersedes-loop",
            "error",
            f"supersedes chain comes back to itself: alaska-update → {EXAMPLE_ID} → alaska-update",
        )
    ]
    itself = write(workspace, "itself", dict(explained, id="itself", supersedes="itself"))
    assert rules_of(itself) == [("supersedes-loop", "error", line_of(workspace, itself, "supersedes:"))]


def test_a_superseded_brief_that_does_not_load_is_a_warning(workspace: Path) -> None:
    data = example_data(workspace)
    path = write(workspace, "later", dict(data, id="later", supersedes="broken"))
    (workspace / "briefs" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    findings = json.loads(run("check", "--format", "json", path).stdout)
    assert [(f["rule"], f["severity"]) for f in findings] == [("supersedes-unknown", "warning")]
    assert findings[0]["message"].startswith("supersedes 'broken': briefs/broken.yaml does not load (")


def claim_brief(workspace: Path, name: str, status: str, grades: dict[str, Any], cites: list[str]) -> str:
    data = {
        "title": "Sourcing",
        "date": "2025-10-11",
        "status": status,
        "bluf": "A bottom line.",
        "key_claims": [{"text": "A claim.", "confidence": "high", "sources": cites}],
        "context": "Context.",
        "implications": [{"for": "Someone", "text": "Something."}],
        "assumptions": [{"text": "An assumption."}],
        "alternatives": [{"text": "An alternative.", "likelihood": "unlikely"}],
        "sources": [
            {"id": "a", "title": "A", **grades},
            {"id": "b", "title": "B", "reliability": "B", "credibility": 2},
        ],
    }
    return write(workspace, name, data)


SINGLE = "high-confidence-single-source"


@pytest.mark.parametrize(
    ("grades", "cites", "expected"),
    [
        ({"reliability": "B", "credibility": 2}, ["a", "b"], []),
        ({"reliability": "B", "credibility": 2}, ["a"], ["high-confidence-single-source"]),
        ({"reliability": "E", "credibility": 2}, ["a"], [SINGLE, "high-confidence-weak-source"]),
        ({"reliability": "B", "credibility": 5}, ["a", "b"], []),  # one strong source among them
        ({"reliability": "B", "credibility": 5}, ["a", "a"], [SINGLE, "high-confidence-weak-source"]),
        ({"reliability": "B"}, ["a", "b"], ["source-ungraded"]),
    ],
)  # fmt: skip
def test_sourcing_rules(
    workspace: Path, grades: dict[str, Any], cites: list[str], expected: list[str]
) -> None:
    path = claim_brief(workspace, "sourcing", "draft", grades, cites)
    assert [rule for rule, _, _ in rules_of(path)] == expected


def test_an_ungraded_source_is_an_error_once_final(workspace: Path) -> None:
    draft = claim_brief(workspace, "draft", "draft", {}, ["a", "b"])
    final = claim_brief(workspace, "final", "final", {}, ["a", "b"])
    line = line_of(workspace, draft, "- id: a")
    assert rules_of(draft) == [("source-ungraded", "warning", line)]
    assert rules_of(final) == [("source-ungraded", "error", line)]
    assert run("check", final).exit_code == 1


def test_final_briefs_with_strong_judgments_state_assumptions_and_alternatives(workspace: Path) -> None:
    data = example_data(workspace)
    bare = {k: v for k, v in data.items() if k not in ("assumptions", "alternatives")}
    final = write(workspace, "bare", dict(bare, id="bare"))
    assert [rule for rule, _, _ in rules_of(final)] == ["alternatives-missing", "assumptions-missing"]
    draft = write(workspace, "bare", dict(bare, id="bare", status="draft"))
    assert rules_of(draft) == []
    calm = dict(bare, id="bare", implications=[dict(i, likelihood="unlikely") for i in bare["implications"]])
    assert rules_of(write(workspace, "bare", calm)) == [], "no high confidence, nothing likely: none needed"


def with_update(workspace: Path) -> str:
    shutil.copy(REPO / "briefs" / f"{SUPERSEDING_EXAMPLE}.yaml", workspace / "briefs")
    return f"briefs/{SUPERSEDING_EXAMPLE}.yaml"


def test_the_superseding_example_shows_its_changes_in_every_format(workspace: Path) -> None:
    with_update(workspace)
    assert run("check", "--strict").exit_code == 0
    result = run("build")
    assert result.exit_code == 0, result.stderr
    title = example_data(workspace)["title"]
    html = (workspace / "build" / "html" / f"{SUPERSEDING_EXAMPLE}.html").read_text(encoding="utf-8")
    heading = f"Changes since {title}, 10 October 2025"
    assert '<h2 id="changes">' + heading.replace("'", "&#39;") + "</h2>" in html
    order = [html.index(f'id="{name}"') for name in ("bluf", "changes", "key-claims", "implications")]
    assert order == sorted(order), "changes come right after the bottom line"
    assert "likely → roughly even chance" in html
    assert (
        html.index('id="assumptions"') < html.index('id="alternatives"') < html.index('id="recommendations"')
    )
    first = (workspace / "build" / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8")
    assert "Changes since" not in first and 'id="assumptions"' in first
    md = (workspace / "build" / "md" / f"{SUPERSEDING_EXAMPLE}.md").read_text(encoding="utf-8")
    assert f"## {heading}" in md
    assert "- *moderate → low*: In the article's analysis" in md
    text = " ".join(
        page.extract_text()
        for page in PdfReader(workspace / "build" / "pdf" / f"{SUPERSEDING_EXAMPLE}.pdf").pages
    )
    headings = text.upper()  # the PDF's stylesheet sets h2 in capitals
    assert (
        "CHANGES SINCE" in headings
        and "KEY ASSUMPTIONS" in headings
        and "ALTERNATIVES CONSIDERED" in headings
    )
    assert "likely → roughly even chance" in text


def test_editing_the_superseded_brief_rebuilds_the_brief_that_supersedes_it(workspace: Path) -> None:
    with_update(workspace)
    assert run("build", "-f", "md").exit_code == 0
    data = example_data(workspace)
    data["implications"][1]["likelihood"] = "roughly even chance"
    write(workspace, EXAMPLE_ID, data)
    again = run("build", "-f", "md")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("2 briefs built, 0 up to date"), "the update was rebuilt too"
    md = (workspace / "build" / "md" / f"{SUPERSEDING_EXAMPLE}.md").read_text(encoding="utf-8")
    assert "**Likelihood moved:**" not in md, "the judgment no longer moved"
    assert ", 2 up to date, " in run("build", "-f", "md").stdout


def test_the_digest_opens_with_the_week_at_a_glance(workspace: Path) -> None:
    with_update(workspace)
    data = example_data(workspace)
    write(workspace, "another", dict(data, id="another", title="Another brief", date="2025-10-15"))
    result = run("digest", "--week", "2025-W42")
    assert result.exit_code == 0, result.stderr
    html = (workspace / "build" / "digest" / "digest-2025-W42.html").read_text(encoding="utf-8")
    glance = html[html.index('id="digest-glance"') : html.index('id="digest-contents"')]
    assert (
        html.index('class="digest-cover"')
        < html.index('id="digest-glance"')
        < html.index('id="digest-contents"')
    )
    for brief_id, title in [("another", "Another brief"), (SUPERSEDING_EXAMPLE, "Update: Moscow&#39;s")]:
        assert f'<a href="#brief-{brief_id}">{title}' in glance
    assert glance.count('class="glance-bluf"') == 2
    assert "For Ukraine:</span> Moscow will keep making" in glance, "the most likely implication"
    assert glance.count("Changed since") == 1, "only the superseding brief has changed"
    assert (
        "confidence moderate → low on one claim; likelihood likely → roughly even chance for United States"
        in glance
    )
    pages = PdfReader(workspace / "build" / "digest" / "digest-2025-W42.pdf").pages
    second = pages[1].extract_text()
    assert second.startswith("THIS WEEK AT A GLANCE\nAnother brief\n"), "page 2, right after the cover"
    assert "Update: Moscow's 'Alaska provisions'" in second
    md = (workspace / "build" / "digest" / "digest-2025-W42.md").read_text(encoding="utf-8")
    assert md.index("## This week at a glance") < md.index("## Contents")
    assert "### [Another brief](../md/another.md)" in md


def test_different_claims_that_share_words_are_not_a_rewording(workspace: Path) -> None:
    data = example_data(workspace)
    claim = {"confidence": "moderate", "sources": ["article"]}
    old = Brief.model_validate(dict(data, key_claims=[dict(claim, text="Ukraine rejected the proposal.")]))
    new = Brief.model_validate(
        dict(data, key_claims=[dict(claim, text="The EU rejected the proposal to cap gas prices.")])
    )
    changes = compare(old, new)
    assert changes.claims_reworded == []
    assert changes.claims_removed == ["Ukraine rejected the proposal."]
    assert changes.claims_added == ["The EU rejected the proposal to cap gas prices."]
