"""One brief file → a validated `Brief`; every problem pinned to the line and column to fix.

The YAML is read into plain data with positions (`yaml_tree`), Pydantic validates that data, and its
error locations are mapped back to the remembered positions (`validation`).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from briefgen.errors import BriefError
from briefgen.loading.validation import expects_text, problem_of
from briefgen.loading.yaml_tree import MAX_BYTES, Positions, YamlStop, parse_yaml
from briefgen.model import Brief, slugify
from briefgen.problems import Problem, printable

MAX_PROBLEMS = 50


@dataclass(slots=True)
class LoadedBrief:
    brief: Brief
    path: Path
    display: str
    positions: Positions


def load_brief(path: Path, display: str | None = None) -> LoadedBrief:
    """Read and validate one brief file; raise BriefError listing every problem in it."""
    display = display or path.as_posix()
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # never more: a 50 MB or endless file must not be slurped
            size = os.fstat(handle.fileno()).st_size
    except OSError as error:
        raise BriefError([Problem(display, 1, 1, f"cannot read file: {error.strerror or error}")]) from None
    return load_bytes(data, display, default_id=default_id(path), path=path, size=size)


def default_id(path: Path) -> str:
    """A brief's id when it sets none: its file name, as a slug."""
    return slugify(path.stem)


def declared_id(path: Path) -> tuple[str, tuple[int, int]] | None:
    """The `id:` a brief file sets, and where, read as plain YAML without validating the rest: a
    brief with other mistakes still owns its id. None when it sets none or cannot be read."""
    try:
        with path.open("rb") as handle:
            data, positions = parse_yaml(handle.read(MAX_BYTES + 1))
    except (OSError, YamlStop):
        return None
    declared = data.get("id")
    return (declared, positions.of(("id",))) if isinstance(declared, str) and declared else None


def load_bytes(
    data: bytes, display: str, *, default_id: str = "brief", path: Path | None = None, size: int | None = None
) -> LoadedBrief:
    try:
        raw, positions = parse_yaml(data, size, expects_text)
    except YamlStop as stop:
        raise BriefError(
            [_printable(Problem(display, stop.line, stop.column, stop.message, hint=stop.hint))]
        ) from None
    try:
        brief = Brief.model_validate(raw)
    except ValidationError as error:
        problems = [_printable(problem_of(display, err, positions)) for err in error.errors()]
        problems.sort(key=lambda p: (p.line, p.column))
        if len(problems) > MAX_PROBLEMS:  # 20,000 unknown keys are one mistake, not a screenful per key
            last = problems[MAX_PROBLEMS - 1]
            more = f"… and {len(problems) - MAX_PROBLEMS} more problems in this file"
            problems = [
                *problems[:MAX_PROBLEMS],
                Problem(display, last.line, last.column, more, hint="fix these first"),
            ]
        raise BriefError(problems) from None
    if brief.id is None:
        brief.id = default_id
    return LoadedBrief(brief, path or Path(display), display, positions)


def _printable(problem: Problem) -> Problem:
    """Escaped where it is made, so callers that show `message` alone are safe too."""
    return dataclasses.replace(
        problem,
        message=printable(problem.message),
        field=printable(problem.field),
        hint=printable(problem.hint),
    )
