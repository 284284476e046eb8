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
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.building.execute import Executor, LocalPool
from briefgen.building.manifest import Entry, Manifest
from briefgen.building.plan import ASSET_PREFIX, add_files, fingerprint, make_plan
from briefgen.building.worker import asset_folder
from briefgen.config import FORMATS, Format, Workspace
from briefgen.errors import unplaced
from briefgen.loading import discover, unfound
from briefgen.model import Handling
from briefgen.outcome import Outcome, failed
from briefgen.problems import Problem
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
        return failed(self.results)

    @property
    def files(self) -> int:
        return sum(len(r.written) for r in self.results)


def _prune(
    manifest: Manifest, gone: set[str], out: Path, report: BuildReport, why: str = "its brief is gone"
) -> None:
    """Outputs of briefs that no longer exist (or are no longer in this release): delete them (only
    files the manifest says we wrote).

    One that cannot be deleted (a read-only folder) stays in the manifest, so a later build retries.
    """
    for source in sorted(gone & set(manifest.entries)):
        entry = manifest.entries.pop(source)
        for fmt, (relative, _) in list(entry.outputs.items()):
            try:
                if (out / relative).is_file():
                    (out / relative).unlink()
                    report.notes.append(f"removed {relative} ({why})")
                del entry.outputs[fmt]
            except OSError as error:
                message = f"could not remove {relative} ({why}): {error.strerror or error}"
                report.warnings.append(unplaced(message, severity="warning"))
        if entry.outputs:
            manifest.entries[source] = entry
        with contextlib.suppress(OSError):  # its figures' folder, once empty
            asset_folder(out, entry.id).rmdir()


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
        add_files(entry.deps, root, new)
        key = entry.key(print_)
    for fmt, path in outcome.written.items():
        relative = path.relative_to(out).as_posix()
        previous = entry.outputs.get(fmt)
        if previous and previous[0] != relative:  # the brief's id changed: its old page goes
            (out / previous[0]).unlink(missing_ok=True)
        entry.outputs[fmt] = (relative, key)
    if "md" in outcome.written:  # the page's figure copies: those it no longer shows go
        for name, (relative, _) in list(entry.outputs.items()):
            if name.startswith(ASSET_PREFIX) and name[len(ASSET_PREFIX) :] not in outcome.assets:
                (out / relative).unlink(missing_ok=True)
                del entry.outputs[name]
        for name, path in outcome.assets.items():
            entry.outputs[ASSET_PREFIX + name] = (path.relative_to(out).as_posix(), key)
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
    release: Handling | None = None,
    executor: Executor | None = None,
) -> BuildReport:
    """Build the workspace (or PATHS); `on_start(to_build, up_to_date)` and `on_result` report progress.

    `release`: build the version for that level instead, into `<out>/<level-slug>/` with its own
    manifest (so it is incremental on its own); each brief is cut by `releases.release` in the plan,
    before any worker sees it, and a brief without a BLUF at the level is one note line.

    `executor`: where renders run (a `LocalPool` or a Dask `Cluster` the caller keeps across builds);
    by default a local pool for this build only."""
    started = time.perf_counter()
    config = workspace.config
    chosen: list[Format] = list(formats or config.formats)
    out = (out or workspace.root / config.out).absolute()
    if release is not None:
        out = out / release.slug
    files, missing = discover(workspace, paths)
    manifest, note = Manifest.load(out)
    report = BuildReport([], 0.0)
    if note:
        report.warnings.append(unplaced(note, severity="warning"))
    _clean_temporaries(out)
    templates = Templates(workspace.root)
    print_ = fingerprint(workspace, templates, release)
    plan = make_plan(workspace, files, manifest, chosen, out, print_, force, release)
    if not paths:
        _prune(manifest, set(manifest.entries) - plan.seen, out, report)
    if release is not None:
        for source in plan.left_out:
            report.notes.append(f"{source}: not in the {release.value} release (no BLUF at that level)")
        _prune(manifest, set(plan.left_out), out, report, f"not in the {release.value} release")
    report.skipped = plan.skipped
    if on_start:
        on_start(len(plan.tasks), plan.skipped)

    def finish(result: Outcome) -> None:
        report.results.append(result)
        if on_result:
            on_result(result)

    for outcome in unfound(missing):
        finish(outcome)
    for result in plan.failed:
        finish(result)
    own = executor is None
    runner: Executor = LocalPool(jobs) if executor is None else executor
    try:
        for (_, entry, key), outcome in runner.run(workspace, plan.tasks):
            _record(manifest, entry, key, outcome, out, workspace.root, print_)
            finish(outcome)
    finally:
        if own:
            runner.close()
        if manifest.entries or manifest.path.exists():
            try:
                manifest.save()
            except OSError as error:
                reason = error.strerror or error
                message = f"cannot save the build manifest ({reason}); the next build redoes everything"
                report.warnings.append(unplaced(message, severity="warning"))
    report.seconds = time.perf_counter() - started
    return report
