"""The section headings of a saved page's main content, as trafilatura finds them.

A news page wraps its article in menus, cookie banners, newsletter boxes, "most read" lists, share
bars and comments, and many pages put no `<article>` around the story at all. trafilatura scores the
page's blocks for text density and markup to keep the story and drop the rest; on the realistic pages
in tests/data/articles it kept exactly each article's own headings where readability-lxml also kept a
newsletter box's and a paywall prompt's (docs/architecture.md has the measurements).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_RENDER_LEVEL = re.compile(r"h([1-6])")


def main_headings(page: str | HtmlElement) -> list[tuple[int, str]] | None:
    """(level, text) of every heading in the main content, in page order.

    None when trafilatura finds no main content: a page too short or too bare for it to score comes back
    as its whole text in one paragraph, headings flattened into it.
    """
    import trafilatura  # its import costs ~0.2 s: paid only when an HTML article is read

    # bare_extraction hands back the tree: the XML output would add a content fingerprint and a
    # serialise-and-validate pass, a second and a half on a 2 MB page. `fast` skips trafilatura's second
    # opinion from its readability and jusText fallbacks (another 0.8 s there).
    document = trafilatura.bare_extraction(
        page,
        fast=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
        deduplicate=False,
    )
    body = getattr(document, "body", None)
    if body is None:
        return None
    headings = []
    for head in body.iter("head"):
        match = _RENDER_LEVEL.fullmatch(head.get("rend") or "")
        text = " ".join("".join(head.itertext()).split())
        if text:
            headings.append((int(match[1]) if match else 2, text))
    if not headings and sum(1 for _ in body.iter("p")) <= 1:
        return None  # too little to score: trafilatura gave the page's bare text as one paragraph
    return headings
