"""`briefgen new`: scaffold a brief from a source article."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.config import find_workspace
from briefgen.errors import ExitCode, exit_codes_help
from briefgen.new import scaffold
from briefgen.problems import display_path


@click.command(
    epilog=exit_codes_help(ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.NEEDS_ATTENTION)
    + "\n\n(1: the brief already exists, use --force, or another brief file has its id, use --id; "
    "2: the article cannot be used; 5: the brief file cannot be written.)"
)
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--id",
    "brief_id",
    metavar="ID",
    help="Id (and file name) of the brief; default: from the article's file name.",
)
@click.option("--force", is_flag=True, help="Replace an existing brief with the same id.")
def new(source: Path, brief_id: str | None, force: bool) -> None:
    """Write briefs/<id>.yaml from the article SOURCE (plain text, Markdown, saved HTML, PDF or .docx).

    The new brief mirrors the article: a guessed title and date, one section per heading of the
    article (in its order), its hashtags as tags and a source entry pointing at the file. TODO
    placeholders mark what only an analyst can write; the file starts with the
    `yaml-language-server` line that gives editors completion from schema/brief.schema.json
    (written too when the workspace has none). SOURCE must be inside the workspace, e.g. under seeds/.
    """
    workspace = find_workspace()
    made = scaffold(workspace, source, brief_id=brief_id, force=force)
    article = made.article
    sections = len(article.headings)
    click.echo(
        f"wrote {display_path(made.path, workspace.root)}: {sections} section{'s' if sections != 1 else ''}, "
        f"{len(article.tags)} tag{'s' if len(article.tags) != 1 else ''}"
        + (f", source dated {article.published.isoformat()}" if article.published else "")
    )
    if made.schema_written:
        click.echo(f"wrote {display_path(made.schema_written, workspace.root)} for editor completion")
    sys.exit(ExitCode.OK)
