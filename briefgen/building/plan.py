"""Plan: which briefs are stale. A brief is rebuilt only when its file, a workspace file it
references, the templates and CSS (and templates/reference.docx), the config or the versions of
briefgen, WeasyPrint and python-docx changed since the manifest was written. Unchanged briefs are
recognised from `stat` alone, without reading YAML."""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from briefgen import __version__
from briefgen.building import worker
from briefgen.building.manifest import Entry, FileState, Manifest
from briefgen.config import Format, Workspace
from briefgen.figures import figure_locations
from briefgen.lineage import Lineage
from briefgen.loading import Ids, LoadedBrief, read_one, real_prefix
from briefgen.model import Brief, Handling
from briefgen.outcome import Outcome
from briefgen.problems import Problem, display_path
from briefgen.releases import release
from briefgen.templates import Templates


def fingerprint(workspace: Workspace, templates: Templates, level: Handling | None = None) -> str:
    """What every output shares: templates and CSS in use, the settings that shape output, versions,
    and the release level (None: the full version)."""
    settings = workspace.config.model_dump_json(
        exclude={"briefs", "out", "formats", "pdf_timeout", "releases", "scheduler"}
    )
    parts = [templates.fingerprint(), settings, __version__]
    for renderer in ("weasyprint", "python-docx"):  # a new version may lay out the same brief differently
        try:
            parts.append(metadata.version(renderer))
        except metadata.PackageNotFoundError:
            parts.append("absent")
    parts.append(level.value if level else "full")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


ASSET_PREFIX = "md-asset:"
"""Manifest outputs named so are a Markdown page's figure copies (`md/assets/<id>/<name>`)."""


def references(workspace: Workspace, item: LoadedBrief | Brief) -> dict[str, FileState]:
    """Workspace files the brief points at (source copies, figures); only those inside the workspace
    count (or are ever read). A release's are its cut brief's: its manifest names no withheld file."""
    root = workspace.root.resolve()
    brief = item if isinstance(item, Brief) else item.brief
    deps: dict[str, FileState] = {}
    files = [source.file for source in brief.sources if source.file]
    files += [figure.file for _, figure in figure_locations(brief)]
    for file in files:
        try:
            path = (root / file).resolve()
            if path.is_relative_to(root) and path.is_file():
                deps[path.relative_to(root).as_posix()] = FileState.of(path)
        except (
            OSError,
            ValueError,
            RuntimeError,
        ):  # unreadable, unnameable, a symlink loop: not a dependency
            continue
    return deps


def add_files(deps: dict[str, FileState], root: Path, names: set[str]) -> None:
    """Workspace files as dependencies; one that is gone is left out, so the key changes and the brief is
    rebuilt."""
    for name in sorted(names):
        with contextlib.suppress(OSError):
            deps[name] = FileState.of(root / name)


def unchanged(entry: Entry, path: str | Path, root: str | Path) -> Entry | None:
    """The entry with refreshed stats when neither the brief nor its references changed, else None."""
    brief = entry.brief.still_matches(path)
    if brief is None:
        return None
    deps: dict[str, FileState] = {}
    for name, state in entry.deps.items():
        current = state.still_matches(os.path.join(root, name))
        if current is None:
            return None
        deps[name] = current
    return Entry(entry.id, brief, deps, dict(entry.outputs))


@dataclass
class Plan:
    tasks: list[tuple[worker.Task, Entry, str]] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    skipped: int = 0
    seen: set[str] = field(default_factory=set)
    left_out: list[str] = field(default_factory=list)
    """Briefs (their sources) that have no BLUF at the release's level: not part of that release."""


def stale_formats(entry: Entry, formats: list[Format], out: Path, key: str) -> list[Format]:
    stale: list[Format] = []
    for fmt in formats:
        # os.path on strings, not pathlib: with 10,000 briefs a no-op build is mostly these checks
        relative = worker.output_name(fmt, entry.id)
        current = entry.outputs.get(fmt) == (relative, key) and os.path.isfile(os.path.join(out, relative))
        # a figure copy deleted by hand: the page would show a broken image
        copies = fmt != "md" or all(
            os.path.isfile(os.path.join(out, relative))
            for name, (relative, _) in entry.outputs.items()
            if name.startswith(ASSET_PREFIX)
        )
        if not (current and copies):
            stale.append(fmt)
    return stale


def make_plan(
    workspace: Workspace,
    files: list[Path],
    manifest: Manifest,
    formats: list[Format],
    out: Path,
    print_: str,
    force: bool,
    level: Handling | None = None,
) -> Plan:
    """`level`: plan the release for that level (each brief cut by `release` before a worker sees it)."""
    plan = Plan()
    ids = Ids()
    root = workspace.root
    real_root = real_prefix(root)
    lineage = Lineage(workspace)
    for path in files:
        # `discover` gives real paths: naming them needs no `resolve` each (two realpaths a brief),
        # and string tests, not pathlib's, name 10,000 of them in a fraction of the time
        text = str(path)
        inside = text.startswith(real_root)
        source = text[len(real_root) :].replace(os.sep, "/") if inside else display_path(path, root)
        plan.seen.add(source)
        known = manifest.entries.get(source)  # even with --force: its outputs' names, to replace or remove
        fresh = unchanged(known, text, root) if known and not force else None
        up_to_date = fresh is not None and not stale_formats(fresh, formats, out, fresh.key(print_))
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
        brief = item.brief
        if level is not None:
            cut = release(brief, level, workspace.config.handling)
            if cut is None:
                plan.left_out.append(source)
                continue
            brief = cut
        old_outputs = dict(known.outputs) if known else {}
        deps = references(workspace, brief)
        previous = lineage.predecessor(item.brief.supersedes).loaded if item.brief.supersedes else None
        earlier = previous.brief if previous else None
        if earlier is not None and level is not None:  # its "Changes since" section is at the level too
            earlier = release(earlier, level, workspace.config.handling)
        if item.brief.supersedes:  # its "Changes since" section is made from the superseded brief
            found = lineage.paths.get(item.brief.supersedes)
            if found is not None:
                add_files(deps, root, {display_path(found, root)})
        if known:  # the files its last PDF loaded (a template's logo) are inputs still
            withheld = set(references(workspace, item)) - set(deps) if level is not None else set()
            add_files(deps, root, set(known.deps) - set(deps) - withheld)
        entry = Entry(item.brief.id, state, deps, old_outputs)
        stale = formats if force else stale_formats(entry, formats, out, entry.key(print_))
        if not stale:
            manifest.entries[source] = entry
            plan.skipped += 1
            continue
        task = worker.Task(source, brief, stale, out, earlier, print_)
        plan.tasks.append((task, entry, entry.key(print_)))
    return plan
