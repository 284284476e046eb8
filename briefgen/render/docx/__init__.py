"""View → a Word document, built with python-docx from the brief itself (no HTML conversion).

Word's own structure throughout: built-in styles (Title, Subtitle, Heading 1–3, Quote, List Number,
List Bullet, Caption), a TOC field, bookmarks, the handling banner in every header and footer with
"Page X of Y" fields, real footnotes and hyperlinks, core properties and the brief's language.
Imported only when a DOCX is wanted (python-docx and lxml take a moment to load).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefgen.locale import Labels, labels_for
from briefgen.markup import markdown
from briefgen.render.docx import ooxml
from briefgen.render.docx.brief import BriefLayout, anchor_ids, register_anchors
from briefgen.render.docx.frame import frame
from briefgen.render.docx.package import (
    ReferenceDocError,
    mark_language,
    open_reference,
    set_language,
    set_properties,
    to_bytes,
)
from briefgen.render.docx.writer import Writer

__all__ = ["ReferenceDocError", "plain_text", "render_digest_docx", "render_docx"]

TOC_LEVELS = 3
_AFTER_SHADE = (
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
)


def render_docx(view: dict[str, Any], root: Path) -> bytes:
    """One brief's .docx; raises ReferenceDocError when the workspace's reference.docx is unusable."""
    brief = view["brief"]
    document = open_reference(root, view["paper"])
    writer = Writer(document)
    register_anchors(writer, anchor_ids(brief, view["figures"].all()))
    layout = BriefLayout(writer, view, root)
    layout.title("Title")
    toc = writer.body.paragraph()
    layout.write_after_title()
    contents(writer, toc, layout.say)
    frame(writer, view["handling"], view["handling_class"], layout.say)
    set_properties(
        document,
        title=brief.title,
        authors=list(brief.authors),
        subject=plain_text(brief.bluf),
        keywords=list(brief.tags),
        created=brief.date,
        lang=brief.lang,
        identifier=brief.id or "",
        version=brief.version or "",
        status=str(brief.status),
    )
    set_language(document, brief.lang)
    return to_bytes(document)


def render_digest_docx(context: dict[str, Any], views: list[tuple[str, dict[str, Any]]], root: Path) -> bytes:
    """The digest as one .docx: its title, a contents field, then each brief as Heading 1 with its
    parts one level down; every brief's bookmarks carry its anchor (`brief-<id>--`), as in the HTML."""
    document = open_reference(root, context["paper"])
    writer = Writer(document, depth=1)
    for anchor, view in views:
        register_anchors(writer, anchor_ids(view["brief"], view["figures"].all()), f"{anchor}--")
    p = writer.body.paragraph(writer.style("Title"))
    ooxml.new_run(p, context["title"])
    say: Labels = context.get("labels") or labels_for(context["lang"], root)
    briefs = say("brief_count", n=context["count"])
    shown = f"{context['period_dates']} · {briefs} · {context['handling']}"
    ooxml.new_run(writer.body.paragraph(writer.style("Subtitle")), shown)
    toc = writer.body.paragraph()
    for anchor, view in views:
        writer.prefix = f"{anchor}--"
        banner = writer.body.paragraph(writer.style("Banner"))
        banner.get_or_add_pPr().pageBreakBefore_val = True  # each brief from a new page, as in the PDF
        ooxml.new_run(banner, view["handling"])
        layout = BriefLayout(writer, view, root, prefix=f"{anchor}--")
        written = len(writer.body.element) - 1  # before the final sectPr
        layout.title("Heading")
        layout.write_after_title()
        # each brief in its own language (the digest's covers only the rest)
        mark_language(writer.body.element[written:-1], view["brief"].lang)
    writer.prefix = ""
    contents(writer, toc, say)
    frame(writer, context["handling"], context["handling_class"], say)
    created = max(view["brief"].date for _, view in views)
    set_properties(
        document,
        title=context["title"],
        authors=list(context["authors"]),
        subject=f"{briefs}, {context['handling']}",
        keywords=list(context["tags"]),
        created=created,
        lang=context["lang"],
        identifier=context["digest_name"],
    )
    set_language(document, context["lang"])
    return to_bytes(document)


def contents(writer: Writer, mark: ooxml.Element, labels: Labels) -> None:
    """A TOC field over Heading 1–3 in place of the empty paragraph `mark`. Its shown result lists
    the headings as written, without page numbers (what LibreOffice and Word show before an
    update); Word fills in the pages when the fields are updated (F9, or on printing)."""
    levels = {writer.style(f"Heading {n}"): n for n in range(1, TOC_LEVELS + 1)}
    entries = []
    for p in writer.document.element.body.iter(ooxml.qn("w:p")):
        style = p.style
        if style in levels:
            entries.append(("".join(t.text or "" for t in p.iter(ooxml.qn("w:t"))), levels[style]))
    mark.get_or_add_pPr().style = writer.style("TOC Heading")
    ooxml.new_run(mark, labels("contents"))
    previous = mark
    made = []
    for _, level in entries or [("", 1)]:
        p = ooxml.OxmlElement("w:p")
        previous.addnext(p)
        p.get_or_add_pPr().style = writer.style(f"TOC {level}")
        made.append(p)
        previous = p
    ooxml.field_begin(made[0], f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u')
    for p, (text, _) in zip(made, entries or [("", 1)], strict=True):
        ooxml.new_run(p, text)
    ooxml.field_end(made[-1])


def plain_text(text: str | None) -> str:
    """A Markdown field's words without its marks (the BLUF as the document's subject)."""
    words: list[str] = []
    for token in markdown().parse(text or "", {}):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.type == "paragraph_close":
            words.append(" ")
    return " ".join("".join(words).split())
