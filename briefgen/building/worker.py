"""Rendering one brief into its outputs: the unit of work a build hands to a pool worker.

A worker is set up once (`init`): it builds the Jinja environment and, when PDFs are wanted, imports
WeasyPrint and warms its font configuration, so that every brief after the first pays only for its
own layout. The same functions run in-process for builds that make no PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from briefgen.config import Config, Format
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


def output_path(out: Path, fmt: Format, brief_id: str) -> Path:
    return out / fmt / f"{brief_id}.{fmt}"


def render(task: Task) -> Outcome:
    """Render and atomically write each requested format; problems are reported, never raised."""
    assert _state is not None, "worker.init() first"
    outcome = Outcome(task.source)
    view = prepare(task.brief, _state.config)
    assert task.brief.id is not None
    for fmt in task.formats:
        try:
            data = _render_format(fmt, view, outcome)
        except jinja2.TemplateError as error:
            outcome.problems.append(template_problem(task.source, error, _state.root))
            return outcome
        except Exception as error:  # a renderer failure must not stop the other briefs
            message = f"{fmt} rendering failed: {type(error).__name__}: {error}"
            outcome.problems.append(Problem(task.source, 1, 1, message))
            continue
        if data is None:
            continue
        target = output_path(task.out, fmt, task.brief.id)
        try:
            write_atomic(target, data)
        except OSError as error:
            hint = "check that the output folder is writable and the disk not full"
            shown = display_path(target, _state.root)
            outcome.problems.append(
                Problem(task.source, 1, 1, f"cannot write {shown}: {error.strerror or error}", hint=hint)
            )
            continue
        outcome.written[fmt] = target
    return outcome


def _render_format(fmt: Format, view: dict[str, Any], outcome: Outcome) -> bytes | None:
    assert _state is not None
    if fmt == "html":
        return render_html(_state.templates, view)
    if fmt == "md":
        return render_markdown(_state.templates, view)
    if _state.pdf is None or isinstance(_state.pdf, Exception):
        reason = _state.pdf or "WeasyPrint was not loaded"
        hint = "run `briefgen doctor`; WeasyPrint needs Pango"
        outcome.problems.append(Problem(outcome.source, 1, 1, f"cannot make PDFs: {reason}", hint=hint))
        return None
    rendered = _state.pdf.render_pdf(_state.templates, view, _state.root)
    outcome.problems.extend(
        Problem(outcome.source, 1, 1, message, "pdf", severity="warning", rule="pdf-warning")
        for message in rendered.warnings
    )
    outcome.fetched |= rendered.files
    return rendered.data
