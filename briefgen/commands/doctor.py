"""`briefgen doctor`: is this machine ready to build?"""

from __future__ import annotations

import sys

import click

from briefgen.config import find_workspace
from briefgen.doctor import run_checks
from briefgen.errors import ConfigError, ExitCode, exit_codes_help

MARKS = {"ok": ("ok", "green"), "warning": ("warn", "yellow"), "missing": ("MISSING", "red")}


@click.command(epilog=exit_codes_help(ExitCode.OK, ExitCode.FAILED))
def doctor() -> None:
    """Report Python, WeasyPrint, Pango, HarfBuzz subsetting, fonts and the workspace in use.

    Exit 0 when everything required is there (warnings allowed), 1 when something is missing.
    """
    try:
        workspace, error = find_workspace(), None
    except ConfigError as problem:
        workspace, error = None, str(problem)
    checks = run_checks(workspace, error)
    width = max(len(check.name) for check in checks)
    for check in checks:
        mark, colour = MARKS[check.status]
        click.echo(f"{check.name:<{width}}  {click.style(f'{mark:<7}', fg=colour)} {check.detail}")
    sys.exit(ExitCode.FAILED if any(check.status == "missing" for check in checks) else ExitCode.OK)
