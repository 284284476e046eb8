"""The document a brief is written into, and its bytes.

Like pandoc's `--reference-doc`, a workspace's `templates/reference.docx` gives styles, page size,
margins and the headers' look (a logo, say); the built-in one ships among the built-in templates
(made by scripts/make_reference_docx.py) and takes the `paper` size. Its body is dropped, and so
is anything Word could fetch or run: an attached template, mail-merge or DDE sources, external
relationships, macros, embedded objects. The bytes are the same for the same input: the zip's
entries keep python-docx's order with fixed timestamps, and the dates inside are the brief's.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.shared import Mm

from briefgen.render.docx import ooxml
from briefgen.templates import builtin_templates

REFERENCE = "reference.docx"
MAX_REFERENCE_BYTES = 20 * 1024 * 1024
PAPER = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FORBIDDEN_PARTS = ("vbaProject", "vbaData", "oleObject", "activeX", "/embeddings/", "attachedToolbars")
_SETTINGS_DROPPED = ("w:attachedTemplate", "w:mailMerge", "w:docVars", "w:updateFields", "w:linkStyles")


class ReferenceDocError(Exception):
    """The workspace's reference document cannot be used; `file` is it, workspace-relative."""

    def __init__(self, file: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.file, self.message, self.hint = file, message, hint


def reference_file(root: Path) -> tuple[Path, bool]:
    """The reference document in use, and whether it is the workspace's own."""
    own = root / "templates" / REFERENCE
    if own.is_file():
        return own, True
    return builtin_templates() / REFERENCE, False


def open_reference(root: Path, paper: str) -> Document:
    """A fresh document from the reference: empty body, nothing external, the built-in one at `paper`."""
    path, own = reference_file(root)
    shown = f"templates/{REFERENCE}"
    hint = "save it from Word as a .docx (not .docm or .dotx), or remove it to use the built-in one"
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_REFERENCE_BYTES + 1)
        if len(data) > MAX_REFERENCE_BYTES:
            raise ReferenceDocError(shown, "the reference document is larger than 20 MB", hint)
        document = docx.Document(io.BytesIO(data))
    except ReferenceDocError:
        raise
    except OSError as error:
        raise ReferenceDocError(
            shown, f"cannot read the reference document: {error.strerror or error}"
        ) from None
    except Exception as error:  # python-docx: BadZipFile, KeyError, ValueError for another content type
        raise ReferenceDocError(
            shown, f"not a Word document ({type(error).__name__}: {error})", hint
        ) from None
    _empty_body(document)
    _sanitise(document, shown if own else "the built-in reference document")
    if not own:
        width, height = PAPER.get(paper, PAPER["A4"])
        for section in document.sections:
            section.page_width, section.page_height = width, height
    return document


def _empty_body(document: Document) -> None:
    """Drop the reference's text, keeping its last section (page size, margins, headers)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    main = document.part
    used = set(main.element.xpath(".//@r:id | .//@r:embed | .//@r:link | .//@r:pict"))
    for rid, rel in list(main.rels.items()):
        if rid not in used and rel.reltype in (RT.HYPERLINK, RT.IMAGE, RT.OLE_OBJECT, RT.PACKAGE):
            main.rels.pop(rid)


def _sanitise(document: Document, shown: str) -> None:
    settings = document.settings.element
    for name in _SETTINGS_DROPPED:
        for element in settings.findall(qn(name)):
            settings.remove(element)
    hint = "remove it from the reference document (a logo must be a picture inside it)"
    for rel in document.part.package.iter_rels():
        if rel.is_external:
            raise ReferenceDocError(shown, f"it points outside itself ({rel.target_ref})", hint)
    for part in document.part.package.iter_parts():
        if (
            any(mark in str(part.partname) for mark in _FORBIDDEN_PARTS)
            or "macroEnabled" in part.content_type
        ):
            raise ReferenceDocError(shown, f"it holds macros or embedded objects ({part.partname})", hint)
        if isinstance(part, XmlPart) and _UNSAFE_FIELD.search(_instructions(part.element)):
            message = f"its {part.partname} holds a field that fetches or runs something (DDE, INCLUDE, LINK)"
            raise ReferenceDocError(shown, message, hint)


_UNSAFE_FIELD = re.compile(
    r"\b(DDE|DDEAUTO|INCLUDE|INCLUDETEXT|INCLUDEPICTURE|LINK|IMPORT|MACROBUTTON|GOTOBUTTON|DATABASE)\b",
    re.IGNORECASE,
)
"""Field types that read files, reach the network or run commands; PAGE, NUMPAGES and the like are fine."""


def _instructions(element: ooxml.Element) -> str:
    """Every field instruction of a part, run texts joined (Word splits one instruction across runs)."""
    codes = "".join(node.text or "" for node in element.iter(qn("w:instrText")))
    simple = " ".join(node.get(qn("w:instr"), "") for node in element.iter(qn("w:fldSimple")))
    return codes + " " + simple


def set_properties(
    document: Document, *, title: str, authors: list[str], subject: str, keywords: list[str],
    created: dt.date, lang: str, identifier: str = "", version: str = "", status: str = "",
) -> None:  # fmt: skip
    """Core properties from the brief; its date for both created and modified, so bytes stay the same."""
    props = document.core_properties
    when = dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)
    props.title = _limit(title)
    props.author = _limit("; ".join(authors))
    props.subject = _limit(subject)
    props.keywords = _limit(", ".join(keywords))
    props.created = props.modified = when
    props.last_modified_by = "briefgen"
    props.revision = 1
    props.language = lang
    props.identifier = _limit(identifier)
    props.version = _limit(version)
    props.content_status = _limit(status)
    props.category = "Brief"
    props.comments = ""


def _limit(text: str, size: int = 255) -> str:
    """python-docx (and Word's dialog) holds at most 255 characters per property: cut at a word."""
    text = ooxml.clean(" ".join(text.split()))
    if len(text) <= size:
        return text
    return text[: size - 1].rsplit(" ", 1)[0] + "…"


def mark_language(elements: list[ooxml.Element], lang: str) -> None:
    """Runs without a language get `lang`; for a right-to-left one, paragraphs become bidi."""
    rtl = ooxml.is_rtl(lang)
    for element in elements:
        for r in element.iter(qn("w:r")):
            ooxml.language(r, lang, rtl)
        if rtl:
            for p in element.iter(qn("w:p")):
                ooxml.right_to_left(p)


def set_language(document: Document, lang: str) -> None:
    """The language of every run (and the default for text typed later); right-to-left scripts get
    bidi paragraphs and sections."""
    rtl = ooxml.is_rtl(lang)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            for old in rpr.findall(qn("w:lang")):
                rpr.remove(old)
            rpr.append(ooxml.lang_element(lang, rtl))
    theme = document.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), lang)
    parts = [document.part]
    parts += [
        rel.target_part
        for rel in document.part.rels.values()
        if rel.reltype in (RT.HEADER, RT.FOOTER, RT.FOOTNOTES)
    ]
    mark_language([part.element for part in parts], lang)  # type: ignore[attr-defined]
    if rtl:
        for section in document.element.body.iter(qn("w:sectPr")):
            if section.find(qn("w:bidi")) is None:
                bidi = section.makeelement(qn("w:bidi"), {})
                section.insert_element_before(
                    bidi, "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"
                )


def to_bytes(document: Document) -> bytes:
    """The .docx with fixed zip timestamps and attributes in python-docx's (fixed) part order."""
    saved = io.BytesIO()
    document.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info))
    return out.getvalue()
