"""Faults an unattended build meets: SIGKILL at any moment, a read-only or full output folder, a
damaged manifest. Each leaves only complete files (old or new) and a clear message, never a traceback.

Real mechanisms only: the build runs as a real process that is really killed; the read-only folder
is a read-only bind mount and the full disk a 64 KiB tmpfs, both in a private mount namespace
(`unshare`, so nothing leaks to the machine and root's privileges do not help); the file size limit
is RLIMIT_FSIZE.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from tests.conftest import EXAMPLE_ID, copy_workspace, run
from tests.test_building import write_variant

PROBLEM_OR_NOTE = re.compile(
    r"^([^:\s][^:]*:\d+:\d+: \S.*|warning: .+|built .+|\d+ up to date|(could not )?remove(d)? .+)$"
)
EXAMPLE = f"briefs/{EXAMPLE_ID}.yaml"


def build_process(root: Path, *args: str, **options: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,  # type: ignore[arg-type]
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every output file (temporaries and the manifest aside) → its bytes."""
    out = root / "build"
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.glob("*/*"))
        if p.is_file() and not p.name.endswith(".tmp") and p.parent.name in ("html", "pdf", "md")
    }


def assert_complete(name: str, data: bytes) -> None:
    """A file that is whole: parsed to its end by the reader of its format."""
    if name.endswith(".pdf"):
        assert data.rstrip().endswith(b"%%EOF"), name
        assert PdfReader(__import__("io").BytesIO(data)).pages, name
    elif name.endswith(".html"):
        assert data.rstrip().endswith(b"</html>"), name
    else:
        text = data.decode("utf-8")
        assert text.startswith("---\n") and text.endswith("\n"), name
        assert yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))["id"], name


def clean_output(stderr: str) -> None:
    assert "Traceback" not in stderr
    for line in stderr.splitlines():
        assert PROBLEM_OR_NOTE.match(line), f"not a clean line: {line!r}"


# ---- SIGKILL -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A workspace built once (old outputs), and the outputs its edited briefs must end up with (new)."""
    root = copy_workspace(tmp_path_factory.mktemp("kill") / "ws")
    for number in range(5):
        write_variant(root, f"brief-{number}", claims=40)
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-q", "-j", "2"], cwd=root, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    old = snapshot(root)
    edited = root.parent / "edited"
    shutil.copytree(root, edited)
    for brief in (edited / "briefs").glob("*.yaml"):
        brief.write_text(
            brief.read_text(encoding="utf-8").replace("confidence: moderate", "confidence: low"), "utf-8"
        )
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-q", "-j", "2"], cwd=edited, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    new = snapshot(edited)
    assert set(new) == set(old) and all(new[name] != old[name] for name in new), "every output changes"
    shutil.rmtree(edited / "build")
    return edited, old, new


def _worker_pids(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(child) for child in (task / "children").read_text().split())
    return found


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return True


@pytest.mark.parametrize("victims", ["process group", "main process only"])
def test_sigkill_at_random_moments_leaves_old_or_new_files_and_the_next_build_finishes(
    tmp_path: Path, versions: tuple[Path, dict[str, bytes], dict[str, bytes]], victims: str
) -> None:
    edited, old, new = versions
    root = tmp_path / "ws"
    shutil.copytree(edited, root)
    (root / "build").mkdir()
    for name, data in old.items():  # the state the last complete build left
        (root / "build" / name).parent.mkdir(exist_ok=True)
        (root / "build" / name).write_bytes(data)
    moments = random.Random(int(os.environ.get("BRIEFGEN_FAULT_SEED", "7"))).sample(range(2, 40), 4)
    for tenths in sorted(moments):
        process = build_process(root, "-j", "2", start_new_session=True)
        time.sleep(tenths / 10)
        workers = _worker_pids(process.pid) if Path(f"/proc/{process.pid}").exists() else []
        if victims == "process group":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.communicate(timeout=60)
        deadline = time.monotonic() + 60
        while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)  # orphaned workers finish the file they are on, then exit
        assert all(_gone(pid) for pid in workers), "a worker outlived its build by a minute"
        for name, data in snapshot(root).items():
            assert data in (old[name], new[name]), (
                f"{name} after a kill at {tenths / 10} s is neither old nor new"
            )
            assert_complete(name, data)
        manifest = root / "build" / ".briefgen-manifest.json"
        if manifest.exists():
            json.loads(manifest.read_text(encoding="utf-8"))  # written atomically too: never half of one
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "-j", "2"], cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    clean_output(done.stderr)
    assert snapshot(root) == new
    assert not list((root / "build").rglob("*.tmp")), "the next build removes what the killed one left"


# ---- read-only and full output folders --------------------------------------------------------------


def in_mount_namespace(root: Path, setup: str, *build_args: str) -> subprocess.CompletedProcess[str]:
    """`setup` (shell, may mount over build/) then a build, in a private mount namespace."""
    flags = ["--mount", "--propagation", "private"] + (
        [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    )
    probe = subprocess.run(["unshare", *flags, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.strip()}")
    command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "briefgen", "build", *build_args))
    script = f"{setup}\nrc=0\n{command} || rc=$?\necho '=== files'\nfind build -type f | sort\nexit $rc"
    return subprocess.run(
        ["unshare", *flags, "sh", "-ec", script], cwd=root, capture_output=True, text=True, timeout=300
    )


def files_seen(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The files under build/ as the namespace saw them (a tmpfs is gone once it ends)."""
    return done.stdout.split("=== files\n", 1)[1].split()


def test_read_only_output_folder_is_a_clear_error_and_keeps_the_old_files(workspace: Path) -> None:
    second = write_variant(workspace, "second", claims=3)
    gone = write_variant(workspace, "gone", claims=3)
    assert run("build", "-f", "html,md").exit_code == 0
    before = snapshot(workspace)
    leftover = workspace / "build" / "html" / ".second.html.abc123.tmp"
    leftover.write_text("half of a page", encoding="utf-8")  # what a killed build left
    gone.unlink()  # its outputs would be pruned
    second.write_text(
        second.read_text(encoding="utf-8").replace("status: final", "status: draft"), encoding="utf-8"
    )
    done = in_mount_namespace(
        workspace, "mount --bind build build\nmount -o remount,ro,bind build", "-f", "html,md"
    )
    assert done.returncode == 1, done.stderr
    clean_output(done.stderr)
    assert (
        "briefs/second.yaml:1:1: cannot write build/html/second.html: Read-only file system "
        "(check that the output folder is writable and the disk not full)"
    ) in done.stderr.splitlines()
    assert (
        "warning: cannot save the build manifest (Read-only file system); the next build redoes everything"
        in done.stderr
    )
    assert snapshot(workspace) == before, "old outputs are untouched"
    assert "1 brief built, 1 up to date, 1 failed" in done.stdout or "0 briefs built" in done.stdout
    assert leftover.exists()
    assert run("build", "-f", "html,md").exit_code == 0, "writable again: the next build finishes"
    assert not leftover.exists() and not (workspace / "build" / "html" / "gone.html").exists()


def test_full_disk_is_a_clear_error_and_leaves_no_partial_file(workspace: Path) -> None:
    done = in_mount_namespace(workspace, "mkdir -p build\nmount -t tmpfs -o size=64k tmpfs build", "-j", "1")
    assert done.returncode == 1, done.stderr
    clean_output(done.stderr)
    assert (
        f"briefs/{EXAMPLE_ID}.yaml:1:1: cannot write build/pdf/{EXAMPLE_ID}.pdf: No space left on device "
        "(check that the output folder is writable and the disk not full)"
    ) in done.stderr.splitlines(), done.stderr
    assert "0 briefs built, 0 up to date, 1 failed, 2 files written" in done.stdout
    assert files_seen(done) == [
        "build/.briefgen-manifest.json",
        f"build/html/{EXAMPLE_ID}.html",
        f"build/md/assets/{EXAMPLE_ID}/donbas-sketch.svg",  # the Markdown page's figure
        f"build/md/{EXAMPLE_ID}.md",
    ], "no partial PDF and no temporary file"


def test_file_size_limit_is_a_clear_error_and_leaves_no_partial_file(workspace: Path) -> None:
    """RLIMIT_FSIZE: the PDF (about 48 KB) is over the limit, HTML (23 KB) and Markdown (11 KB) are under
    it."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (36 * 1024, 36 * 1024))

    process = build_process(workspace, "-j", "1", preexec_fn=limit)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    clean_output(stderr)
    assert f"cannot write build/pdf/{EXAMPLE_ID}.pdf: File too large" in stderr
    for name, data in snapshot(workspace).items():
        assert_complete(name, data)
    assert sorted(snapshot(workspace)) == [f"html/{EXAMPLE_ID}.html", f"md/{EXAMPLE_ID}.md"]
    assert not list((workspace / "build").rglob("*.tmp")), (
        "the temporary PDF is removed, not left half-written"
    )


# ---- damaged manifests ---------------------------------------------------------------------------


def _manifest(root: Path) -> Path:
    return root / "build" / ".briefgen-manifest.json"


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "binary",
        "wrong types",
        "sha as number",
        "output outside",
        "dep outside",
        "bad id",
        "a folder",
    ],
)
def test_damaged_manifest_means_a_full_rebuild_and_nothing_outside_is_touched(
    workspace: Path, damage: str
) -> None:
    assert run("build", "-f", "md").exit_code == 0
    manifest = _manifest(workspace)
    good = json.loads(manifest.read_text(encoding="utf-8"))
    entry = good["briefs"][EXAMPLE]
    victim = workspace / "seeds" / "keep-me.txt"
    victim.write_text("not briefgen's", encoding="utf-8")
    if damage == "truncated":
        manifest.write_bytes(manifest.read_bytes()[: len(manifest.read_bytes()) // 2])
    elif damage == "binary":
        manifest.write_bytes(b"\xff\xfe\x00garbage")
    elif damage == "wrong types":
        entry["brief"]["mtime_ns"] = "yesterday"
    elif damage == "sha as number":
        entry["brief"]["sha256"] = 5  # with stat unchanged, the key would be computed from it
    elif damage == "output outside":
        entry["outputs"]["md"] = ["../seeds/keep-me.txt", entry["outputs"]["md"][1]]
        good["briefs"]["briefs/deleted.yaml"] = dict(entry, id="deleted")  # pruning would delete its outputs
    elif damage == "dep outside":
        entry["deps"] = {"../../../../etc/passwd": entry["brief"]}
    elif damage == "bad id":
        entry["id"] = "../../seeds/keep-me"
    if damage in ("wrong types", "sha as number", "output outside", "dep outside", "bad id"):
        manifest.write_text(json.dumps(good), encoding="utf-8")
    if damage == "a folder":
        manifest.unlink()
        manifest.mkdir()
    result = run("build", "-f", "md")
    assert result.exit_code == 0, result.stderr
    assert victim.read_text(encoding="utf-8") == "not briefgen's"
    assert (workspace / "build" / "md" / f"{EXAMPLE_ID}.md").is_file()
    if damage == "sha as number":  # readable, so used: the brief is re-hashed and found up to date
        assert "0 briefs built, 1 up to date" in result.stdout
        assert json.loads(manifest.read_text(encoding="utf-8"))["briefs"][EXAMPLE]["brief"]["sha256"] != "5"
        return
    assert "1 brief built, 0 up to date" in result.stdout
    if damage != "a folder":
        assert "rebuilding everything" in result.stderr
        assert json.loads(manifest.read_text(encoding="utf-8"))["briefs"][EXAMPLE]["id"] == EXAMPLE_ID
    else:
        assert "cannot save the build manifest" in result.stderr
    assert "Traceback" not in result.stderr
