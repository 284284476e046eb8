"""The build, as a plain sequence: find briefs → load → render each format → write atomically.

A bad brief never stops the others: its problems are collected in its result and the build goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from briefgen.config import Format, Workspace
from briefgen.loading import load_brief
from briefgen.problems import BriefError, Problem, display_path
from briefgen.render.html import render_html
from briefgen.render.markdown import render_markdown
from briefgen.templates import Templates
from briefgen.view import prepare
from briefgen.writing import write_atomic

EXTENSIONS: dict[Format, str] = {"html": "html", "pdf": "pdf", "md": "md"}
BRIEF_SUFFIXES = (".yaml", ".yml")


@dataclass
class BriefResult:
    source: str
    id: str | None = None
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class BuildReport:
    results: list[BriefResult]
    seconds: float

    @property
    def built(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.ok)

    @property
    def files(self) -> int:
        return sum(len(r.written) for r in self.results)


def discover(workspace: Workspace, paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Brief files named on the command line (files or folders), or every brief in the workspace."""
    targets = list(paths) or [workspace.root / workspace.config.briefs]
    found: list[Path] = []
    problems: list[Problem] = []
    for target in targets:
        if target.is_dir():
            found.extend(sorted(p for p in target.rglob("*") if p.suffix in BRIEF_SUFFIXES and p.is_file()))
        elif target.is_file():
            found.append(target)
        else:
            shown = display_path(target, workspace.root)
            problems.append(Problem(shown, 1, 1, "no such file or folder", hint="check the path"))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, problems


def load_all(workspace: Workspace, files: Iterable[Path]) -> list[tuple[BriefResult, Any]]:
    """Load every brief; refuse a second brief that claims an id already taken."""
    loaded: list[tuple[BriefResult, Any]] = []
    owners: dict[str, str] = {}
    for path in files:
        result = BriefResult(display_path(path, workspace.root))
        try:
            item = load_brief(path, result.source)
        except BriefError as error:
            result.problems.extend(error.problems)
            loaded.append((result, None))
            continue
        brief_id = item.brief.id
        assert brief_id is not None
        result.id = brief_id
        if brief_id in owners:
            line, column = item.positions.of(("id",))
            hint = "give each brief its own id (or file name)"
            result.problems.append(
                Problem(
                    result.source, line, column, f"id '{brief_id}' is already used by {owners[brief_id]}", "id", hint
                )
            )
            loaded.append((result, None))
            continue
        owners[brief_id] = result.source
        loaded.append((result, item))
    return loaded


def _template_problem(source: str, error: Exception) -> Problem:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(
            error.filename or error.name or "template", error.lineno or 1, 1, f"template syntax: {error.message}"
        )
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(source, 1, 1, f"template not found: {error.name}")
    return Problem(source, 1, 1, f"template error: {error}", hint="check the workspace's templates/")


def build(
    workspace: Workspace,
    paths: Sequence[Path] = (),
    formats: Sequence[Format] | None = None,
    out: Path | None = None,
    on_result: Callable[[BriefResult], None] | None = None,
) -> BuildReport:
    started = time.perf_counter()
    config = workspace.config
    formats = list(formats or config.formats)
    out = out or workspace.root / config.out
    files, missing = discover(workspace, paths)
    loaded = [(BriefResult(p.file, problems=[p]), None) for p in missing] + load_all(workspace, files)
    templates = Templates(workspace.root)
    render_pdf = _pdf_renderer() if "pdf" in formats else None
    results = []
    for result, item in loaded:
        if item is not None:
            _render_one(result, item.brief, workspace, templates, formats, out, render_pdf)
        results.append(result)
        if on_result:
            on_result(result)
    return BuildReport(results, time.perf_counter() - started)


def _pdf_renderer() -> Callable[..., tuple[bytes, list[str]]] | Exception:
    """WeasyPrint is imported only now, and a broken install is reported per brief, not as a crash."""
    try:
        from briefgen.render.pdf import render_pdf
    except (ImportError, OSError) as error:
        return error
    return render_pdf


def _render_one(
    result: BriefResult,
    brief: Any,
    workspace: Workspace,
    templates: Templates,
    formats: list[Format],
    out: Path,
    render_pdf: Callable[..., tuple[bytes, list[str]]] | Exception | None,
) -> None:
    view = prepare(brief, workspace.config)
    for fmt in formats:
        try:
            if fmt == "html":
                data = render_html(templates, view)
            elif fmt == "md":
                data = render_markdown(templates, view)
            elif isinstance(render_pdf, Exception):
                hint = "run `briefgen doctor`; WeasyPrint needs Pango"
                result.problems.append(Problem(result.source, 1, 1, f"cannot make PDFs: {render_pdf}", hint=hint))
                continue
            else:
                assert render_pdf is not None
                data, warnings = render_pdf(templates, view, workspace.root)
                result.warnings.extend(f"{result.source}: pdf: {message}" for message in warnings)
        except jinja2.TemplateError as error:
            result.problems.append(_template_problem(result.source, error))
            return
        except Exception as error:
            result.problems.append(
                Problem(result.source, 1, 1, f"{fmt} rendering failed: {type(error).__name__}: {error}")
            )
            continue
        target = out / fmt / f"{brief.id}.{EXTENSIONS[fmt]}"
        try:
            write_atomic(target, data)
        except OSError as error:
            hint = "check that the output folder is writable and the disk not full"
            result.problems.append(
                Problem(result.source, 1, 1, f"cannot write {target}: {error.strerror or error}", hint=hint)
            )
            continue
        result.written.append(target)
