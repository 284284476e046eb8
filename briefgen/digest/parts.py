"""A big digest's PDF laid out in parts, in a process pool, then assembled (`assemble`).

WeasyPrint keeps a whole document's boxes in memory and uses one core; a digest of hundreds of
briefs would take gigabytes and many minutes as one document. Here it is split: the cover and glance,
the briefs a few at a time, and the contents (laid out twice: once with stand-in numbers to learn
how many pages it takes, then, once the briefs' pages are known, with the real numbers). No part
lays out its page numbers; "stamp" documents, laid out from the same stylesheet with nothing but
the page numbers, one page for each page of the digest, are drawn over each page as an artifact.
The stamp comes in slices of `STAMP_PAGES` laid out side by side: WeasyPrint's time per page grows
with the document's length, and the stamp is laid out last, when nothing else is left to do. A
workspace with its own stylesheet or digest template gets one slice (`own_page_styles`).
All parts come from `digest-part.pdf.j2`, which extends `digest.pdf.j2`: same page, styles and words.
"""

from __future__ import annotations

import html as html_module
import io
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from briefgen.building.execute import default_jobs
from briefgen.digest.contents import Digest, DigestItem
from briefgen.digest.render import article
from briefgen.errors import BriefError, unplaced
from briefgen.templates import Templates, css_string

PARTS_FROM = 21
"""Digests of this many briefs or more are laid out in parts; smaller ones in one pass (faster: no
pool to start, nothing laid out twice)."""
PARTS_FROM_ENV = "BRIEFGEN_DIGEST_PARTS_FROM"
"""Overrides PARTS_FROM (tests: 1 forces parts, a large number one pass)."""
GROUP = 4
"""Briefs per part: few enough that a worker's memory stays small, enough that the fonts each part
embeds and the per-document overhead stay a small share."""
STAMP_PAGES = 300
"""Pages per slice of the stamp: a few seconds of layout each."""
STAMP_PAGES_ENV = "BRIEFGEN_DIGEST_STAMP_PAGES"
"""Overrides STAMP_PAGES (tests: a few pages, to cross slice borders in a small digest)."""
_NO_NUMBERS = "@page { @bottom-right { content: none; } }\n@page rtl { @bottom-left { content: none; } }\n"
_STAMP = (
    "@page { @top-center { content: none; } @bottom-center { content: none; }"
    " @top-left { content: none; } @top-right { content: none; } }\n"
    "html, body { background: none; }\n"
    ".part-stamp { break-before: page; height: 0; margin: 0; }\n.part-cover { page: digest-cover; }\n"
)
_ANCHORS = ".part-anchor { height: 0; margin: 0; padding: 0; border: 0; }\n"
_RUNNING = re.compile(r'class="digest-cover"[^>]*?data-running="([^"]*)"')


def use_parts(count: int) -> bool:
    """Whether a digest of `count` briefs is laid out in parts."""
    wanted = os.environ.get(PARTS_FROM_ENV, "").strip()
    return count >= (int(wanted) if wanted.isdigit() else PARTS_FROM)


def stamp_slices(pages: int, whole: bool = False) -> list[range]:
    """The digest's pages (0-based) in the slices the stamp is laid out in; one slice when `whole`."""
    wanted = os.environ.get(STAMP_PAGES_ENV, "").strip()
    size = max(1, int(wanted)) if wanted.isdigit() else STAMP_PAGES
    if whole:
        size = max(1, pages)
    return [range(first, min(first + size, pages)) for first in range(0, pages, size)]


def own_page_styles(root: Path) -> bool:
    """Whether the workspace restyles the digest's pages (a stylesheet or a digest template of its
    own): its rules may number pages in ways a slice cannot know (`counter(pages)` written out,
    `@page :first`, left and right pages, a counter reset), so its stamp is laid out whole."""
    own = root / "templates"
    try:
        names = [path.name for path in own.iterdir()] if own.is_dir() else []
    except OSError:
        return True
    return any(name.endswith(".css") or name.startswith("digest") for name in names)


@dataclass(frozen=True, slots=True)
class Part:
    """One laid-out part: its PDF, what WeasyPrint logged, its page count and, for each anchor
    asked about, the (0-based) page of the part where it is."""

    data: bytes
    warnings: list[str]
    pages: int
    anchors: dict[str, int]


def _warm() -> None:
    from briefgen.render.pdf import warm_up

    warm_up()


def _lay_out(html: str, root: Path, variant: str, anchors: Sequence[str]) -> Part:
    """In a pool worker: one part's PDF and where its anchors are. The stamp (variant "stamp") is
    untagged: all of it is drawn as an artifact."""
    import pikepdf

    from briefgen.render.pdf import html_to_pdf

    stamp = variant == "stamp"
    rendered = html_to_pdf(html, root, "none" if stamp else variant, tagged=not stamp)
    with pikepdf.open(io.BytesIO(rendered.data)) as pdf:
        numbers = {page.objgen: number for number, page in enumerate(pdf.pages)}
        found: dict[str, int] = {}
        if anchors and "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            dests = pikepdf.NameTree(pdf.Root.Names.Dests)
            for name in anchors:
                if name in dests:
                    found[name] = numbers[dests[name][0].objgen]
        return Part(rendered.data, rendered.warnings, len(pdf.pages), found)


class _Parts:
    """The HTML of each part of one digest."""

    def __init__(self, templates: Templates, digest: Digest) -> None:
        self.templates = templates
        self.digest = digest
        self.context = digest.context()
        self.front = self._html("front", digest.items, _ANCHORS)
        found = _RUNNING.search(self.front)
        running = f"{digest.title}, {self.context['period'].dates}"
        running = html_module.unescape(found[1]) if found else running
        self.running = css_string(running)

    def _html(self, part: str, items: Sequence[DigestItem], css: str, **extra: Any) -> str:
        bodies = (
            {item.anchor: article(self.templates, "brief.pdf.j2", item) for item in items}
            if part == "briefs"
            else {}
        )
        context = {**self.context, "items": list(items), "bodies": bodies}
        css = (_STAMP if part == "stamp" else _NO_NUMBERS) + css
        return self.templates.render(
            "digest-part.pdf.j2", part=part, part_css=Markup(css), **{**context, **extra}
        )

    def briefs(self, items: Sequence[DigestItem]) -> str:
        return self._html("briefs", items, f"main {{ string-set: digest-name {self.running}; }}\n")

    def contents(self, numbers: dict[str, int] | None, width: int) -> str:
        """The contents with each brief's page number; stand-ins `width` digits wide without `numbers`."""
        handling = css_string(self.context["handling"])
        rules = [f"main {{ string-set: handling {handling}, digest-name {self.running}; }}", _ANCHORS]
        for item in self.digest.items:
            number = str(numbers[item.anchor]) if numbers else "0" * width
            rules.append(
                f".toc-link[href={css_string('#' + item.anchor)}]::after"
                f' {{ content: leader(dotted) " " {css_string(number)}; }}'
            )
        return self._html("contents", self.digest.items, "\n".join(rules) + "\n")

    def stamp(self, pages: range, total: int, cover_pages: int) -> str:
        """The page numbers of `pages` of a digest of `total` pages, whose first `cover_pages` have none.
        A slice's first page resets the page counter (so it shows its own number, not 1), and
        "of Y" is written out: WeasyPrint's `counter(pages)` counts only the slice's pages."""
        css = f"@page :first {{ counter-reset: page {pages.start + 1}; }}\n" if pages.start else ""
        slice_of = {"pages": len(pages), "first_page": pages.start, "page_total": total}
        return self._html("stamp", [], css, cover_pages=cover_pages, **slice_of)


def render_parts(
    templates: Templates,
    digest: Digest,
    root: Path,
    variant: str,
    timeout: float,
    jobs: int | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[bytes, list[str]]:
    """The digest PDF laid out in parts on `jobs` processes (default: every core); `timeout` is one
    brief's allowance. `meanwhile` runs here while the workers lay out (the digest's other formats:
    this process would only wait). Returns the PDF and everything WeasyPrint logged, each message once."""
    from pebble import ProcessPool

    from briefgen.digest.assemble import assemble

    parts = _Parts(templates, digest)
    items = digest.items
    groups = [items[start : start + GROUP] for start in range(0, len(items), GROUP)]
    width = len(str(8 * len(items) + 10))  # stand-in digits: about as wide as the real numbers
    pool = ProcessPool(max_workers=max(1, min(jobs or default_jobs(), len(groups) + 2)), initializer=_warm)
    everything = timeout * len(items)

    def submit(html: str, anchors: Sequence[str], seconds: float) -> Future[Part]:
        future: Future[Part] = pool.schedule(_lay_out, (html, root, variant, list(anchors)), timeout=seconds)
        return future

    try:
        front = submit(parts.front, ["digest-glance"], everything)
        draft = submit(parts.contents(None, width), [], everything)
        bodies = [
            submit(parts.briefs(group), [item.anchor for item in group], timeout * len(group))
            for group in groups
        ]
        if meanwhile is not None:
            meanwhile()
        done_front, done_bodies = _result(front), [_result(body) for body in bodies]
        contents = _result(draft)
        offset = done_front.pages
        whole = own_page_styles(root)
        for _ in range(3):  # the real numbers may, rarely, change how many pages the contents take
            numbers: dict[str, int] = {}
            start = offset + contents.pages
            for group, body in zip(groups, done_bodies, strict=True):
                numbers.update((item.anchor, start + body.anchors.get(item.anchor, 0) + 1) for item in group)
                start += body.pages
            cover_pages = done_front.anchors.get("digest-glance", 1)
            final_contents = submit(parts.contents(numbers, width), [], everything)
            slices = stamp_slices(start, whole=whole)
            stamps = [
                pool.schedule(
                    _lay_out, (parts.stamp(pages, start, cover_pages), root, "stamp", []), timeout=everything
                )
                for pages in slices
            ]
            final = _result(final_contents)
            if final.pages == contents.pages:
                break
            for stamp in stamps:
                stamp.cancel()
            contents = final
        else:
            raise BriefError(unplaced("the digest's contents did not settle on a number of pages"))
        done_stamps = [_result(stamp) for stamp in stamps]
        for pages, stamp in zip(slices, done_stamps, strict=True):
            if stamp.pages != len(pages):
                message = (
                    f"the page numbers of pages {pages.start + 1} to {pages.stop} were laid out"
                    f" on {stamp.pages} pages, not {len(pages)}"
                )
                raise BriefError(unplaced(message))
    except BaseException:
        pool.stop()
        raise
    finally:
        pool.close()
        pool.join()
    laid_out = [done_front, final, *done_bodies]
    warnings = [message for part in laid_out for message in part.warnings]
    pdf = assemble([part.data for part in laid_out], [stamp.data for stamp in done_stamps], stand_ins=2)
    return pdf, list(dict.fromkeys(warnings))


def _result(future: Future[Part]) -> Part:
    """A part's result; a part over its time limit, a worker that died or failed stops the digest."""
    from pebble import ProcessExpired

    try:
        return future.result()
    except TimeoutError:
        message = "a part of the digest took longer than pdf_timeout for each of its briefs and was stopped"
        raise BriefError(unplaced(message)) from None
    except ProcessExpired as error:
        message = f"the process laying out a part of the digest died (exit code {error.exitcode})"
        raise BriefError(unplaced(message)) from None
    except BriefError:
        raise
    except Exception as error:
        message = f"laying out a part of the digest failed: {type(error).__name__}: {error}"
        raise BriefError(unplaced(message)) from None
