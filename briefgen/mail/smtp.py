"""SMTP with retries: transient failures (no connection, 4xx) are retried with growing pauses,
permanent ones (5xx, authentication, TLS trust) stop at once with the server's own words."""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from briefgen.config import Workspace
from briefgen.errors import ConfigError
from briefgen.mail.failures import PermanentFailure, SendFailure, TransientFailure, failure
from briefgen.mail.settings import MailConfig, one_address
from briefgen.problems import Problem, one_line


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
    return f"{code} {one_line(words)}"


def classify(error: BaseException, config: MailConfig) -> SendFailure:
    """What went wrong in words a reader can act on, and whether trying again may help."""
    where = config.server
    if isinstance(error, smtplib.SMTPAuthenticationError):
        reply = _reply(error.smtp_code, error.smtp_error)
        return failure(
            f"{where} refused the login of {config.username!r}: {reply}",
            transient=400 <= error.smtp_code < 500,
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = {address: _reply(code, text) for address, (code, text) in error.recipients.items()}
        transient = all(400 <= code < 500 for code, _ in error.recipients.values())
        listed = "; ".join(f"{address}: {reply}" for address, reply in replies.items())
        return failure(f"{where} refused every recipient ({listed})", transient=transient)
    if isinstance(error, smtplib.SMTPResponseException):
        reply = _reply(error.smtp_code, error.smtp_error)
        return failure(f"{where} answered {reply}", transient=400 <= error.smtp_code < 500)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return PermanentFailure(f"{where}: {error} (check mail.security)")
    if isinstance(error, ssl.SSLCertVerificationError):
        hint = "set mail.cafile to the PEM file of the CA that signed the server's certificate"
        return PermanentFailure(f"{where}: TLS certificate not trusted ({error.verify_message}); {hint}")
    if isinstance(error, ssl.SSLError):
        return PermanentFailure(
            f"{where}: TLS failed ({error.reason or error}); check mail.security and mail.port"
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return TransientFailure(f"{where} closed the connection: {error or 'no reason given'}")
    if isinstance(error, socket.gaierror):
        return failure(
            f"cannot resolve {config.host!r}: {error.strerror}", transient=error.errno == socket.EAI_AGAIN
        )
    if isinstance(error, ConnectionRefusedError):
        return TransientFailure(f"{where} refused the connection (is the mail server running?)")
    if isinstance(error, TimeoutError | socket.timeout):
        return TransientFailure(f"{where} did not answer within {config.timeout:g}s")
    if isinstance(error, smtplib.SMTPException):
        return PermanentFailure(f"{where}: {error}")
    if isinstance(error, OSError):
        return TransientFailure(f"{where}: {error.strerror or error}")
    raise error


def _tls_context(config: MailConfig, workspace: Workspace) -> ssl.SSLContext:
    """Verified TLS always; a private CA is trusted by naming its file, never by turning verification off."""
    cafile = None
    if config.cafile:
        cafile = Path(config.cafile) if Path(config.cafile).is_absolute() else workspace.root / config.cafile
        if not cafile.is_file():
            problem = Problem(workspace.config_name, 1, 1, f"no such file: {cafile}", "mail.cafile")
            raise ConfigError([problem])
    return ssl.create_default_context(cafile=str(cafile) if cafile else None)


def _send_once(
    config: MailConfig,
    workspace: Workspace,
    password: str | None,
    message: EmailMessage,
    recipients: list[str],
    before_data: Callable[[], None],
) -> dict[str, str]:
    """One SMTP session; the recipients the server refused (address → its reply) when it took the rest."""
    host, port, timeout = config.host, config.effective_port, config.timeout
    smtp: _Watched
    if config.security == "ssl":
        smtp = _WatchedSSL(host, port, timeout=timeout, context=_tls_context(config, workspace))
    else:
        smtp = _Watched(host, port, timeout=timeout)
    smtp.before_data = before_data
    try:
        if config.security == "starttls":
            smtp.starttls(context=_tls_context(config, workspace))
        if config.username:
            smtp.login(config.username, password or "")
        envelope_from = one_address(config.sender).addr_spec
        refused = smtp.send_message(message, envelope_from, [one_address(a).addr_spec for a in recipients])
    except smtplib.SMTPResponseException:
        raise  # the server answered, so it did not take the message: safe to classify and retry
    except (smtplib.SMTPException, OSError) as error:
        if not smtp.message_out:
            raise
        why = classify(error, config).message
        raise PermanentFailure(
            f"{why} after the whole message went out, before the server confirmed it: "
            "it may have been delivered",
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
    workspace: Workspace,
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
            return attempt, _send_once(config, workspace, password, message, recipients, before_data)
        except (smtplib.SMTPException, OSError) as error:  # a SendFailure of its own goes straight up
            failed = classify(error, config)
        if not failed.transient:
            raise failed
        if attempt == attempts:
            raise failed.gave_up(attempts)
        wait = config.backoff * 2 ** (attempt - 1)
        if on_retry:
            on_retry(failed, attempt, wait)
        time.sleep(wait)
    raise AssertionError("unreachable")
