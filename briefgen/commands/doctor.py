"""`briefgen doctor`: is this machine ready to build?"""

from __future__ import annotations

import sys

import click

from briefgen.commands.common import EXIT_ERRORS, EXIT_OK
from briefgen.config import find_workspace
from briefgen.diagnostics import run_checks
from briefgen.problems import BriefError

MARKS = {"ok": ("ok", "green"), "warning": ("warn", "yellow"), "missing": ("MISSING", "red")}


@click.command()
def doctor() -> None:
    """Report Python, WeasyPrint, Pango, HarfBuzz subsetting, fonts and the workspace in use.

    Exit 0 when everything required is there (warnings allowed), 1 when something is missing.
    """
    try:
        workspace, error = find_workspace(), None
    except BriefError as problem:
        workspace, error = None, str(problem)
    checks = run_checks(workspace, error)
    width = max(len(check.name) for check in checks)
    for check in checks:
        mark, colour = MARKS[check.status]
        click.echo(f"{check.name:<{width}}  {click.style(f'{mark:<7}', fg=colour)} {check.detail}")
    sys.exit(EXIT_ERRORS if any(check.status == "missing" for check in checks) else EXIT_OK)
