"""Rendering one brief into its outputs: the unit of work a build hands to a pool worker.

A worker is set up once (`init`): it builds the Jinja environment and, when PDFs are wanted, imports
WeasyPrint and warms its font configuration, so that every brief after the first pays only for its
own layout. The same functions run in-process for builds that make no PDF, and `render_bytes`
(one format, written nowhere) in the preview's pool, so a preview is rendered exactly as a build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from briefgen.config import Config, Format
from briefgen.errors import ConfigError
from briefgen.figures import FigureError
from briefgen.model import Brief
from briefgen.outcome import Outcome
from briefgen.problems import Problem, display_path
from briefgen.render.html import render_html
from briefgen.render.markdown import render_markdown
from briefgen.templates import Templates, template_problem
from briefgen.view import prepare
from briefgen.writing import write_atomic


@dataclass
class Task:
    source: str
    brief: Brief
    formats: list[Format]
    out: Path
    previous: Brief | None = None
    """The brief this one supersedes, for its "Changes since" section."""
    fingerprint: str = ""
    """The build's fingerprint: a worker kept from an earlier build re-reads templates when it moved."""


class _State:
    root: Path
    config: Config
    templates: Templates
    pdf: Any = None
    fingerprint: str = ""


_state: _State | None = None


def init(root: Path, config: Config, with_pdf: bool) -> None:
    """Once per worker process (or once in-process): templates, and WeasyPrint when needed."""
    global _state
    state = _State()
    state.root, state.config, state.templates = root, config, Templates(root)
    if with_pdf:
        try:
            from briefgen.render import pdf

            pdf.warm_up()
            state.pdf = pdf
        except (ImportError, OSError) as error:
            state.pdf = error
    _state = state


def ensure(root: Path, config: Config, with_pdf: bool) -> None:
    """Set up as `init` would, unless already set up so: a long-lived (Dask) worker keeps WeasyPrint
    loaded and its stylesheets parsed from one task to the next."""
    same = _state is not None and _state.root == root and _state.config == config
    if not same or (with_pdf and _state is not None and _state.pdf is None):
        init(root, config, with_pdf)


def refresh(fingerprint: str) -> None:
    """Read the templates afresh when the build's fingerprint (templates, config, versions) moved:
    a pool kept across the builds of a watch sees a saved template."""
    assert _state is not None, "worker.init() first"
    if not _state.fingerprint:  # the first task since `init`, which has just read them
        _state.fingerprint = fingerprint
    elif fingerprint != _state.fingerprint:
        _state.templates, _state.fingerprint = Templates(_state.root), fingerprint


def reconfigure(config: Config) -> None:
    """A long-lived worker (the preview's) takes the workspace's current config and reads its templates
    afresh, keeping WeasyPrint as loaded: a saved template or a new templates/ folder counts at once."""
    assert _state is not None, "worker.init() first"
    _state.config, _state.templates = config, Templates(_state.root)


def output_name(fmt: Format, brief_id: str) -> str:
    """A brief's output in `fmt`, relative to the output folder (as the manifest records it)."""
    return f"{fmt}/{brief_id}.{fmt}"


def output_path(out: Path, fmt: Format, brief_id: str) -> Path:
    return out / output_name(fmt, brief_id)


@dataclass(frozen=True)
class Rendering:
    """One format of one brief, as bytes: what `render` writes and what the preview sends."""

    data: bytes | None
    """None when the format could not be made (the problems say why)."""
    problems: list[Problem]
    fetched: frozenset[str] = frozenset()
    templates_broken: bool = False
    """A template error: the brief's other formats would only repeat it."""


@dataclass
class Produced:
    """A brief's outputs as bytes, written nowhere yet: what a remote (Dask) worker sends back for the
    client to write, so that a worker killed mid-build never leaves half a file."""

    source: str
    outputs: dict[Format, bytes] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    """The Markdown page's figure copies, by their name under `md/assets/<id>/`."""
    problems: list[Problem] = field(default_factory=list)
    fetched: frozenset[str] = frozenset()


def produce(task: Task) -> Produced:
    """Render each requested format of `task` to bytes; problems are reported, never raised."""
    assert _state is not None, "worker.init() first"
    refresh(task.fingerprint)
    produced = Produced(task.source)
    try:
        view = prepare(task.brief, _state.config, _state.root, task.previous)
    except FigureError as error:  # changed since the plan checked it
        produced.problems.append(figure_problem(task.source, error))
        return produced
    except ConfigError as error:  # its language's labels/<lang>.yaml is broken: this brief only
        produced.problems.extend(error.problems)
        return produced
    for fmt in task.formats:
        rendering = _render_view(task.source, view, fmt)
        produced.problems.extend(rendering.problems)
        produced.fetched |= rendering.fetched
        if rendering.templates_broken:
            return produced
        if rendering.data is None:
            continue
        produced.outputs[fmt] = rendering.data
        if fmt == "md":
            produced.assets = {item.asset: item.image.data for item in view["figures"].all()}
    return produced


def render(task: Task) -> Outcome:
    """Render and atomically write each requested format (the local pool's unit of work)."""
    assert _state is not None, "worker.init() first"
    return write(produce(task), task, _state.root)


def write(produced: Produced, task: Task, root: Path) -> Outcome:
    """Write a brief's outputs atomically (and its figure copies beside its Markdown page)."""
    assert task.brief.id is not None
    outcome = Outcome(produced.source, problems=list(produced.problems), fetched=set(produced.fetched))
    for fmt, data in produced.outputs.items():
        target = output_path(task.out, fmt, task.brief.id)
        if not _written(target, data, root, outcome):
            continue
        outcome.written[fmt] = target
        if fmt == "md":
            folder = asset_folder(task.out, task.brief.id)
            for name, image in produced.assets.items():
                copy = folder / name
                unchanged = copy.is_file() and copy.read_bytes() == image  # not rewritten
                if unchanged or _written(copy, image, root, outcome):
                    outcome.assets[name] = copy
    return outcome


def _written(target: Path, data: bytes, root: Path, outcome: Outcome) -> bool:
    try:
        write_atomic(target, data)
        return True
    except OSError as error:
        hint = "check that the output folder is writable and the disk not full"
        shown = display_path(target, root)
        outcome.problems.append(
            Problem(outcome.source, 1, 1, f"cannot write {shown}: {error.strerror or error}", hint=hint)
        )
        return False


def asset_folder(out: Path, brief_id: str) -> Path:
    """Where a Markdown page's figure copies go: `md/assets/<id>/`, linked as `assets/<id>/<name>`."""
    return out / "md" / "assets" / brief_id


def figure_problem(source: str, error: FigureError) -> Problem:
    return Problem(source, 1, 1, error.message, "figures", error.hint, rule=error.rule)


def render_bytes(source: str, brief: Brief, fmt: Format, previous: Brief | None = None) -> Rendering:
    """One format of one brief, written nowhere: the preview's unit of work, run in a pool worker."""
    assert _state is not None, "worker.init() first"
    try:
        view = prepare(brief, _state.config, _state.root, previous)
    except FigureError as error:
        return Rendering(None, [figure_problem(source, error)])
    return _render_view(source, view, fmt)


def _render_docx(source: str, view: dict[str, Any]) -> Rendering:
    """python-docx is imported on the first Word file, not by builds that make none."""
    assert _state is not None
    from briefgen.render.docx import ReferenceDocError, render_docx

    try:
        return Rendering(render_docx(view, _state.root), [])
    except ReferenceDocError as error:
        return Rendering(None, [Problem(error.file, 1, 1, error.message, hint=error.hint)])


def _render_view(source: str, view: dict[str, Any], fmt: Format) -> Rendering:
    assert _state is not None
    try:
        if fmt == "html":
            return Rendering(render_html(_state.templates, view), [])
        if fmt == "md":
            return Rendering(render_markdown(_state.templates, view), [])
        if fmt == "docx":
            return _render_docx(source, view)
        if _state.pdf is None or isinstance(_state.pdf, Exception):
            reason = _state.pdf or "WeasyPrint was not loaded"
            hint = "run `briefgen doctor`; WeasyPrint needs Pango"
            return Rendering(None, [Problem(source, 1, 1, f"cannot make PDFs: {reason}", hint=hint)])
        rendered = _state.pdf.render_pdf(_state.templates, view, _state.root, _state.config.pdf_variant)
    except jinja2.TemplateError as error:
        return Rendering(None, [template_problem(source, error, _state.root)], templates_broken=True)
    except Exception as error:  # a renderer failure must not stop the other briefs
        message = f"{fmt} rendering failed: {type(error).__name__}: {error}"
        return Rendering(None, [Problem(source, 1, 1, message)])
    warnings = [
        Problem(source, 1, 1, message, "pdf", severity="warning", rule="pdf-warning")
        for message in rendered.warnings
    ]
    return Rendering(rendered.data, warnings, rendered.files)
