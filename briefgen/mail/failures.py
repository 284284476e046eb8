"""Why a send did not (or not fully, or maybe did) deliver, as the errors.py hierarchy sees it:
a `TransientFailure` is a `TryAgain` (exit 4: run again later), every other one a `NeedsAttention`
(exit 5: a person must look). The retry loop reads `transient`, the ledger reads `uncertain`."""

from __future__ import annotations

from typing import ClassVar, Self

from briefgen.errors import BriefgenError, NeedsAttention, TryAgain, unplaced


class SendFailure(BriefgenError):
    """Nothing (or not everything, or maybe everything) was delivered. `message` is the reason alone;
    the problem line puts the digest and list (`subject`) before it and the kind of failure after.
    Raised as one of its kinds below, which decide the exit code."""

    transient: ClassVar[bool]
    kind: ClassVar[str]

    def __init__(self, message: str, *, uncertain: bool = False, subject: str = "") -> None:
        super().__init__(unplaced(f"{subject}: {message}" if subject else message, self.kind))
        self.message, self.uncertain, self.subject = message, uncertain, subject

    def about(self, subject: str) -> Self:
        """The same failure, its problem line naming what was being sent where."""
        return type(self)(self.message, uncertain=self.uncertain, subject=subject)

    def gave_up(self, attempts: int) -> Self:
        """The same failure after the last of `attempts` tries."""
        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
        return type(self)(f"{self.message} (gave up after {tries})", uncertain=self.uncertain)


class TransientFailure(SendFailure, TryAgain):
    """No connection, a 4xx: worth trying again later."""

    transient = True
    kind = "temporary failure, try again later"


class PermanentFailure(SendFailure, NeedsAttention):
    """A 5xx, a refused login, an untrusted certificate, a partial or unknown delivery."""

    transient = False
    kind = "a person must look"


class LedgerFailure(PermanentFailure):
    """The ledger cannot be written: the job can no longer tell what it sent, so it stops."""


def failure(message: str, *, transient: bool) -> SendFailure:
    """A failure of the kind `transient` says (classifying a server's reply decides it)."""
    return TransientFailure(message) if transient else PermanentFailure(message)
