"""SVG sanitised before any renderer sees it: an allow-list of elements and attributes, nothing fetched.

Parsed by lxml with entities left unresolved, no DTD loaded and no network, so an XXE entity or a
billion-laughs bomb is never expanded (any internal DTD subset is refused outright). What can act or
load is refused with the reason (script, foreignObject, animation, event handlers, `href` to
anything but `#fragment` or an embedded PNG/JPEG/WebP, CSS with `url()` to anything but `#fragment`
or `@import`); what is merely unknown (editor metadata, unknown attributes) is dropped. Outputs only
ever get the re-serialised result.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # at run time imported where used: a brief without figures never loads lxml
    from lxml import etree

from briefgen.figures.errors import FigureError
from briefgen.figures.raster import raster_size


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_ELEMENTS = 50_000

ELEMENTS = _words(
    """
    svg g defs title desc symbol use path rect circle ellipse line polyline polygon text tspan textPath
    linearGradient radialGradient stop clipPath mask pattern marker image style filter switch a feBlend
    feColorMatrix feComponentTransfer feComposite feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
    feGaussianBlur feMerge feMergeNode feMorphology feOffset feTile feTurbulence
    """
)
REFUSED = _words(
    """
    script foreignObject handler listener iframe embed object animate animateColor animateMotion
    animateTransform set discard audio video canvas feImage
    """
)
"""Elements that run code, load something or change attributes (an animated `href`) later."""
ATTRIBUTES = _words(
    """
    id class style lang transform x y x1 y1 x2 y2 cx cy r rx ry width height d points viewBox
    preserveAspectRatio version baseProfile fill fill-opacity fill-rule stroke stroke-width stroke-
    opacity stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset opacity
    color display visibility overflow clip-path clip-rule mask filter marker-start marker-mid marker-end
    markerWidth markerHeight markerUnits refX refY orient font-family font-size font-weight font-style
    font-variant font-stretch text-anchor dominant-baseline alignment-baseline baseline-shift letter-
    spacing word-spacing text-decoration writing-mode direction unicode-bidi dx dy rotate textLength
    lengthAdjust startOffset offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod
    fx fy fr patternUnits patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits
    filterUnits primitiveUnits in in2 result stdDeviation mode operator k1 k2 k3 k4 values type
    tableValues slope intercept amplitude exponent flood-color flood-opacity radius baseFrequency
    numOctaves seed stitchTiles paint-order vector-effect shape-rendering text-rendering image-rendering
    color-interpolation color-interpolation-filters isolation mix-blend-mode media requiredFeatures
    requiredExtensions systemLanguage href
    """
)
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_ACTIVE = re.compile(
    r"\\|@import|@font-face|image-set\s*\(|expression\s*\(|javascript:|-moz-binding|behavior\s*:",
    re.IGNORECASE,
)
"""CSS that loads or runs: a backslash too, as `u\\72l(` is `url(` and `@\\69mport` is `@import`."""
_DATA_RASTER = re.compile(r"data:image/(png|jpeg|jpg|webp);base64,([A-Za-z0-9+/=\s]*)", re.IGNORECASE)
_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[|<!ENTITY|<!ATTLIST|<!ELEMENT")
"""An internal DTD subset: what declares entities and attribute defaults. SVG never needs one."""
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*", re.IGNORECASE)
_PX = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


@dataclass(frozen=True, slots=True)
class Sanitised:
    data: bytes
    width: int
    height: int


def _parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )  # not collect_ids=False: with it, libxml2 tries to load an external DTD (and no_network stops it)


def sanitise_svg(data: bytes, name: str) -> Sanitised | None:
    """The sanitised SVG; None when the bytes are not an SVG document at all; FigureError when unsafe."""
    from lxml import etree

    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return None
    if _SUBSET.search(data[:65536]):  # before parsing: entities are never even declared to the parser
        raise _unsafe(name, "declares a DTD with entities (an XML entity can read files or expand a bomb)")
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as error:
        if b"<svg" in data[:4096]:
            hint = "export the SVG again, or as PNG"
            raise FigureError("figure-unreadable", f"{name} is not well-formed SVG ({error})", hint) from None
        return None
    root = tree.getroot()
    if root.tag != f"{{{SVG_NS}}}svg":
        return None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or list(dtd.iterelements())):
        raise _unsafe(name, "declares a DTD with entities (an XML entity can read files or expand a bomb)")
    for count, element in enumerate(list(root.iter()), start=1):
        if count > MAX_ELEMENTS:
            raise FigureError(
                "figure-too-large", f"{name} has more than {MAX_ELEMENTS} elements", "simplify the drawing"
            )
        _clean(element, name)
    etree.cleanup_namespaces(root)
    return Sanitised(etree.tostring(root, encoding="utf-8", xml_declaration=True), *_size(root))


def _clean(element: etree._Element, name: str) -> None:
    from lxml import etree

    if not isinstance(element.tag, str):  # an entity reference left unresolved
        if isinstance(element, etree._Entity):
            raise _unsafe(name, f"uses the XML entity &{element.name};")
        _drop(element)
        return
    namespace, local = _split(element.tag)
    if local in REFUSED or local.lower() in {"script", "foreignobject", "iframe"}:
        raise _unsafe(name, f"has a <{local}> element")
    if namespace != SVG_NS or local not in ELEMENTS:
        _drop(element)  # editor metadata (Inkscape, Illustrator), <metadata>, unknown elements
        return
    for attribute, value in list(element.attrib.items()):
        attr_ns, attr = _split(attribute)
        if attr.lower().startswith("on"):
            raise _unsafe(name, f"has an event handler ({attr}= on <{local}>)")
        if attr == "href" and attr_ns in (None, XLINK_NS):
            _check_href(value, local, name)
            continue
        if attr_ns == XML_NS and attr in ("space", "lang"):
            continue
        if attr_ns is not None or attr not in ATTRIBUTES:
            del element.attrib[attribute]
            continue
        _check_css(value, f"{attr}= on <{local}>", name)
    if local == "style":
        _check_css(element.text or "", "<style>", name)


def _check_href(value: str, local: str, name: str) -> None:
    href = value.strip()
    if href.startswith("#"):
        return
    embedded = _DATA_RASTER.fullmatch(href)
    if embedded and local == "image":
        try:
            raster = base64.b64decode("".join(embedded[2].split()), validate=True)
        except (binascii.Error, ValueError):
            raise _unsafe(name, "embeds an image that is not valid base64") from None
        if raster_size(raster, f"{name} (embedded image)") is None:
            raise _unsafe(name, "embeds data that is not a PNG, JPEG or WebP image")
        return
    shown = href if len(href) <= 60 else href[:57] + "..."
    raise _unsafe(name, f"refers to {shown!r} from <{local}> (a figure may load nothing)")


def _check_css(text: str, where: str, name: str) -> None:
    found = _CSS_ACTIVE.search(text)
    if found:
        what = "a CSS escape" if found[0] == "\\" else repr(found[0].strip())
        raise _unsafe(name, f"has {what} in its CSS ({where})")
    for match in _URL.finditer(text):
        if not match[2].strip().startswith("#"):
            raise _unsafe(name, f"loads url({match[2].strip()[:60]}) in {where} (a figure may load nothing)")


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _split(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def _unsafe(name: str, reason: str) -> FigureError:
    return FigureError(
        "figure-unsafe-svg",
        f"{name} {reason}",
        "remove it, or export the figure as plain SVG (no scripts, links or external files) or as PNG",
    )


def _size(root: etree._Element) -> tuple[int, int]:
    """Intrinsic size in CSS pixels: width/height in absolute units, else the viewBox, else 300×150."""
    box: list[float] = []
    try:
        box = [float(v) for v in re.split(r"[\s,]+", (root.get("viewBox") or "").strip())]
    except ValueError:
        box = []
    width, height = _length(root.get("width")), _length(root.get("height"))
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width is None and height is None:
            width, height = box[2], box[3]
        elif width is None:
            width = height * box[2] / box[3]  # type: ignore[operator]
        elif height is None:
            height = width * box[3] / box[2]
    width, height = width or 300.0, height or 150.0
    return max(1, min(round(width), 100_000)), max(1, min(round(height), 100_000))


def _length(value: str | None) -> float | None:
    match = _LENGTH.fullmatch(value or "")
    if not match:
        return None
    number = float(match[1]) * _PX[(match[2] or "px").lower()]
    return number if number > 0 else None
