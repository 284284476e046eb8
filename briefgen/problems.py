"""Problems found in a user's input, each pinned to a file, a line and a column.

Every layer reports bad input as `Problem`s rather than exceptions with tracebacks, so the CLI can
print one line per problem in the `file:line:col: field: message (hint)` form that editors and CI
annotate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """Any text as one line with single spaces (a library's multi-line message inside a problem line)."""
    return " ".join(str(text).split())


def printable(text: str) -> str:
    """One line, nothing a terminal obeys or reorders: a file name or key with a line break, `\\e[2J`
    or U+202E is echoed escaped, so no input can forge or hide an error line."""
    return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a look) in a user's input: the loader's errors, `check`'s findings
    (which carry a `rule` id) and build warnings are all Problems, so text and JSON output come from
    one type. A problem with no `file` (a port in use, a git failure) prints as `error: ...`."""

    file: str
    line: int
    column: int
    message: str
    field: str = ""
    hint: str = ""
    severity: Severity = "error"
    rule: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: " if self.file else ""
        severity = f"{self.severity}: " if self.rule or not self.file or self.severity != "error" else ""
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        rule = f" [{self.rule}]" if self.rule else ""
        return printable(f"{where}{severity}{field}{self.message}{hint}{rule}")

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape: rule, severity, file, line, column, field, message, hint."""
        names = ("rule", "severity", "file", "line", "column", "field", "message", "hint")
        return {name: getattr(self, name) for name in names}


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.rule, p.field, p.message))


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as the user would type it: relative to the workspace when inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside the root, unreadable, a symlink loop
            pass
    return path.as_posix()
