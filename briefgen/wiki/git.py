"""The wiki's Git clone, driven through the system's `git` (list arguments, never a shell).

Only what publishing needs: which of briefgen's files differ from HEAD, one commit of exactly those
files under a configured identity, and a push that, when the remote moved on, fetches, rebases once
and pushes once more. Git never prompts (a scheduled job has nobody to answer), and every failure
becomes a GitError that says what git said and what to do.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import NeedsAttention, unplaced

TIMEOUT = 300
"""Seconds one git command may take (a push over a slow link included) before it is abandoned."""


class GitError(NeedsAttention):
    """A git command failed: what git said, and what to do (a person must act, so exit 5)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(unplaced(message, hint))


@dataclass(frozen=True)
class Status:
    added: list[str]
    changed: list[str]
    removed: list[str]

    @property
    def paths(self) -> list[str]:
        return sorted({*self.added, *self.changed, *self.removed})


@dataclass(frozen=True)
class Pushed:
    remote: str
    branch: str
    up_to_date: bool
    rebased: bool
    """The first push was rejected because the remote had moved on; briefgen rebased and pushed again."""


def _run(
    root: Path, args: Sequence[str], *, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    command = ["git", *args]
    environment = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_LITERAL_PATHSPECS": "1",
        "LC_ALL": "C",
        **(env or {}),
    }
    try:
        return subprocess.run(
            command,
            cwd=root,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            env=environment,
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitError(
            "git is not installed", "install it (apt-get install git), or publish into a plain folder"
        ) from None
    except subprocess.TimeoutExpired:
        raise GitError(
            f"`git {' '.join(args)}` took more than {TIMEOUT}s and was stopped",
            "check the network and the remote",
        ) from None


def _said(process: subprocess.CompletedProcess[bytes]) -> str:
    text = (process.stderr or process.stdout or b"").decode("utf-8", errors="replace").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("hint:")]
    return " / ".join(lines[-3:]) or f"exit code {process.returncode}"


class Repo:
    """A Git work tree whose top level is the wiki folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def at(cls, folder: Path) -> Repo | None:
        """The repository whose top level is `folder`; None for a plain folder (or one inside another repo,
        which briefgen never commits to: that repository is somebody else's)."""
        if not (folder / ".git").exists():
            return None
        process = _run(folder, ["rev-parse", "--show-toplevel"])
        if process.returncode != 0:
            raise GitError(f"{folder} has a .git but git cannot read it: {_said(process)}")
        top = Path(process.stdout.decode().strip())
        return cls(folder) if top.resolve() == folder.resolve() else None

    def git(
        self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        return _run(self.root, args, stdin=stdin, env=env)

    def _check(
        self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, hint: str = ""
    ) -> str:
        process = self.git(*args, stdin=stdin, env=env)
        if process.returncode != 0:
            raise GitError(f"`git {args[0]}` failed in {self.root}: {_said(process)}", hint)
        return process.stdout.decode("utf-8", errors="replace")

    def status(self, paths: Iterable[str]) -> Status:
        """Which of `paths` differ from HEAD (staged or not, tracked or new)."""
        wanted = set(paths)
        out = self._check("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
        added, changed, removed = [], [], []
        for entry in out.split("\0"):
            if len(entry) < 4:
                continue
            code, path = entry[:2], entry[3:]
            if path not in wanted:
                continue
            if "D" in code:
                removed.append(path)
            elif code in ("??", "A ", "AM"):
                added.append(path)
            else:
                changed.append(path)
        return Status(sorted(added), sorted(changed), sorted(removed))

    def commit(self, paths: Sequence[str], message: str, name: str, email: str) -> str:
        """Commit exactly `paths` (nothing else the index may hold) as `name <email>`; the new commit's id."""
        spec = b"\0".join(p.encode() for p in paths)
        self._check("add", "--all", "--pathspec-from-file=-", "--pathspec-file-nul", stdin=spec)
        identity = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }
        self._check(
            "commit",
            "--quiet",
            "--no-edit",
            "-m",
            message,
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
            stdin=spec,
            env=identity,
            hint="the pages are written; commit them by hand or fix the problem and publish again",
        )
        return self._check("rev-parse", "--short", "HEAD").strip()

    def current_branch(self) -> str:
        process = self.git("symbolic-ref", "--quiet", "--short", "HEAD")
        if process.returncode != 0:
            raise GitError(
                f"{self.root} is not on a branch (detached HEAD)",
                "check out the wiki's branch, or set branch in [wiki]",
            )
        return process.stdout.decode().strip()

    def push(self, remote: str, branch: str) -> Pushed:
        """Push HEAD to `remote`/`branch`; on a non-fast-forward, fetch, rebase once and push once more."""
        if self.git("remote", "get-url", remote).returncode != 0:
            raise GitError(
                f"the wiki clone has no remote named {remote!r}",
                "set remote in [wiki], or add it with git remote add",
            )
        first = self._push(remote, branch)
        if first is not None:
            return Pushed(remote, branch, first, rebased=False)
        self._check(
            "fetch", "--quiet", remote, branch, hint="the push was rejected and fetching the remote failed"
        )
        rebase = self.git("-c", "rebase.autoStash=true", "rebase", "--quiet", "FETCH_HEAD")
        if rebase.returncode != 0:
            self.git("rebase", "--abort")
            where = f"{remote}/{branch}"
            raise GitError(
                f"the push to {where} was rejected and this publish does not rebase onto it cleanly: "
                f"{_said(rebase)}",
                f"the commit is kept locally; in {self.root} run `git pull --rebase {remote} {branch}`, "
                "resolve, publish again",
            )
        second = self._push(remote, branch)
        if second is None:
            raise GitError(
                f"the push to {remote}/{branch} was rejected twice: the remote keeps moving",
                "the commit is kept locally; run briefgen publish --push again",
            )
        return Pushed(remote, branch, second, rebased=True)

    def _push(self, remote: str, branch: str) -> bool | None:
        """True when the remote already had HEAD, False when pushed, None when rejected as
        non-fast-forward."""
        process = self.git("push", "--porcelain", remote, f"HEAD:refs/heads/{branch}")
        lines = process.stdout.decode("utf-8", errors="replace").splitlines()
        flags = [line.split("\t", 1)[0] for line in lines if "\t" in line]
        if process.returncode == 0:
            return all(flag == "=" for flag in flags) if flags else False
        text = process.stdout.decode("utf-8", errors="replace") + process.stderr.decode(
            "utf-8", errors="replace"
        )
        if "!" in flags and ("non-fast-forward" in text or "fetch first" in text):
            return None
        raise GitError(
            f"`git push` to {remote}/{branch} failed: {_said(process)}",
            "the commit is kept locally; publish --push again later",
        )
