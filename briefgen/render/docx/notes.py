"""The footnotes part, written by hand: python-docx reads and writes it only as opaque bytes.

A reference document's own footnotes part (Word saves one with separators) is replaced by ours, so
its notes never reach a brief; the separators are Word's standard ones (ids -1 and 0).
"""

from __future__ import annotations

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from briefgen.render.docx.ooxml import Element, new_run

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_EMPTY = (
    f"<w:footnotes {nsdecls('w', 'r')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240"'
    ' w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"'
    ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


class Footnotes:
    """The document's notes, numbered 1.. in the order their references are written."""

    def __init__(self, document: Document, text_style: str, reference_style: str) -> None:
        self.document = document
        self.text_style, self.reference_style = text_style, reference_style
        self.part: XmlPart | None = None
        self.count = 0

    def _part(self) -> XmlPart:
        if self.part is None:
            main = self.document.part
            for rid, rel in list(main.rels.items()):
                if rel.reltype == RT.FOOTNOTES:  # the reference document's own notes
                    main.rels.pop(rid)
            name = PackURI("/word/footnotes.xml")
            self.part = XmlPart(name, CONTENT_TYPE, parse_xml(_EMPTY), main.package)
            main.relate_to(self.part, RT.FOOTNOTES)
            _declare_separators(self.document)
        return self.part

    def add(self, p: Element) -> tuple[Element, XmlPart]:
        """A reference to a new note at the end of `p`; the note's `w:footnote` (its first paragraph
        already holds the note's number) and the part its links must be related to."""
        part = self._part()
        self.count += 1
        number = str(self.count)
        ref = new_run(p, style_id=self.reference_style)
        mark = OxmlElement("w:footnoteReference")
        mark.set(qn("w:id"), number)
        ref._r.append(mark)
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), number)
        part.element.append(note)
        return note, part

    def start(self, note: Element) -> Element:
        """The note's first paragraph, opened by its number mark."""
        p = OxmlElement("w:p")
        note.append(p)
        p.get_or_add_pPr().style = self.text_style
        own = new_run(p, style_id=self.reference_style)
        own._r.append(OxmlElement("w:footnoteRef"))
        new_run(p, " ")
        return p


_AFTER_FOOTNOTE_PR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip


def _declare_separators(document: Document) -> None:
    """`w:footnotePr` naming the separator notes in the settings, as Word writes it."""
    settings = document.settings.element
    for old in settings.findall(qn("w:footnotePr")):
        settings.remove(old)
    declared = OxmlElement("w:footnotePr")
    for number in ("-1", "0"):
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), number)
        declared.append(note)
    settings.insert_element_before(declared, *_AFTER_FOOTNOTE_PR)
