"""The commands as analysts and scripts use them: exit codes, one-line errors, partial builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import EXAMPLE_ID, run

BAD_ENUM = """\
title: Bad brief
date: 2025-10-10
bluf: Short.
context: Some context.
key_claims:
  - text: A claim.
    confidence: hgih
implications:
  - for: Everyone
    text: Something.
"""


def test_build_makes_every_format(workspace: Path) -> None:
    result = run("build")
    assert result.exit_code == 0, result.output
    for fmt in ("html", "pdf", "md"):
        assert (workspace / "build" / fmt / f"{EXAMPLE_ID}.{fmt}").stat().st_size > 1000
    assert "1 brief built, 0 up to date, 0 failed, 3 files written" in result.stdout


def test_a_bad_brief_is_reported_and_the_good_one_still_built(workspace: Path) -> None:
    (workspace / "briefs" / "bad.yaml").write_text(BAD_ENUM, encoding="utf-8")
    result = run("build", "--format", "html,md")
    assert result.exit_code == 1
    assert (
        "briefs/bad.yaml:7:17: key_claims[0].confidence: 'hgih' is not one of high, moderate, low "
        "(did you mean 'high'?)" in result.stderr
    )
    assert (workspace / "build" / "html" / f"{EXAMPLE_ID}.html").exists()
    assert not (workspace / "build" / "html" / "bad.html").exists()
    assert "1 brief built, 0 up to date, 1 failed" in result.stdout


def test_format_option_limits_outputs(workspace: Path) -> None:
    assert run("build", "-f", "md").exit_code == 0
    assert (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").exists()
    assert not (workspace / "build" / "html").exists()
    assert not (workspace / "build" / "pdf").exists()


def test_unknown_format_is_a_usage_error(workspace: Path) -> None:
    result = run("build", "--format", "html,odt")
    assert result.exit_code == 2
    assert "odt" in result.stderr and "html, pdf, md, docx" in result.stderr


def test_out_option_and_missing_path(workspace: Path) -> None:
    result = run("build", "-f", "html", "-o", "site", "briefs", "briefs/nope.yaml")
    assert result.exit_code == 1
    assert "briefs/nope.yaml:1:1: no such file or folder" in result.stderr
    assert (workspace / "site" / "html" / f"{EXAMPLE_ID}.html").exists()


def test_duplicate_ids_are_refused(workspace: Path) -> None:
    example = (workspace / "briefs" / f"{EXAMPLE_ID}.yaml").read_text(encoding="utf-8")
    (workspace / "briefs" / "zz-copy.yaml").write_text(example, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert (
        f"briefs/zz-copy.yaml:2:5: id: id '{EXAMPLE_ID}' is already used by briefs/{EXAMPLE_ID}.yaml"
        in result.stderr
    )


def test_check_passes_on_the_example_and_fails_on_bad_input(workspace: Path) -> None:
    ok = run("check")
    assert ok.exit_code == 0
    assert "1 checked, 0 with errors" in ok.stdout
    (workspace / "briefs" / "bad.yaml").write_text("title: a\ntitle: b\n", encoding="utf-8")
    bad = run("check")
    assert bad.exit_code == 1
    assert "briefs/bad.yaml:2:1: duplicate key 'title'" in bad.stderr
    assert not (workspace / "build").exists(), "check renders nothing"


def test_letter_paper_from_config(workspace: Path) -> None:
    (workspace / "briefgen.toml").write_text('paper = "Letter"\nhandling = "TLP:AMBER"\n', encoding="utf-8")
    assert run("build", "-f", "pdf").exit_code == 0
    reader = PdfReader(workspace / "build" / "pdf" / f"{EXAMPLE_ID}.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "TLP:CLEAR" in (reader.pages[0].extract_text() or ""), (
        "the brief's own marking wins over the default"
    )


def test_config_from_pyproject_and_its_errors(workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text(
        '[tool.briefgen]\nout = "public"\npaper = "A5"\n', encoding="utf-8"
    )
    result = run("build", "-f", "html")
    assert result.exit_code == 2
    assert "pyproject.toml:3:1: paper:" in result.stderr
    (workspace / "pyproject.toml").write_text('[tool.briefgen]\nout = "public"\n', encoding="utf-8")
    assert run("build", "-f", "html").exit_code == 0
    assert (workspace / "public" / "html" / f"{EXAMPLE_ID}.html").exists()


def test_broken_toml_points_at_the_line(workspace: Path) -> None:
    (workspace / "briefgen.toml").write_text('paper = "A4"\nout = \n', encoding="utf-8")
    result = run("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("briefgen.toml:2:")


def test_real_process_bad_input_gives_no_traceback(workspace: Path) -> None:
    (workspace / "briefs" / "tabs.yaml").write_bytes(b"title: x\n\tdate: 2025-01-01\n")
    (workspace / "briefs" / "latin1.yaml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-f", "html"],
        capture_output=True,
        text=True,
        cwd=workspace,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert "briefs/latin1.yaml:1:11: not valid UTF-8 (byte 0xe9) (save the file as UTF-8)" in lines
    assert (
        "briefs/tabs.yaml:2:1: YAML syntax: tab character (indent with spaces; YAML does not allow tabs)"
        in lines
    )
    assert (workspace / "build" / "html" / f"{EXAMPLE_ID}.html").exists()


def test_version_and_help() -> None:
    from briefgen import __version__

    assert run("--version").stdout.strip() == f"briefgen, version {__version__}"
    for command in ([], ["build"], ["check"]):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Usage:" in result.stdout


def test_outputs_are_replaced_atomically_and_leave_no_temporary_files(workspace: Path) -> None:
    assert run("build", "-f", "html,md").exit_code == 0
    first = (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").read_bytes()
    assert run("build", "-f", "html,md").exit_code == 0
    assert (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").read_bytes() == first
    leftovers = [p.name for p in (workspace / "build").rglob("*.tmp")]
    assert leftovers == []


def test_unwritable_output_folder_is_a_clear_error(workspace: Path) -> None:
    (workspace / "build").write_text("a file where the folder should be", encoding="utf-8")
    result = run("build", "-f", "md")
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_a_brief_named_to_forge_lines_prints_escaped(workspace: Path) -> None:
    (workspace / "briefs" / "evil\nfake.yaml:1:1: fine\u202e.yaml").write_text("title: [\n", encoding="utf-8")
    result = run("build", "-f", "md")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert not any(line.startswith("fake.yaml") for line in lines), result.stderr
    assert any(line.startswith("briefs/evil\\nfake.yaml:1:1: fine\\u202e.yaml:2:1: ") for line in lines), (
        result.stderr
    )
    assert "\u202e" not in result.output


def test_format_options_add_up(workspace: Path) -> None:
    result = run("build", "-f", "html", "-f", "md")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (workspace / "build").iterdir() if p.is_dir()) == ["html", "md"]
