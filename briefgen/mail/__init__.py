"""Mailing a built digest to a distribution list, one step per module: the [mail] table
(`settings`), the message (`message`), SMTP with retries (`smtp`), why a send failed (`failures`),
the ledger of what was sent (`ledger`), and the job that ties them together (`delivery`).

The job runs unattended, so it must never send twice and never fail quietly."""

from briefgen.mail.delivery import MAX_PDF_BYTES, Delivery, deliver
from briefgen.mail.failures import LedgerFailure, PermanentFailure, SendFailure, TransientFailure
from briefgen.mail.ledger import LEDGER_NAME, Ledger, LedgerEntry, LedgerTransaction, read_ledger
from briefgen.mail.message import build_message
from briefgen.mail.settings import MailConfig, mail_config, password_from_env, recipients_of
from briefgen.mail.smtp import classify, send

__all__ = [
    "LEDGER_NAME",
    "MAX_PDF_BYTES",
    "Delivery",
    "Ledger",
    "LedgerEntry",
    "LedgerFailure",
    "LedgerTransaction",
    "MailConfig",
    "PermanentFailure",
    "SendFailure",
    "TransientFailure",
    "build_message",
    "classify",
    "deliver",
    "mail_config",
    "password_from_env",
    "read_ledger",
    "recipients_of",
    "send",
]
