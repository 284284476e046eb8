"""The ledger next to the digests: every send that reached the server (digest, content hash, list,
recipients, message id, time, status), so the unattended job never sends twice and never forgets a
send of unknown outcome. A lock around check → send → record keeps two overlapping runs from both sending."""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefgen.errors import ConfigError
from briefgen.mail.failures import LedgerFailure, SendFailure
from briefgen.problems import Problem
from briefgen.writing import write_atomic

LEDGER_NAME = "mail-ledger.json"

Status = Literal["sent", "partial", "pending", "uncertain"]


class LedgerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    digest: str
    sha256: str
    list: str
    recipients: list[str]
    message_id: str
    time: dt.datetime
    server: str
    status: Status = "sent"
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
    """The ledger, or an empty one; an unreadable ledger stops the job: we could no longer tell what
    was sent."""
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
def locked(folder: Path) -> Iterator[None]:
    """One mail job at a time per output folder: an overlapping run waits, then finds the first
    one's entry."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f".{LEDGER_NAME}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class LedgerTransaction:
    """The ledger's side of one message to one list, each step written at once: a "pending" mark just
    before DATA (so even a killed run leaves a trace), gone again while waiting to retry (the server
    answered, nothing was delivered), then the outcome: sent, partial, uncertain, or nothing at all.
    Used under `locked`, so the ledger read before the send is still the one on disk. A ledger that
    cannot be written raises `LedgerFailure`: the job could no longer tell what it sent."""

    ledger: Ledger
    path: Path
    digest: str
    sha256: str
    list_name: str
    addresses: list[str]
    message_id: str
    server: str

    def mark_pending(self) -> None:
        self._record(self._entry("pending"), sent=False)

    def clear_pending(self) -> None:
        self._record(None, sent=False)

    def failed(self, failure: SendFailure) -> None:
        """Drop the pending mark, or, when the message may have arrived, say the outcome is unknown
        (which no later run retries on its own)."""
        if isinstance(failure, LedgerFailure):
            return
        if failure.uncertain:
            self._record(self._entry("uncertain"), sent=None)
        else:
            self._record(None, sent=False)

    def partial(self, refused: Sequence[str]) -> LedgerEntry:
        """Only some recipients took it: the next run sends it only to the others."""
        entry = self._entry("partial", refused)
        self._record(entry, sent=True)
        return entry

    def sent(self) -> LedgerEntry:
        entry = self._entry("sent")
        self._record(entry, sent=True)
        return entry

    def _entry(self, status: Status, refused: Sequence[str] = ()) -> LedgerEntry:
        return LedgerEntry(
            digest=self.digest,
            sha256=self.sha256,
            list=self.list_name,
            recipients=[a for a in self.addresses if a not in refused],
            message_id=self.message_id,
            time=dt.datetime.now(dt.UTC).replace(microsecond=0),
            server=self.server,
            status=status,
            refused=list(refused),
        )

    def _record(self, entry: LedgerEntry | None, *, sent: bool | None) -> None:
        """`sent`: what to say if the ledger cannot be written (None: it may have been)."""
        if entry is None and all(e.message_id != self.message_id for e in self.ledger.sent):
            return  # no mark to drop (the connection failed before DATA): the file stays as it is
        self.ledger.replace(self.message_id, entry)
        try:
            write_atomic(self.path, self.ledger.model_dump_json(indent=2).encode("utf-8") + b"\n")
        except OSError as error:
            what = {True: "it was sent, but", False: "nothing sent:", None: "it may have been sent, but"}[
                sent
            ]
            raise LedgerFailure(
                f"{what} the mail ledger {self.path} cannot be written ({error.strerror or error}); "
                "until it can, the job cannot tell what it sent"
            ) from None
