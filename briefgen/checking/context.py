"""What a rule family receives for one brief: the brief, its file's text, and `add()` to report a finding."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from briefgen.checking.rules import RULES
from briefgen.config import Workspace
from briefgen.lineage import Lineage
from briefgen.loading import LoadedBrief, Loc, field_path
from briefgen.problems import Problem, Severity, display_path
from briefgen.sources import Article


class Shared(Protocol):
    """What every brief of one run shares (the `Checker`): articles are read once for all of them."""

    workspace: Workspace
    root: Path
    """The workspace root, resolved."""
    today: dt.date

    lineage: Lineage
    """The workspace's briefs by id, for `supersedes`."""

    def article(self, path: Path) -> Article: ...


@dataclass
class RawText:
    """The brief file's text, to point at a word inside a value rather than at the value's start."""

    text: str
    line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", self.text)]

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[min(line, len(self.line_starts)) - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def find(self, phrase: str, start: tuple[int, int], occurrence: int) -> tuple[int, int] | None:
        """The `occurrence`-th (0-based) appearance of `phrase` from `start`, across line folds."""
        found = next(
            itertools.islice(_phrase(phrase).finditer(self.text, self.offset(*start)), occurrence, None), None
        )
        return self.position(found.start()) if found else None


def _phrase(phrase: str) -> re.Pattern[str]:
    """The words of `phrase` as whole words, any whitespace (a folded line) between them."""
    return re.compile(r"\b" + r"\s+".join(re.escape(word) for word in phrase.split()) + r"\b", re.IGNORECASE)


class BriefContext:
    """One brief under check; `add` pins each finding to the file position of a value."""

    def __init__(self, shared: Shared, loaded: LoadedBrief) -> None:
        self.shared = shared
        self.loaded = loaded
        self.brief = loaded.brief
        self.findings: list[Problem] = []
        try:
            self.raw: RawText | None = RawText(loaded.path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            self.raw = None
        self.articles: dict[str, Article] = {}
        """Source id → its readable article (sources with a `file` that passed the file rules)."""

    def add(
        self,
        rule: str,
        loc: Loc,
        message: str,
        hint: str = "",
        at: tuple[int, int] | None = None,
        severity: Severity | None = None,
    ) -> None:
        """`severity` overrides the rule's own, for rules that weigh more in a final brief."""
        line, column = at or self.loaded.positions.of(loc)
        severity = severity or RULES[rule].severity
        self.findings.append(
            Problem(self.loaded.display, line, column, message, field_path(loc), hint, severity, rule)
        )

    def word_position(self, loc: Loc, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Where text[start:end], inside the value at `loc`, is in the file (None: at the value)."""
        if self.raw is None:
            return None
        occurrence = len(_phrase(text[start:end]).findall(text, 0, start))
        return self.raw.find(text[start:end], self.loaded.positions.of(loc), occurrence)

    def relative(self, path: Path) -> str:
        return display_path(path, self.shared.root)
