"""`briefgen doctor` on this machine, which the setup script equips fully."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run


def test_doctor_reports_every_part(workspace: Path) -> None:
    result = run("doctor")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "ok" in lines["weasyprint"]
    assert int(lines["weasyprint"].split()[-1].split(".")[0]) >= 70
    assert lines["pango"].split()[-1].startswith("1.")
    assert "available" in result.stdout, "scripts/setup installs libharfbuzz-subset0"
    assert "families" in lines["fonts"]
    assert str(workspace) in lines["workspace"]
    assert "1 in briefs/" in lines["briefs"]


def test_doctor_fails_on_a_broken_workspace(workspace: Path) -> None:
    (workspace / "briefgen.toml").write_text("paper = \n", encoding="utf-8")
    result = run("doctor")
    assert result.exit_code == 1
    assert "MISSING" in result.stdout and "briefgen.toml:1:" in result.stdout


def test_doctor_reports_fonts_for_arabic_hebrew_cjk(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = {line.split()[0]: line for line in run("doctor").stdout.splitlines()}
    assert "Noto Sans Arabic" in lines["Arabic"] and " ok " in lines["Arabic"]
    assert "Noto Sans Hebrew" in lines["Hebrew"]
    assert "Noto Sans CJK" in lines["CJK"]
    # A fontconfig that knows only DejaVu (no Noto): the scripts it lacks are reported, with the package.
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir>'
        f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    lines = {line.split()[0]: line for line in run("doctor").stdout.splitlines()}
    assert "warn " in lines["CJK"] and "fonts-noto-cjk" in lines["CJK"]
    assert "warn " in lines["Hebrew"] or "DejaVu" in lines["Hebrew"]
