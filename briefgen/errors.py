"""The one error model: every failure a user can cause or meet is a `BriefgenError` carrying its
`Problem` lines and the exit code of the one table below, and the CLI's one handler (click's, which
calls `show`) prints the lines and exits with that code. Nothing else prints errors or picks codes.

The table is the contract with schedulers and scripts: the same number means the same thing for
every command, so a cron job can tell "run again later" (4) from "a person must look" (5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import IO, Any

import click

from briefgen.problems import Problem, Severity


class ExitCode(IntEnum):
    """Exit codes of every `briefgen` command, each with its meaning (docs/exit-codes.md and the
    commands' `--help` show the same words)."""

    meaning: str

    def __new__(cls, value: int, meaning: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    OK = 0, "done (also when nothing needed doing, and for a dry run)"
    FAILED = 1, "some input had errors; every other one was still done"
    USAGE = 2, "usage or configuration error: nothing was done"
    NOTHING_MATCHED = 3, "nothing matched: nothing was written, and a next step has nothing to do"
    TRY_AGAIN = 4, "temporary failure outside briefgen (a mail server's 4xx, no connection): run again later"
    NEEDS_ATTENTION = (
        5,
        "refused or failed outside briefgen (a server, git, a file in the way): a person must act",
    )
    INTERRUPTED = 130, "interrupted: every output is its old or its new complete version; run again to finish"


def exit_codes_help(*codes: ExitCode) -> str:
    """The `Exit codes:` block of a command's --help, in click's verbatim (\\b) form."""
    lines = "\n".join(f"  {int(code):<3} {code.meaning}" for code in codes)
    return f"\b\nExit codes:\n{lines}"


class BriefgenError(click.ClickException):
    """A failure with every problem that caused it; raising it anywhere under a command ends the
    command with `exit_code` after one line per problem (click calls `show`)."""

    exit_code: int = ExitCode.USAGE

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file: IO[Any] | None = None) -> None:
        show_problems(self.problems)


def show_problems(problems: list[Problem]) -> None:
    """One line per problem on stderr, red for errors and yellow for warnings: the only way problems are
    printed."""
    for problem in problems:
        color = {"error": "red", "warning": "yellow"}.get(problem.severity)
        click.secho(str(problem), fg=color, err=True)


@contextmanager
def reported_first(problems: Callable[[], list[Problem]]) -> Iterator[None]:
    """An error raised inside still shows, before its own lines, the problems found earlier (the briefs
    that did not load): ending a command must not lose what it had to say."""
    try:
        yield
    except BriefgenError as error:
        error.problems[:0] = problems()
        raise


class BriefError(BriefgenError):
    """An input (a brief, an article, a digest) that cannot be used: exit 1 when it costs only that input."""

    exit_code = ExitCode.FAILED


class ConfigError(BriefgenError):
    """`briefgen.toml`, a `[table]` of it, an option or a path that cannot be used: exit 2, nothing done."""

    exit_code = ExitCode.USAGE


class TryAgain(BriefgenError):
    exit_code = ExitCode.TRY_AGAIN


class NeedsAttention(BriefgenError):
    """Refused or failed outside briefgen (a server, git, a file in the way); the hint says what to do."""

    exit_code = ExitCode.NEEDS_ATTENTION


def unplaced(message: str, hint: str = "", *, severity: Severity = "error") -> Problem:
    """A problem with no file to point at (a port in use, a git failure): printed as
    `error: message (hint)`."""
    return Problem("", 1, 1, message, hint=hint, severity=severity)
