"""`briefgen digest`: one PDF, HTML page and Markdown page of a period's briefs; optionally mail it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from pathlib import Path

import click

from briefgen.commands.mail import send_digest
from briefgen.config import Workspace, find_workspace
from briefgen.digest import Period, Selection, build_digest, open_digest, range_period, week_period
from briefgen.errors import BriefError, ExitCode, exit_codes_help, show_problems, unplaced
from briefgen.mail import mail_config, recipients_of
from briefgen.model import LANG_PATTERN, Handling, Status
from briefgen.problems import display_path
from briefgen.releases import parse_level


def _period(week: str | None, since: dt.datetime | None, until: dt.datetime | None) -> Period:
    if week and (since or until):
        raise click.UsageError("use either --week or --since/--until, not both")
    if until and not since:
        raise click.UsageError("--until needs --since")
    try:
        if since:
            return range_period(since.date(), (until or dt.datetime.now()).date())
        return week_period(week or "last")
    except ValueError as error:
        raise click.BadParameter(
            str(error), param_hint="'--week'" if not since else "'--since' / '--until'"
        ) from None


@click.command(
    epilog=exit_codes_help(
        ExitCode.OK,
        ExitCode.FAILED,
        ExitCode.USAGE,
        ExitCode.NOTHING_MATCHED,
        ExitCode.TRY_AGAIN,
        ExitCode.NEEDS_ATTENTION,
    )
)
@click.option(
    "--week",
    metavar="WEEK",
    help="ISO week: 2025-W41, 'this', or 'last' (the default: the last complete week).",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    metavar="DATE",
    help="First day (YYYY-MM-DD), instead of --week.",
)
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE", help="Last day, inclusive (default: today)."
)
@click.option(
    "--tag", "tags", multiple=True, metavar="TAG", help="Only briefs with this tag (repeatable: any of them)."
)
@click.option("--status", type=click.Choice([s.value for s in Status]), help="Only briefs with this status.")
@click.option(
    "-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: build/)."
)
@click.option("--mail", "mail_it", is_flag=True, help="Then mail the digest to the lists given with --to.")
@click.option(
    "--to",
    "lists",
    multiple=True,
    metavar="LIST",
    help="Mailing list from [mail.lists] (repeatable; with --mail).",
)
@click.option(
    "--dry-run", is_flag=True, help="With --mail: write the .eml next to the digest instead of sending."
)
@click.option("--resend", is_flag=True, help="With --mail: send even if the ledger says it was sent already.")
@click.option(
    "--release",
    "level",
    metavar="LEVEL",
    help="Build the release digest for LEVEL (e.g. TLP:GREEN); with --mail each list gets its own level.",
)
@click.option(
    "--lang",
    metavar="TAG",
    help="Language of the digest's own words and dates (default: `lang` in briefgen.toml); "
    "adds -TAG to the name. Each brief keeps its own language.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and warnings.")
def digest(
    week: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    tags: tuple[str, ...],
    status: str | None,
    out: Path | None,
    mail_it: bool,
    lists: tuple[str, ...],
    dry_run: bool,
    resend: bool,
    level: str | None,
    lang: str | None,
    quiet: bool,
) -> None:
    """Collect a period's briefs into build/digest/<name>.{pdf,html,md,docx}.

    The PDF has a cover (period, number of briefs, the most restrictive handling marking of the
    briefs), a table of contents with page numbers, and each brief from a new page with its own
    running header and marking. <name> is like digest-2025-W41 (plus any tags and status).
    A brief superseded by another in the same digest is left out.

    With --mail --to LIST the digest is then mailed as `briefgen mail` does (see its --help), but
    only when every brief could be read. Each list gets the release for its level ([mail.release],
    default TLP:GREEN): that version is built (digest-2025-W41-tlp-green) and sent to it.
    --release LEVEL builds one release digest.

    A brief that cannot be read makes the exit code 1: the digest holds the others, and is not
    mailed. No brief matched is 3: no digest written, nothing to mail. 4 and 5 are as for
    `briefgen mail`.
    """
    if (lists or dry_run or resend) and not mail_it:
        raise click.UsageError("--to, --dry-run and --resend go with --mail")
    if mail_it and not lists:
        raise click.UsageError("--mail needs at least one --to LIST")
    try:
        chosen = parse_level(level) if level else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--release'") from None
    if mail_it and chosen is not None:
        raise click.UsageError("--release does not go with --mail: each list gets the release for its level")
    if lang is not None and not re.fullmatch(LANG_PATTERN, lang):
        hint = f"{lang!r} is not a language tag: write it like fr, ar or pt-BR"
        raise click.BadParameter(hint, param_hint="'--lang'")
    workspace = find_workspace()
    if lang == workspace.config.lang:
        lang = None  # the workspace's own language: the digest's usual name
    base = Selection(
        _period(week, since, until), tuple(tags), Status(status) if status else None, chosen, lang
    )
    if not mail_it:
        _, code = _one_digest(workspace, base, out, quiet)
        sys.exit(code)
    settings = mail_config(workspace)  # a broken [mail] table or an unknown list stops the job early
    for list_name in lists:
        recipients_of(settings, list_name, workspace)
    full, code = _one_digest(workspace, base, out, quiet, mailing=True)
    if full is None:
        sys.exit(code)
    folder = out or workspace.root / workspace.config.out
    built = open_digest(full, folder)
    # A list whose level is at or above everything in the digest gets it as it is; any other list
    # gets the release for its level, built from the briefs cut to it.
    by_level: dict[Handling | None, list[str]] = {}  # None: the digest as built
    for list_name in dict.fromkeys(lists):
        level: Handling | None = settings.level_of(list_name)
        if level is not None and built.manifest.handling.rank <= level.rank:
            level = None
        by_level.setdefault(level, []).append(list_name)
    for level, names in by_level.items():
        version = built
        if level is not None:
            release = dataclasses.replace(base, release=level)
            made, made_code = _one_digest(workspace, release, out, quiet, mailing=True)
            if made is None:
                code = max(code, made_code)
                continue
            version = open_digest(made, folder)
        code = max(code, send_digest(workspace, version, names, dry_run=dry_run, resend=resend, quiet=quiet))
    sys.exit(code)


def _one_digest(
    workspace: Workspace, selection: Selection, out: Path | None, quiet: bool, mailing: bool = False
) -> tuple[Path | None, int]:
    """Build one digest; its manifest's path (None: nothing to mail) and the exit code so far."""
    outcome, made = build_digest(workspace, selection, out)
    show_problems(outcome.problems)
    if made is None:
        if not outcome.ok:
            click.echo(
                f"no digest: no readable brief {selection.describe()}, and some briefs could not be read",
                err=True,
            )
            return None, ExitCode.FAILED
        click.echo(f"no digest: no brief {selection.describe()}; nothing written, nothing to mail", err=True)
        return None, ExitCode.NOTHING_MATCHED
    if not quiet:
        files = ", ".join(
            display_path(path, workspace.root) for kind, path in outcome.written.items() if kind != "json"
        )
        count = len(made.items)
        click.echo(f"{made.name}: {count} brief{'s' if count != 1 else ''}, {made.handling} → {files}")
    if not outcome.ok:
        if mailing:
            errors = len(outcome.errors)
            advice = f"fix them, or send this digest anyway with `briefgen mail {made.name}`"
            raise BriefError(unplaced(f"not mailed: {errors} problem(s) in briefs; {advice}"))
        return None, ExitCode.FAILED
    return outcome.written["json"], ExitCode.OK
