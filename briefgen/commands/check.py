"""`briefgen check`: load and validate briefs, then check them against their sources; render nothing."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from briefgen.checking import RULES, Checker
from briefgen.config import find_workspace
from briefgen.errors import ExitCode, exit_codes_help, show_problems
from briefgen.loading import read_briefs
from briefgen.locale import check_overrides
from briefgen.problems import sort_problems


def _rules_help() -> str:
    return "\n".join(f"  {rule:<27} {spec.severity:<8} {spec.summary}" for rule, spec in RULES.items())


@click.command(
    epilog="\b\nRules:\n"
    + _rules_help()
    + "\n\n"
    + exit_codes_help(ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE),
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
    file:line:column: severity: field: message (hint) [rule]. Exit 1 on errors, or on warnings
    with --strict.
    """
    workspace = find_workspace()
    checker = Checker(workspace)
    per_brief = []
    labels = check_overrides(workspace.root)  # labels/<lang>.yaml: a typo'd key would change nothing
    if labels:
        per_brief.append(labels)
    for outcome, item in read_briefs(workspace, paths):
        # the loader's lines first, exactly as `build` prints them; then the rules' findings
        per_brief.append(outcome.problems + (checker.check(item) if item is not None else []))
    findings = sort_problems(problem for problems in per_brief for problem in problems)
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    if output == "json":  # in JSON every finding names its rule; the loader's is invalid-brief
        rows = [dataclasses.replace(f, rule=f.rule or "invalid-brief").as_dict() for f in findings]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for problems in per_brief:
            show_problems(problems)
        bad = sum(1 for problems in per_brief if any(p.is_error for p in problems))
        if not quiet or bad or (strict and warnings):
            noun = "warning" if warnings == 1 else "warnings"
            click.echo(f"{len(per_brief) - bool(labels)} checked, {bad} with errors, {warnings} {noun}")
    sys.exit(ExitCode.FAILED if errors or (strict and warnings) else ExitCode.OK)
