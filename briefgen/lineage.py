"""Which brief a brief supersedes: the workspace's briefs by id, and the chain `supersedes` forms.

A brief names its predecessor by id, and ids live in files: a brief's `id:` or, when it sets none,
its file name. `Lineage` indexes them once per command (reading only each file's `id:`), and loads a
predecessor only when asked for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.config import Workspace
from briefgen.errors import BriefError
from briefgen.loading import LoadedBrief, declared_id, default_id, discover, load_brief
from briefgen.problems import display_path


@dataclass(frozen=True, slots=True)
class Predecessor:
    """What `supersedes` points at: the brief, or why it cannot be had."""

    brief_id: str
    loaded: LoadedBrief | None
    problem: str = ""
    """Empty when `loaded` is set; else "no brief of the workspace has this id" or why it does not load."""


class Lineage:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._paths: dict[str, Path] | None = None
        self._loaded: dict[str, Predecessor] = {}

    @property
    def paths(self) -> dict[str, Path]:
        """Id → brief file, first file in path order winning (as `build` gives it the id)."""
        if self._paths is None:
            files, _ = discover(self.workspace)
            paths: dict[str, Path] = {}
            for path in files:
                declared = declared_id(path)
                paths.setdefault(declared[0] if declared else default_id(path), path)
            self._paths = paths
        return self._paths

    def predecessor(self, brief_id: str) -> Predecessor:
        if brief_id not in self._loaded:
            path = self.paths.get(brief_id)
            if path is None:
                found = Predecessor(brief_id, None, "no brief of the workspace has this id")
            else:
                shown = display_path(path, self.workspace.root)
                try:
                    found = Predecessor(brief_id, load_brief(path, shown))
                except BriefError as error:
                    first = error.problems[0] if error.problems else None
                    why = f"{shown} does not load" + (f" ({first.message})" if first else "")
                    found = Predecessor(brief_id, None, why)
            self._loaded[brief_id] = found
        return self._loaded[brief_id]

    def loop(self, loaded: LoadedBrief) -> list[str] | None:
        """The ids of a `supersedes` chain that comes back to a brief already in it, else None."""
        seen = [loaded.brief.id or ""]
        current = loaded.brief.supersedes
        while current:
            if current in seen:
                return [*seen, current]
            seen.append(current)
            found = self.predecessor(current).loaded
            current = found.brief.supersedes if found else None
        return None
