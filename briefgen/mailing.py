"""Mailing a built digest to a distribution list: the message, SMTP with retries, and the ledger.

The job runs unattended, so it must never send twice and never fail quietly. A ledger next to the
digests records every send that reached the server (digest, content hash, list, recipients, message
id, time, status); the same digest is not sent to the same list again unless asked. A send that
failed before the message went out is not recorded; one that only some recipients accepted is, so
the next run sends only to the others; one whose outcome is unknown (a "pending" mark left by a
killed run, a connection lost after the final dot) blocks later runs until a person decides. A
lock around check → send → record keeps two overlapping runs from both sending. Transient
failures (no connection, 4xx) are retried with growing pauses; permanent ones (5xx,
authentication, TLS trust) stop at once with the server's own words.

Headers are built with the standard `email` package under its strict policy, which refuses CR/LF
in a header value; on top of that every header value is collapsed to one line first, so a brief's
title cannot add a header whatever a template does with it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Literal

import css_inline
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from briefgen import __version__, markup
from briefgen.config import Workspace
from briefgen.digest import BuiltDigest
from briefgen.errors import ConfigError
from briefgen.problems import Problem
from briefgen.templates import Templates
from briefgen.writing import write_atomic

LEDGER_NAME = "mail-ledger.json"
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
MAX_PDF_BYTES = 20 * 1024 * 1024
"""Bigger attachments are refused by most mail servers; fail before connecting, with a clear reason."""


def _one_address(value: str) -> Address:
    """One mailbox (`a@b.org` or `Name <a@b.org>`); ValueError for anything else, CR/LF included."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"{value!r}: line breaks are not allowed in an address")
    header = policy.default.header_factory("To", value)
    addresses = getattr(header, "addresses", ())
    if header.defects or len(addresses) != 1 or not addresses[0].domain or not addresses[0].username:
        raise ValueError(f"{value!r} is not one e-mail address")
    return addresses[0]


class MailConfig(BaseModel):
    """The [mail] table of briefgen.toml. The password is never here: only the name of the variable holding it."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field("localhost", min_length=1, description="SMTP server.")
    port: int | None = Field(
        None, ge=1, le=65535, description="Default: 587 (starttls), 465 (ssl), 25 (none)."
    )
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = Field(None, min_length=1)
    password_env: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable holding the password.",
    )
    sender: str = Field(description="From address, e.g. 'Briefs <briefs@example.org>'.")
    lists: dict[str, list[str]] = Field(
        default_factory=dict, description="Distribution lists: name → addresses."
    )
    retries: int = Field(3, ge=0, le=20, description="Further attempts after a transient failure.")
    backoff: float = Field(
        30.0, ge=0, le=3600, description="Seconds before the first retry; doubles each time."
    )
    timeout: float = Field(60.0, gt=0, le=600, description="Seconds to wait for the server at each step.")
    cafile: str | None = Field(
        None, description="PEM file of a private CA to trust (workspace-relative or absolute)."
    )

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "never write the password in briefgen.toml: set password_env to the name of an environment variable holding it"
            )
        return data

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        _one_address(value)
        return value

    @field_validator("lists")
    @classmethod
    def _lists(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, addresses in value.items():
            if not addresses:
                raise ValueError(f"list {name!r} has no addresses")
            for address in addresses:
                _one_address(address)
        return value

    @model_validator(mode="after")
    def _credentials(self) -> MailConfig:
        if self.username and not self.password_env:
            raise ValueError(
                "username is set but password_env is not: name the environment variable holding the password"
            )
        return self

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


def mail_config(workspace: Workspace) -> MailConfig:
    """The workspace's [mail] table, validated; a missing table is a configuration error with a hint."""
    if "mail" not in workspace.tables:
        display = workspace.config_file.name if workspace.config_file else "briefgen.toml"
        hint = "add a [mail] table with host, sender and lists (see README, 'Weekly digest and mail')"
        raise ConfigError([Problem(display, 1, 1, "no [mail] settings", "mail", hint)])
    return workspace.section("mail", MailConfig)


def recipients_of(config: MailConfig, list_name: str, workspace: Workspace) -> list[str]:
    if list_name not in config.lists:
        display = workspace.config_file.name if workspace.config_file else "briefgen.toml"
        known = ", ".join(sorted(config.lists)) or "none defined"
        raise ConfigError(
            [Problem(display, 1, 1, f"no mailing list {list_name!r}", "mail.lists", f"lists: {known}")]
        )
    return list(config.lists[list_name])


def password_from_env(config: MailConfig, workspace: Workspace) -> str | None:
    """The SMTP password, read from the environment variable the config names (never from a file or option)."""
    if not config.username:
        return None
    assert config.password_env is not None
    password = os.environ.get(config.password_env)
    if not password:
        display = workspace.config_file.name if workspace.config_file else "briefgen.toml"
        message = f"environment variable {config.password_env} is not set"
        hint = f"it holds the SMTP password for {config.username}"
        raise ConfigError([Problem(display, 1, 1, message, "mail.password_env", hint)])
    return password


# ---- the message ------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    """Header text as one line: CR, LF and every other whitespace run become a single space."""
    return " ".join(text.split())


def _render_text(templates: Templates, name: str, context: dict[str, Any]) -> str:
    return templates.render(name, **context)


def build_message(
    templates: Templates,
    config: MailConfig,
    digest: BuiltDigest,
    recipients: list[str],
    now: dt.datetime | None = None,
) -> EmailMessage:
    """multipart/mixed: multipart/alternative (plain text, HTML with inlined CSS), then the digest PDF."""
    manifest = digest.manifest
    sender = _one_address(config.sender)
    context: dict[str, Any] = {
        "digest": manifest,
        "briefs": manifest.briefs,
        "count": len(manifest.briefs),
        "handling": str(manifest.handling),
        "handling_class": str(manifest.handling).lower().replace("tlp:", "tlp-").replace("+", "-"),
        "bluf_html": {brief.id: markup.to_html(brief.bluf, f"{brief.id}-bluf") for brief in manifest.briefs},
        "attachment": manifest.pdf,
        "version": __version__,
    }
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = _one_line(_render_text(templates, "mail.subject.j2", context))
    message["From"] = _one_line(config.sender)
    message["To"] = [_one_address(address) for address in recipients]
    message["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid("briefgen", domain=sender.domain)
    message["X-Briefgen-Digest"] = _one_line(manifest.name)
    message.set_content(_render_text(templates, "mail.txt.j2", context))
    html = _render_text(templates, "mail.html.j2", context)
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)
    message.add_alternative(inliner.inline(html), subtype="html")
    message.add_attachment(
        digest.pdf, maintype="application", subtype="pdf", filename=Path(manifest.pdf).name
    )
    return message


# ---- sending ------------------------------------------------------------------------------------------


class SendFailure(Exception):
    """Nothing (or not everything, or maybe everything) was delivered. `transient`: worth trying again later."""

    def __init__(self, message: str, *, transient: bool, attempts: int = 1, uncertain: bool = False) -> None:
        super().__init__(message)
        self.message, self.transient, self.attempts, self.uncertain = message, transient, attempts, uncertain


class LedgerFailure(SendFailure):
    """The ledger cannot be written: the job can no longer tell what it sent, so it stops."""


class _Watched(smtplib.SMTP):
    """Knows when the message's final dot has gone out. From then on the server may have taken the
    message, so a connection lost before its reply is no reason to send it again: that would be
    the duplicate the ledger exists to prevent. `before_data` runs just before DATA (the ledger's
    "pending" mark, so that even a killed process leaves a trace)."""

    before_data: Callable[[], None] = staticmethod(lambda: None)
    message_out = False
    _in_data = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.before_data()
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s: Any) -> None:
        super().send(s)
        if self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.message_out = True


class _WatchedSSL(_Watched, smtplib.SMTP_SSL):
    pass


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {_one_line(words)}"


def classify(error: BaseException, config: MailConfig) -> SendFailure:
    """What went wrong in words a reader can act on, and whether trying again may help."""
    where = f"{config.host}:{config.effective_port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        reply = _reply(error.smtp_code, error.smtp_error)
        return SendFailure(
            f"{where} refused the login of {config.username!r}: {reply}",
            transient=400 <= error.smtp_code < 500,
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = {address: _reply(code, text) for address, (code, text) in error.recipients.items()}
        transient = all(400 <= code < 500 for code, _ in error.recipients.values())
        listed = "; ".join(f"{address}: {reply}" for address, reply in replies.items())
        return SendFailure(f"{where} refused every recipient ({listed})", transient=transient)
    if isinstance(error, smtplib.SMTPResponseException):
        reply = _reply(error.smtp_code, error.smtp_error)
        return SendFailure(f"{where} answered {reply}", transient=400 <= error.smtp_code < 500)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return SendFailure(f"{where}: {error} (check mail.security)", transient=False)
    if isinstance(error, ssl.SSLCertVerificationError):
        hint = "set mail.cafile to the PEM file of the CA that signed the server's certificate"
        return SendFailure(
            f"{where}: TLS certificate not trusted ({error.verify_message}); {hint}", transient=False
        )
    if isinstance(error, ssl.SSLError):
        return SendFailure(
            f"{where}: TLS failed ({error.reason or error}); check mail.security and mail.port",
            transient=False,
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return SendFailure(f"{where} closed the connection: {error or 'no reason given'}", transient=True)
    if isinstance(error, socket.gaierror):
        return SendFailure(
            f"cannot resolve {config.host!r}: {error.strerror}", transient=error.errno == socket.EAI_AGAIN
        )
    if isinstance(error, ConnectionRefusedError):
        return SendFailure(f"{where} refused the connection (is the mail server running?)", transient=True)
    if isinstance(error, TimeoutError | socket.timeout):
        return SendFailure(f"{where} did not answer within {config.timeout:g}s", transient=True)
    if isinstance(error, smtplib.SMTPException):
        return SendFailure(f"{where}: {error}", transient=False)
    if isinstance(error, OSError):
        return SendFailure(f"{where}: {error.strerror or error}", transient=True)
    raise error


def _tls_context(config: MailConfig, root: Path) -> ssl.SSLContext:
    """Verified TLS always; a private CA is trusted by naming its file, never by turning verification off."""
    cafile = None
    if config.cafile:
        cafile = Path(config.cafile) if Path(config.cafile).is_absolute() else root / config.cafile
        if not cafile.is_file():
            raise ConfigError([Problem("briefgen.toml", 1, 1, f"no such file: {cafile}", "mail.cafile")])
    return ssl.create_default_context(cafile=str(cafile) if cafile else None)


def _send_once(
    config: MailConfig,
    root: Path,
    password: str | None,
    message: EmailMessage,
    recipients: list[str],
    before_data: Callable[[], None],
) -> dict[str, str]:
    """One SMTP session; the recipients the server refused (address → its reply) when it took the rest."""
    host, port, timeout = config.host, config.effective_port, config.timeout
    smtp: _Watched
    if config.security == "ssl":
        smtp = _WatchedSSL(host, port, timeout=timeout, context=_tls_context(config, root))
    else:
        smtp = _Watched(host, port, timeout=timeout)
    smtp.before_data = before_data
    try:
        if config.security == "starttls":
            smtp.starttls(context=_tls_context(config, root))
        if config.username:
            smtp.login(config.username, password or "")
        envelope_from = _one_address(config.sender).addr_spec
        refused = smtp.send_message(message, envelope_from, [_one_address(a).addr_spec for a in recipients])
    except smtplib.SMTPResponseException:
        raise  # the server answered, so it did not take the message: safe to classify and retry
    except (smtplib.SMTPException, OSError) as error:
        if not smtp.message_out:
            raise
        why = classify(error, config).message
        raise SendFailure(
            f"{why} after the whole message went out, before the server confirmed it: it may have been delivered",
            transient=False,
            uncertain=True,
        ) from None
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return {address: _reply(code, text) for address, (code, text) in refused.items()}


def send(
    config: MailConfig,
    root: Path,
    password: str | None,
    message: EmailMessage,
    recipients: list[str],
    on_retry: Callable[[SendFailure, int, float], None] | None = None,
    before_data: Callable[[], None] = lambda: None,
) -> tuple[int, dict[str, str]]:
    """Deliver with retries on transient failures: (attempts made, refused recipients); raises SendFailure."""
    attempts = config.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            return attempt, _send_once(config, root, password, message, recipients, before_data)
        except SendFailure as failure:
            failure.attempts = attempt
            raise
        except (smtplib.SMTPException, OSError) as error:
            failure = classify(error, config)
        failure.attempts = attempt
        if not failure.transient:
            raise failure
        if attempt == attempts:
            failure.message += f" (gave up after {attempts} attempt{'s' if attempts > 1 else ''})"
            raise failure
        wait = config.backoff * 2 ** (attempt - 1)
        if on_retry:
            on_retry(failure, attempt, wait)
        time.sleep(wait)
    raise AssertionError("unreachable")


# ---- the ledger -----------------------------------------------------------------------------------------


class LedgerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    digest: str
    sha256: str
    list: str
    recipients: list[str]
    message_id: str
    time: dt.datetime
    server: str
    status: Literal["sent", "partial", "pending", "uncertain"] = "sent"
    """sent: every recipient listed accepted it. partial: only those listed did (`refused` the others).
    pending: being sent (left behind, the run was killed mid-send). uncertain: the connection broke
    after the message went out. The last two may have been delivered: only a person can tell."""
    refused: list[str] = Field(default_factory=list)


class Ledger(BaseModel):
    """Every send that reached the server, oldest first: complete, partial or of unknown outcome."""

    model_config = ConfigDict(extra="forbid")

    sent: list[LedgerEntry] = Field(default_factory=list)

    def find(self, digest: str, list_name: str) -> LedgerEntry | None:
        return next((e for e in reversed(self.sent) if e.digest == digest and e.list == list_name), None)

    def delivered(self, digest: str, list_name: str) -> set[str]:
        """Addresses that accepted this digest for this list, over every send of it."""
        done = (
            e
            for e in self.sent
            if e.digest == digest and e.list == list_name and e.status in ("sent", "partial")
        )
        return {address for e in done for address in e.recipients}

    def replace(self, message_id: str, entry: LedgerEntry | None) -> None:
        """Drop the entries of `message_id` (its "pending" mark) and append `entry` if any."""
        self.sent = [e for e in self.sent if e.message_id != message_id]
        if entry is not None:
            self.sent.append(entry)


def read_ledger(path: Path) -> Ledger:
    """The ledger, or an empty one; an unreadable ledger stops the job: we could no longer tell what was sent."""
    try:
        return Ledger.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return Ledger()
    except (OSError, ValidationError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not a briefgen mail ledger"
        hint = "restore it, or move it away to start afresh (every digest may then be sent again)"
        raise ConfigError(
            [Problem(path.as_posix(), 1, 1, f"cannot read the mail ledger: {reason}", hint=hint)]
        ) from None


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One mail job at a time per output folder: an overlapping run waits, then finds the first one's entry."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f".{LEDGER_NAME}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---- the job ----------------------------------------------------------------------------------------------


@dataclass
class Delivery:
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
    on_retry: Callable[[SendFailure, int, float], None] | None = None,
) -> Delivery:
    """Mail one built digest to one list, once: check the ledger, send (or write the .eml), record.

    The key is (digest name, list): a digest rebuilt with other content after it was sent is not
    sent again on its own either; after a partial delivery only the recipients who lack it are
    sent it; after a send of unknown outcome nothing is sent until a person decides. `resend`
    sends anyway: to the whole list after a complete send, else to those not known to have it.
    `dry_run` writes `<name>.<list>.eml` next to the digest and neither sends nor records.
    """
    recipients = recipients_of(config, list_name, workspace)
    manifest = digest.manifest
    if len(digest.pdf) > MAX_PDF_BYTES:
        size = len(digest.pdf) // 2**20
        raise SendFailure(
            f"{manifest.pdf} is {size} MiB; mail servers refuse attachments that big", transient=False
        )
    ledger_path = digest.folder / LEDGER_NAME
    templates = Templates(workspace.root)
    with _locked(digest.folder):
        ledger = read_ledger(ledger_path)
        previous = ledger.find(manifest.name, list_name)
        if previous and not resend and not dry_run:
            if previous.status in ("pending", "uncertain"):
                how = (
                    "was killed while sending it"
                    if previous.status == "pending"
                    else "lost the connection while sending it"
                )
                raise SendFailure(
                    f"an earlier run {how} on {previous.time:%Y-%m-%d %H:%M} UTC (message {previous.message_id}), so it may "
                    "have been delivered: check a recipient's mailbox or the server's log, then use --resend if it did not "
                    "arrive; nothing sent",
                    transient=False,
                )
            if previous.status == "sent":
                return Delivery("already-sent", list_name, recipients, previous=previous)
        if previous and not dry_run and previous.status != "sent":
            # After a partial delivery, and on --resend of one whose outcome was unknown: those who
            # are known to have it are not sent it twice.
            have = ledger.delivered(manifest.name, list_name)
            recipients = [a for a in recipients if _one_address(a).addr_spec not in have]
            if not recipients:
                return Delivery("already-sent", list_name, recipients, previous=previous)
        message = build_message(templates, config, digest, recipients)
        if dry_run:
            eml = digest.folder / f"{manifest.name}.{list_name}.eml"
            write_atomic(eml, message.as_bytes(policy=policy.default))
            return Delivery("dry-run", list_name, recipients, previous=previous, eml=eml)
        message_id = str(message["Message-ID"])
        addresses = [_one_address(a).addr_spec for a in recipients]

        def entry(
            status: Literal["sent", "partial", "pending", "uncertain"], refused: Sequence[str] = ()
        ) -> LedgerEntry:
            return LedgerEntry(
                digest=manifest.name,
                sha256=manifest.sha256,
                list=list_name,
                recipients=[a for a in addresses if a not in refused],
                message_id=message_id,
                time=dt.datetime.now(dt.UTC).replace(microsecond=0),
                server=f"{config.host}:{config.effective_port}",
                status=status,
                refused=list(refused),
            )

        def record(new: LedgerEntry | None, *, sent: bool | None) -> None:
            """`sent`: what to say if the ledger cannot be written (None: it may have been). The lock is
            held, so the ledger read above is still the one on disk."""
            ledger.replace(message_id, new)
            try:
                write_atomic(ledger_path, ledger.model_dump_json(indent=2).encode("utf-8") + b"\n")
            except OSError as error:
                what = {True: "it was sent, but", False: "nothing sent:", None: "it may have been sent, but"}[
                    sent
                ]
                raise LedgerFailure(
                    f"{what} the mail ledger {ledger_path} cannot be written ({error.strerror or error}); "
                    "until it can, the job cannot tell what it sent",
                    transient=False,
                ) from None

        def retrying(failure: SendFailure, attempt: int, wait: float) -> None:
            record(
                None, sent=False
            )  # the server answered: nothing delivered, so no pending mark while we wait
            if on_retry:
                on_retry(failure, attempt, wait)

        try:
            attempts, refused = send(
                config,
                workspace.root,
                password,
                message,
                recipients,
                on_retry=retrying,
                before_data=lambda: record(entry("pending"), sent=False),
            )
        except SendFailure as failure:
            if not isinstance(failure, LedgerFailure):  # drop the pending mark, or say the outcome is unknown
                record(
                    entry("uncertain") if failure.uncertain else None,
                    sent=None if failure.uncertain else False,
                )
            raise
        if refused:
            record(entry("partial", list(refused)), sent=True)
            listed = "; ".join(f"{address}: {reply}" for address, reply in refused.items())
            raise SendFailure(
                f"partial delivery: {len(recipients) - len(refused)} of {len(recipients)} recipients accepted, "
                f"refused: {listed}; recorded, so the next run sends it only to the refused ones",
                transient=False,
            )
        done = entry("sent")
        record(done, sent=True)
        return Delivery("sent", list_name, recipients, entry=done, previous=previous, attempts=attempts)
