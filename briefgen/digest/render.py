"""Digest → its HTML page, the HTML WeasyPrint lays out as its PDF, its Markdown page and its .docx.

Each brief's body comes from the brief's own template, rendered with the item's `id_prefix`
(HTML: the `article` block alone; Markdown: no front matter, one heading level down, in-page links
to the brief's own page): the digest shows the brief as its own page does, and nothing is cut out
of a rendered page afterwards.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from briefgen import __version__
from briefgen.digest.contents import Digest, DigestItem
from briefgen.errors import BriefError
from briefgen.problems import Problem
from briefgen.render.markdown import tidy_markdown
from briefgen.templates import Templates

ASSETS = "assets"
"""Folder beside the Markdown digests holding their figures' copies: `assets/<digest>/<brief id>/`,
one folder per digest, so a later digest never changes the copies an earlier one (and its mail) uses."""


def asset_folder(digest_name: str, brief_id: str) -> str:
    """Where the digest's copies of one brief's figures go, relative to the digest's folder."""
    return f"{ASSETS}/{digest_name}/{brief_id}"


def article(templates: Templates, template: str, item: DigestItem) -> Markup:
    """The `<article>` of the brief's own page, every id and in-page link prefixed with the item's anchor.

    A workspace template that does not build on base.html.j2's `article` block renders a whole page
    here: refused, as a page inside a page would be."""
    body = templates.render(template, **{**item.view, "article_only": True, "id_prefix": f"{item.anchor}--"})
    if not body.lstrip().startswith("<article"):
        hint = "extend builtin/brief.html.j2 (or keep base.html.j2's `article` block)"
        raise BriefError(Problem(template, 1, 1, "no <article> block to take into the digest", hint=hint))
    return Markup(body)


def render_html(templates: Templates, digest: Digest) -> str:
    """The self-contained HTML digest (screen)."""
    bodies = {item.anchor: article(templates, "brief.html.j2", item) for item in digest.items}
    return templates.render("digest.html.j2", bodies=bodies, **digest.context())


def pdf_html(templates: Templates, digest: Digest) -> str:
    """The one HTML document WeasyPrint lays out as the digest PDF."""
    bodies = {item.anchor: article(templates, "brief.pdf.j2", item) for item in digest.items}
    return templates.render("digest.pdf.j2", bodies=bodies, **digest.context())


def render_pdf(
    templates: Templates, digest: Digest, root: Path, variant: str = "pdf/ua-1"
) -> tuple[bytes, list[str]]:
    from briefgen.render.pdf import html_to_pdf  # WeasyPrint: imported only when a PDF is made

    rendered = html_to_pdf(pdf_html(templates, digest), root, variant)
    return rendered.data, rendered.warnings


def render_docx(digest: Digest, root: Path) -> bytes:
    """The Word digest, built from the same views as the briefs' own .docx (python-docx, imported here)."""
    from briefgen.render.docx import render_digest_docx

    return render_digest_docx(digest.context(), [(item.anchor, item.view) for item in digest.items], root)


def _markdown_body(templates: Templates, item: DigestItem, digest_name: str) -> str:
    """The brief's own Markdown page one heading level down, its footnote labels after the brief's id
    (two briefs' `[^1]` stay two footnotes) and its in-page links (`#sources`) sent to its own page,
    where they land on its own heading rather than another brief's."""
    page = {
        **item.view,
        "front_matter": None,
        "depth": 1,
        "id_prefix": f"{item.brief.id}-",
        "page": f"../md/{item.brief.id}.md",
        "asset_base": f"{asset_folder(digest_name, item.brief.id or '')}/",  # step.py writes the copies
    }
    return templates.render("brief.md.j2", **page).strip("\n")


def render_markdown(templates: Templates, digest: Digest) -> str:
    bodies = {item.anchor: _markdown_body(templates, item, digest.name) for item in digest.items}
    period = digest.selection.period
    front_matter = {
        "title": digest.title,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "handling": str(digest.handling),
        "briefs": [item.brief.id for item in digest.items],
        "tags": digest.tags,
        "generator": f"briefgen {__version__}",
    }
    if period.week:
        front_matter["period"]["week"] = period.key
    return tidy_markdown(
        templates.render("digest.md.j2", bodies=bodies, front_matter=front_matter, **digest.context())
    )
