"""A brief as it was at a git revision of the workspace's repository (`briefgen diff --since REV`).

Read through the system's `git show REV:path` (list arguments, never a shell; no prompt), so any
revision git understands works: a tag, `HEAD~3`, a commit, `main@{last week}`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from briefgen.errors import ConfigError, unplaced

TIMEOUT = 60


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, env=environment, timeout=TIMEOUT, check=False
        )
    except FileNotFoundError:
        hint = "install git to compare with a revision"
        raise ConfigError(unplaced("git is not installed", hint)) from None
    except subprocess.TimeoutExpired:
        raise ConfigError(unplaced(f"git took more than {TIMEOUT} s", "try again")) from None


def _said(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0].removeprefix("fatal: ") if lines else f"git exited with {result.returncode}"


def file_at(path: Path, revision: str) -> bytes:
    """The bytes of `path` (a file in a git work tree) at `revision`; ConfigError (exit 2) otherwise."""
    if revision.startswith("-"):
        raise ConfigError(unplaced(f"--since {revision!r} is not a revision", "name a commit, tag or branch"))
    folder = path.resolve().parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        hint = "`--since` compares with the brief's own history: keep the workspace in a git repository"
        raise ConfigError(unplaced(f"{path.as_posix()} is not in a git repository", hint))
    inside = path.resolve().relative_to(Path(top.stdout.decode().strip()).resolve()).as_posix()
    shown = _git(folder, "show", f"{revision}:{inside}")
    if shown.returncode != 0:
        known = _git(folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        if known.returncode != 0:
            raise ConfigError(unplaced(f"unknown revision {revision!r}", "name a commit, tag or branch"))
        hint = "pick a later revision, or compare two files: briefgen diff OLD NEW"
        raise ConfigError(unplaced(f"{inside} does not exist at {revision} ({_said(shown)})", hint))
    return shown.stdout
