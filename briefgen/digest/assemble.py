"""Parts of a digest PDF (WeasyPrint's, tagged) → the one PDF a one-pass layout would have made (pikepdf).

The first part (the cover) gives the document its catalog entries and metadata (/Lang, XMP with the
PDF/UA identification, /Info, /MarkInfo, /ViewerPreferences): every part is laid out from the same
<head>, so they are the digest's. Then, in part order: the pages; one structure tree (every part's
elements under the first part's <main> /Part, /StructParents and the ParentTree numbered afresh);
one named-destination tree (internal links name their target; a brief's own part wins over the
empty stand-in anchors the cover and contents carry); one outline (each later part's top bookmarks
under the cover's, as one layout nests the briefs under the digest's title); and the page numbers,
each page's stamp drawn over it as a pagination artifact. Saved with a deterministic /ID, so the
same parts make the same bytes.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

_OWN = {"/Type", "/Pages", "/Outlines", "/Names", "/StructTreeRoot"}
"""Catalog entries rebuilt from all the parts; the first part's other entries are copied."""
_STAMP = Name("/BgPageNumber")
_DRAW = b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q /BgPageNumber Do Q EMC\n"


def _copy(out: Pdf, obj: object) -> object:
    """`obj` of another PDF in `out`: indirect objects through pikepdf's copier (each copied once, page
    references landing on the pages already copied), direct containers item by item."""
    if isinstance(obj, pikepdf.Object):
        if obj.is_indirect:
            return out.copy_foreign(obj)
        if isinstance(obj, Array):
            return Array([_copy(out, item) for item in obj])
        if isinstance(obj, Dictionary):
            return Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def assemble(parts: Sequence[bytes], stamps: Sequence[bytes] = (), stand_ins: int = 0) -> bytes:
    """One PDF of `parts` in order; `stamps`, when given, have one page per page of the result, in
    order (the first stamp's pages are drawn over the first pages, the next over the next). The first
    `stand_ins` parts hold empty stand-in anchors (<div id>) for targets in later parts: their empty
    /Div elements are left out of the structure tree.

    One part is open at a time: everything of it is copied, its streams' bytes taken over, and it is
    closed, so memory holds the result and one part, not every part twice."""
    out = pikepdf.new()
    with pikepdf.open(io.BytesIO(parts[0])) as first:
        version = first.pdf_version
        for key, value in first.Root.items():
            if key not in _OWN:
                out.Root[key] = _copy(out, value)
        if "/Info" in first.trailer:
            info = _copy(out, first.trailer.Info)
            out.trailer.Info = info if info.is_indirect else out.make_indirect(info)
        assembly = _Assembly(out, _container(first))
    for number, data in enumerate(parts):
        with pikepdf.open(io.BytesIO(data)) as source:
            version = max(version, source.pdf_version)
            newest = _newest(out)
            assembly.add(source, stand_in=number < stand_ins)
            _take_streams(out, newest, _newest(out))
    assembly.finish()
    offset = 0
    for stamp in stamps:
        with pikepdf.open(io.BytesIO(stamp)) as source:
            newest = _newest(out)
            _stamp(out, source, offset)
            _take_streams(out, newest, _newest(out))
            offset += len(source.pages)
    if stamps and offset != len(out.pages):
        raise ValueError(f"the stamps have {offset} pages, the parts {len(out.pages)}")
    buffer = io.BytesIO()
    # Object streams as WeasyPrint writes them (PDF 1.5 and later): most of a tagged PDF is its
    # structure elements, small dictionaries that compress well together.
    streams = pikepdf.ObjectStreamMode.generate if version >= "1.5" else pikepdf.ObjectStreamMode.disable
    out.save(
        buffer,
        deterministic_id=True,
        fix_metadata_version=False,  # the XMP stays byte for byte the first part's
        min_version=version,
        compress_streams=True,
        object_stream_mode=streams,
    )
    return buffer.getvalue()


def _newest(out: Pdf) -> int:
    """The number the next new object of `out` gets (a throwaway object, never written)."""
    return out.make_indirect(Dictionary()).objgen[0] + 1


def _take_streams(out: Pdf, start: int, end: int) -> None:
    """The streams copied as objects start..end-1 hold their bytes themselves (a copied stream reads
    its data from the other PDF until then), so that PDF can be closed."""
    for number in range(start, end):
        obj = out.get_object((number, 0))
        if isinstance(obj, pikepdf.Stream):
            raw = obj.read_raw_bytes()
            obj.write(raw, filter=obj.get("/Filter"), decode_parms=obj.get("/DecodeParms"), type_check=False)


def _container(source: Pdf) -> pikepdf.Object | None:
    """The element the part's content hangs from: its <main> (/Part) when that is all its /Document holds."""
    if "/StructTreeRoot" not in source.Root:
        return None
    kids = source.Root.StructTreeRoot.K
    document = kids[0] if isinstance(kids, Array) else kids
    inner = document.get("/K")
    if isinstance(inner, Array) and len(inner) == 1 and inner[0].get("/S") == Name.Part:
        return inner[0]
    return document


def _prune(element: pikepdf.Object, depth: int) -> None:
    """Empty /Div elements (stand-in anchors) left out, down to `depth` levels below `element`."""
    kids = element.get("/K")
    if not isinstance(kids, Array) or depth == 0:
        return
    kept = [kid for kid in kids if not _empty_div(kid)]
    if len(kept) != len(kids):
        element.K = Array(kept)
    for kid in kept:
        if isinstance(kid, Dictionary):
            _prune(kid, depth - 1)


def _empty_div(kid: object) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/S") == Name.Div and len(kid.get("/K", Array())) == 0


class _Assembly:
    """What is gathered from the parts one by one: pages, structure, destinations, bookmarks."""

    def __init__(self, out: Pdf, first: pikepdf.Object | None) -> None:
        self.out = out
        self.target: pikepdf.Object | None = None
        self.root: pikepdf.Object | None = None
        if first is not None:  # /Document, and a /Part as the first part's <main> is
            self.root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
            document = out.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root, K=Array())
            )
            self.root.K = Array([document])
            self.target = document
            if first.get("/S") == Name.Part:
                self.target = out.make_indirect(
                    Dictionary(Type=Name.StructElem, S=Name.Part, P=document, K=Array())
                )
                document.K.append(self.target)
        self.entries: dict[int, object] = {}
        """ParentTree: page i at key i (as WeasyPrint numbers them)."""
        self.annotations: list[tuple[pikepdf.Object, object]] = []
        """Link annotations and their ParentTree values: keyed after the last page, at the end."""
        self.destinations: dict[str, object] = {}
        self.tops: list[list[pikepdf.Object]] = []

    def add(self, source: Pdf, stand_in: bool) -> None:
        out = self.out
        offset = len(out.pages)
        with warnings.catch_warnings():  # named destinations are merged here, not by pikepdf
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(source.pages)
        if self.target is not None and (container := _container(source)) is not None:
            if stand_in:
                _prune(container, 2)  # <main>'s children, on each page's /Part
            if self.target.get("/Pg") is None and "/Pg" in container:
                self.target.Pg = out.pages[offset].obj
            for kid in container.K:
                if isinstance(kid, Dictionary):
                    del kid.P  # copied without its old parents (and all they lead to)
                    copied = out.copy_foreign(kid)
                    copied.P = self.target
                    self.target.K.append(copied)
        if "/StructTreeRoot" in source.Root and "/ParentTree" in source.Root.StructTreeRoot:
            old = pikepdf.NumberTree(source.Root.StructTreeRoot.ParentTree)
            for number, page in enumerate(source.pages):
                copied_page = out.pages[offset + number]
                if "/StructParents" in page.obj and int(page.obj.StructParents) in old:
                    self.entries[offset + number] = _copy(out, old[int(page.obj.StructParents)])
                    copied_page.obj.StructParents = offset + number
                for annotation in copied_page.obj.get("/Annots", Array()):
                    if "/StructParent" in annotation and int(annotation.StructParent) in old:
                        self.annotations.append((annotation, _copy(out, old[int(annotation.StructParent)])))
        if "/Names" in source.Root and "/Dests" in source.Root.Names:
            # a name a later part defines wins (the briefs' parts come after the stand-ins)
            for name, destination in pikepdf.NameTree(source.Root.Names.Dests).items():
                self.destinations[name] = _copy(out, destination)
        items = []
        if "/Outlines" in source.Root and "/First" in source.Root.Outlines:
            item = source.Root.Outlines.First
            while True:
                items.append(item)
                if "/Next" not in item:
                    break
                item = item.Next
        for item in items:  # copied without their old parent, siblings and counts
            for key in ("/Parent", "/Prev", "/Next"):
                if key in item:
                    del item[key]
        self.tops.append([out.copy_foreign(item) for item in items])

    def finish(self) -> None:
        out = self.out
        if self.root is not None:
            key = len(out.pages)
            for annotation, value in self.annotations:
                annotation.StructParent = key
                self.entries[key] = value
                key += 1
            tree = pikepdf.NumberTree.new(out)
            for number in sorted(self.entries):
                tree[number] = self.entries[number]
            self.root.ParentTree = tree.obj
            self.root.ParentTreeNextKey = key
            out.Root.StructTreeRoot = self.root
        if self.destinations:
            names = pikepdf.NameTree.new(out)
            for name in sorted(self.destinations, key=lambda text: text.encode("utf-8")):
                names[name] = self.destinations[name]
            out.Root.Names = Dictionary(Dests=names.obj)
        _outline(out, self.tops)


def _outline(out: Pdf, tops: list[list[pikepdf.Object]]) -> None:
    """The first part's outline, every later part's top bookmarks appended under its last top one."""
    if not any(tops):
        return
    roots = tops[0]
    later = [item for items in tops[1:] for item in items]
    if roots:
        parent = roots[-1]
        children = _children(parent) + later
        _link(parent, children)
    else:
        roots = later
    outlines = out.make_indirect(Dictionary(Type=Name.Outlines))
    _link(outlines, roots)
    outlines.Count = sum(1 + max(_count(item), 0) for item in roots)
    out.Root.Outlines = outlines


def _children(item: pikepdf.Object) -> list[pikepdf.Object]:
    found = []
    child = item.get("/First")
    while child is not None:
        found.append(child)
        child = child.get("/Next")
    return found


def _link(parent: pikepdf.Object, children: list[pikepdf.Object]) -> None:
    for key in ("/First", "/Last"):
        if key in parent:
            del parent[key]
    for number, child in enumerate(children):
        child.Parent = parent
        for key in ("/Prev", "/Next"):
            if key in child:
                del child[key]
        if number:
            child.Prev = children[number - 1]
            children[number - 1].Next = child
    if children:
        parent.First, parent.Last = children[0], children[-1]


def _count(item: pikepdf.Object) -> int:
    """Set /Count from the children as the outline now is: visible descendants, negative when closed."""
    children = _children(item)
    closed = int(item.get("/Count", 0)) < 0
    visible = sum(1 + max(_count(child), 0) for child in children)
    if children:
        item.Count = -visible if closed else visible
    elif "/Count" in item:
        del item.Count
    return -visible if closed else visible


def _stamp(out: Pdf, stamps: Pdf, offset: int) -> None:
    """Each stamp page drawn over the page `offset` further on, marked as an artifact."""
    for number, stamp in enumerate(stamps.pages, offset):
        if number >= len(out.pages):
            raise ValueError(f"the stamps have more pages than the {len(out.pages)} of the parts")
        page = out.pages[number]
        form = out.copy_foreign(stamp.as_form_xobject())
        shared = page.obj.Resources
        resources = Dictionary({key: value for key, value in shared.items()})
        xobjects = Dictionary(dict(shared.XObject.items())) if "/XObject" in shared else Dictionary()
        xobjects[_STAMP] = form
        resources.XObject = xobjects
        page.obj.Resources = resources
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(_DRAW)
