"""The build engine: incremental rebuilds, pruning, time limits, dying workers and interruptions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from tests.conftest import EXAMPLE_ID, REPO, run, wait_for

EXAMPLE = REPO / "briefs" / f"{EXAMPLE_ID}.yaml"


def outputs(root: Path) -> dict[str, int]:
    """Output file → mtime_ns, to see exactly which files a build rewrote."""
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in (root / "build").rglob("*.*")
        if p.suffix != ".json"
    }


def write_variant(root: Path, name: str, claims: int = 7, **changes: object) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("id")
    data["key_claims"] = [
        dict(data["key_claims"][i % 7], text=f"Claim {i}: {data['key_claims'][i % 7]['text']}")
        for i in range(claims)
    ]
    data.update(changes)
    path = root / "briefs" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_second_build_skips_everything_and_touches_nothing(workspace: Path) -> None:
    assert run("build").exit_code == 0
    before = outputs(workspace)
    again = run("build")
    assert again.exit_code == 0
    assert "0 briefs built, 1 up to date, 0 failed, 0 files written" in again.stdout
    assert outputs(workspace) == before


def test_no_op_build_does_not_rewrite_the_manifest(workspace: Path) -> None:
    assert run("build", "-f", "md").exit_code == 0
    manifest = workspace / "build" / ".briefgen-manifest.json"
    before = manifest.stat().st_mtime_ns, manifest.stat().st_ino
    assert "1 up to date" in run("build", "-f", "md").stdout
    assert (manifest.stat().st_mtime_ns, manifest.stat().st_ino) == before


def test_changed_brief_is_rebuilt_but_a_touched_one_is_not(workspace: Path) -> None:
    assert run("build", "-f", "html,md").exit_code == 0
    brief = workspace / "briefs" / f"{EXAMPLE_ID}.yaml"
    os.utime(brief, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert "0 briefs built, 1 up to date" in run("build", "-f", "html,md").stdout, "same bytes: nothing to do"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("status: final", "status: draft"), encoding="utf-8"
    )
    result = run("build", "-f", "html,md")
    assert "1 brief built, 0 up to date" in result.stdout
    assert "Draft" in (workspace / "build" / "html" / f"{EXAMPLE_ID}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["source file", "template", "config", "format"])
def test_every_input_invalidates(workspace: Path, change: str) -> None:
    assert run("build", "-f", "html").exit_code == 0
    if change == "source file":
        seed = workspace / "seeds" / "putin-alaska-summit-dushanbe.txt"  # the article the brief cites
        seed.write_text(seed.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    elif change == "template":
        (workspace / "templates").mkdir()
        (workspace / "templates" / "screen.css").write_text("body { color: navy }", encoding="utf-8")
    elif change == "config":
        (workspace / "briefgen.toml").write_text('handling = "TLP:GREEN"\n', encoding="utf-8")
    result = run("build", "-f", "html,md" if change == "format" else "html")
    assert result.exit_code == 0
    assert "1 brief built, 0 up to date" in result.stdout
    if change == "format":
        assert run("build", "-f", "md").stdout.startswith("0 briefs built"), "md is now up to date too"


def test_force_rebuilds_and_a_deleted_output_is_remade(workspace: Path) -> None:
    assert run("build", "-f", "md").exit_code == 0
    assert "1 brief built" in run("build", "-f", "md", "--force").stdout
    (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").unlink()
    assert "1 brief built" in run("build", "-f", "md").stdout
    assert (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").exists()


def test_deleted_brief_loses_its_outputs_but_foreign_files_stay(workspace: Path) -> None:
    extra = write_variant(workspace, "second")
    assert run("build", "-f", "html,md").exit_code == 0
    foreign = workspace / "build" / "html" / "notes.html"
    foreign.write_text("mine", encoding="utf-8")
    extra.unlink()
    result = run("build", "-f", "html,md")
    assert result.exit_code == 0
    assert not (workspace / "build" / "html" / "second.html").exists()
    assert not (workspace / "build" / "md" / "second.md").exists()
    assert foreign.read_text(encoding="utf-8") == "mine"
    assert "removed html/second.html" in result.stderr


def test_building_one_path_never_prunes_the_others(workspace: Path) -> None:
    write_variant(workspace, "second")
    assert run("build", "-f", "md").exit_code == 0
    assert run("build", "-f", "md", "briefs/second.yaml").exit_code == 0
    assert (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").exists()


def test_renamed_id_replaces_its_old_output(workspace: Path) -> None:
    brief = write_variant(workspace, "second")
    assert run("build", "-f", "md").exit_code == 0
    brief.write_text("id: renamed\n" + brief.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("build", "-f", "md").exit_code == 0
    assert (workspace / "build" / "md" / "renamed.md").exists()
    assert not (workspace / "build" / "md" / "second.md").exists()


def test_renamed_id_with_force_replaces_its_old_output_too(workspace: Path) -> None:
    brief = write_variant(workspace, "second")
    assert run("build", "-f", "md").exit_code == 0
    brief.write_text("id: renamed\n" + brief.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("build", "-f", "md", "--force").exit_code == 0
    assert (workspace / "build" / "md" / "renamed.md").exists()
    assert not (workspace / "build" / "md" / "second.md").exists(), "--force forgot what it had written"


def test_an_image_a_template_loads_is_an_input(workspace: Path) -> None:
    """Not a brief's own reference: a logo that a workspace template pulls in from outside templates/."""
    (workspace / "assets").mkdir()
    logo = workspace / "assets" / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    (workspace / "templates").mkdir()
    (workspace / "templates" / "brief.pdf.j2").write_text(
        '{% extends "builtin/brief.pdf.j2" %}'
        '{% block tags %}<img src="assets/logo.svg" alt="logo">{% endblock %}',
        encoding="utf-8",
    )
    first = run("build", "-f", "pdf")
    assert first.exit_code == 0 and "warning" not in first.stderr, first.stderr
    assert "0 briefs built, 1 up to date" in run("build", "-f", "pdf").stdout, (
        "stable once the image is known"
    )
    logo.write_text(logo.read_text().replace('width="10" height="10"/>', 'width="5" height="5"/>'))
    assert "1 brief built, 0 up to date" in run("build", "-f", "pdf").stdout, (
        "the changed logo makes a new PDF"
    )
    assert "0 briefs built, 1 up to date" in run("build", "-f", "pdf").stdout


@pytest.mark.parametrize("damage", ["garbage", "wrong shape", "empty"])
def test_corrupt_manifest_means_full_rebuild(workspace: Path, damage: str) -> None:
    assert run("build", "-f", "md").exit_code == 0
    manifest = workspace / "build" / ".briefgen-manifest.json"
    manifest.write_text(
        {"garbage": "{not json", "wrong shape": json.dumps({"version": 1, "briefs": [1]}), "empty": ""}[
            damage
        ]
    )
    result = run("build", "-f", "md")
    assert result.exit_code == 0
    assert "1 brief built, 0 up to date" in result.stdout
    assert "rebuilding everything" in result.stderr
    assert json.loads(manifest.read_text())["version"] == 1, "a good manifest is written again"


def test_slow_brief_is_stopped_and_the_rest_built(workspace: Path) -> None:
    write_variant(workspace, "a-huge", claims=1500)
    (workspace / "briefgen.toml").write_text("pdf_timeout = 4\n", encoding="utf-8")
    result = run("build", "-f", "pdf", "-j", "2")
    assert result.exit_code == 1
    assert "briefs/a-huge.yaml:1:1: rendering took longer than 4 s and was stopped" in result.stderr
    assert PdfReader(workspace / "build" / "pdf" / f"{EXAMPLE_ID}.pdf").pages
    assert not (workspace / "build" / "pdf" / "a-huge.pdf").exists()


def test_a_markdown_render_that_never_ends_is_stopped_too(workspace: Path) -> None:
    """Without PDFs the renders run in the build's own process, still under the time limit."""
    write_variant(workspace, "endless", title="Endless")
    (workspace / "templates").mkdir()
    (workspace / "templates" / "brief.md.j2").write_text(
        '{% extends "builtin/brief.md.j2" %}{% block header %}'
        '{% if brief.title == "Endless" %}{% for i in range(10**10) %}{% endfor %}{% endif %}'
        "{{ super() }}{% endblock %}",
        encoding="utf-8",
    )
    (workspace / "briefgen.toml").write_text("pdf_timeout = 1\n", encoding="utf-8")
    started = time.monotonic()
    result = run("build", "-f", "md,html")
    assert result.exit_code == 1, result.stderr
    assert time.monotonic() - started < 30
    assert "briefs/endless.yaml:1:1: rendering took longer than 1 s and was stopped" in result.stderr
    assert (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").is_file(), "the others are built"
    assert not (workspace / "build" / "md" / "endless.md").exists()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found.extend(int(child) for child in text.split())
    return found


def _start_build(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_workers(process: subprocess.Popen[str], count: int = 1) -> list[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = _children(process.pid)
        if len(workers) >= count:
            time.sleep(1.5)  # let them take their first brief
            return workers
        time.sleep(0.05)
    process.kill()
    raise AssertionError("no worker process appeared")


def test_a_worker_that_dies_costs_only_its_brief(workspace: Path) -> None:
    write_variant(workspace, "a-huge", claims=1500)
    process = _start_build(workspace, "-f", "pdf", "-j", "1")
    (victim,) = _wait_for_workers(process)
    os.kill(victim, signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    assert "briefs/a-huge.yaml:1:1: the rendering process died (exit code -9)" in stderr
    assert "Traceback" not in stderr
    assert PdfReader(workspace / "build" / "pdf" / f"{EXAMPLE_ID}.pdf").pages, (
        "the next brief got a fresh worker"
    )


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_leaves_whole_files_and_the_next_one_finishes(
    workspace: Path, how: signal.Signals
) -> None:
    for number in range(6):
        write_variant(workspace, f"brief-{number}", claims=60)
    process = _start_build(workspace, "-j", "2")
    _wait_for_workers(process, count=2)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not list((workspace / "build").rglob("*.tmp")), "no half-written file"
    for pdf in (workspace / "build" / "pdf").glob("*.pdf"):
        assert PdfReader(pdf).pages, f"{pdf.name} is complete"
    assert not _children(process.pid) if Path(f"/proc/{process.pid}").exists() else True
    again = run("build")
    assert again.exit_code == 0
    assert len(list((workspace / "build" / "pdf").glob("*.pdf"))) == 7


def _imports(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "briefgen", *args],
        cwd=root,
        capture_output=True,
        text=True,
    )
    return done.stderr


@pytest.mark.parametrize(
    "args", [("check", "briefs/"), ("--version",), ("build", "--help"), ("build", "-f", "md,html")]
)
def test_commands_without_pdf_never_import_weasyprint(workspace: Path, args: tuple[str, ...]) -> None:
    report = _imports(workspace, *args)
    assert "briefgen" in report or args == ("--version",)
    assert "weasyprint" not in report


def test_pdf_build_does_import_weasyprint(workspace: Path) -> None:
    """The counter-check: the import probe above can see WeasyPrint when it is loaded."""
    assert "weasyprint" in _imports(workspace, "build", "-f", "pdf", "--jobs", "1")


def test_watch_rebuilds_on_save_and_survives_a_bad_brief(workspace: Path) -> None:
    md = workspace / "build" / "md" / f"{EXAMPLE_ID}.md"
    brief = workspace / "briefs" / f"{EXAMPLE_ID}.yaml"
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", "--watch", "-f", "md"],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(md.exists)
        time.sleep(0.5)  # the watcher starts after the first build
        brief.write_text(
            brief.read_text(encoding="utf-8").replace("status: final", "status: draft"), encoding="utf-8"
        )
        wait_for(lambda: "Draft" in md.read_text(encoding="utf-8"))
        (workspace / "briefs" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
        time.sleep(1.5)
        assert process.poll() is None, "a bad brief must not end the watch"
        brief.write_text(
            brief.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8"
        )
        wait_for(lambda: "Draft" not in md.read_text(encoding="utf-8"))
        config = workspace / "briefgen.toml"
        config.write_text('handling = "TLP:RED"\n', encoding="utf-8")  # the config is read again on a save
        brief.write_text(
            brief.read_text(encoding="utf-8").replace("handling: TLP:CLEAR\n", ""), encoding="utf-8"
        )
        wait_for(lambda: "TLP:RED" in md.read_text(encoding="utf-8"))
        config.write_text('handling = "TLP:PURPLE"\n', encoding="utf-8")
        time.sleep(1.5)
        assert process.poll() is None, "a broken config must not end the watch either"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "briefs/broken.yaml:2:1: YAML syntax:" in stderr
    assert "briefgen.toml:1:" in stderr and "TLP:PURPLE" in stderr, stderr
    assert "Traceback" not in stderr
