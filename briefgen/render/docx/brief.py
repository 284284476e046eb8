"""A brief's parts, in the order and with the labels of its HTML page, as Word paragraphs.

Parts are Heading 1 (Heading 2 inside the digest), the article's sections the level below, so
Word's navigation pane and table of contents show the brief's outline; each heading, claim, source
and figure is bookmarked under its HTML id, so in-page links (`#sources`) land where they do in HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.shared import Emu

from briefgen.figures import ShownFigure
from briefgen.locale import Labels, labels_for, long_date
from briefgen.model import Brief, Marked, text_of
from briefgen.render.docx import ooxml
from briefgen.render.docx.ooxml import Element
from briefgen.render.docx.pictures import word_image
from briefgen.render.docx.writer import CHARACTER, Writer, number

EMU_PER_PX = 9525
MAX_BOOKMARK = 40
"""Word ignores a bookmark whose name is longer."""


def anchor_ids(brief: Brief, figures: list[ShownFigure]) -> list[str]:
    """Every id the brief's HTML page has that a link can target."""
    ids = ["title", "bluf", "changes", "key-claims", "context", "sections", "implications", "assumptions"]
    ids += ["alternatives", "recommendations", "indicators", "sources"]
    ids += [f"claim-{n}" for n in range(1, len(brief.key_claims) + 1)]
    ids += [f"section-{n}" for n in range(1, len(brief.sections) + 1)]
    ids += [f"source-{source.id}" for source in brief.sources]
    ids += [f"figure-{item.number}" for item in figures]
    return ids


def register_anchors(writer: Writer, ids: list[str], prefix: str = "") -> None:
    """Bookmark names for the ids: letters, digits and `_`, at most 40 characters, unique."""
    used = set(writer.anchors.values())
    for anchor in ids:
        name = re.sub(r"[^A-Za-z0-9_]", "_", f"{prefix}{anchor}")
        if len(name) > MAX_BOOKMARK or not name[:1].isalpha() or name in used:
            name = f"b{len(used) + 1}"
        used.add(name)
        writer.anchors[f"{prefix}{anchor}"] = name


class BriefLayout:
    """Writes one brief (its own document, or one item of the digest with `prefix` on its ids)."""

    def __init__(self, writer: Writer, view: dict[str, Any], root: Path, prefix: str = "") -> None:
        self.w, self.view, self.root, self.prefix = writer, view, root, prefix
        self.brief: Brief = view["brief"]
        self.body = writer.body
        self.say: Labels = labels_for(self.brief.lang, root)
        """The brief's labels, in its own language (also inside a digest in another one)."""

    def date(self, value: dt.date) -> str:
        return long_date(value, self.brief.lang)

    def heading(self, text: str, level: int, anchor: str = "") -> Element:
        p = self.body.paragraph(self.w.heading_style(level))
        ooxml.new_run(p, text)
        if anchor:
            self.w.bookmark(p, self.prefix + anchor)
        return p

    def paragraph(self, style: str | None = None) -> Element:
        return self.body.paragraph(self.w.style(style) if style else None)

    def run(
        self, p: Element, text: str, style: str | None = None, bold: bool = False, italic: bool = False
    ) -> None:
        run = ooxml.new_run(p, text, self.w.style(style, CHARACTER) if style else None)
        if bold:
            run.bold = True
        if italic:
            run.italic = True

    def write_after_title(self) -> None:
        """Every part after the title block, in the HTML page's order."""
        self.bluf()
        self.changes()
        self.claims()
        self.context()
        self.sections()
        self.implications()
        self.assumptions()
        self.alternatives()
        self.listed("recommendations", "recommendations", self.brief.recommendations, ordered=True)
        self.listed("indicators", "indicators", self.brief.indicators, ordered=False)
        self.sources()
        self.tags()

    def title(self, style: str) -> None:
        brief = self.brief
        if style == "Title":
            p = self.paragraph("Title")
            ooxml.new_run(p, brief.title)
            self.w.bookmark(p, self.prefix + "title")
        else:
            self.heading(brief.title, 0, "title")
        if brief.subtitle:
            ooxml.new_run(self.paragraph("Subtitle"), brief.subtitle)
        say = self.say
        facts = [(say("date"), self.date(brief.date))]
        if brief.authors:
            facts.append((say("authors" if len(brief.authors) > 1 else "author"), ", ".join(brief.authors)))
        status = say.status(brief.status)
        if brief.version:
            status += ", " + say("version", version=brief.version)
        facts.append((say("status"), status))
        facts.append((say("handling"), self.view["handling"]))
        if brief.supersedes:
            facts.append((say("supersedes"), brief.supersedes))
        for label, value in facts:
            p = self.paragraph()
            self.run(p, f"{label}{say('colon')} ", bold=True)
            self.run(p, value)

    def bluf(self) -> None:
        self.heading(self.say("bluf"), 1, "bluf")
        self.w.blocks(self.brief.bluf)

    def changes(self) -> None:
        changes = self.view.get("changes")
        if not changes:
            return
        say = self.say
        since = say("changes_since", title=changes.old.title, date=self.date(changes.old.date))
        self.heading(since, 1, "changes")
        if changes.explanation:
            self.w.blocks(changes.explanation)
        if changes.empty:
            ooxml.new_run(self.paragraph(), say("changes_none"))
            return
        for key, kind, moved in (
            ("confidence_moved", "level_", changes.confidence_moved),
            ("likelihood_moved", "likelihood_", changes.likelihood_moved),
        ):
            if moved:
                self.run(self.paragraph(), say(key), bold=True)
                for m in moved:
                    p = self.paragraph("List Bullet")
                    old, new = (say(kind + value.replace(" ", "_")) for value in (m.old, m.new))
                    self.run(p, f"{old} → {new}{say('colon')} ", bold=True)
                    self.w.inline_text(m.text, p)
        if changes.claims_reworded:
            self.run(self.paragraph(), say("claims_reworded"), bold=True)
            for r in changes.claims_reworded:
                p = self.paragraph("List Bullet")
                self.run(p, say("reworded_was") + " ", italic=True)
                self.w.inline_text(r.old, p)
                self.run(p, " " + say("reworded_now") + " ", italic=True)
                self.w.inline_text(r.new, p)
        for key, items in (
            ("claims_added", changes.claims_added),
            ("claims_removed", changes.claims_removed),
            ("implications_added", changes.implications_added),
            ("implications_removed", changes.implications_removed),
            ("indicators_added", changes.indicators_added),
            ("indicators_removed", changes.indicators_removed),
            ("sources_added", changes.sources_added),
        ):
            if items:
                self.run(self.paragraph(), say(key), bold=True)
                for item in items:
                    self.w.inline_text(item, self.paragraph("List Bullet"))

    def mark(self, p: Element, item: object) -> None:
        """A portion's own marking in front of it, `(TLP:AMBER) `, as the HTML and PDF show it."""
        handling = getattr(item, "handling", None)
        if handling is not None:
            self.run(p, f"({handling.value}) ", bold=True)

    def claims(self) -> None:
        self.heading(self.say("key_claims"), 1, "key-claims")
        num = self.w.restart()
        for n, claim in enumerate(self.brief.key_claims, start=1):
            p = self.paragraph("List Number")
            if num is not None:
                number(p, num, 0)
            self.mark(p, claim)
            self.w.inline_text(claim.text, p)
            self.w.bookmark(p, f"{self.prefix}claim-{n}")
            if claim.quote:
                ooxml.new_run(self.paragraph("Quote"), f"“{claim.quote}”")
            meta = self.paragraph("List Continue")
            if claim.attribution:
                self.run(meta, claim.attribution, italic=True)
                self.run(meta, " · ")
            self.run(meta, self.say.confidence(claim.confidence), "Confidence")
            for source in claim.sources:
                self.run(meta, " ")
                self.link(meta, f"source-{source}", f"[{source}]")

    def link(self, p: Element, anchor: str, text: str) -> None:
        target = ooxml.hyperlink(p, self.w.document.part, f"#{self.prefix}{anchor}", self.w.anchors)
        ooxml.new_run(target if target is not None else p, text, self.w.style("Hyperlink", CHARACTER))

    def context(self) -> None:
        self.heading(self.say("context"), 1, "context")
        self.w.blocks(self.brief.context)
        for item in self.view["figures"].top:
            self.figure(item)

    def sections(self) -> None:
        if not self.brief.sections:
            return
        self.heading(self.say("sections"), 1, "sections")
        for n, section in enumerate(self.brief.sections, start=1):
            marked = f"({section.handling.value}) " if section.handling is not None else ""
            self.heading(marked + section.heading, 2, f"section-{n}")
            self.w.blocks(section.summary)
            for point in section.points:
                self.w.inline_text(point, self.paragraph("List Bullet"))
            for quote in section.quotes:
                ooxml.new_run(self.paragraph("Quote"), f"“{quote}”")
            for item in self.view["figures"].in_section(n - 1):
                self.figure(item)

    def implications(self) -> None:
        self.heading(self.say("implications"), 1, "implications")
        for item in self.brief.implications:
            p = self.paragraph()
            self.mark(p, item)
            self.run(p, item.for_, bold=True)
            if item.likelihood:
                self.run(p, " ")
                self.run(p, self.say.likelihood(item.likelihood), "Likelihood")
            self.w.blocks(item.text)

    def assumptions(self) -> None:
        if not self.brief.assumptions:
            return
        self.heading(self.say("assumptions"), 1, "assumptions")
        num = self.w.restart()
        for item in self.brief.assumptions:
            p = self.paragraph("List Number")
            if num is not None:
                number(p, num, 0)
            self.w.inline_text(item.text, p)
            if item.if_wrong:
                more = self.paragraph("List Continue")
                self.run(more, self.say("if_wrong") + " ", bold=True)
                self.w.inline_text(item.if_wrong, more)

    def alternatives(self) -> None:
        if not self.brief.alternatives:
            return
        self.heading(self.say("alternatives"), 1, "alternatives")
        num = self.w.restart()
        for item in self.brief.alternatives:
            p = self.paragraph("List Number")
            if num is not None:
                number(p, num, 0)
            self.w.inline_text(item.text, p)
            self.run(p, " ")
            self.run(p, self.say.likelihood(item.likelihood), "Likelihood")
            if item.indicators:
                self.run(self.paragraph("List Continue"), self.say("indicated_by"), italic=True)
                for sign in item.indicators:
                    self.w.inline_text(sign, self.paragraph("List Bullet 2"))

    def listed(self, key: str, anchor: str, items: Sequence[str | Marked], ordered: bool) -> None:
        if not items:
            return
        self.heading(self.say(key), 1, anchor)
        num = self.w.restart() if ordered else None
        for item in items:
            p = self.paragraph("List Number" if ordered else "List Bullet")
            if num is not None:
                number(p, num, 0)
            self.mark(p, item)
            self.w.inline_text(text_of(item), p)

    def sources(self) -> None:
        if not self.brief.sources:
            return
        self.heading(self.say("sources"), 1, "sources")
        for source in self.brief.sources:
            p = self.paragraph()
            self.w.bookmark(p, f"{self.prefix}source-{source.id}")
            self.mark(p, source)
            self.run(p, f"[{source.id}] ", bold=True)
            link = ooxml.hyperlink(p, self.w.document.part, source.url, {}) if source.url else None
            if link is not None:
                ooxml.new_run(link, source.title, self.w.style("Hyperlink", CHARACTER))
            else:
                self.run(p, source.title, italic=True)
            tail = "".join(
                [
                    f", {source.publisher}" if source.publisher else "",
                    f", {self.date(source.published)}" if source.published else "",
                ]
            )
            self.run(p, tail + ".")
            if source.reliability or source.credibility:
                grade = f"{source.reliability or '–'}{source.credibility or '–'}"
                self.run(p, " " + self.say("grading", grade=grade) + ".")
            if source.file:
                self.run(p, " " + self.say("local_copy") + " ")
                self.run(p, source.file, "Verbatim Char")

    def tags(self) -> None:
        if self.brief.tags:
            ooxml.new_run(self.paragraph(), " ".join(f"#{tag}" for tag in self.brief.tags))

    def figure(self, item: ShownFigure) -> None:
        """The picture (alt text in its `descr`) in its own paragraph, then a numbered Caption."""
        image = item.image
        natural = Emu(image.width * EMU_PER_PX)
        width = Emu(int(self.w.text_width * item.figure.width)) if item.figure.width else natural
        width = Emu(min(int(width), int(self.w.text_width)))
        height = Emu(int(width * image.height / max(image.width, 1)))
        p = self.paragraph()
        self.w.bookmark(p, f"{self.prefix}figure-{item.number}")
        inline = self.w.picture(word_image(image, self.root), width, height)
        doc_pr = inline.docPr
        doc_pr.set("descr", ooxml.clean(item.figure.alt))
        doc_pr.set("name", f"Figure {item.number}")  # an object name, not shown: kept stable
        ooxml.new_run(p)._r.add_drawing(inline)
        caption = self.paragraph("Caption")
        for text, name in self.say.pieces("figure"):
            if text:
                ooxml.new_run(caption, text)
            if name:
                ooxml.field(caption, r"SEQ Figure \* ARABIC", str(item.number))
        if item.figure.caption:
            ooxml.new_run(caption, " ")
            self.w.inline_text(item.figure.caption, caption)
        if item.figure.credit:
            self.run(caption, f" {item.figure.credit}", italic=True)
        if item.figure.source and item.figure.source in {s.id for s in self.brief.sources}:
            self.run(caption, " ")
            self.link(caption, f"source-{item.figure.source}", f"[{item.figure.source}]")
