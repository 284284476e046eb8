"""The job: mail one built digest to one list, once. Check the ledger, send (or write the .eml), record.

A send that failed before the message went out is not recorded; one that only some recipients
accepted is, so the next run sends only to the others; one whose outcome is unknown (a "pending"
mark left by a killed run, a connection lost after the final dot) blocks later runs until a person decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from jinja2 import TemplateError

from briefgen.config import Workspace
from briefgen.digest import BuiltDigest
from briefgen.errors import ConfigError
from briefgen.mail.failures import PermanentFailure, SendFailure
from briefgen.mail.ledger import LEDGER_NAME, Ledger, LedgerEntry, LedgerTransaction, locked, read_ledger
from briefgen.mail.message import build_message
from briefgen.mail.settings import MailConfig, one_address, recipients_of
from briefgen.mail.smtp import send
from briefgen.templates import Templates, template_problem
from briefgen.writing import write_atomic

MAX_PDF_BYTES = 20 * 1024 * 1024
"""Bigger attachments are refused by most mail servers; fail before connecting, with a clear reason."""

OnRetry = Callable[[SendFailure, int, float], None]


@dataclass
class Delivery:
    """What one list got: `recipients` are those sent it this time (or who would be, in a dry run)."""

    status: Literal["sent", "already-sent", "dry-run"]
    list: str
    recipients: list[str]
    entry: LedgerEntry | None = None
    previous: LedgerEntry | None = None
    eml: Path | None = None
    attempts: int = 0


def deliver(
    workspace: Workspace,
    config: MailConfig,
    digest: BuiltDigest,
    list_name: str,
    *,
    password: str | None,
    resend: bool = False,
    dry_run: bool = False,
    on_retry: OnRetry | None = None,
) -> Delivery:
    """Mail one built digest to one list, once; a `SendFailure` names the digest and the list.

    The key is (digest name, list): a digest rebuilt with other content after it was sent is not
    sent again on its own either; after a partial delivery only the recipients who lack it are
    sent it; after a send of unknown outcome nothing is sent until a person decides. `resend`
    sends anyway: to the whole list after a complete send, else to those not known to have it.
    `dry_run` writes `<name>.<list>.eml` next to the digest and neither sends nor records.
    """
    recipients = recipients_of(config, list_name, workspace)
    manifest = digest.manifest
    try:
        if len(digest.pdf) > MAX_PDF_BYTES:
            size = len(digest.pdf) // 2**20
            raise PermanentFailure(f"{manifest.pdf} is {size} MiB; mail servers refuse attachments that big")
        ledger_path = digest.folder / LEDGER_NAME
        templates = Templates(workspace.root)
        with locked(digest.folder):
            ledger = read_ledger(ledger_path)
            previous = ledger.find(manifest.name, list_name)
            if not dry_run:
                recipients = _still_to_send(ledger, previous, recipients, resend=resend)
                if not recipients:
                    return Delivery("already-sent", list_name, recipients, previous=previous)
            try:
                message = build_message(templates, config, digest, recipients)
            except TemplateError as error:  # a workspace's mail template: nothing sent, nothing marked
                raise ConfigError(template_problem(manifest.name, error, workspace.root)) from None
            if dry_run:
                eml = digest.folder / f"{manifest.name}.{list_name}.eml"
                write_atomic(eml, message.as_bytes(policy=policy.default))
                return Delivery("dry-run", list_name, recipients, previous=previous, eml=eml)
            transaction = LedgerTransaction(
                ledger,
                ledger_path,
                digest=manifest.name,
                sha256=manifest.sha256,
                list_name=list_name,
                addresses=[one_address(a).addr_spec for a in recipients],
                message_id=str(message["Message-ID"]),
                server=config.server,
            )
            attempts, entry = _send_recorded(
                transaction, workspace, config, password, message, recipients, on_retry
            )
            return Delivery("sent", list_name, recipients, entry=entry, previous=previous, attempts=attempts)
    except SendFailure as failure:
        raise failure.about(f"{manifest.name} to {list_name}") from None


def _still_to_send(
    ledger: Ledger, previous: LedgerEntry | None, recipients: list[str], *, resend: bool
) -> list[str]:
    """Who to send it to now (none: every one has it); a send of unknown outcome stops it unless `resend`."""
    if previous is None:
        return recipients
    if not resend:
        if previous.status in ("pending", "uncertain"):
            how = (
                "was killed while sending it"
                if previous.status == "pending"
                else "lost the connection while sending it"
            )
            raise PermanentFailure(
                f"an earlier run {how} on {previous.time:%Y-%m-%d %H:%M} UTC "
                f"(message {previous.message_id}), so it may have been delivered: "
                "check a recipient's mailbox or the server's log, "
                "then use --resend if it did not arrive; nothing sent"
            )
        if previous.status == "sent":
            return []
    if previous.status == "sent":
        return recipients
    # After a partial delivery, and on --resend of one whose outcome was unknown: those who
    # are known to have it are not sent it twice.
    have = ledger.delivered(previous.digest, previous.list)
    return [a for a in recipients if one_address(a).addr_spec not in have]


def _send_recorded(
    transaction: LedgerTransaction,
    workspace: Workspace,
    config: MailConfig,
    password: str | None,
    message: EmailMessage,
    recipients: list[str],
    on_retry: OnRetry | None,
) -> tuple[int, LedgerEntry]:
    """Send with every step in the ledger: (attempts made, the "sent" entry); a partial delivery is
    recorded, then raised."""

    def retrying(failure: SendFailure, attempt: int, wait: float) -> None:
        # The server answered: nothing delivered, so no pending mark while we wait.
        transaction.clear_pending()
        if on_retry:
            on_retry(failure, attempt, wait)

    try:
        attempts, refused = send(
            config,
            workspace,
            password,
            message,
            recipients,
            on_retry=retrying,
            before_data=transaction.mark_pending,
        )
    except SendFailure as failure:
        transaction.failed(failure)
        raise
    if refused:
        transaction.partial(list(refused))
        listed = "; ".join(f"{address}: {reply}" for address, reply in refused.items())
        raise PermanentFailure(
            f"partial delivery: {len(recipients) - len(refused)} of {len(recipients)} recipients accepted, "
            f"refused: {listed}; recorded, so the next run sends it only to the refused ones"
        )
    return attempts, transaction.sent()
