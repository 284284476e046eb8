"""The workspace's briefs, as every command reads them: which files (`discover`), each loaded once,
with an id no other brief has (`read_briefs`). A file that cannot be used is an Outcome with its
problems, never an exception, so one bad brief costs only itself."""

from __future__ import annotations

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
    """Brief files named on the command line (files or folders), or every brief in the workspace."""
    targets = list(paths) or [workspace.root / workspace.config.briefs]
    found: list[Path] = []
    problems: list[Problem] = []
    for target in targets:
        if target.is_dir():
            found.extend(sorted(briefs_in(target), key=lambda p: p.parts))
        elif target.is_file():
            found.append(target)
        else:
            shown = display_path(target, workspace.root)
            problems.append(Problem(shown, 1, 1, "no such file or folder", hint="check the path"))
    root = workspace.root.resolve()
    unique: dict[Path, None] = {}
    folders: dict[Path, Path] = {}
    for path in found:
        real = _real(path, folders)
        if real.is_relative_to(root):
            unique.setdefault(real)
        else:  # a symlink (or a path) leading out: never read it, never name where it leads
            shown = display_path(path.absolute().parent, root) + "/" + path.name
            hint = "briefs are read only from inside the workspace; copy the file in instead of linking to it"
            problems.append(Problem(shown, 1, 1, "resolves outside the workspace", hint=hint))
    return list(unique), problems


def briefs_in(folder: Path) -> list[Path]:
    """Brief files under the folder, in no order (`discover` sorts them once by their parts, not by
    pathlib's slower comparisons: with 10,000 briefs those were a tenth of a no-op build)."""
    return [p for p in folder.rglob("*") if p.suffix in BRIEF_SUFFIXES and p.is_file()]


def _real(path: Path, folders: dict[Path, Path]) -> Path:
    """`path.resolve()`, with each folder resolved once: a file that is not itself a symlink is where
    its real folder says (10,000 briefs in one folder cost one `realpath`, not 10,000)."""
    if path.name in ("", ".", "..") or path.is_symlink():
        return path.resolve()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve()
    return folder / path.name


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
