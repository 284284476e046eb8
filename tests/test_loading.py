"""briefgen.loading: YAML text → Brief, with every problem pinned to the line and column to fix."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from briefgen.config import find_workspace
from briefgen.errors import BriefError
from briefgen.loading import MAX_BYTES, MAX_DEPTH, MAX_NODES, discover, load_brief, load_bytes
from briefgen.loading.yaml_tree import YamlStop, parse_yaml
from briefgen.model import SLUG_PATTERN, Confidence, Likelihood
from briefgen.problems import Problem
from tests.conftest import REPO

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
GOOD = DATA / "good"
EXAMPLE = ROOT / "briefs" / "putin-alaska-provisions.yaml"

MINIMAL = (GOOD / "minimal.yaml").read_bytes()


def problems_of(path: Path) -> list[Problem]:
    """The problems load_brief reports for `path`, shown under the name `bad/<file>`."""
    with pytest.raises(BriefError) as caught:
        load_brief(path, display=f"bad/{path.name}")
    assert caught.value.problems, "a BriefError must carry at least one problem"
    return caught.value.problems


def only_problem(name: str) -> Problem:
    """The single problem in tests/data/bad/<name>: each bad file has exactly one defect."""
    problems = problems_of(BAD / name)
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert problem.file == f"bad/{name}"
    assert problem.severity == "error"
    return problem


def bytes_problems(data: bytes) -> list[Problem]:
    with pytest.raises(BriefError) as caught:
        load_bytes(data, "mem.yaml")
    return caught.value.problems


def text_at(path: Path, line: int, column: int) -> str:
    """What the file holds from 1-based (line, column) to the end of that line."""
    return path.read_text(encoding="utf-8").splitlines()[line - 1][column - 1 :]


# ---- good input ---------------------------------------------------------------------------------


def test_example_brief_loads_cleanly() -> None:
    loaded = load_brief(EXAMPLE)
    brief = loaded.brief
    assert brief.id == "putin-alaska-provisions"
    assert brief.title.startswith("Putin anchors Russia's Ukraine settlement strategy")
    assert brief.date == dt.date(2025, 10, 10)
    assert [s.heading for s in brief.sections] == [
        "Understanding the 'Alaska Summit' Provisions",
        "Why the CIS Platform Matters",
        "The Path Forward: A Geopolitical Tug-of-War",
    ]
    assert len(brief.tags) == 12
    assert brief.tags[:3] == ["CISSummit", "UkrainianSettlement", "NATOExpansion"]
    assert brief.tags[-1] == "SecurityGuarantees"
    assert len(brief.key_claims) == 7
    assert brief.key_claims[0].confidence is Confidence.MODERATE
    assert [a.text[:30] for a in brief.assumptions][:1] == ["Putin's remarks in Dushanbe st"]
    assert [str(a.likelihood) for a in brief.alternatives] == ["unlikely", "roughly even chance"]
    assert brief.implications[0].for_ == "Ukraine"
    assert brief.implications[0].likelihood is Likelihood.VERY_LIKELY
    assert brief.version == "1.0"
    assert brief.sources[0].file == "seeds/putin-alaska-summit-dushanbe.txt"
    assert loaded.display == EXAMPLE.as_posix()
    assert loaded.path == EXAMPLE
    # Positions are remembered for later checks (e.g. citations): `id` is the first key, line 2.
    assert loaded.positions.values[("id",)] == (2, 5)
    assert loaded.positions.keys[("id",)] == (2, 1)


def test_minimal_brief_gets_id_from_file_name() -> None:
    loaded = load_brief(GOOD / "minimal.yaml")
    assert loaded.brief.id == "minimal"
    assert loaded.brief.title == "Minimal brief"
    assert loaded.brief.key_claims[0].confidence is Confidence.HIGH
    assert loaded.brief.implications[0].for_ == "Someone"


@pytest.mark.parametrize(
    ("file_name", "expected_id"),
    [
        ("My Brief (v2).yaml", "my-brief-v2"),
        ("Putin_Alaska  Summit.yml", "putin-alaska-summit"),
        ("2025-10-10.report.yaml", "2025-10-10-report"),
    ],
)
def test_id_defaults_to_slugified_file_name(tmp_path: Path, file_name: str, expected_id: str) -> None:
    path = tmp_path / file_name
    path.write_bytes(MINIMAL)
    assert load_brief(path).brief.id == expected_id
    assert re.fullmatch(SLUG_PATTERN, expected_id)


def test_explicit_id_wins_over_file_name(tmp_path: Path) -> None:
    path = tmp_path / "Other Name.yaml"
    path.write_bytes(b"id: chosen-id\n" + MINIMAL)
    assert load_brief(path).brief.id == "chosen-id"


def test_load_bytes_uses_default_id() -> None:
    assert load_bytes(MINIMAL, "mem.yaml", default_id="from-caller").brief.id == "from-caller"
    assert load_bytes(MINIMAL, "mem.yaml").brief.id == "brief"


def test_utf8_bom_loads_and_positions_ignore_it(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace(b"Minimal brief", b"Caf\xc3\xa9 brief"))
    loaded = load_brief(path)
    assert loaded.brief.title == "Café brief"
    assert loaded.positions.keys[("title",)] == (1, 1)

    with pytest.raises(BriefError) as caught:
        load_bytes(b"\xef\xbb\xbf" + b"status: Final\n" + MINIMAL, "bom.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.field) == (1, 9, "status")


def test_crlf_line_endings_load_like_lf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(MINIMAL.replace(b"\n", b"\r\n"))
    loaded = load_brief(path)
    expected = load_brief(GOOD / "minimal.yaml").brief
    assert loaded.brief.model_dump(exclude={"id"}) == expected.model_dump(exclude={"id"})
    assert "\r" not in loaded.brief.context
    assert loaded.positions.values[("key_claims", 0, "confidence")] == (6, 17)

    bad = (BAD / "enum-typo.yaml").read_bytes().replace(b"\n", b"\r\n")
    [problem] = bytes_problems(bad)
    assert (problem.line, problem.column, problem.field) == (6, 17, "key_claims[0].confidence")


def test_file_of_exactly_max_bytes_is_accepted(tmp_path: Path) -> None:
    padding = b"# " + b"x" * (MAX_BYTES - len(MINIMAL) - 3) + b"\n"
    path = tmp_path / "big-but-fine.yaml"
    path.write_bytes(MINIMAL + padding)
    assert path.stat().st_size == MAX_BYTES
    assert load_brief(path).brief.title == "Minimal brief"


# ---- validation problems ------------------------------------------------------------------------


def test_wrong_enum_value_suggests_the_close_one() -> None:
    problem = only_problem("enum-typo.yaml")
    assert (problem.line, problem.column) == (6, 17)
    assert text_at(BAD / "enum-typo.yaml", problem.line, problem.column) == "hgih"
    assert problem.field == "key_claims[0].confidence"
    assert str(problem) == (
        "bad/enum-typo.yaml:6:17: key_claims[0].confidence: 'hgih' is not one of high, moderate, low "
        "(did you mean 'high'?)"
    )


@pytest.mark.parametrize(
    ("line", "wrong", "field", "allowed", "suggestion"),
    [
        ("status: Final", "Final", "status", "draft, final", "final"),
        ("handling: tlp:clear", "tlp:clear", "handling", "TLP:CLEAR, TLP:GREEN", "TLP:CLEAR"),
    ],
)
def test_enum_suggestions_ignore_case(
    line: str, wrong: str, field: str, allowed: str, suggestion: str
) -> None:
    [problem] = bytes_problems(MINIMAL + line.encode() + b"\n")
    assert (problem.line, problem.column) == (11, line.index(wrong) + 1)
    assert problem.field == field
    assert problem.message.startswith(f"{wrong!r} is not one of {allowed}")
    assert problem.hint == f"did you mean '{suggestion}'?"


def test_unknown_key_suggests_the_close_one() -> None:
    problem = only_problem("unknown-key.yaml")
    assert (problem.line, problem.column) == (2, 1)
    assert text_at(BAD / "unknown-key.yaml", 2, 1).startswith("subtitel:")
    assert problem.field == "subtitel"
    assert problem.message == "unknown field 'subtitel'"
    assert problem.hint == "did you mean 'subtitle'?"


def test_unknown_nested_key_is_pinned_to_the_key() -> None:
    problem = only_problem("unknown-key-nested.yaml")
    assert (problem.line, problem.column) == (7, 5)
    assert text_at(BAD / "unknown-key-nested.yaml", 7, 5).startswith("atribution:")
    assert problem.field == "key_claims[0].atribution"
    assert problem.message == "unknown field 'atribution'"
    assert problem.hint == "did you mean 'attribution'?"


def test_unknown_key_under_aliased_field_suggests_the_alias() -> None:
    data = MINIMAL.replace(b"    text: What it means.", b"    text: What it means.\n    fro: Someone else")
    [problem] = bytes_problems(data)
    assert (problem.line, problem.column) == (11, 5)
    assert problem.field == "implications[0].fro"
    assert problem.hint == "did you mean 'for'?"


def test_unknown_key_without_close_match_lists_allowed_fields() -> None:
    problem = only_problem("unknown-key-unlike.yaml")
    assert (problem.line, problem.column) == (11, 1)
    assert problem.message == "unknown field 'zzz'"
    assert problem.hint.startswith("allowed: ")
    allowed = problem.hint.removeprefix("allowed: ").split(", ")
    assert {"title", "date", "bluf", "key_claims", "context", "implications", "tags"} <= set(allowed)


def test_missing_top_level_field_is_named() -> None:
    problem = only_problem("missing-top.yaml")
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "required field 'bluf' is missing"
    assert problem.hint == "add it at the top level"
    assert (
        str(problem) == "bad/missing-top.yaml:1:1: required field 'bluf' is missing (add it at the top level)"
    )


def test_missing_nested_field_is_named_and_pinned_to_its_entry() -> None:
    problem = only_problem("missing-nested.yaml")
    # The second key claim (line 7) lacks `confidence`; the first one (line 5) is complete.
    assert (problem.line, problem.column) == (7, 5)
    assert text_at(BAD / "missing-nested.yaml", 7, 5) == "text: Another claim."
    assert problem.field == "key_claims[1]"
    assert problem.message == "required field 'confidence' is missing"
    assert "key_claims[1]" in problem.hint


def test_list_as_title_is_a_wrong_type() -> None:
    problem = only_problem("wrong-type-title.yaml")
    assert (problem.line, problem.column) == (1, 8)
    assert text_at(BAD / "wrong-type-title.yaml", 1, 8) == "[1984]"
    assert problem.field == "title"
    assert "valid string" in problem.message


@pytest.mark.parametrize(
    ("line", "field", "column", "message"),
    [
        (b"authors: Jane Doe", "authors", 10, "input should be a valid list, got 'Jane Doe'"),
        (b"sections: {heading: One}", "sections", 11, "input should be a valid list"),
        (b"date: [2025-10-10]", "date", 7, "input should be a valid date"),
    ],
)
def test_other_wrong_types(line: bytes, field: str, column: int, message: str) -> None:
    data = MINIMAL.replace(b"date: 2025-10-10\n", b"") if field == "date" else MINIMAL
    [problem] = bytes_problems(data + line + b"\n")
    assert (problem.line, problem.column, problem.field) == (data.count(b"\n") + 1, column, field)
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        (b"title: 1984", "title", "1984"),
        (b"title: yes", "title", "yes"),
        (b"title: 2025-10-10", "title", "2025-10-10"),
        (b"version: 1.10", "version", "1.10"),
        (b"version: 2.0", "version", "2.0"),
        (b"version: 3", "version", "3"),
        (b"lang: no", "lang", "no"),
        (b"supersedes: 2024", "supersedes", "2024"),
    ],
)
def test_plain_scalars_in_text_fields_are_taken_as_written(line: bytes, field: str, expected: str) -> None:
    data = MINIMAL.replace(b"title: Minimal brief\n", b"") if field == "title" else MINIMAL
    brief = load_bytes(data + line + b"\n", "mem.yaml").brief
    assert getattr(brief, field) == expected


def test_plain_scalars_in_text_lists_are_taken_as_written() -> None:
    brief = load_bytes(MINIMAL + b"authors: [1984, true]\ntags: [2025, null-island]\n", "mem.yaml").brief
    assert brief.authors == ["1984", "true"]
    assert brief.tags == ["2025", "null-island"]


def test_null_title_says_so() -> None:
    [problem] = bytes_problems(MINIMAL.replace(b"title: Minimal brief", b"title:"))
    assert (problem.line, problem.column, problem.field) == (1, 7, "title")
    assert problem.message == "expected text, found nothing (null)"
    assert problem.hint == "write a value or remove the key"


def test_empty_required_list_is_reported() -> None:
    data = MINIMAL.replace(b"key_claims:\n  - text: A claim.\n    confidence: high\n", b"key_claims: []\n")
    [problem] = bytes_problems(data)
    assert (problem.line, problem.column, problem.field) == (4, 13, "key_claims")
    assert problem.message == "needs at least 1 entry"


def test_top_level_duplicate_key_points_at_second_and_names_first() -> None:
    problem = only_problem("duplicate-top.yaml")
    assert (problem.line, problem.column) == (11, 1)
    assert text_at(BAD / "duplicate-top.yaml", 11, 1).startswith("title:")
    assert problem.message == "duplicate key 'title'"
    assert "first defined at line 1" in problem.hint


def test_nested_duplicate_key_points_at_second_and_names_first() -> None:
    problem = only_problem("duplicate-nested.yaml")
    assert (problem.line, problem.column) == (7, 5)
    assert text_at(BAD / "duplicate-nested.yaml", 7, 5).startswith("text:")
    assert problem.message == "duplicate key 'text'"
    assert "first defined at line 5" in problem.hint


def test_same_key_in_sibling_entries_is_not_a_duplicate() -> None:
    data = MINIMAL.replace(
        b"    confidence: high\n", b"    confidence: high\n  - text: Second.\n    confidence: low\n"
    )
    brief = load_bytes(data, "mem.yaml").brief
    assert [c.text for c in brief.key_claims] == ["A claim.", "Second."]


def test_invalid_date_is_pinned_and_hints_at_format() -> None:
    problem = only_problem("bad-date.yaml")
    assert (problem.line, problem.column) == (2, 7)
    assert text_at(BAD / "bad-date.yaml", 2, 7) == "2025-13-01"
    assert "2025-13-01" in problem.message
    assert "month must be in 1..12" in problem.message
    assert problem.hint == "write dates as YYYY-MM-DD"


@pytest.mark.parametrize(
    ("name", "value"), [("source-parent-path.yaml", "../x"), ("source-absolute-path.yaml", "/etc/passwd")]
)
def test_source_file_outside_workspace_is_refused(name: str, value: str) -> None:
    problem = only_problem(name)
    assert (problem.line, problem.column) == (15, 11)
    assert text_at(BAD / name, 15, 11) == value
    assert problem.field == "sources[0].file"
    assert "relative path inside the workspace" in problem.message


def test_multiple_problems_in_one_error_sorted_by_line() -> None:
    problems = problems_of(BAD / "multiple-problems.yaml")
    # Pydantic reports in field order (title, key_claims, implications, tags); the file order differs.
    assert [(p.line, p.column, p.field) for p in problems] == [
        (1, 8, "tags[0]"),
        (2, 8, "title"),
        (7, 17, "key_claims[0].confidence"),
        (12, 17, "implications[0].likelihood"),
    ]
    assert problems[2].hint == "did you mean 'high'?"
    assert problems[3].hint == "did you mean 'likely'?"
    with pytest.raises(BriefError) as caught:
        load_brief(BAD / "multiple-problems.yaml", display="x.yaml")
    assert str(caught.value).splitlines() == [str(p) for p in caught.value.problems]
    assert str(caught.value).splitlines()[2] == (
        "x.yaml:7:17: key_claims[0].confidence: 'hgih' is not one of high, moderate, low "
        "(did you mean 'high'?)"
    )


# ---- YAML syntax and encoding -------------------------------------------------------------------


def test_unclosed_quote_is_pinned_to_the_opening_quote() -> None:
    problem = only_problem("unclosed-quote.yaml")
    assert (problem.line, problem.column) == (1, 8)
    assert text_at(BAD / "unclosed-quote.yaml", 1, 8) == '"Minimal brief'
    assert problem.message.startswith("YAML syntax:")
    assert "never closed" in problem.message
    assert "close" in problem.hint


def test_unclosed_single_quote_mid_file(tmp_path: Path) -> None:
    path = tmp_path / "quote.yaml"
    path.write_bytes(MINIMAL.replace(b"bluf: The bottom line.", b"bluf: 'The bottom line."))
    [problem] = problems_of(path)
    assert (problem.line, problem.column) == (3, 7)
    assert "never closed" in problem.message


def test_bad_indentation_is_pinned_to_the_misindented_key() -> None:
    problem = only_problem("bad-indent.yaml")
    assert (problem.line, problem.column) == (6, 4)
    assert text_at(BAD / "bad-indent.yaml", 6, 4) == "confidence: high"
    assert problem.message.startswith("YAML syntax:")
    assert "line 5" in problem.hint


def test_tab_indentation_hints_at_spaces() -> None:
    problem = only_problem("tab-indent.yaml")
    assert (problem.line, problem.column) == (6, 1)
    assert text_at(BAD / "tab-indent.yaml", 6, 1).startswith("\t")
    assert problem.message == "YAML syntax: tab character"
    assert "spaces" in problem.hint


def test_non_utf8_byte_is_pinned() -> None:
    data = MINIMAL.replace(b"context: Some background.", b"context: Caf\xe9 background.")
    [problem] = bytes_problems(data)
    assert (problem.line, problem.column) == (7, 13)
    assert problem.message == "not valid UTF-8 (byte 0xe9)"
    assert "UTF-8" in problem.hint


def test_nul_byte_is_pinned(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(MINIMAL.replace(b"context: Some background.", b"context: Some\x00 background."))
    with pytest.raises(BriefError) as caught:
        load_brief(path, display="nul.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (7, 14)
    assert "U+0000" in problem.message
    assert problem.hint == "remove it"


def test_empty_file() -> None:
    problem = only_problem("empty.yaml")
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "file is empty"
    assert "briefgen new" in problem.hint


@pytest.mark.parametrize("content", [b" ", b"\n\n\n", b"  \t\n \r\n", b"\xef\xbb\xbf\n"])
def test_whitespace_only_file_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.yaml"
    path.write_bytes(content)
    [problem] = problems_of(path)
    assert (problem.line, problem.column, problem.message) == (1, 1, "file is empty")


def test_comment_only_file_holds_no_value() -> None:
    [problem] = bytes_problems(b"# just a comment\n")
    assert problem.message == "file holds no YAML value"
    assert "key: value" in problem.hint


def test_list_instead_of_mapping() -> None:
    problem = only_problem("list-top.yaml")
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "expected a mapping of fields, found a list"
    assert "title: ..." in problem.hint


def test_single_value_instead_of_mapping() -> None:
    [problem] = bytes_problems(b"\n  just some text\n")
    assert (problem.line, problem.column) == (2, 3)
    assert problem.message == "expected a mapping of fields, found a single value (str)"


def test_missing_file_is_a_brief_error(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "absent.yaml")
    assert problem.file == "bad/absent.yaml"
    assert problem.message.startswith("cannot read file:")


# ---- hostile input ------------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_oversize_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(MINIMAL + b"# " + b"x" * MAX_BYTES + b"\n")
    [problem] = problems_of(path)
    assert (problem.line, problem.column) == (1, 1)
    assert f"more than the {MAX_BYTES:,} allowed" in problem.message


@pytest.mark.timeout(10)
def test_oversize_file_reports_its_real_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (3 * 1024 * 1024))
    [problem] = problems_of(path)
    assert problem.message.startswith(f"file is {3 * 1024 * 1024:,} bytes")


@pytest.mark.timeout(10)
def test_oversize_bytes_are_refused_before_parsing() -> None:
    # Not YAML at all: the size check must come first.
    [problem] = bytes_problems(b"\xff" * (MAX_BYTES + 1))
    assert problem.message == f"file is {MAX_BYTES + 1:,} bytes, more than the {MAX_BYTES:,} allowed"


@pytest.mark.timeout(10)
def test_alias_bomb_fails_fast() -> None:
    problem = only_problem("alias-bomb.yaml")
    assert problem.message == f"more than {MAX_NODES} values"
    assert "aliases" in problem.hint
    assert (problem.line, problem.column) == (1, 8)
    assert text_at(BAD / "alias-bomb.yaml", 1, 8).startswith('"lol"')


@pytest.mark.timeout(10)
def test_recursive_alias_fails_fast() -> None:
    problem = only_problem("recursive-alias.yaml")
    assert (problem.line, problem.column) == (1, 4)
    assert text_at(BAD / "recursive-alias.yaml", 1, 4) == "&a [*a]"
    assert problem.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert "recursive alias" in problem.hint


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("opener", "column", "there"),
    [
        # The top mapping is level 1, so the MAX_DEPTH-th '[' is the first node too deep.
        (b"[", 8 + (MAX_DEPTH - 1), "["),
        # Keys count as a level too: the key of the (MAX_DEPTH - 1)-th mapping is the first too deep.
        (b"{a: ", 8 + (MAX_DEPTH - 2) * 4 + 1, "a"),
    ],
)
def test_deep_flow_nesting_fails_fast(tmp_path: Path, opener: bytes, column: int, there: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_bytes(b"title: " + opener * 100_000)
    [problem] = problems_of(path)
    assert problem.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert (problem.line, problem.column) == (1, column)
    assert text_at(path, 1, column)[0] == there


@pytest.mark.timeout(10)
def test_deep_block_nesting_fails_fast() -> None:
    data = b"title:\n" + b"".join(b"  " * i + b"- \n" for i in range(1, 200))
    [problem] = bytes_problems(data)
    assert problem.message == f"nesting deeper than {MAX_DEPTH} levels"
    # Line 1 is the top mapping (level 1) and `title`'s list starts on line 2 (level 2).
    assert problem.line == MAX_DEPTH + 1


def test_nesting_within_limit_is_fine() -> None:
    data = MINIMAL + b"sections: " + b"[" * (MAX_DEPTH - 3) + b"]" * (MAX_DEPTH - 3) + b"\n"
    [problem] = bytes_problems(data)  # parses; only the model objects to the shape
    assert problem.field.startswith("sections[0]")
    assert "nesting" not in problem.message


def test_python_object_tag_is_refused() -> None:
    problem = only_problem("python-object.yaml")
    assert (problem.line, problem.column) == (7, 10)
    assert "python/object:os.system" in problem.message


def test_custom_tag_on_text_scalar_is_refused() -> None:
    [problem] = bytes_problems(MINIMAL.replace(b"title: Minimal brief", b"title: !secret Minimal brief"))
    assert (problem.line, problem.column) == (1, 8)
    assert "tag" in problem.message


def test_python_name_tag_is_refused() -> None:
    [problem] = bytes_problems(
        MINIMAL.replace(b"context: Some background.", b"context: !!python/name:os.system ''")
    )
    assert (problem.line, problem.column) == (7, 10)
    assert "python/name:os.system" in problem.message
    assert problem.hint == "use plain YAML values"


def test_python_object_apply_tag_is_refused() -> None:
    problem = only_problem("python-object-apply.yaml")
    assert (problem.line, problem.column) == (7, 10)
    assert problem.message == "unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    assert problem.hint == "remove the tag"


@pytest.mark.parametrize("tagged", [b"tags: !!set {a, b}", b"tags: !!omap [a: 1]", b"tags: !custom [a]"])
def test_non_default_collection_tags_are_refused(tagged: bytes) -> None:
    [problem] = bytes_problems(MINIMAL + tagged + b"\n")
    assert (problem.line, problem.column) == (11, 7)
    assert "tag" in problem.message


def test_merge_keys_are_refused() -> None:
    data = MINIMAL.replace(b"  - for: Someone\n", b"  - <<: {for: Someone}\n")
    [problem] = bytes_problems(data)
    assert (problem.line, problem.column) == (9, 5)
    assert problem.message == "keys must be plain words"


def test_huge_integer_is_a_problem_not_a_crash() -> None:
    [problem] = bytes_problems(MINIMAL.replace(b"date: 2025-10-10", b"date: " + b"7" * 5000))
    assert (problem.line, problem.column) == (2, 7)
    assert problem.message.startswith("cannot read '7777")
    assert problem.hint == "put the value in quotes"


def test_second_document_is_refused() -> None:
    [problem] = bytes_problems(MINIMAL + b"---\ntitle: Another\n")
    assert (problem.line, problem.column) == (11, 1)
    assert "another document" in problem.message


# ---- regressions for bugs found while writing these tests -------------------------------------


def test_invalid_date_like_key_is_a_brief_error() -> None:
    # Keys used to be constructed as YAML values: this one raised a bare ValueError.
    [problem] = bytes_problems(MINIMAL + b"2025-13-01: x\n")
    assert (problem.line, problem.column) == (11, 1)
    assert problem.message == "unknown field '2025-13-01'"


def test_keys_are_taken_as_written() -> None:
    [problem] = bytes_problems(MINIMAL + b"yes: x\n")
    assert problem.message == "unknown field 'yes'"


def test_default_id_from_long_file_name_is_a_valid_slug(tmp_path: Path) -> None:
    path = tmp_path / ("a" * 99 + "-b.yaml")
    path.write_bytes(MINIMAL)
    brief_id = load_brief(path).brief.id
    assert brief_id == "a" * 99
    assert re.fullmatch(SLUG_PATTERN, brief_id)


# ---- what reaches the terminal ---------------------------------------------------------------------


def test_thousands_of_unknown_keys_are_capped_at_one_screen() -> None:
    data = MINIMAL + b"".join(b"extra_%d: x\n" % i for i in range(2000))
    problems = bytes_problems(data)
    assert len(problems) == 51
    assert problems[-1].message == "… and 1950 more problems in this file"
    assert problems[-1].line == problems[-2].line, "the note sits where the shown ones end"


def test_a_file_name_cannot_forge_or_reorder_error_lines(tmp_path: Path) -> None:
    """A name holding a line break, an escape sequence or U+202E prints escaped, on its own line."""
    name = "evil\nbriefs/fake.yaml:1:1: all good \x1b[2J\u202e.yaml"
    problems = bytes_problems(b"title: [\n")
    shown = str(Problem(name, 1, 1, problems[0].message))
    assert "\n" not in shown and "\x1b" not in shown and "\u202e" not in shown
    assert shown.startswith("evil\\nbriefs/fake.yaml:1:1: all good \\x1b[2J\\u202e.yaml:1:1: ")


YAML_FILES = sorted(
    path
    for folder in (REPO / "briefs", REPO / "tests" / "data")
    for path in folder.rglob("*")
    if path.suffix in {".yaml", ".yml"} and path.is_file()
)


def _read_both(data: bytes) -> list[object]:
    results: list[object] = []
    for pure in (False, True):
        try:
            value, positions = parse_yaml(data, pure=pure)
            results.append((value, positions.values, positions.keys))
        except YamlStop as stop:
            results.append((stop.line, stop.column, stop.message, stop.hint))
    return results


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: str(path.relative_to(REPO)))
def test_libyaml_reads_every_brief_as_the_python_reader_does(path: Path) -> None:
    """Briefs are read with libyaml's scanner for speed: the data, every position and every error
    (a broken file is read again by the Python reader) must be the ones the Python reader gives."""
    fast, pure = _read_both(path.read_bytes())
    assert fast == pure


@pytest.mark.parametrize(
    "data",
    [
        "a: éé x\nb: [é, {c: d}]\nc: 1.10\n".encode(),
        "t: 'é'\r\nu: x\r\n".encode(),
        "\ufeffk: v\n".encode(),
        b"k:\n\t- tab\n",
        b"k: 'never closed\n",
        b"a: &x 1\nb: &x 2\n",
        b"k: [" * 60 + b"]" * 60 + b"\n",
        b"a: 1\na: 2\n",
        b"k: v\n---\nk: w\n",
    ],
)
def test_libyaml_and_python_agree_on_awkward_yaml(data: bytes) -> None:
    fast, pure = _read_both(data)
    assert fast == pure


def test_discover_walks_the_briefs_folder_in_path_order(tmp_path: Path) -> None:
    """Every .yaml/.yml file below briefs/, sorted by path parts; a symlink to a brief inside the
    workspace counts as that file, a symlinked folder is not entered, other files are not briefs."""
    (tmp_path / "briefgen.toml").write_text("", encoding="utf-8")
    briefs = tmp_path / "briefs"
    names = ("b.yaml", "a/z.yml", "a/b/c.yaml", "a-b.yaml", ".hidden.yaml", "..yaml", "notes.txt", ".yaml")
    for name in names:
        (briefs / name).parent.mkdir(parents=True, exist_ok=True)
        (briefs / name).write_text("title: x\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "kept.yaml").write_text("title: x\n", encoding="utf-8")
    (briefs / "link.yaml").symlink_to(tmp_path / "elsewhere" / "kept.yaml")
    (briefs / "folder-link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    files, problems = discover(find_workspace(tmp_path))
    real = tmp_path.resolve()
    assert problems == []
    assert [path.relative_to(real).as_posix() for path in files] == [
        "briefs/..yaml",
        "briefs/.hidden.yaml",
        "briefs/a/b/c.yaml",
        "briefs/a/z.yml",
        "briefs/a-b.yaml",
        "briefs/b.yaml",
        "elsewhere/kept.yaml",
    ]
