"""`briefgen mail`: send a built digest to distribution lists, once."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from briefgen.addresses import is_loopback
from briefgen.commands.common import warn
from briefgen.config import Workspace, find_workspace
from briefgen.digest import BuiltDigest, open_digest
from briefgen.errors import ExitCode, exit_codes_help, show_problems, unplaced
from briefgen.mail import SendFailure, deliver, mail_config, password_from_env


def _recipients(count: int) -> str:
    return f"{count} recipient{'s' if count != 1 else ''}"


def send_digest(
    workspace: Workspace,
    built: BuiltDigest,
    lists: Sequence[str],
    *,
    dry_run: bool,
    resend: bool,
    quiet: bool,
) -> int:
    """Mail `built` to each list; the exit code of the worst outcome. Shared by `mail` and `digest --mail`."""
    config = mail_config(workspace)
    password = None if dry_run else password_from_env(config, workspace)
    if config.username and config.security == "none" and not is_loopback(config.host) and not dry_run:
        warn(f"mail.security is 'none': the password for {config.username} crosses the network unencrypted")
    name = built.manifest.name
    code = ExitCode.OK

    def retrying(failure: SendFailure, attempt: int, wait: float) -> None:
        warn(f"attempt {attempt} failed: {failure.message}; trying again in {wait:g}s")

    for list_name in dict.fromkeys(lists):
        level = config.level_of(list_name)
        if (
            list_name in config.lists and built.manifest.handling.rank > level.rank
        ):  # the list's level is a ceiling, never crossed
            message = (
                f"{name} is {built.manifest.handling.value}, above the {level.value} of list {list_name!r}"
            )
            hint = f"mail the list its own version: briefgen digest --mail --to {list_name}"
            show_problems([unplaced(message, hint)])
            code = max(code, ExitCode.USAGE)
            continue
        try:
            delivery = deliver(
                workspace,
                config,
                built,
                list_name,
                password=password,
                resend=resend,
                dry_run=dry_run,
                on_retry=retrying,
            )
        except SendFailure as failure:  # the other lists are still worth trying
            show_problems(failure.problems)
            code = max(code, ExitCode(failure.exit_code))
            continue
        previous = delivery.previous
        if delivery.status == "already-sent" and previous is not None:
            changed = ""
            if previous.sha256 != built.manifest.sha256:
                changed = " The digest has changed since (different content hash)."
            click.echo(
                f"{name} was already sent to {list_name} on {previous.time:%Y-%m-%d %H:%M} UTC "
                f"(message {previous.message_id}); nothing sent.{changed} Use --resend to send it again."
            )
        elif delivery.status == "dry-run" and delivery.eml is not None:
            who = _recipients(len(delivery.recipients))
            click.echo(f"dry run: wrote {delivery.eml} for {list_name} ({who}); nothing sent")
        elif delivery.entry is not None and not quiet:
            tries = f" after {delivery.attempts} attempts" if delivery.attempts > 1 else ""
            who = _recipients(len(delivery.recipients))
            click.echo(f"sent {name} to {list_name} ({who}){tries}, message {delivery.entry.message_id}")
    return code


@click.command(
    epilog=exit_codes_help(ExitCode.OK, ExitCode.USAGE, ExitCode.TRY_AGAIN, ExitCode.NEEDS_ATTENTION)
)
@click.argument("digest_ref", metavar="DIGEST")
@click.option(
    "--to",
    "lists",
    multiple=True,
    required=True,
    metavar="LIST",
    help="Mailing list from [mail.lists] (repeatable).",
)
@click.option("--dry-run", is_flag=True, help="Write DIGEST.LIST.eml next to the digest instead of sending.")
@click.option(
    "--resend",
    is_flag=True,
    help="Send even if the ledger says this digest already went to the list (after a partial or unknown "
    "outcome: only to those not known to have it).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder holding digest/ (default: build/).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and 'already sent' notes.")
def mail(
    digest_ref: str, lists: tuple[str, ...], dry_run: bool, resend: bool, out: Path | None, quiet: bool
) -> None:
    """Mail a built digest (PDF attached) to distribution lists, once.

    DIGEST is a digest's name (digest-2025-W41, looked up in build/digest/) or one of its files.
    SMTP settings and lists come from the [mail] table of briefgen.toml; the password only from the
    environment variable named by mail.password_env. A ledger (build/digest/mail-ledger.json) records
    every send that reached the server (complete, partial or of unknown outcome): sending the same
    digest to the same list again does nothing, unless --resend.

    For mail, 4 is a temporary failure retried, then given up (run again later), and 5 covers a
    refusal (5xx, login, TLS), a partial delivery (the next run sends only to the others) and a send
    of unknown outcome (connection lost after the whole message went out, or an earlier run killed
    mid-send: nothing is sent until --resend).
    """
    workspace = find_workspace()
    built = open_digest(digest_ref, out or workspace.root / workspace.config.out)
    sys.exit(send_digest(workspace, built, lists, dry_run=dry_run, resend=resend, quiet=quiet))
