"""`briefgen check`: load and validate briefs, then check them against their sources; render nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from briefgen.building import discover, load_all
from briefgen.checking import RULES, Checker, Finding, sort_findings
from briefgen.commands.common import EXIT_ERRORS, EXIT_OK, print_problems, workspace_or_exit


def _rules_help() -> str:
    return "\n".join(f"  {rule:<27} {spec.severity:<8} {spec.summary}" for rule, spec in RULES.items())


@click.command(
    epilog="\b\nRules:\n" + _rules_help(),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per finding on stderr; json: a sorted list of findings on stdout, for CI.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but findings.")
def check(paths: tuple[Path, ...], output: str, strict: bool, quiet: bool) -> None:
    """Validate briefs and check them against their source articles, rendering nothing.

    PATHS are brief files or folders (default: every *.yaml under briefs/). Beyond what the loader
    checks, each brief's quotes must be in its source file, its section headings must appear there
    in the same order, every key claim must cite a defined source, estimative words must come from
    the ICD 203 likelihood scale, and dates must be possible. Text output is one line per finding:
    file:line:column: severity: field: message (hint) [rule].

    Exit codes: 0 clean (warnings allowed unless --strict), 1 errors (or warnings with --strict),
    2 usage or configuration error.
    """
    workspace = workspace_or_exit()
    files, missing = discover(workspace, paths)
    results = load_all(workspace, files)
    checker = Checker(workspace)
    found = {result.source: checker.check(item) if item is not None else [] for result, item in results}
    findings = sort_findings(
        [Finding.from_problem(problem) for problem in missing]
        + [Finding.from_problem(problem) for result, _ in results for problem in result.problems]
        + [finding for per_brief in found.values() for finding in per_brief]
    )
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if output == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        print_problems(missing)
        for result, _ in results:
            print_problems(result.problems)  # the loader's own lines, as `build` prints them
            for finding in found[result.source]:
                click.secho(str(finding), fg="red" if finding.severity == "error" else "yellow", err=True)
        bad = len(missing) + sum(
            1 for result, _ in results if result.problems or any(f.severity == "error" for f in found[result.source])
        )
        if not quiet or bad or (strict and warnings):
            noun = "warning" if warnings == 1 else "warnings"
            click.echo(f"{len(results)} checked, {bad} with errors, {warnings} {noun}")
    sys.exit(EXIT_ERRORS if errors or (strict and warnings) else EXIT_OK)
