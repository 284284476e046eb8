"""The whole digest step: select, render and write, reported as one `Outcome`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jinja2 import TemplateError

from briefgen.config import Workspace
from briefgen.digest.contents import Digest, make_digest
from briefgen.digest.manifest import DIGEST_FOLDER, manifest_of
from briefgen.digest.parts import render_parts, use_parts
from briefgen.digest.render import asset_folder, render_docx, render_html, render_markdown, render_pdf
from briefgen.digest.selection import Selection, select
from briefgen.errors import BriefError, reported_first, unplaced
from briefgen.figures import FigureError
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.outcome import Outcome
from briefgen.problems import Problem, display_path
from briefgen.templates import Templates, template_problem
from briefgen.writing import write_atomic


def build_digest(
    workspace: Workspace, selection: Selection, out: Path | None = None
) -> tuple[Outcome, Digest | None]:
    """Select, render and write `<out>/digest/<name>.{pdf,html,md,docx,json}`;
    nothing when nothing is selected.

    Briefs that cannot be read are reported and the digest is made from the others (the caller
    decides whether such a digest may be mailed). The manifest is written last, so its presence
    means the files beside it are complete. A template error, a render that runs out of time
    or a failed write raises `BriefError`.
    """
    chosen, problems = select(workspace, selection)
    outcome = Outcome(selection.name, problems=problems)
    if not chosen:
        return outcome, None
    try:
        digest = make_digest(workspace, [item.brief for item in chosen], selection)
    except FigureError as error:  # a figure file changed since the briefs were read
        raise BriefError(unplaced(error.message, error.hint)) from None
    if not digest.items:  # every brief chosen has no BLUF at the release's level
        return outcome, None
    # a template error, a time-out or a failed write still shows the briefs that did not load
    with reported_first(lambda: list(outcome.problems)):
        _render_and_write(workspace, digest, out, outcome)
    return outcome, digest


def _render_and_write(workspace: Workspace, digest: Digest, out: Path | None, outcome: Outcome) -> None:
    """The digest files and the manifest, the manifest last; raises BriefError, writing nothing more."""
    templates = Templates(workspace.root)
    folder = (out or workspace.root / workspace.config.out) / DIGEST_FOLDER
    limit = workspace.config.pdf_timeout * len(digest.items)
    try:
        # One brief's allowance each: a layout that never ends must not hang the unattended job.
        with time_limit(limit):
            others: dict[str, bytes] = {}

            def render_others() -> None:
                others["html"] = render_html(templates, digest).encode("utf-8")
                others["md"] = render_markdown(templates, digest).encode("utf-8")
                others["docx"] = _docx(digest, workspace.root)

            pdf, warnings = _render_pdf(templates, digest, workspace, render_others)
            outputs = {
                "pdf": pdf,
                **others,
                "json": manifest_of(digest, pdf).model_dump_json(indent=2).encode("utf-8") + b"\n",
            }
    except TemplateError as error:
        raise BriefError(template_problem(digest.name, error, workspace.root)) from None
    except TimeLimitExceeded:
        message = (
            f"the digest took longer than {limit:g} s (pdf_timeout for each brief) to render and was stopped;"
            " nothing written"
        )
        raise BriefError(unplaced(message)) from None
    outcome.problems.extend(
        unplaced(f"{digest.name}.pdf: {message}", severity="warning") for message in warnings
    )
    for extension, data in outputs.items():
        target = folder / f"{digest.name}.{extension}"
        try:
            write_atomic(target, data)
        except OSError as error:
            message = f"cannot write the digest: {error.strerror or error}"
            shown = display_path(Path(error.filename or target), workspace.root)
            raise BriefError(unplaced(message, shown)) from None
        outcome.written[extension] = target
    _write_figures(digest, folder, workspace.root)


def _render_pdf(
    templates: Templates, digest: Digest, workspace: Workspace, meanwhile: Callable[[], None]
) -> tuple[bytes, list[str]]:
    """One WeasyPrint document for a small digest; a big one in parts on every core, in memory
    bounded by a few briefs per process (`parts`). `meanwhile` (the other formats) runs here
    while the pool lays out the parts, else after the PDF."""
    config = workspace.config
    if use_parts(len(digest.items)):
        root, variant, timeout = workspace.root, config.pdf_variant, config.pdf_timeout
        return render_parts(templates, digest, root, variant, timeout, meanwhile=meanwhile)
    made = render_pdf(templates, digest, workspace.root, config.pdf_variant)
    meanwhile()
    return made


def _docx(digest: Digest, root: Path) -> bytes:
    from briefgen.render.docx import ReferenceDocError

    try:
        return render_docx(digest, root)
    except ReferenceDocError as error:
        raise BriefError(Problem(error.file, 1, 1, error.message, hint=error.hint)) from None


def _write_figures(digest: Digest, folder: Path, root: Path) -> None:
    """The Markdown digest's figure copies (`assets/<digest>/<id>/<name>`), rewritten only when changed."""
    for item in digest.items:
        for figure in item.view["figures"].all():
            target = folder / asset_folder(digest.name, item.brief.id or "") / figure.asset
            try:
                if not (target.is_file() and target.read_bytes() == figure.image.data):
                    write_atomic(target, figure.image.data)
            except OSError as error:
                message = f"cannot write a figure of the digest: {error.strerror or error}"
                raise BriefError(unplaced(message, display_path(target, root))) from None
