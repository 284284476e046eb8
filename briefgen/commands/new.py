"""`briefgen new`: scaffold a brief from a source article, a saved file or an address."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.config import find_workspace
from briefgen.errors import ExitCode, exit_codes_help, show_problems, unplaced
from briefgen.new import scaffold
from briefgen.new_from_url import is_url, scaffold_url
from briefgen.problems import display_path
from briefgen.sources.download import proxy_variables


@click.command(
    epilog=exit_codes_help(
        ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.TRY_AGAIN, ExitCode.NEEDS_ATTENTION
    )
    + "\n\n(1: the brief (or the seed for a URL) already exists, use --force, or another brief file has"
    " its id, use --id; 2: the article cannot be used, or the address was refused; 4: the download"
    " timed out, could not connect or the server was busy; 5: the brief file cannot be written.)"
)
@click.argument("source", metavar="SOURCE")
@click.option(
    "--id",
    "brief_id",
    metavar="ID",
    help="Id (and file name) of the brief; default: from the article's file name (a URL: its title).",
)
@click.option(
    "--force", is_flag=True, help="Replace an existing brief (and, for a URL, seed) with the same id."
)
@click.option(
    "--allow-private-network",
    is_flag=True,
    help="For a URL: also fetch from loopback, private, link-local and other non-public addresses.",
)
def new(source: str, brief_id: str | None, force: bool, allow_private_network: bool) -> None:
    """Write briefs/<id>.yaml from the article SOURCE: a file (plain text, Markdown, saved HTML, PDF
    or Word) inside the workspace, e.g. under seeds/, or an http(s):// address.

    The new brief mirrors the article: a guessed title and date, one section per heading of the
    article (in its order), its hashtags as tags and a source entry pointing at the file, with the
    file's sha256 (`check` reports a changed file). TODO placeholders mark what only an analyst can
    write; the file starts with the `yaml-language-server` line that gives editors completion from
    schema/brief.schema.json (written too when the workspace has none).

    An address is the only time briefgen uses the network: the one page is saved as
    seeds/<id>.html (or .pdf, ...) and the source gets `url` (after redirects) and `retrieved`.
    http and https only, at most 5 redirects, 10 MB, 30 s; non-public addresses are refused
    unless --allow-private-network; no cookies, no proxy, nothing else of the page is fetched.
    """
    workspace = find_workspace()
    if is_url(source):
        unused = proxy_variables()
        if unused:
            note = f"{', '.join(unused)} set but not used: briefgen connects directly"
            show_problems([unplaced(note, "the address checks need a direct connection", severity="warning")])
        made, page = scaffold_url(
            workspace, source, brief_id=brief_id, force=force, allow_private_network=allow_private_network
        )
        click.echo(
            f"saved {display_path(made.article.path, workspace.root)} from {page.url}"
            f" ({len(page.data):,} bytes)"
        )
    else:
        made = scaffold(workspace, Path(source), brief_id=brief_id, force=force)
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
