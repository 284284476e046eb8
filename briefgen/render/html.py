"""View → the standalone HTML page."""

from __future__ import annotations

from typing import Any

from briefgen.templates import Templates


def render_html(templates: Templates, view: dict[str, Any]) -> bytes:
    return templates.render("brief.html.j2", **view).encode("utf-8")
