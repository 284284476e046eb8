"""Small WordprocessingML pieces python-docx has no API for: fields, bookmarks, hyperlinks, styles by id.

Brief text only ever becomes the content of `w:t` elements (through `text()`), so it cannot become
a field code, a DDE link or markup: fields are made here from fixed instructions alone.
"""

from __future__ import annotations

import re
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.styles.styles import Styles
from docx.text.run import Run

from briefgen.locale.direction import direction

Element = Any
"""An lxml element of python-docx's oxml classes (CT_P, CT_R, ...)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EXTERNAL_LINK = re.compile(r"^(?:https?|mailto):[^\s\x00-\x1f\x7f]*$", re.IGNORECASE)
"""The only targets a document may point outside itself at: what markup.py lets a link be."""


EAST_ASIAN = frozenset({"zh", "ja", "ko"})


def is_rtl(lang: str) -> bool:
    """Right to left, as every other output decides it (briefgen.locale.direction)."""
    return direction(lang) == "rtl"


_SPECIAL = re.compile(r"[\t\n\r]")


def clean(text: str) -> str:
    """Characters XML 1.0 cannot hold become U+FFFD (lxml refuses them; the rest is kept as typed)."""
    return _NOT_XML.sub("\ufffd", text)


def paragraph_style(p: Element, style_id: str | None) -> None:
    if style_id:
        p.get_or_add_pPr().style = style_id


def new_run(parent: Element, text: str = "", style_id: str | None = None) -> Run:
    """A run appended to `parent` (a paragraph or a hyperlink), its text literal (tabs and line
    breaks become w:tab and w:br)."""
    r = OxmlElement("w:r")
    parent.append(r)
    if style_id:
        r.get_or_add_rPr().style = style_id
    run = Run(r, None)  # type: ignore[arg-type]  # formatting only: no part needed
    if text and _SPECIAL.search(text):
        run.text = clean(text)
    elif text:  # most text: one w:t, without python-docx's character-by-character scan
        t = OxmlElement("w:t")
        t.text = clean(text)
        if text[0].isspace() or text[-1].isspace():
            t.set(qn("xml:space"), "preserve")
        r.append(t)
    return run


def _field_char(parent: Element, kind: str) -> None:
    r = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    r.append(char)
    parent.append(r)


def field_begin(p: Element, instruction: str) -> None:
    """Opens a field whose instruction is ours (TOC, PAGE, NUMPAGES, SEQ), never brief text."""
    _field_char(p, "begin")
    r = OxmlElement("w:r")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    r.append(code)
    p.append(r)
    _field_char(p, "separate")


def field_end(p: Element) -> None:
    _field_char(p, "end")


def field(p: Element, instruction: str, shown: str, style_id: str | None = None) -> None:
    """A one-paragraph field with `shown` as its last result (what a reader sees before an update)."""
    field_begin(p, instruction)
    new_run(p, shown, style_id)
    field_end(p)


def bookmark(p: Element, name: str, number: int) -> None:
    """The whole paragraph bookmarked as `name` (a heading's target for in-document links and the TOC)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def hyperlink(p: Element, part: Part, href: str, anchors: dict[str, str]) -> Element | None:
    """A `w:hyperlink` appended to `p`: to a bookmark for `#id`, to an external http(s)/mailto target
    otherwise; None (the text stays plain) for anything else or an unknown in-page target."""
    link = OxmlElement("w:hyperlink")
    if href.startswith("#"):
        name = anchors.get(href[1:])
        if name is None:
            return None
        link.set(qn("w:anchor"), name)
    elif EXTERNAL_LINK.match(href):
        link.set(qn("r:id"), part.relate_to(href, RT.HYPERLINK, is_external=True))
    else:
        return None
    link.set(qn("w:history"), "1")
    p.append(link)
    return link


_PPR_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                     "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                     "w:bidi", *_PPR_AFTER_BIDI)  # fmt: skip
_RPR_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_RTL, _LANG = qn("w:rtl"), qn("w:lang")
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def right_to_left(p: Element) -> None:
    ppr = p.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        ppr.insert_element_before(OxmlElement("w:bidi"), *_PPR_AFTER_BIDI)


def rule_below(p: Element) -> None:
    """A thematic break: a bottom border on an empty paragraph."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p.get_or_add_pPr().insert_element_before(borders, *_PPR_AFTER_BORDER)


def language(r: Element, lang: str, rtl: bool) -> None:
    """The run's language (spelling, hyphenation, voice) and, for a right-to-left script, its direction."""
    rpr = r.get_or_add_rPr()
    tags = {child.tag for child in rpr}
    if rtl and _RTL not in tags:
        _insert(rpr, OxmlElement("w:rtl"), tags, _RPR_AFTER_RTL)
        tags.add(_RTL)
    if _LANG not in tags:
        _insert(rpr, lang_element(lang, rtl), tags, _RPR_AFTER_LANG)


def _insert(parent: Element, child: Element, tags: set[str], successors: tuple[str, ...]) -> None:
    """`insert_element_before`, with the common case (no successor present) a plain append."""
    if tags.isdisjoint(qn(tag) for tag in successors):
        parent.append(child)
    else:
        parent.insert_element_before(child, *successors)


def lang_element(lang: str, rtl: bool) -> Element:
    """`w:val` for Latin and Cyrillic text, `w:bidi` for right-to-left scripts, `w:eastAsia` for CJK."""
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), lang)
    if lang.split("-")[0].lower() in EAST_ASIAN:
        element.set(qn("w:eastAsia"), lang)
    if rtl:
        element.set(qn("w:bidi"), lang)
    return element


_KINDS = {
    "paragraph": WD_STYLE_TYPE.PARAGRAPH,
    "character": WD_STYLE_TYPE.CHARACTER,
    "table": WD_STYLE_TYPE.TABLE,
}


def style_ids(styles: Styles) -> dict[tuple[str, WD_STYLE_TYPE], str]:
    """Every style's id by (name as Word's UI shows it, type)."""
    found: dict[tuple[str, WD_STYLE_TYPE], str] = {}
    for style in styles.element.style_lst:
        kind = _KINDS.get(style.get(qn("w:type"), "paragraph"))
        if kind is None or style.name_val is None or style.styleId is None:
            continue
        found.setdefault((BabelFish.internal2ui(style.name_val), kind), style.styleId)
    return found


def style_id(styles: Styles, name: str, kind: WD_STYLE_TYPE) -> str:
    """The id of the style called `name`, added (plain, based on the defaults) when the reference
    document lacks it: a workspace reference.docx need not define every style we use."""
    for style in styles:
        if style.name == name and style.type == kind:
            return style.style_id
    added = styles.add_style(name, kind)
    if kind == WD_STYLE_TYPE.PARAGRAPH and name.startswith("Heading "):
        added.base_style = styles["Normal"]
        ppr = added.element.get_or_add_pPr()
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(int(name.split()[1]) - 1))
        ppr.append(level)
        added.font.bold = True
    return added.style_id
