"""`briefgen check`: load and validate briefs, render nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.building import discover, load_all
from briefgen.commands.common import EXIT_ERRORS, EXIT_OK, print_problems, workspace_or_exit


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def check(paths: tuple[Path, ...], quiet: bool) -> None:
    """Load and validate briefs without rendering anything.

    Prints one line per problem as file:line:column: field: message (hint). Exit 0 when every
    brief is valid, 1 otherwise.
    """
    workspace = workspace_or_exit()
    files, missing = discover(workspace, paths)
    print_problems(missing)
    results = [result for result, _ in load_all(workspace, files)]
    for result in results:
        print_problems(result.problems)
    bad = sum(1 for r in results if not r.ok) + len(missing)
    if not quiet or bad:
        click.echo(f"{len(results)} checked, {bad} with errors")
    sys.exit(EXIT_ERRORS if bad else EXIT_OK)
