"""What happened to one input of a command (a brief built, checked or published; a digest made):
the files written and every problem found, errors and warnings alike. Every command reports its
work as Outcomes, so "how many failed" and "print what went wrong" are written once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.problems import Problem


@dataclass
class Outcome:
    source: str
    """The input as the user would type it (`briefs/x.yaml`, `digest-2025-W41`)."""
    written: dict[str, Path] = field(default_factory=dict)
    """Format → file written."""
    problems: list[Problem] = field(default_factory=list)
    assets: dict[str, Path] = field(default_factory=dict)
    """Copies written beside an output (a Markdown page's figures), by name: removed with it."""
    fetched: set[str] = field(default_factory=set)
    """Workspace files a renderer loaded (a template's logo): inputs beside the brief and its sources."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.is_error]


def failed(outcomes: Iterable[Outcome]) -> int:
    """How many inputs had errors: what a command's summary and exit code count."""
    return sum(1 for outcome in outcomes if not outcome.ok)
