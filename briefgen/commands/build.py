"""`briefgen build`: render briefs into HTML, PDF and Markdown."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.building import BriefResult
from briefgen.building import build as run_build
from briefgen.commands.common import EXIT_ERRORS, EXIT_OK, print_problems, warn, workspace_or_exit
from briefgen.config import FORMATS, Format


def parse_formats(value: str | None) -> list[Format] | None:
    if value is None:
        return None
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"{', '.join(unknown) or repr(value)}: choose from html, pdf, md (comma-separated)", param_hint="'-f' / '--format'"
        )
    return list(dict.fromkeys(chosen))  # type: ignore[arg-type]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", metavar="LIST", help="Formats to make, comma-separated: html,pdf,md (default: all).")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: build/).")
@click.option("--paper", type=click.Choice(["A4", "Letter"]), help="PDF paper size (default: A4, or the config's).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(paths: tuple[Path, ...], formats: str | None, out: Path | None, paper: str | None, quiet: bool) -> None:
    """Build briefs into build/html, build/pdf and build/md.

    PATHS are brief files or folders; by default every *.yaml under briefs/. A brief with errors is
    reported (file:line:column) and skipped; the others are still built, and the exit code is 1.
    """
    chosen = parse_formats(formats)
    workspace = workspace_or_exit()
    if paper:
        workspace = workspace.model_copy(update={"config": workspace.config.model_copy(update={"paper": paper})})

    def show(result: BriefResult) -> None:
        print_problems(result.problems)
        for message in result.warnings:
            warn(message)
        if not quiet and result.ok:
            click.echo(f"built {result.source} → {', '.join(p.suffix[1:] for p in result.written)}", err=True)

    report = run_build(workspace, paths, chosen, out, on_result=show)
    if not quiet or report.failed:
        briefs = "brief" if report.built == 1 else "briefs"
        files = "file" if report.files == 1 else "files"
        click.echo(
            f"{report.built} {briefs} built, {report.failed} failed, {report.files} {files} written in {report.seconds:.2f}s"
        )
    sys.exit(EXIT_ERRORS if report.failed else EXIT_OK)
