"""The message: plain text and HTML (CSS inlined, as mail readers ignore style sheets), the PDF attached.

Headers are built with the standard `email` package under its strict policy, which refuses CR/LF
in a header value; on top of that every header value is collapsed to one line first, so a brief's
title cannot add a header whatever a template does with it.
"""

from __future__ import annotations

import datetime as dt
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import css_inline

from briefgen import __version__, markup
from briefgen.digest import BuiltDigest
from briefgen.mail.settings import MailConfig, one_address
from briefgen.problems import one_line
from briefgen.templates import Templates


def build_message(
    templates: Templates,
    config: MailConfig,
    digest: BuiltDigest,
    recipients: list[str],
    now: dt.datetime | None = None,
) -> EmailMessage:
    """multipart/mixed: multipart/alternative (plain text, HTML with inlined CSS), then the digest PDF."""
    manifest = digest.manifest
    sender = one_address(config.sender)
    context: dict[str, Any] = {
        "digest": manifest,
        "briefs": manifest.briefs,
        "count": len(manifest.briefs),
        "handling": str(manifest.handling),
        "handling_class": manifest.handling.slug,
        "bluf_html": {brief.id: markup.to_html(brief.bluf, f"{brief.id}-bluf") for brief in manifest.briefs},
        "attachment": manifest.pdf,
        "version": __version__,
    }
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = one_line(templates.render("mail.subject.j2", **context))
    message["From"] = one_line(config.sender)
    message["To"] = [one_address(address) for address in recipients]
    message["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid("briefgen", domain=sender.domain)
    message["X-Briefgen-Digest"] = one_line(manifest.name)
    message.set_content(templates.render("mail.txt.j2", **context))
    html = templates.render("mail.html.j2", **context)
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)
    message.add_alternative(inliner.inline(html), subtype="html")
    message.add_attachment(
        digest.pdf, maintype="application", subtype="pdf", filename=Path(manifest.pdf).name
    )
    return message
