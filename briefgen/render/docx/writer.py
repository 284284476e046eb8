"""Markdown fields → Word paragraphs, walking the token stream of the one markdown-it configuration.

The tokens are those our HTML is rendered from (raw HTML off, images off, only http, https, mailto
and in-page links, field headings pushed below the brief's own), so Word shows what the HTML shows:
emphasis, code, links, lists, quotes, tables and footnotes, each as Word's own structure.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.numbering import CT_Num
from docx.oxml.shape import CT_Inline
from docx.oxml.table import CT_Tbl
from docx.shared import Emu
from docx.text.run import Run
from markdown_it.token import Token

from briefgen.markup import HEADING_SHIFT, markdown
from briefgen.render.docx import ooxml
from briefgen.render.docx.notes import Footnotes
from briefgen.render.docx.ooxml import Element

PARAGRAPH, CHARACTER, TABLE = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE
MAX_LIST_DEPTH = 3
"""Word's built-in list styles go three levels deep (List Bullet 3); deeper items stay at three."""


@dataclass
class Flow:
    """Where blocks go: the body (before its final sectPr), a table cell or a footnote; and the part
    that holds `element`, to which its hyperlinks are related."""

    element: Element
    part: Part

    def paragraph(self, style_id: str | None = None) -> Element:
        p = OxmlElement("w:p")
        self._add(p)
        ooxml.paragraph_style(p, style_id)
        return p

    def table(self, table: Element) -> None:
        self._add(table)

    def _add(self, block: Element) -> None:
        # lxml counts children one by one in len(): indexing the last is constant time, which
        # keeps a digest of hundreds of briefs (a hundred thousand paragraphs) linear.
        try:
            last = self.element[-1]
        except IndexError:
            last = None
        if last is not None and last.tag == qn("w:sectPr"):
            last.addprevious(block)
        else:
            self.element.append(block)


@dataclass
class _List:
    ordered: bool
    num_id: int | None
    depth: int
    first: bool = True
    """The item's first paragraph carries its number or bullet; the others continue it."""


@dataclass
class _Inline:
    bold: int = 0
    italic: int = 0
    strike: int = 0
    links: list[Element | None] = field(default_factory=list)


class Writer:
    """One document being written: its styles by name, its notes, the bookmarks links may target."""

    def __init__(self, document: Document, depth: int = 0) -> None:
        self.document = document
        self.depth = depth
        """How many levels the brief's headings go down (1 inside the digest)."""
        self._styles: dict[tuple[str, WD_STYLE_TYPE], str] = {}
        self.notes = Footnotes(
            document, self.style("Footnote Text"), self.style("Footnote Reference", CHARACTER)
        )
        self.anchors: dict[str, str] = {}
        """In-page link targets (`#sources`, as the HTML names them) → bookmark names."""
        self.bookmarks = 0
        self.prefix = ""
        """Put before an in-page link's target: the digest's brief being written."""
        self.body = Flow(document.element.body, document.part)
        self._shape_id = 0
        self._num_ids: set[int] | None = None
        self._list_styles: dict[str, tuple[int, int] | None] = {}
        section = document.sections[-1]
        width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        self.text_width = Emu(max(int(width), 914400))

    def style(self, name: str, kind: WD_STYLE_TYPE = PARAGRAPH) -> str:
        if not self._styles:  # one pass over the styles, not one per name
            self._styles = ooxml.style_ids(self.document.styles)
        key = (name, kind)
        if key not in self._styles:
            self._styles[key] = ooxml.style_id(self.document.styles, name, kind)
        return self._styles[key]

    def heading_style(self, level: int) -> str:
        return self.style(f"Heading {min(level + self.depth, 9)}")

    def bookmark(self, p: Element, anchor: str) -> None:
        name = self.anchors.get(anchor)
        if name is not None:
            self.bookmarks += 1
            ooxml.bookmark(p, name, self.bookmarks)

    # ---- blocks -----------------------------------------------------------------------------

    def blocks(self, text: str | None, flow: Flow | None = None, in_note: bool = False) -> None:
        """A block Markdown field (the BLUF, a summary) into `flow` (the body by default)."""
        if not text:
            return
        tokens = markdown().parse(text, {})
        notes: dict[int, list[Token]] = {}
        main: list[Token] = []
        current: list[Token] | None = None
        for token in tokens:
            if token.type == "footnote_open":
                current = notes.setdefault(token.meta["id"], [])
            elif token.type == "footnote_close":
                current = None
            elif current is not None:
                current.append(token)
            elif not token.type.startswith("footnote_block"):
                main.append(token)
        self._blocks(main, flow or self.body, notes, in_note)

    def _blocks(self, tokens: list[Token], flow: Flow, notes: dict[int, list[Token]], in_note: bool) -> None:
        lists: list[_List] = []
        quotes = 0
        style: str | None = None
        table: list[list[tuple[bool, list[Token]]]] | None = None
        cell_header = False
        first_note_paragraph = flow.element.tag == qn("w:footnote") and len(flow.element) == 0
        for token in tokens:
            kind = token.type
            if table is not None:
                if kind == "tr_open":
                    table.append([])
                elif kind in ("th_open", "td_open"):
                    cell_header = kind == "th_open"
                elif kind == "inline":
                    table[-1].append((cell_header, token.children or []))
                elif kind == "table_close":
                    self._table(table, flow, notes, in_note)
                    table = None
                continue
            if kind == "table_open":
                table = []
            elif kind == "heading_open":
                level = int(token.tag[1]) - HEADING_SHIFT + 2  # h4 (a field's `#`) → below the sections
                style = self.heading_style(level)
            elif kind == "paragraph_open":
                style = self._paragraph_style(lists, quotes)
            elif kind == "inline":
                if first_note_paragraph:
                    p = self.notes.start(flow.element)
                    first_note_paragraph = False
                else:
                    p = flow.paragraph(style)
                self._numbered(p, lists)
                self.inline(token.children or [], p, flow.part, notes, in_note)
            elif kind in ("bullet_list_open", "ordered_list_open"):
                ordered = kind == "ordered_list_open"
                depth = min(len(lists) + 1, MAX_LIST_DEPTH)
                num_id = self.restart(depth, int(token.attrs.get("start", 1) or 1)) if ordered else None
                lists.append(_List(ordered, num_id, depth))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open" and lists:
                lists[-1].first = True
            elif kind == "blockquote_open":
                quotes += 1
            elif kind == "blockquote_close":
                quotes -= 1
            elif kind in ("fence", "code_block"):
                self._code(token.content, flow, lists)
            elif kind == "hr":
                ooxml.rule_below(flow.paragraph())

    def _paragraph_style(self, lists: list[_List], quotes: int) -> str | None:
        if lists:
            item = lists[-1]
            suffix = "" if item.depth == 1 else f" {item.depth}"
            if item.first:
                return self.style(("List Number" if item.ordered else "List Bullet") + suffix)
            return self.style("List Continue" + suffix)
        if quotes:
            return self.style("Quote")
        return None

    def _numbered(self, p: Element, lists: list[_List]) -> None:
        """The first paragraph of an ordered item gets its list's own numbering (each list restarts)."""
        if lists and lists[-1].first:
            item = lists[-1]
            item.first = False
            if item.num_id is not None:
                number(p, item.num_id, 0)

    def restart(self, depth: int = 1, start: int = 1) -> int | None:
        """A new numbering of the List Number style (at `depth`) starting at `start`: every ordered
        list counts from its own start, not on from the previous list. None when the reference
        document's style is not numbered."""
        numbered = self._list_style(depth)
        if numbered is None:
            return None
        numbering = self.document.part.numbering_part.element
        num = CT_Num.new(self._next_num_id(numbering), numbered[0])
        cleanup = numbering.find(qn("w:numIdMacAtCleanup"))  # the schema keeps it last
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            numbering.append(num)
        num.add_lvlOverride(ilvl=numbered[1]).add_startOverride(start)
        return int(num.numId)

    def _list_style(self, depth: int) -> tuple[int, int] | None:
        """The List Number style's abstract numbering and level at `depth`, looked up once."""
        name = "List Number" + ("" if depth == 1 else f" {depth}")
        if name not in self._list_styles:
            self._list_styles[name] = None
            style = self.document.styles.element.get_by_id(self.style(name))
            ppr = style.pPr if style is not None else None
            num_pr = ppr.numPr if ppr is not None else None
            if num_pr is None or num_pr.numId is None:
                return None
            try:
                numbering = self.document.part.numbering_part.element
            except (KeyError, NotImplementedError):
                return None
            existing = numbering.num_having_numId(num_pr.numId.val)
            level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            self._list_styles[name] = (existing.abstractNumId.val, level)
        return self._list_styles[name]

    def _next_num_id(self, numbering: Element) -> int:
        # python-docx's add_num rescans every <w:num> for the first unused id on each call, cubic in
        # a digest's thousands of lists; the same ids, from a set kept here.
        if self._num_ids is None:
            self._num_ids = {int(value) for value in numbering.xpath("./w:num/@w:numId")}
        found = next(number for number in range(1, len(self._num_ids) + 2) if number not in self._num_ids)
        self._num_ids.add(found)
        return found

    def picture(self, data: bytes, width: Emu, height: Emu) -> Element:
        """A `wp:inline` of the image `data`: python-docx's `new_pic_inline`, with the shape id counted
        here instead of found by searching the whole document for its largest id on every picture."""
        part = self.document.part
        if not self._shape_id:
            self._shape_id = max((int(v) for v in part.element.xpath("//@id") if v.isdigit()), default=0)
        self._shape_id += 1
        r_id, image = part.get_or_add_image(io.BytesIO(data))
        cx, cy = image.scaled_dimensions(width, height)
        return CT_Inline.new_pic_inline(self._shape_id, r_id, image.filename, cx, cy)

    def _code(self, content: str, flow: Flow, lists: list[_List]) -> None:
        code = self.style("Source Code")
        for line in content.rstrip("\n").split("\n") or [""]:
            p = flow.paragraph(code)
            ooxml.new_run(p, line, self.style("Verbatim Char", CHARACTER))
        if lists:
            lists[-1].first = False

    def _table(
        self,
        rows: list[list[tuple[bool, list[Token]]]],
        flow: Flow,
        notes: dict[int, list[Token]],
        in_note: bool,
    ) -> None:
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            return
        tbl = CT_Tbl.new_tbl(len(rows), columns, self.text_width)
        tbl.tblStyle_val = self.style("Table Grid", TABLE)
        flow.table(tbl)
        for r, row in enumerate(rows):
            tr = tbl.tr_lst[r]
            if row and row[0][0]:  # a header row repeats on every page the table runs over
                header = OxmlElement("w:tblHeader")
                tr.get_or_add_trPr().append(header)
            for c, tc in enumerate(tr.tc_lst):
                for p in tc.findall(qn("w:p")):
                    tc.remove(p)
                cell = Flow(tc, flow.part)
                p = cell.paragraph()
                if c < len(row):
                    header_cell, children = row[c]
                    self.inline(children, p, flow.part, notes, in_note, bold=header_cell)

    # ---- inline -----------------------------------------------------------------------------

    def inline_text(self, text: str | None, p: Element, part: Part | None = None) -> None:
        """A one-line Markdown field (a claim, a point) at the end of `p`."""
        if text:
            self.inline(
                markdown().parseInline(text, {})[0].children or [], p, part or self.document.part, {}, False
            )

    def inline(
        self,
        children: list[Token],
        p: Element,
        part: Part,
        notes: dict[int, list[Token]],
        in_note: bool,
        bold: bool = False,
    ) -> None:
        state = _Inline(bold=int(bold))
        code = self.style("Verbatim Char", CHARACTER)
        link_style = self.style("Hyperlink", CHARACTER)
        for token in children:
            kind = token.type
            parent = next((link for link in reversed(state.links) if link is not None), None)
            if kind == "text":
                self._run(
                    parent if parent is not None else p,
                    token.content,
                    state,
                    link_style if parent is not None else None,
                )
            elif kind == "softbreak":
                self._run(parent if parent is not None else p, " ", state, None)
            elif kind == "hardbreak":
                ooxml.new_run(parent if parent is not None else p)._r.add_br()
            elif kind == "code_inline":
                self._run(parent if parent is not None else p, token.content, state, code)
            elif kind in ("strong_open", "strong_close"):
                state.bold += 1 if kind.endswith("open") else -1
            elif kind in ("em_open", "em_close"):
                state.italic += 1 if kind.endswith("open") else -1
            elif kind in ("s_open", "s_close"):
                state.strike += 1 if kind.endswith("open") else -1
            elif kind == "link_open":
                href = str(token.attrs.get("href", ""))
                href = f"#{self.prefix}{href[1:]}" if href.startswith("#") else href
                state.links.append(
                    None if parent is not None else ooxml.hyperlink(p, part, href, self.anchors)
                )
            elif kind == "link_close":
                if state.links:
                    state.links.pop()
            elif kind == "footnote_ref":
                self._footnote(p, token, notes, in_note, state)

    def _run(self, parent: Element, text: str, state: _Inline, style_id: str | None) -> Run:
        run = ooxml.new_run(parent, text, style_id)
        if state.bold > 0:
            run.bold = True
        if state.italic > 0:
            run.italic = True
        if state.strike > 0:
            run.font.strike = True
        return run

    def _footnote(
        self, p: Element, token: Token, notes: dict[int, list[Token]], in_note: bool, state: _Inline
    ) -> None:
        """A Word footnote for each reference; a note's own references (Word has no notes in notes)
        stay as their number in brackets."""
        body = notes.get(token.meta["id"])
        if in_note or body is None:
            self._run(p, f"[{token.meta['id'] + 1}]", state, None)
            return
        note, part = self.notes.add(p)
        self._blocks(body, Flow(note, part), notes, in_note=True)
        if len(note) == 0:
            self.notes.start(note)


def number(p: Element, num_id: int, level: int) -> None:
    num_pr = p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
