"""Problems found in a user's input, each pinned to a file, a line and a column.

Every layer reports bad input as `Problem`s rather than exceptions with tracebacks, so the CLI can
print one line per problem in the `file:line:col: field: message (hint)` form that editors and CI
annotate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """One line, nothing a terminal obeys or reorders: a file name or key with a line break, `\\e[2J`
    or U+202E is echoed escaped, so no input can forge or hide an error line."""
    return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    column: int
    message: str
    field: str = ""
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: "
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{where}{field}{self.message}{hint}")


class BriefError(Exception):
    """Raised when an input cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as the user would type it: relative to the workspace when inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
