"""Mailing the digest to a real SMTP server (aiosmtpd on 127.0.0.1) and reading back what arrived."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import io
import ipaddress
import json
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pypdf import PdfReader

from briefgen.config import find_workspace
from briefgen.digest import open_digest
from briefgen.errors import ExitCode
from briefgen.mail import SendFailure, deliver, mail_config
from tests.conftest import run
from tests.test_digest import WEEK, digest_workspace

NAME = "digest-2025-W41"
TEAM = ["ann@example.org", "bob@example.org"]
PASSWORD_ENV = "BRIEFGEN_TEST_SMTP_PASSWORD"
SUBJECT = "[TLP:AMBER] Weekly brief digest: Week 41, 2025 (6–12 October 2025) (3 briefs)"


# ---- a real SMTP server that records what it accepts ----------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """aiosmtpd handler: answers DATA with `answers` first (e.g. a 451), then accepts and records."""

    answers: list[str] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_after_data: int = 0
    """Take the next N messages, then close the connection before answering (a server crashing mid-reply)."""
    received: list[Received] = field(default_factory=list)
    data_commands: int = 0
    greetings: int = 0

    async def handle_EHLO(
        self, server: SMTPServer, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.data_commands += 1
        if self.answers:
            return self.answers.pop(0)
        content = envelope.original_content or b""
        tls = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), content, tls))
        if self.drop_after_data:
            self.drop_after_data -= 1
            assert server.transport is not None
            server.transport.abort()
        return "250 2.0.0 OK: queued"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(handler: Recorder, **options: Any) -> Iterator[int]:
    """aiosmtpd on 127.0.0.1 (never all interfaces) on a free port, stopped afterwards."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def password_checker(expected: str, seen: list[str]) -> Any:
    def authenticate(
        server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        seen.append(data.password.decode())
        # handled=False: aiosmtpd then answers a failure with 535 itself.
        return AuthResult(
            success=data.login == b"briefs" and data.password == expected.encode(), handled=False
        )

    return authenticate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made here: the client trusts it only through mail.cafile."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "briefgen test SMTP server")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


# ---- workspaces --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose week-41 digest is built once; each test mails from its own copy."""
    root = digest_workspace(tmp_path_factory.mktemp("mail-base"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = run("digest", "--week", "2025-W41", "-q")
    assert result.exit_code == 0, result.stderr
    return root


@pytest.fixture
def ws(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(built, root)
    monkeypatch.chdir(root)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    return root


def configure(root: Path, port: int, **settings: object) -> None:
    """briefgen.toml with a [mail] table pointing at the test server; fast retries."""
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": "Briefs desk <briefs@example.org>",
        "retries": 2,
        "backoff": 0.01,
        "timeout": 10,
        **settings,
    }
    lines = ["[mail]", *(f"{key} = {json.dumps(value)}" for key, value in values.items())]
    lines += [
        "[mail.lists]",
        'team = ["Ann Analyst <ann@example.org>", "bob@example.org"]',
        'ops = ["ops@example.org"]',
        "[mail.release]",  # the week's digest is TLP:AMBER: these lists may have it as it is
        'team = "TLP:AMBER"',
        'ops = "TLP:AMBER"',
    ]
    (root / "briefgen.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def ledger(root: Path) -> list[dict[str, Any]]:
    path = root / "build" / "digest" / "mail-ledger.json"
    return json.loads(path.read_text(encoding="utf-8"))["sent"] if path.exists() else []


def mime_tree(part: EmailMessage) -> object:
    if part.is_multipart():
        return [part.get_content_type(), [mime_tree(child) for child in part.iter_parts()]]  # type: ignore[arg-type]
    return part.get_content_type()


# ---- sending once ---------------------------------------------------------------------------------------


def test_the_weekly_job_run_twice_sends_one_message(ws: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        configure(ws, port)
        first = run("digest", "--week", "2025-W41", "--mail", "--to", "team")
        second = run("digest", "--week", "2025-W41", "--mail", "--to", "team")
    assert first.exit_code == 0, first.stderr
    assert f"sent {NAME} to team (2 recipients)" in first.stdout
    assert second.exit_code == 0, second.stderr
    assert f"{NAME} was already sent to team on" in second.stdout and "nothing sent" in second.stdout
    assert "has changed" not in second.stdout, "the rebuilt digest is byte for byte the same"
    assert len(recorder.received) == 1
    entries = ledger(ws)
    assert len(entries) == 1
    entry = entries[0]
    pdf = (ws / "build" / "digest" / f"{NAME}.pdf").read_bytes()
    assert entry["digest"] == NAME and entry["list"] == "team" and entry["recipients"] == TEAM
    assert entry["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert entry["message_id"] == recorder.received[0].message["Message-ID"]
    assert entry["server"] == f"127.0.0.1:{port}"
    assert dt.datetime.fromisoformat(entry["time"]).tzinfo is not None


def test_the_message_has_text_html_and_the_pdf(ws: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        configure(ws, port)
        result = run("mail", NAME, "--to", "team")
    assert result.exit_code == 0, result.stderr
    [received] = recorder.received
    assert received.mail_from == "briefs@example.org"
    assert received.rcpt_tos == TEAM
    message = received.message
    assert mime_tree(message) == [
        "multipart/mixed",
        [["multipart/alternative", ["text/plain", "text/html"]], "application/pdf"],
    ]
    assert message["Subject"] == SUBJECT
    assert message["From"] == "Briefs desk <briefs@example.org>"
    assert [a.addr_spec for a in message["To"].addresses] == TEAM
    assert message["Message-ID"].endswith("@example.org>") and message["Date"]

    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{NAME}.pdf"
    data = attachment.get_content()
    assert data.startswith(b"%PDF")
    built_pdf = ws / "build" / "digest" / f"{NAME}.pdf"
    assert data == built_pdf.read_bytes()
    assert len(PdfReader(io.BytesIO(data)).pages) == len(PdfReader(built_pdf).pages)

    html = message.get_body(("html",)).get_content()
    assert "<style" not in html and 'style="' in html, "CSS inlined for mail clients"
    text = message.get_body(("plain",)).get_content()
    for _, title, _ in WEEK:
        assert title in text
        assert title.replace("'", "&#39;") in html or title in html
    assert "Storage above 90 per cent has taken the edge off winter risk" in html
    assert f"{NAME}.pdf" in text


def test_resend_sends_again_and_records_it(ws: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        configure(ws, port)
        assert run("mail", f"build/digest/{NAME}.pdf", "--to", "team").exit_code == 0
        again = run("mail", NAME, "--to", "team")
        forced = run("mail", NAME, "--to", "team", "--resend")
        other_list = run("mail", NAME, "--to", "ops")
    assert again.exit_code == 0 and "already sent" in again.stdout
    assert forced.exit_code == 0 and other_list.exit_code == 0
    assert [r.rcpt_tos for r in recorder.received] == [TEAM, TEAM, ["ops@example.org"]]
    assert [e["list"] for e in ledger(ws)] == ["team", "team", "ops"]


def test_dry_run_writes_the_eml_and_sends_nothing(ws: Path) -> None:
    configure(ws, free_port(), username="briefs", password_env=PASSWORD_ENV)  # no server, no password needed
    result = run("mail", NAME, "--to", "team", "--dry-run")
    assert result.exit_code == 0, result.stderr
    eml = ws / "build" / "digest" / f"{NAME}.team.eml"
    assert f"wrote {eml}" in result.stdout
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == SUBJECT
    assert next(message.iter_attachments()).get_content().startswith(b"%PDF")
    assert ledger(ws) == []


# ---- failures -------------------------------------------------------------------------------------------


def test_a_451_is_retried_and_exactly_one_message_arrives(ws: Path) -> None:
    recorder = Recorder(answers=["451 4.3.0 Try again later"])
    with smtp_server(recorder) as port:
        configure(ws, port)
        result = run("mail", NAME, "--to", "team")
    assert result.exit_code == 0, result.stderr
    assert "attempt 1 failed" in result.stderr and "451 4.3.0 Try again later" in result.stderr
    assert recorder.data_commands == 2
    assert len(recorder.received) == 1
    assert "after 2 attempts" in result.stdout
    assert len(ledger(ws)) == 1


def test_connection_refused_is_retried_then_exit_4(ws: Path) -> None:
    configure(ws, free_port())  # nothing listens there
    result = run("mail", NAME, "--to", "team")
    assert result.exit_code == ExitCode.TRY_AGAIN
    assert "refused the connection" in result.stderr
    assert "gave up after 3 attempts" in result.stderr and "try again later" in result.stderr
    assert ledger(ws) == []


def test_a_5xx_stops_at_once_with_exit_5(ws: Path) -> None:
    recorder = Recorder(answers=["554 5.7.1 Message rejected as spam"])
    with smtp_server(recorder) as port:
        configure(ws, port)
        result = run("mail", NAME, "--to", "team")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION
    assert "554 5.7.1 Message rejected as spam" in result.stderr
    assert recorder.data_commands == 1, "no retry of a permanent failure"
    assert ledger(ws) == []


def test_a_partial_delivery_is_recorded_and_the_next_run_sends_only_to_the_rest(ws: Path) -> None:
    recorder = Recorder(refuse={"bob@example.org"})
    with smtp_server(recorder) as port:
        configure(ws, port)
        partial = run("mail", NAME, "--to", "team")
        assert partial.exit_code == ExitCode.NEEDS_ATTENTION
        assert (
            "partial delivery: 1 of 2 recipients accepted" in partial.stderr
            and "bob@example.org" in partial.stderr
        )
        assert [(e["status"], e["recipients"], e["refused"]) for e in ledger(ws)] == [
            ("partial", ["ann@example.org"], ["bob@example.org"])
        ]
        recorder.refuse.clear()
        assert run("mail", NAME, "--to", "team").exit_code == 0
        third = run("mail", NAME, "--to", "team")
        assert third.exit_code == 0 and "already sent" in third.stdout
    assert [r.rcpt_tos for r in recorder.received] == [["ann@example.org"], ["bob@example.org"]], (
        "nobody got it twice"
    )
    assert [e["status"] for e in ledger(ws)] == ["partial", "sent"]


def test_a_connection_lost_after_the_message_went_out_is_not_sent_again(ws: Path) -> None:
    """The server stored the message but died before its "250": a retry would be a duplicate."""
    recorder = Recorder(drop_after_data=1)
    with smtp_server(recorder) as port:
        configure(ws, port)
        first = run("mail", NAME, "--to", "team")
        assert first.exit_code == ExitCode.NEEDS_ATTENTION, first.stderr
        assert "it may have been delivered" in first.stderr and "Traceback" not in first.stderr
        assert [e["status"] for e in ledger(ws)] == ["uncertain"]
        again = run("mail", NAME, "--to", "team")
        assert (
            again.exit_code == ExitCode.NEEDS_ATTENTION
            and "--resend" in again.stderr
            and "nothing sent" in again.stderr
        )
        assert len(recorder.received) == 1, "neither a retry nor the next run sent it again"
        assert run("mail", NAME, "--to", "team", "--resend").exit_code == 0, (
            "a person decided: it did not arrive"
        )
    assert len(recorder.received) == 2
    assert [e["status"] for e in ledger(ws)] == ["uncertain", "sent"]


def test_resend_after_an_unknown_outcome_skips_those_known_to_have_it(ws: Path) -> None:
    recorder = Recorder(refuse={"bob@example.org"})
    with smtp_server(recorder) as port:
        configure(ws, port)
        assert run("mail", NAME, "--to", "team").exit_code == ExitCode.NEEDS_ATTENTION  # partial: ann has it
        recorder.refuse.clear()
        recorder.drop_after_data = 1
        assert (
            run("mail", NAME, "--to", "team").exit_code == ExitCode.NEEDS_ATTENTION
        )  # bob's copy: outcome unknown
        assert run("mail", NAME, "--to", "team", "--resend").exit_code == 0  # a person says: bob has nothing
    assert [r.rcpt_tos for r in recorder.received] == [
        ["ann@example.org"],
        ["bob@example.org"],
        ["bob@example.org"],
    ]
    assert [e["status"] for e in ledger(ws)] == ["partial", "uncertain", "sent"]


def test_a_transient_failure_leaves_no_pending_mark_while_it_waits(ws: Path) -> None:
    """A 451 after DATA: nothing was delivered, so a run killed during the pause must not block the next."""
    recorder, seen = Recorder(answers=["451 4.3.0 Try again later"]), []
    with smtp_server(recorder) as port:
        configure(ws, port)
        workspace = find_workspace(ws)
        digest = open_digest(NAME, ws / "build")

        def waiting(failure: SendFailure, attempt: int, wait: float) -> None:
            seen.append([e["status"] for e in ledger(ws)])

        delivery = deliver(workspace, mail_config(workspace), digest, "team", password=None, on_retry=waiting)
    assert delivery.status == "sent" and recorder.data_commands == 2 and len(recorder.received) == 1
    assert seen == [[]], "no pending mark while waiting to retry"
    assert [e["status"] for e in ledger(ws)] == ["sent"]


def test_a_run_killed_mid_send_leaves_a_mark_the_next_run_obeys(ws: Path) -> None:
    recorder = Recorder()
    pending = {
        "digest": NAME, "sha256": "0" * 64, "list": "team", "recipients": TEAM,
        "message_id": "<killed@example.org>", "time": "2025-10-13T06:30:00Z", "server": "127.0.0.1:25",
        "status": "pending",
    }  # fmt: skip
    (ws / "build" / "digest" / "mail-ledger.json").write_text(
        json.dumps({"sent": [pending]}), encoding="utf-8"
    )
    with smtp_server(recorder) as port:
        configure(ws, port)
        result = run("mail", NAME, "--to", "team")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION
    assert (
        "was killed while sending it on 2025-10-13 06:30 UTC (message <killed@example.org>)" in result.stderr
    )
    assert recorder.received == [] and recorder.data_commands == 0


def test_a_ledger_that_cannot_be_written_stops_the_send_before_data(ws: Path) -> None:
    """The "pending" mark cannot be written (RLIMIT_FSIZE: the disk is full for this process): the job
    stops before DATA rather than send something it could not record."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    recorder = Recorder()
    with smtp_server(recorder) as port:
        configure(ws, port)
        done = subprocess.run(
            [sys.executable, "-m", "briefgen", "mail", NAME, "--to", "team"],
            cwd=ws, capture_output=True, text=True, preexec_fn=limit, timeout=60,
        )  # fmt: skip
    assert done.returncode == 5, done.stderr
    assert "Traceback" not in done.stderr
    assert "nothing sent: the mail ledger" in done.stderr and "File too large" in done.stderr
    assert recorder.data_commands == 0 and recorder.received == []
    assert ledger(ws) == []


def test_a_rejected_login_is_a_clear_error_and_leaves_the_ledger_empty(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, seen = Recorder(), []
    monkeypatch.setenv(PASSWORD_ENV, "wrong password")
    with smtp_server(recorder, authenticator=password_checker("right", seen), auth_require_tls=False) as port:
        configure(ws, port, username="briefs", password_env=PASSWORD_ENV)
        result = run("mail", NAME, "--to", "team")
    assert result.exit_code == ExitCode.NEEDS_ATTENTION
    assert f"127.0.0.1:{port} refused the login of 'briefs': 535" in result.stderr
    assert set(seen) == {"wrong password"}, (
        "the password from the environment (smtplib tries PLAIN, then LOGIN)"
    )
    assert recorder.greetings == 1, "one connection: a refused login is not retried"
    assert recorder.received == []
    assert ledger(ws) == []


def test_starttls_with_a_self_signed_certificate(
    ws: Path, monkeypatch: pytest.MonkeyPatch, certificate: tuple[Path, Path]
) -> None:
    recorder, seen = Recorder(), []
    monkeypatch.setenv(PASSWORD_ENV, "s3cret")
    authenticator = password_checker("s3cret", seen)
    with smtp_server(
        recorder, tls_context=server_tls(certificate), require_starttls=True, authenticator=authenticator
    ) as port:
        configure(ws, port, security="starttls", username="briefs", password_env=PASSWORD_ENV)
        untrusted = run("mail", NAME, "--to", "team")
        configure(
            ws,
            port,
            security="starttls",
            username="briefs",
            password_env=PASSWORD_ENV,
            cafile=str(certificate[0]),
        )
        trusted = run("mail", NAME, "--to", "team")
    assert untrusted.exit_code == ExitCode.NEEDS_ATTENTION
    assert "TLS certificate not trusted" in untrusted.stderr and "mail.cafile" in untrusted.stderr
    assert trusted.exit_code == 0, trusted.stderr
    assert seen == ["s3cret"], "the password was sent once, after TLS was up"
    [received] = recorder.received
    assert received.tls
    assert received.message["Subject"] == SUBJECT


def test_implicit_tls(ws: Path, certificate: tuple[Path, Path]) -> None:
    recorder = Recorder()
    with smtp_server(recorder, ssl_context=server_tls(certificate)) as port:
        configure(ws, port, security="ssl", cafile=str(certificate[0]))
        result = run("mail", NAME, "--to", "team")
    assert result.exit_code == 0, result.stderr
    assert len(recorder.received) == 1 and recorder.received[0].tls


# ---- header injection ----------------------------------------------------------------------------------


def test_cr_lf_in_titles_cannot_add_headers(ws: Path) -> None:
    shutil.copy(Path(__file__).parent / "data" / "digest" / "hostile" / "evil-title.yaml", ws / "briefs")
    # A workspace subject template that puts brief titles into the header, the worst case.
    (ws / "templates").mkdir()
    (ws / "templates" / "mail.subject.j2").write_text(
        "{% autoescape false %}[{{ handling }}] "
        "{% for b in briefs %}{{ b.title }} / {% endfor %}{% endautoescape %}",
        encoding="utf-8",
    )
    recorder = Recorder()
    with smtp_server(recorder) as port:
        configure(ws, port)
        result = run("digest", "--week", "2025-W41", "--mail", "--to", "team")
    assert result.exit_code == 0, result.stderr
    [received] = recorder.received
    assert received.rcpt_tos == TEAM, "nobody else got it"
    message = received.message
    assert {key.lower() for key in message} == {
        "subject",
        "from",
        "to",
        "date",
        "message-id",
        "x-briefgen-digest",
        "mime-version",
        "content-type",
    }
    assert "Quarterly review Bcc: attacker@evil.example X-Injected: yes" in message["Subject"]
    head = received.data.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        assert not line.lower().startswith((b"bcc:", b"x-injected:")), line
    assert "Injected lines must stay text." in message.get_body(("plain",)).get_content()


def test_an_address_with_a_line_break_is_refused_in_the_config(ws: Path) -> None:
    configure(ws, free_port(), sender="briefs@example.org\r\nBcc: attacker@evil.example")
    result = run("mail", NAME, "--to", "team", "--dry-run")
    assert result.exit_code == 2
    assert "line breaks are not allowed in an address" in result.stderr


# ---- configuration and input errors ------------------------------------------------------------------------


def test_the_password_is_never_read_from_the_config(ws: Path) -> None:
    configure(ws, free_port(), username="briefs", password="hunter2")
    result = run("mail", NAME, "--to", "team")
    assert result.exit_code == 2
    assert "never write the password in briefgen.toml" in result.stderr


def test_a_missing_password_variable_is_named(ws: Path) -> None:
    configure(ws, free_port(), username="briefs", password_env=PASSWORD_ENV)
    result = run("mail", NAME, "--to", "team")
    assert result.exit_code == 2
    assert f"environment variable {PASSWORD_ENV} is not set" in result.stderr


def test_an_unknown_list_is_a_usage_error(ws: Path) -> None:
    configure(ws, free_port())
    result = run("mail", NAME, "--to", "board")
    assert result.exit_code == 2
    assert "no mailing list 'board'" in result.stderr and "lists: ops, team" in result.stderr


def test_a_changed_pdf_is_not_mailed(ws: Path) -> None:
    configure(ws, free_port())
    with (ws / "build" / "digest" / f"{NAME}.pdf").open("ab") as pdf:
        pdf.write(b"%% tampered\n")
    result = run("mail", NAME, "--to", "team", "--dry-run")
    assert result.exit_code == 2
    assert "the PDF is not the one this digest was built with" in result.stderr


def test_an_unknown_digest_is_a_usage_error(ws: Path) -> None:
    configure(ws, free_port())
    result = run("mail", "digest-1999-W01", "--to", "team")
    assert result.exit_code == 2
    assert "no digest manifest for digest-1999-W01" in result.stderr


def test_an_empty_week_mails_nothing(ws: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        configure(ws, port)
        result = run("digest", "--week", "2025-W30", "--mail", "--to", "team")
    assert result.exit_code == ExitCode.NOTHING_MATCHED
    assert recorder.received == [] and ledger(ws) == []


def test_a_digest_with_unreadable_briefs_is_not_mailed(ws: Path) -> None:
    (ws / "briefs" / "broken.yaml").write_text("title: [\n", encoding="utf-8")
    recorder = Recorder()
    with smtp_server(recorder) as port:
        configure(ws, port)
        result = run("digest", "--week", "2025-W41", "--mail", "--to", "team")
    assert result.exit_code == 1
    assert "not mailed" in result.stderr and f"briefgen mail {NAME}" in result.stderr
    assert recorder.received == [] and ledger(ws) == []


def test_every_bad_mail_setting_is_reported_at_its_line(ws: Path) -> None:
    (ws / "briefgen.toml").write_text(
        '[mail]\nsender = "briefs@example.org"\nport = 0\nsecurity = "tls"\n'
        '[mail.lists]\nteam = ["a@example.org"]\n',
        encoding="utf-8",
    )
    result = run("mail", NAME, "--to", "team", "--dry-run")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("briefgen.toml:")]
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("briefgen.toml:3:1: mail.port: 0: input should be greater than or equal to 1")
    assert lines[1].startswith("briefgen.toml:4:1: mail.security: 'tls': input should be")


def test_a_broken_mail_template_is_one_line_and_marks_nothing(ws: Path) -> None:
    configure(ws, free_port())
    (ws / "templates").mkdir(exist_ok=True)
    (ws / "templates" / "mail.subject.j2").write_text("{% if %}", encoding="utf-8")
    result = run("mail", NAME, "--to", "team")
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert result.stderr.startswith("templates/mail.subject.j2:1:1: ") and "Traceback" not in result.stderr
    assert ledger(ws) == []
