"""What every command shares: finding the workspace and printing problems the same way."""

from __future__ import annotations

import sys

import click

from briefgen.config import Workspace, find_workspace
from briefgen.problems import BriefError, Problem, printable

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def workspace_or_exit() -> Workspace:
    """The workspace around the current folder; a broken config is a usage error (exit 2)."""
    try:
        return find_workspace()
    except BriefError as error:
        print_problems(error.problems)
        sys.exit(EXIT_USAGE)


def print_problems(problems: list[Problem]) -> None:
    """One line per problem on stderr, `file:line:col: field: message (hint)`."""
    for problem in problems:
        click.secho(str(problem), fg="red" if problem.severity == "error" else "yellow", err=True)


def warn(message: str) -> None:
    click.secho(f"warning: {printable(message)}", fg="yellow", err=True)
