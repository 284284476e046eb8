"""View → the wiki Markdown page."""

from __future__ import annotations

import re
from typing import Any

from briefgen.templates import Templates


def tidy_markdown(text: str) -> str:
    """At most one blank line and one final newline: templates are easier to read with generous
    blank lines, a page wants no more than one. Every Markdown page (brief, digest, wiki) ends here."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_markdown(templates: Templates, view: dict[str, Any]) -> bytes:
    return tidy_markdown(templates.render("brief.md.j2", **view)).encode("utf-8")
