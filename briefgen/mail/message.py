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

MAX_MESSAGE_BYTES = 10 * 1024 * 1024
"""The message as sent (base64 and all): figures that would take it past this stay in the PDF only."""
MAIL_FIGURE_TYPES = ("image/png", "image/jpeg")
"""What mail readers show inline; SVG and WebP figures are left to the attached PDF."""


def mail_figures(digest: BuiltDigest, domain: str) -> dict[str, list[dict[str, Any]]]:
    """Brief id → its figures for the HTML part, each with a Content-ID, within the size budget."""
    used = len(digest.pdf) * 4 // 3 + 256 * 1024  # the PDF in base64, the text and HTML parts
    shown: dict[str, list[dict[str, Any]]] = {}
    for brief in digest.manifest.briefs:
        for figure in brief.figures:
            data = digest.figures.get(figure.file)
            size = len(data) * 4 // 3 if data is not None else 0
            if data is None or figure.mime not in MAIL_FIGURE_TYPES or used + size > MAX_MESSAGE_BYTES:
                continue
            used += size
            cid = make_msgid(f"figure{figure.number}", domain=domain)[1:-1]
            shown.setdefault(brief.id, []).append({"figure": figure, "cid": cid, "data": data})
    return shown


def build_message(
    templates: Templates,
    config: MailConfig,
    digest: BuiltDigest,
    recipients: list[str],
    now: dt.datetime | None = None,
) -> EmailMessage:
    """multipart/mixed: multipart/alternative (plain text; multipart/related: HTML with inlined CSS and
    its figures as cid: parts), then the digest PDF. Each figure is in the message once."""
    manifest = digest.manifest
    sender = one_address(config.sender)
    figures = mail_figures(digest, sender.domain)
    context: dict[str, Any] = {
        "digest": manifest,
        "briefs": manifest.briefs,
        "count": len(manifest.briefs),
        "handling": str(manifest.handling),
        "handling_class": manifest.handling.slug,
        "bluf_html": {brief.id: markup.to_html(brief.bluf, f"{brief.id}-bluf") for brief in manifest.briefs},
        "attachment": manifest.pdf,
        "figures": figures,
        "version": __version__,
        "lang": manifest.lang,
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
    html_part = message.get_payload()[-1]
    for item in (item for items in figures.values() for item in items):
        maintype, subtype = item["figure"].mime.split("/")
        name = item["figure"].file.rsplit("/", 1)[-1]
        html_part.add_related(item["data"], maintype, subtype, cid=f"<{item['cid']}>", filename=name)
    message.add_attachment(
        digest.pdf, maintype="application", subtype="pdf", filename=Path(manifest.pdf).name
    )
    return message
