"""What every page shows: the handling banner in the header and the footer, and "Page X of Y".

A reference document's own header and footer content (a logo, an address) stays; its paragraphs in
the Banner style are placeholders, replaced by the brief's marking (so a brief's own .docx, restyled
in Word, works as a reference), and a footer that already counts pages gets no second count.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import _Footer, _Header
from docx.shared import RGBColor

from briefgen.locale import Labels
from briefgen.render.docx import ooxml
from briefgen.render.docx.ooxml import Element
from briefgen.render.docx.writer import CHARACTER, Writer

BANNER_COLOURS = {
    "tlp-clear": "FFFFFF",
    "tlp-green": "33FF00",
    "tlp-amber": "FFC000",
    "tlp-amber-strict": "FFC000",
    "tlp-red": "FF2B2B",
}
"""FIRST's TLP colours, on black (as the HTML's banners)."""
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


def frame(writer: Writer, handling: str, handling_class: str, labels: Labels) -> None:
    """Every header and footer of every section (first and even pages too, when the reference
    document gives them their own)."""
    document = writer.document
    for section in document.sections:
        headers: list[_Header] = [section.header]
        footers: list[_Footer] = [section.footer]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
        for header in headers:
            _banner(writer, header, handling, handling_class, first=False)
        for footer in footers:
            _banner(writer, footer, handling, handling_class, first=True)
            if not _counts_pages(footer._element):
                p = footer.add_paragraph()._p
                p.get_or_add_pPr().style = writer.style("Footer")
                p.get_or_add_pPr().jc_val = WD_ALIGN_PARAGRAPH.CENTER
                fields = {"page": "PAGE", "pages": "NUMPAGES"}
                for text, name in labels.pieces("page_of"):
                    if text:
                        ooxml.new_run(p, text)
                    if name:
                        ooxml.field(p, fields.get(name, "PAGE"), "1")


def _counts_pages(element: Element) -> bool:
    codes = [node.text or "" for node in element.iter(qn("w:instrText"))]
    codes += [node.get(qn("w:instr"), "") for node in element.iter(qn("w:fldSimple"))]
    return any(code.split()[:1] == ["PAGE"] for code in codes)


def _banner(writer: Writer, part: _Header | _Footer, handling: str, handling_class: str, first: bool) -> None:
    """The marking, in the Banner style: after the part's own content in a header, before it in a footer."""
    part.is_linked_to_previous = False
    banner_style = writer.style("Banner")
    element = part._element
    for p in element.findall(qn("w:p")):
        ppr = p.pPr
        if ppr is not None and ppr.style == banner_style:
            element.remove(p)
    blank = all(
        not "".join(t.text or "" for t in p.iter(qn("w:t"))).strip() and not p.xpath(".//w:drawing")
        for p in element.findall(qn("w:p"))
    ) and not element.findall(qn("w:tbl"))
    if blank:
        for p in element.findall(qn("w:p")):
            element.remove(p)
    p = OxmlElement("w:p")
    if first and len(element):
        element.insert(0, p)
    else:
        element.append(p)
    p.get_or_add_pPr().style = banner_style
    run = ooxml.new_run(p, handling, writer.style("Banner Marking", CHARACTER))
    colour = BANNER_COLOURS.get(handling_class)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
        shade = OxmlElement("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "000000")):
            shade.set(qn(key), value)
        run._r.get_or_add_rPr().insert_element_before(shade, *_AFTER_SHADE)
