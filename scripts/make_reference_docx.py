"""Write templates/reference.docx, the built-in reference document of the Word output.

Run from the repository: `PYTHONPATH=$PWD .venv/bin/python scripts/make_reference_docx.py`. It starts
from python-docx's default document, drops what a brief does not need (the thumbnail, custom XML,
the Word 2010 style copy, most table styles, revision ids), sets A4 with 2 cm margins (the
renderer sets Letter when `paper = "Letter"`), and adds the styles the renderer uses that Word
would otherwise make up: Hyperlink, Footnote Text/Reference, TOC 1–3, Banner, Confidence,
Likelihood, Source Code and Verbatim Char. The result is committed; a workspace's own
templates/reference.docx (for instance this file, restyled in Word) takes its place.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefgen.render.docx.package import to_bytes  # noqa: E402

KEEP_TABLE_STYLES = {"TableNormal", "TableGrid", "LightGrid-Accent1", "LightShading-Accent1"}


def main() -> None:
    document = docx.Document()
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
            package.rels.pop(rid)
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML or rel.reltype.endswith("/stylesWithEffects"):
            document.part.rels.pop(rid)
    settings = document.settings.element
    for name in ("w:rsids", "w14:docId", "w:attachedTemplate", "w:savePreviewPicture"):
        for element in settings.findall(qn(name)):
            settings.remove(element)
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in KEEP_TABLE_STYLES:
            styles.remove(style)
    for element in document.element.iter():
        for attribute in [key for key in element.attrib if key.startswith(qn("w:rsid"))]:
            del element.attrib[attribute]

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.header_distance = section.footer_distance = Cm(1)

    add = document.styles.add_style
    link = add("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True
    note = add("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = document.styles["Normal"]
    note.font.size = Pt(9)
    note.paragraph_format.space_after = Pt(2)
    mark = add("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    mark.font.superscript = True
    for level in (1, 2, 3):
        toc = add(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = document.styles["Normal"]
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)
    banner = add("Banner", WD_STYLE_TYPE.PARAGRAPH)
    banner.base_style = document.styles["Normal"]
    banner.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    banner.paragraph_format.space_after = Pt(0)
    marking = add("Banner Marking", WD_STYLE_TYPE.CHARACTER)
    marking.font.bold = True
    marking.font.size = Pt(9)
    confidence = add("Confidence", WD_STYLE_TYPE.CHARACTER)
    confidence.font.bold = True
    confidence.font.small_caps = True
    confidence.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    likelihood = add("Likelihood", WD_STYLE_TYPE.CHARACTER)
    likelihood.font.bold = True
    likelihood.font.italic = True
    likelihood.font.color.rgb = RGBColor(0x7B, 0x3F, 0x00)
    verbatim = add("Verbatim Char", WD_STYLE_TYPE.CHARACTER)
    verbatim.font.name = "Consolas"
    verbatim.font.size = Pt(9.5)
    code = add("Source Code", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = document.styles["Normal"]
    code.paragraph_format.space_after = Pt(0)
    code.font.name = "Consolas"
    code.font.size = Pt(9.5)

    props = document.core_properties
    props.title = props.subject = props.keywords = props.comments = props.author = ""
    props.last_modified_by = "briefgen"
    props.revision = 1
    props.created = props.modified = props.last_printed = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    target = REPO / "templates" / "reference.docx"
    target.write_bytes(to_bytes(document))
    print(f"wrote {target.relative_to(REPO)} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
