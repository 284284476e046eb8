"""The workspace's briefs, as every command reads them: which files (`discover`), each loaded once,
with an id no other brief has (`read_briefs`). A file that cannot be used is an Outcome with its
problems, never an exception, so one bad brief costs only itself."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from briefgen.config import Workspace
from briefgen.errors import BriefError
from briefgen.loading.brief_file import LoadedBrief, load_brief
from briefgen.loading.figures import figure_problems
from briefgen.outcome import Outcome
from briefgen.problems import Problem, display_path

BRIEF_SUFFIXES = (".yaml", ".yml")

BriefResult = tuple[Outcome, LoadedBrief | None]
"""A brief file's outcome so far, and the brief when it loaded."""


def discover(workspace: Workspace, paths: Sequence[Path] = ()) -> tuple[list[Path], list[Problem]]:
    """Brief files named on the command line (files or folders), or every brief in the workspace.

    Strings and `os.scandir`, not pathlib, on the way: a no-op build of 10,000 briefs is mostly
    this walk and the plan's stats, and pathlib objects cost more than the system calls."""
    targets = list(paths) or [workspace.root / workspace.config.briefs]
    found: list[tuple[str, bool]] = []
    problems: list[Problem] = []
    for target in targets:
        if target.is_dir():
            found.extend(sorted(briefs_in(str(target)), key=lambda item: item[0].split(os.sep)))
        elif target.is_file():
            found.append((str(target), target.is_symlink()))
        else:
            shown = display_path(target, workspace.root)
            problems.append(Problem(shown, 1, 1, "no such file or folder", hint="check the path"))
    inside = real_prefix(workspace.root)
    unique: dict[str, None] = {}
    folders: dict[str, str] = {}
    for path, link in found:
        real = _real(path, link, folders)
        if real.startswith(inside):
            unique.setdefault(real)
        else:  # a symlink (or a path) leading out: never read it, never name where it leads
            named = Path(path)
            shown = display_path(named.absolute().parent, workspace.root) + "/" + named.name
            hint = "briefs are read only from inside the workspace; copy the file in instead of linking to it"
            problems.append(Problem(shown, 1, 1, "resolves outside the workspace", hint=hint))
    return [Path(path) for path in unique], problems


def real_prefix(root: Path) -> str:
    """The workspace's real path with a trailing separator: a real path inside starts with it."""
    return str(root.resolve()).rstrip(os.sep) + os.sep


def briefs_in(folder: str) -> list[tuple[str, bool]]:
    """Brief files under the folder (with whether each is a symlink), in no order: `discover` sorts
    them once. As `Path.rglob("*")`: hidden names included, symlinked folders not entered, a
    symlinked file kept when it leads to a file."""
    found: list[tuple[str, bool]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                found.extend(briefs_in(entry.path))
            elif _suffix(entry.name) in BRIEF_SUFFIXES and entry.is_file():
                found.append((entry.path, entry.is_symlink()))
        except OSError:  # gone or unreadable since the listing: not a brief
            continue
    return found


def _suffix(name: str) -> str:
    """`PurePath(name).suffix`: ".yaml" has none, "..yaml" has ".yaml"."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _real(path: str, link: bool, folders: dict[str, str]) -> str:
    """`os.path.realpath(path)`, with each folder resolved once: a file that is not itself a
    symlink is where its real folder says (10,000 briefs in one folder cost one `realpath`)."""
    folder, name = os.path.split(path)
    if link or name in ("", ".", ".."):
        return os.path.realpath(path)
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = os.path.realpath(folder or ".")
    return os.path.join(real, name)


def unfound(problems: list[Problem]) -> list[Outcome]:
    """`discover`'s problems (a path that names nothing, a file outside the workspace) as Outcomes."""
    return [Outcome(problem.file, problems=[problem]) for problem in problems]


class Ids:
    """Output names are ids, so two briefs may not share one; the first in path order keeps it."""

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    def claim(self, brief_id: str, source: str, position: tuple[int, int] = (1, 1)) -> Problem | None:
        owner = self.owners.setdefault(brief_id, source)
        if owner == source:
            return None
        hint = "give each brief its own id (or file name)"
        return Problem(source, *position, f"id '{brief_id}' is already used by {owner}", "id", hint)


def read_one(workspace: Workspace, path: Path, ids: Ids) -> BriefResult:
    """Load one brief and claim its id; its problems go into its Outcome."""
    outcome = Outcome(display_path(path, workspace.root))
    try:
        item = load_brief(path, outcome.source)
    except BriefError as error:
        outcome.problems.extend(error.problems)
        return outcome, None
    assert item.brief.id is not None
    conflict = ids.claim(item.brief.id, outcome.source, item.positions.of(("id",)))
    if conflict:
        outcome.problems.append(conflict)
        return outcome, None
    unusable = figure_problems(workspace.root, item)
    if unusable:  # a figure no output may show: the brief is not built (the others are)
        outcome.problems.extend(unusable)
        return outcome, None
    return outcome, item


def read_briefs(workspace: Workspace, paths: Sequence[Path] = ()) -> list[BriefResult]:
    """Every brief of the workspace (or of PATHS), in path order: a path that names nothing, a file
    outside the workspace and a brief that does not load are Outcomes with problems and no brief."""
    files, missing = discover(workspace, paths)
    results: list[BriefResult] = [(outcome, None) for outcome in unfound(missing)]
    ids = Ids()
    results.extend(read_one(workspace, path, ids) for path in files)
    return results
