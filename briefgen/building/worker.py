"""Rendering one brief into its outputs: the unit of work a build hands to a pool worker.

A worker is set up once (`init`): it builds the Jinja environment and, when PDFs are wanted, imports
WeasyPrint and warms its font configuration, so that every brief after the first pays only for its
own layout. The same functions run in-process for builds that make no PDF, and `render_bytes`
(one format, written nowhere) in the preview's pool, so a preview is rendered exactly as a build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from briefgen.config import Config, Format
from briefgen.figures import FigureError, ShownFigures
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


class _State:
    root: Path
    config: Config
    templates: Templates
    pdf: Any = None


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


def reconfigure(config: Config) -> None:
    """A long-lived worker (the preview's) takes the workspace's current config and reads its templates
    afresh, keeping WeasyPrint as loaded: a saved template or a new templates/ folder counts at once."""
    assert _state is not None, "worker.init() first"
    _state.config, _state.templates = config, Templates(_state.root)


def output_path(out: Path, fmt: Format, brief_id: str) -> Path:
    return out / fmt / f"{brief_id}.{fmt}"


@dataclass(frozen=True)
class Rendering:
    """One format of one brief, as bytes: what `render` writes and what the preview sends."""

    data: bytes | None
    """None when the format could not be made (the problems say why)."""
    problems: list[Problem]
    fetched: frozenset[str] = frozenset()
    templates_broken: bool = False
    """A template error: the brief's other formats would only repeat it."""


def render(task: Task) -> Outcome:
    """Render and atomically write each requested format; problems are reported, never raised."""
    assert _state is not None, "worker.init() first"
    assert task.brief.id is not None
    outcome = Outcome(task.source)
    try:
        view = prepare(task.brief, _state.config, _state.root, task.previous)
    except FigureError as error:  # changed since the plan checked it
        outcome.problems.append(figure_problem(task.source, error))
        return outcome
    for fmt in task.formats:
        rendering = _render_view(task.source, view, fmt)
        outcome.problems.extend(rendering.problems)
        outcome.fetched |= rendering.fetched
        if rendering.templates_broken:
            return outcome
        if rendering.data is None:
            continue
        target = output_path(task.out, fmt, task.brief.id)
        try:
            write_atomic(target, rendering.data)
        except OSError as error:
            hint = "check that the output folder is writable and the disk not full"
            shown = display_path(target, _state.root)
            outcome.problems.append(
                Problem(task.source, 1, 1, f"cannot write {shown}: {error.strerror or error}", hint=hint)
            )
            continue
        outcome.written[fmt] = target
        if fmt == "md":
            _write_assets(view["figures"], target.parent / "assets" / task.brief.id, outcome)
    return outcome


def asset_folder(out: Path, brief_id: str) -> Path:
    """Where a Markdown page's figure copies go: `md/assets/<id>/`, linked as `assets/<id>/<name>`."""
    return out / "md" / "assets" / brief_id


def _write_assets(figures: ShownFigures, folder: Path, outcome: Outcome) -> None:
    """The figures' copies (sanitised, for SVG) beside the Markdown page; unchanged ones are not rewritten."""
    assert _state is not None
    for item in figures.all():
        target = folder / item.asset
        try:
            if not (target.is_file() and target.read_bytes() == item.image.data):
                write_atomic(target, item.image.data)
        except OSError as error:
            shown = display_path(target, _state.root)
            hint = "check that the output folder is writable and the disk not full"
            outcome.problems.append(
                Problem(outcome.source, 1, 1, f"cannot write {shown}: {error.strerror or error}", hint=hint)
            )
            continue
        outcome.assets[item.asset] = target


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
