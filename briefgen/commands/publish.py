"""`briefgen publish`: write every brief as a wiki page, commit, and optionally push."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from briefgen.commands.common import warn
from briefgen.config import find_workspace
from briefgen.errors import ExitCode, exit_codes_help, show_problems
from briefgen.releases import parse_level
from briefgen.wiki import publishing
from briefgen.wiki.config import FLAVORS, FlavorName
from briefgen.wiki.manifest import MANIFEST_NAME
from briefgen.wiki.publishing import PublishReport
from briefgen.wiki.sync import Change


def _line(change: Change, dry_run: bool) -> str:
    verbs = {"added": "add", "changed": "change", "removed": "remove", "kept": "keep"}
    verb = f"would {verbs[change.kind]}" if dry_run else change.kind
    note = ""
    if change.kind == "kept" and change.edited:
        note = (
            " (no brief needs it, but someone edited it since the last publish: --prune keeps it;"
            " delete it by hand)"
        )
    elif change.kind == "kept":
        note = " (its brief is gone; --prune removes it)"
    elif change.kind == "removed":
        note = " (no brief needs it any more)"
    elif change.edited:
        note = " (someone edited it since the last publish; briefgen's version replaces it)"
    return f"{verb:<14}{change.path}{note}"


def _show(report: PublishReport, quiet: bool) -> None:
    plan = report.plan
    assert plan is not None
    if not quiet:
        for name in plan.scaffold:
            click.echo(
                f"{'would add' if report.dry_run else 'added':<14}{name} (created once; yours to edit)"
            )
        for change in plan.changes:
            click.echo(_line(change, report.dry_run))
            if report.dry_run and change.kind == "changed":
                click.echo(change.diff(), nl=False)
    counts = {kind: len(plan.of(kind)) for kind in ("added", "changed", "removed", "kept")}
    where = f"{report.wiki} ({report.flavor})"
    tally = (
        f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} removed, "
        f"{len(plan.unchanged)} unchanged"
    )
    if counts["kept"]:
        tally += f", {counts['kept']} kept without a brief"
    if report.dry_run:
        click.echo(f"dry run for {where}: would be {tally}; nothing written")
        return
    if not quiet:
        click.echo(f"published to {where}: {tally}")
        if not report.repo:
            click.echo("not a Git clone: files written, nothing committed")
        elif report.commit:
            click.echo(f"committed {report.commit}")
        elif report.git_error is None:
            click.echo("nothing changed: no commit")
        if report.pushed:
            target = f"{report.pushed.remote}/{report.pushed.branch}"
            if report.pushed.up_to_date:
                click.echo(f"{target} is already up to date")
            elif report.pushed.rebased:
                click.echo(f"pushed to {target} (the remote had moved on: fetched, rebased and pushed again)")
            else:
                click.echo(f"pushed to {target}")


@click.command(
    epilog=exit_codes_help(ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.NEEDS_ATTENTION)
    + "\n\n(5: a page briefgen did not create is in the way, and nothing was written; or git failed"
    " after the pages were written: the message says what to do.)"
)
@click.option(
    "--wiki",
    type=click.Path(file_okay=False, path_type=Path),
    help="The wiki's Git clone (or a MkDocs folder). Default: path in the [wiki] table.",
)
@click.option(
    "--flavor",
    type=click.Choice(FLAVORS),
    help="Which wiki (default: flavor in [wiki], or github).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would be added, changed (with a diff) and removed; write nothing.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Remove pages whose brief no longer exists (kept otherwise, and always when edited by hand).",
)
@click.option(
    "--push", is_flag=True, help="Push the commit; on a rejected push, fetch, rebase and retry once."
)
@click.option(
    "--release",
    "level",
    metavar="LEVEL",
    help="Publish the release for LEVEL (default: release in [wiki], or TLP:GREEN; never TLP:RED).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def publish(
    wiki: Path | None,
    flavor: FlavorName | None,
    dry_run: bool,
    prune: bool,
    push: bool,
    level: str | None,
    quiet: bool,
) -> None:
    """Publish every brief as a page of an internal wiki.

    Pages are named from each brief's id, so retitling never moves a page; an index by week, a page
    per tag and (GitHub, GitLab) a sidebar, unless the wiki has its own, are generated. Only changed
    pages are written; pages briefgen did not create are never touched, nor pruned when edited by
    hand. In a Git clone, one
    commit records the changed pages. Only the release for the wiki's level is published: a brief
    without a BLUF at that level has no page (an existing one is removed).
    """
    try:
        chosen = parse_level(level) if level else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--release'") from None
    workspace = find_workspace()
    config, folder = publishing.resolve(workspace, wiki, flavor)
    report = publishing.publish(
        workspace, config, folder, dry_run=dry_run, prune=prune, push=push, release=chosen
    )
    if not quiet:
        for brief_id in report.withheld:
            click.echo(
                f"{brief_id}: not in the {report.level.value} release (no BLUF at that level)", err=True
            )
    for result in report.results:
        show_problems(result.problems)
    if report.prune_skipped:
        warn("some briefs have errors, so no page was pruned this time (their pages are kept)")
    for name in report.plan.skipped if report.plan else ():
        warn(
            f"{name} is the wiki's own (briefgen did not write it): left alone; "
            "set wiki.sidebar = false to say so"
        )
    for name in report.plan.ignored if report.plan else ():
        warn(
            f"{MANIFEST_NAME} lists {name}, which is not a page name briefgen gives a {report.flavor} page: "
            "ignored (the file is left alone and dropped from the manifest)"
        )
    _show(report, quiet)
    if report.git_error:
        raise report.git_error
    sys.exit(ExitCode.FAILED if report.failed else ExitCode.OK)
