"""Large workspaces: a no-op build is a `stat` per file. A child process counts, with an audit hook,
every `open` of a brief file while the real CLI runs; speed itself is measured in
benchmarks/build_speed.py, not here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import REPO
from tests.test_building import EXAMPLE, outputs

BRIEFS = 12

COUNTING_CLI = """
import collections, json, os, runpy, sys
opened = collections.Counter()
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        name = os.fsdecode(args[0])
        if name.endswith(".yaml") and "briefs" in name:
            opened[os.path.basename(name)] += 1
sys.addaudithook(hook)
sys.argv = ["briefgen", *sys.argv[1:]]
try:
    runpy.run_module("briefgen", run_name="__main__")
except SystemExit as done:
    code = done.code or 0
else:
    code = 0
sys.stderr.write("OPENED " + json.dumps(dict(opened)) + "\\n")
sys.exit(code)
"""


def make_workspace(root: Path, count: int = BRIEFS) -> None:
    """`count` briefs from the worked example, releases configured and every cheap format, docx too."""
    (root / "briefs").mkdir(parents=True)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for number in range(count):
        brief = dict(data, id=f"brief-{number:03d}", title=f"{data['title']} ({number})")
        text = yaml.safe_dump(brief, allow_unicode=True, sort_keys=False)
        (root / "briefs" / f"brief-{number:03d}.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "briefgen.toml").write_text(
        'formats = ["html", "md", "docx"]\nreleases = ["TLP:GREEN"]\n', encoding="utf-8"
    )


def build(root: Path, *args: str) -> tuple[str, dict[str, int]]:
    """The real CLI in a child process: its stdout, and how often each brief file was opened."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", COUNTING_CLI, "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stderr.splitlines() if line.startswith("OPENED "))
    return done.stdout, json.loads(line.removeprefix("OPENED "))


def test_no_op_build_opens_no_brief_file(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    first, opened = build(tmp_path)
    assert f"{BRIEFS} briefs built" in first
    assert len(opened) == BRIEFS, "the probe sees a build read every brief"
    before = outputs(tmp_path)
    again, opened = build(tmp_path)
    assert f"0 briefs built, {BRIEFS} up to date" in again
    assert opened == {}, "a no-op build (releases and docx included) reads no brief"
    assert outputs(tmp_path) == before


def test_touched_brief_is_rehashed_not_rebuilt(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    build(tmp_path)
    before = outputs(tmp_path)
    touched = tmp_path / "briefs" / "brief-003.yaml"
    later = time.time_ns() + 10**9
    os.utime(touched, ns=(later, later))
    again, opened = build(tmp_path)
    assert f"0 briefs built, {BRIEFS} up to date" in again
    # opened once per manifest (the full build and the TLP:GREEN release) to hash it, never parsed
    assert opened == {"brief-003.yaml": 2}
    assert outputs(tmp_path) == before
    manifest = json.loads((tmp_path / "build" / ".briefgen-manifest.json").read_text(encoding="utf-8"))
    assert manifest["briefs"]["briefs/brief-003.yaml"]["brief"]["mtime_ns"] == later, "stat refreshed"
    _, opened = build(tmp_path)
    assert opened == {}, "with the refreshed stat, the next build does not even hash it"


def test_edited_brief_is_the_only_one_read_and_rebuilt(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    build(tmp_path)
    edited = tmp_path / "briefs" / "brief-007.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("(7)", "(seven)"), encoding="utf-8")
    again, opened = build(tmp_path)
    assert "1 brief built" in again
    assert set(opened) == {"brief-007.yaml"}
    assert "(seven)" in (tmp_path / "build" / "html" / "brief-007.html").read_text(encoding="utf-8")


def test_manifest_in_mains_old_indented_layout_still_serves(tmp_path: Path) -> None:
    """Manifests written before the compact layout (indented JSON) load as they are: no rebuild."""
    make_workspace(tmp_path, 3)
    build(tmp_path)
    manifest = tmp_path / "build" / ".briefgen-manifest.json"
    document = json.loads(manifest.read_text(encoding="utf-8"))
    assert "\n" not in manifest.read_text(encoding="utf-8").strip(), "written compactly"
    manifest.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
    before = outputs(tmp_path)
    again, opened = build(tmp_path)
    assert "0 briefs built, 3 up to date" in again
    assert opened == {}
    assert outputs(tmp_path) == before
    assert json.loads(manifest.read_text(encoding="utf-8")) == document, "same content round-trips"
