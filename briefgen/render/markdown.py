"""View → the wiki Markdown page."""

from __future__ import annotations

import re
from typing import Any

from briefgen.templates import Templates


def render_markdown(templates: Templates, view: dict[str, Any]) -> bytes:
    text = templates.render("brief.md.j2", **view)
    # Templates are easier to read with generous blank lines; the page wants at most one.
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return text.encode("utf-8")
