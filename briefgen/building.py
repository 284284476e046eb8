"""The build, as a plain sequence: find briefs → plan what is stale → render in a pool → record.

- *Plan* (main process): a brief is rebuilt only when its file, a workspace file it references,
  the templates and CSS, the config or the versions of briefgen and WeasyPrint changed since the
  manifest was written. Unchanged briefs are recognised from `stat` alone, without reading YAML.
- *Render*: PDFs are made in a process pool (WeasyPrint is neither thread-safe nor fast under
  threads) whose workers set up WeasyPrint once; each brief runs under a time limit, and a worker
  that hangs or dies costs that brief only. Builds without PDF run in-process and never import
  WeasyPrint.
- *Record*: every output is written atomically by the worker; the manifest is saved at the end, and
  also when the build is interrupted, so the next build finishes the job.

A bad brief never stops the others: its problems are collected in its result and the build goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from briefgen import __version__, worker
from briefgen.config import FORMATS, Format, Workspace
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.loading import Ids, LoadedBrief, discover, read_one
from briefgen.manifest import Entry, FileState, Manifest
from briefgen.outcome import Outcome
from briefgen.problems import Problem, display_path
from briefgen.templates import Templates


@dataclass
class BuildReport:
    results: list[Outcome]
    seconds: float
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    """What the build did besides building: outputs of deleted briefs removed."""
    warnings: list[Problem] = field(default_factory=list)
    """What the user should know: a damaged manifest, an output that could not be removed or saved."""

    @property
    def built(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.ok)

    @property
    def files(self) -> int:
        return sum(len(r.written) for r in self.results)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fingerprint(workspace: Workspace, templates: Templates) -> str:
    """What every output shares: templates and CSS in use, the settings that shape output, versions."""
    settings = workspace.config.model_dump_json(exclude={"briefs", "out", "formats", "pdf_timeout"})
    try:
        weasyprint = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        weasyprint = "absent"
    parts = [templates.fingerprint(), settings, __version__, weasyprint]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _references(workspace: Workspace, item: LoadedBrief) -> dict[str, FileState]:
    """Workspace files the brief points at; only those inside the workspace count (or are ever read)."""
    root = workspace.root.resolve()
    deps: dict[str, FileState] = {}
    for source in item.brief.sources:
        if not source.file:
            continue
        try:
            path = (root / source.file).resolve()
            if path.is_relative_to(root) and path.is_file():
                deps[path.relative_to(root).as_posix()] = FileState.of(path)
        except (
            OSError,
            ValueError,
            RuntimeError,
        ):  # unreadable, unnameable, a symlink loop: not a dependency
            continue
    return deps


def _add_files(deps: dict[str, FileState], root: Path, names: set[str]) -> None:
    """Workspace files as dependencies; one that is gone is left out, so the key changes and the brief is rebuilt."""
    for name in sorted(names):
        with contextlib.suppress(OSError):
            deps[name] = FileState.of(root / name)


def _unchanged(entry: Entry, path: Path, root: Path) -> Entry | None:
    """The entry with refreshed stats when neither the brief nor its references changed, else None."""
    brief = entry.brief.still_matches(path)
    if brief is None:
        return None
    deps: dict[str, FileState] = {}
    for name, state in entry.deps.items():
        current = state.still_matches(root / name)
        if current is None:
            return None
        deps[name] = current
    return Entry(entry.id, brief, deps, dict(entry.outputs))


@dataclass
class _Plan:
    tasks: list[tuple[worker.Task, Entry, str]] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    skipped: int = 0
    seen: set[str] = field(default_factory=set)


def _stale(entry: Entry, formats: list[Format], out: Path, key: str) -> list[Format]:
    stale: list[Format] = []
    for fmt in formats:
        target = worker.output_path(out, fmt, entry.id)
        if entry.outputs.get(fmt) != (target.relative_to(out).as_posix(), key) or not target.is_file():
            stale.append(fmt)
    return stale


def _plan(
    workspace: Workspace,
    files: list[Path],
    manifest: Manifest,
    formats: list[Format],
    out: Path,
    print_: str,
    force: bool,
) -> _Plan:
    plan = _Plan()
    ids = Ids()
    root = workspace.root
    for path in files:
        source = display_path(path, root)
        plan.seen.add(source)
        known = manifest.entries.get(source)  # even with --force: its outputs' names, to replace or remove
        fresh = _unchanged(known, path, root) if known and not force else None
        up_to_date = fresh is not None and not _stale(fresh, formats, out, fresh.key(print_))
        if fresh is not None and up_to_date and ids.claim(fresh.id, source) is None:
            manifest.entries[source] = fresh
            plan.skipped += 1
            continue
        result, item = read_one(workspace, path, ids)
        if item is None:
            plan.failed.append(result)
            continue
        assert item.brief.id is not None
        try:
            state = FileState.of(path)
        except OSError as error:
            result.problems.append(Problem(source, 1, 1, f"cannot read file: {error}"))
            plan.failed.append(result)
            continue
        old_outputs = dict(known.outputs) if known else {}
        deps = _references(workspace, item)
        if known:  # the files its last PDF loaded (a template's logo) are inputs still
            _add_files(deps, root, set(known.deps) - set(deps))
        entry = Entry(item.brief.id, state, deps, old_outputs)
        stale = formats if force else _stale(entry, formats, out, entry.key(print_))
        if not stale:
            manifest.entries[source] = entry
            plan.skipped += 1
            continue
        plan.tasks.append((worker.Task(source, item.brief, stale, out), entry, entry.key(print_)))
    return plan


def _prune(manifest: Manifest, seen: set[str], out: Path, report: BuildReport) -> None:
    """Outputs of briefs that no longer exist: delete them (only files the manifest says we wrote).

    One that cannot be deleted (a read-only folder) stays in the manifest, so a later build retries.
    """
    for source in sorted(set(manifest.entries) - seen):
        entry = manifest.entries.pop(source)
        for fmt, (relative, _) in list(entry.outputs.items()):
            try:
                if (out / relative).is_file():
                    (out / relative).unlink()
                    report.notes.append(f"removed {relative} (its brief is gone)")
                del entry.outputs[fmt]
            except OSError as error:
                message = f"could not remove {relative} (its brief is gone): {error.strerror or error}"
                report.warnings.append(Problem("", 1, 1, message, severity="warning"))
        if entry.outputs:
            manifest.entries[source] = entry


def _clean_temporaries(out: Path) -> None:
    """Temporary files left by a build that was killed mid-write (`.name.random.tmp`)."""
    for fmt in FORMATS:
        for leftover in (out / fmt).glob(".*.tmp"):
            with contextlib.suppress(OSError):  # a read-only folder: writing fails too, and says so per brief
                leftover.unlink(missing_ok=True)


def _record(
    manifest: Manifest, entry: Entry, key: str, outcome: Outcome, out: Path, root: Path, print_: str
) -> None:
    new = outcome.fetched - set(entry.deps)  # an image or font a template loads: an input too
    if new:
        _add_files(entry.deps, root, new)
        key = entry.key(print_)
    for fmt, path in outcome.written.items():
        relative = path.relative_to(out).as_posix()
        previous = entry.outputs.get(fmt)
        if previous and previous[0] != relative:  # the brief's id changed: its old page goes
            (out / previous[0]).unlink(missing_ok=True)
        entry.outputs[fmt] = (relative, key)
    manifest.entries[outcome.source] = entry


def build(
    workspace: Workspace,
    paths: Sequence[Path] = (),
    formats: Sequence[Format] | None = None,
    out: Path | None = None,
    *,
    force: bool = False,
    jobs: int | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[Outcome], None] | None = None,
) -> BuildReport:
    """Build the workspace (or PATHS); `on_start(to_build, up_to_date)` and `on_result` report progress."""
    started = time.perf_counter()
    config = workspace.config
    chosen: list[Format] = list(formats or config.formats)
    out = (out or workspace.root / config.out).absolute()
    files, missing = discover(workspace, paths)
    manifest, note = Manifest.load(out)
    report = BuildReport([], 0.0)
    if note:
        report.warnings.append(Problem("", 1, 1, note, severity="warning"))
    _clean_temporaries(out)
    templates = Templates(workspace.root)
    print_ = fingerprint(workspace, templates)
    plan = _plan(workspace, files, manifest, chosen, out, print_, force)
    if not paths:
        _prune(manifest, plan.seen, out, report)
    report.skipped = plan.skipped
    if on_start:
        on_start(len(plan.tasks), plan.skipped)

    def finish(result: Outcome) -> None:
        report.results.append(result)
        if on_result:
            on_result(result)

    for problem in missing:
        finish(Outcome(problem.file, problems=[problem]))
    for result in plan.failed:
        finish(result)
    try:
        for (_, entry, key), outcome in _execute(workspace, plan.tasks, jobs):
            _record(manifest, entry, key, outcome, out, workspace.root, print_)
            outcome.id = entry.id
            finish(outcome)
    finally:
        if manifest.entries or manifest.path.exists():
            try:
                manifest.save()
            except OSError as error:
                message = f"cannot save the build manifest ({error.strerror or error}); the next build redoes everything"
                report.warnings.append(Problem("", 1, 1, message, severity="warning"))
    report.seconds = time.perf_counter() - started
    return report


def _execute(
    workspace: Workspace, tasks: list[tuple[worker.Task, Entry, str]], jobs: int | None
) -> Iterator[tuple[tuple[worker.Task, Entry, str], Outcome]]:
    """Outcomes in completion order: in-process without PDFs, in a process pool with them."""
    if not tasks:
        return
    timeout = workspace.config.pdf_timeout
    with_pdf = any("pdf" in task.formats for task, _, _ in tasks)
    if not with_pdf:
        worker.init(workspace.root, workspace.config, with_pdf=False)
        for item in tasks:
            try:
                with time_limit(timeout):
                    outcome = worker.render(item[0])
            except TimeLimitExceeded:
                outcome = Outcome(item[0].source, problems=[_too_slow(item[0].source, timeout)])
            yield item, outcome
        return
    from pebble import ProcessExpired, ProcessPool

    workers = max(1, min(jobs or default_jobs(), len(tasks)))
    pool = ProcessPool(
        max_workers=workers, initializer=worker.init, initargs=(workspace.root, workspace.config, True)
    )
    try:
        futures: dict[Future[Any], tuple[worker.Task, Entry, str]] = {
            pool.schedule(worker.render, (item[0],), timeout=timeout): item for item in tasks
        }
        for future in as_completed(futures):
            item = futures[future]
            try:
                outcome = future.result()
            except TimeoutError:
                outcome = Outcome(item[0].source, problems=[_too_slow(item[0].source, timeout)])
            except ProcessExpired as error:
                message = f"the rendering process died (exit code {error.exitcode})"
                outcome = Outcome(item[0].source, problems=[Problem(item[0].source, 1, 1, message)])
            except Exception as error:  # one brief's failure must not end the build
                message = f"rendering failed: {type(error).__name__}: {error}"
                outcome = Outcome(item[0].source, problems=[Problem(item[0].source, 1, 1, message)])
            yield item, outcome
    except BaseException:
        pool.stop()
        raise
    finally:
        pool.close()
        pool.join()


def _too_slow(source: str, timeout: float) -> Problem:
    message = f"rendering took longer than {timeout:g} s and was stopped"
    hint = "raise pdf_timeout in briefgen.toml, or look for what makes this brief so slow"
    return Problem(source, 1, 1, message, hint=hint)
