"""Command line: options in, one call into the library, results printed. No logic lives here.

Exit codes scripts can trust: 0 all good, 1 some brief had errors (the others were still built),
2 usage or configuration error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen import __version__
from briefgen.problems import BriefError, Problem

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _workspace():
    from briefgen.config import find_workspace

    try:
        return find_workspace()
    except BriefError as error:
        _print_problems(error.problems)
        sys.exit(EXIT_USAGE)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.secho(str(problem), fg="red" if problem.severity == "error" else "yellow", err=True)


def _formats(value: str | None) -> list[str] | None:
    if value is None:
        return None
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in ("html", "pdf", "md")]
    if unknown or not chosen:
        raise click.BadParameter(f"{', '.join(unknown) or value!r}: choose from html, pdf, md (comma-separated)")
    return list(dict.fromkeys(chosen))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="briefgen")
def main() -> None:
    """Render analysts' YAML briefs as HTML pages, PDF policy briefs and wiki Markdown.

    Run commands from a workspace: a folder with briefs/ (and optionally briefgen.toml,
    templates/ and seeds/). Start with `briefgen check`, then `briefgen build`.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    metavar="LIST",
    help="Formats to make, comma-separated: html,pdf,md (default: all, or the config's).",
)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: build/).")
@click.option("--paper", type=click.Choice(["A4", "Letter"]), help="PDF paper size (default: A4, or the config's).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(paths: tuple[Path, ...], formats: str | None, out: Path | None, paper: str | None, quiet: bool) -> None:
    """Build briefs into build/html, build/pdf and build/md.

    PATHS are brief files or folders; by default every *.yaml under briefs/. A brief with errors is
    reported (file:line:column) and skipped; the others are still built, and the exit code is 1.
    """
    try:
        chosen = _formats(formats)
    except click.BadParameter as error:
        error.param_hint = "'-f' / '--format'"
        raise
    from briefgen.building import build as run_build

    workspace = _workspace()
    if paper:
        workspace = workspace.model_copy(update={"config": workspace.config.model_copy(update={"paper": paper})})

    def show(result: object) -> None:
        from briefgen.building import BriefResult

        assert isinstance(result, BriefResult)
        _print_problems(result.problems)
        for warning in result.warnings:
            click.secho(f"warning: {warning}", fg="yellow", err=True)
        if not quiet and result.ok:
            click.echo(f"built {result.source} → {', '.join(p.suffix[1:] for p in result.written)}", err=True)

    report = run_build(workspace, paths, chosen, out, on_result=show)  # type: ignore[arg-type]
    if not quiet or report.failed:
        briefs = "brief" if report.built == 1 else "briefs"
        files = "file" if report.files == 1 else "files"
        click.echo(
            f"{report.built} {briefs} built, {report.failed} failed, {report.files} {files} written "
            f"in {report.seconds:.2f}s"
        )
    sys.exit(EXIT_ERRORS if report.failed else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def check(paths: tuple[Path, ...], quiet: bool) -> None:
    """Load and validate briefs without rendering anything.

    Prints one line per problem as file:line:column: field: message (hint). Exit 0 when every
    brief is valid, 1 otherwise.
    """
    from briefgen.building import discover, load_all

    workspace = _workspace()
    files, missing = discover(workspace, paths)
    _print_problems(missing)
    results = [result for result, _ in load_all(workspace, files)]
    for result in results:
        _print_problems(result.problems)
    bad = sum(1 for r in results if not r.ok) + len(missing)
    if not quiet or bad:
        click.echo(f"{len(results)} checked, {bad} with errors")
    sys.exit(EXIT_ERRORS if bad else EXIT_OK)
