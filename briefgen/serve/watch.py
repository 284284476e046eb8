"""Change detection: saves bump a counter (Changes) that open pages wait on through /events."""

from __future__ import annotations

import threading
from pathlib import Path

import watchfiles

from briefgen.config import CONFIG_NAME, find_workspace
from briefgen.errors import BriefError, ConfigError
from briefgen.figures import figure_locations
from briefgen.loading import BRIEF_SUFFIXES, discover, load_brief
from briefgen.problems import display_path
from briefgen.serve.log import Log, quiet
from briefgen.templates import builtin_templates

WATCH_TICK_MS = 300
"""How often the watcher wakes without changes: to notice new folders, config edits, and stopping."""


class Changes:
    """A counter of saves; /events streams wait on it and tell their page to reload when it moves."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.generation = 0
        self.closed = False

    def bump(self) -> None:
        with self._condition:
            self.generation += 1
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int | None:
        """The generation once it differs from `seen` (or after `timeout`); None when shutting down."""
        with self._condition:
            self._condition.wait_for(lambda: self.closed or self.generation != seen, timeout)
            return None if self.closed else self.generation


class Watcher:
    """Bumps `changes` when a brief, a figure, a template or stylesheet, or the config file is saved.

    Watches the briefs folder, the folders of the figures the briefs show, the workspace's templates/
    and the built-in templates (not the whole workspace, which may hold a virtualenv: a figure kept
    in the workspace's top folder is not watched). A folder that appears later, or a config edit, is
    noticed on the next tick; the figures are looked up again whenever a brief or the config changes.
    """

    def __init__(self, root: Path, changes: Changes, log: Log = quiet) -> None:
        self.root = root.resolve()
        self.changes = changes
        self.log = log
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._config = self._config_stamp()
        self._briefs = self._briefs_folder(fallback=self.root / "briefs")
        self._templates: tuple[Path, ...] = ()
        self._shown: dict[Path, frozenset[Path]] = {}
        """Per brief file, the figure files it shows: re-read for the briefs a save touches."""
        self._figures: frozenset[Path] = frozenset()
        self._litter = watchfiles.DefaultFilter()  # editor swap files, .git, __pycache__ ...

    def start(self, timeout: float = 10.0) -> None:
        """Start watching; returns once changes from now on will be seen."""
        self._thread = threading.Thread(target=self._run, name="briefgen-watch", daemon=True)
        self._thread.start()
        self._ready.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def folders(self) -> tuple[Path, ...]:
        """The folders to watch now: those of the briefs, the workspace's templates and the built-ins."""
        self._templates = tuple(
            p.resolve() for p in (self.root / "templates", builtin_templates()) if p.is_dir()
        )
        figures = {path.parent for path in self._figures if path.parent != self.root}
        existing = {p.resolve() for p in (self._briefs, *self._templates, *figures) if p.is_dir()}
        return tuple(
            sorted(
                p for p in existing if not any(p != other and p.is_relative_to(other) for other in existing)
            )
        )

    def _briefs_folder(self, fallback: Path) -> Path:
        try:
            return self.root / find_workspace(self.root).config.briefs
        except ConfigError:
            return fallback  # a broken config is shown on the pages; keep watching what we watched

    def _look_up_figures(self, briefs: list[Path] | None = None) -> None:
        """Which figure files the briefs show: all briefs (None), or those just saved or deleted."""
        if briefs is None:
            self._shown.clear()
            try:
                briefs, _ = discover(find_workspace(self.root))
            except ConfigError:
                briefs = []
        for brief in briefs:
            try:
                loaded = load_brief(brief)
            except (BriefError, OSError):  # deleted, or not loadable yet: no figures to watch
                self._shown.pop(brief.resolve(), None)
                continue
            paths = ((self.root / figure.file).resolve() for _, figure in figure_locations(loaded.brief))
            self._shown[brief.resolve()] = frozenset(path for path in paths if path.is_relative_to(self.root))
        self._figures = frozenset().union(*self._shown.values())

    def _config_stamp(self) -> tuple[tuple[int, int] | None, ...]:
        stamps = []
        for name in (CONFIG_NAME, "pyproject.toml"):
            try:
                stat = (self.root / name).stat()
                stamps.append((stat.st_mtime_ns, stat.st_size))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def _relevant(self, change: watchfiles.Change, path: str) -> bool:
        if not self._litter(change, path):
            return False
        return (
            path.endswith(BRIEF_SUFFIXES)
            or Path(path) in self._figures
            or any(Path(path).is_relative_to(folder) for folder in self._templates)
        )

    def _run(self) -> None:
        moved: list[str] = []  # what changed the watched folders: announced once the new watch is in place
        try:
            self._look_up_figures()
            while not self._stop.is_set():
                folders = self.folders()
                for batch in watchfiles.watch(
                    *folders,
                    watch_filter=self._relevant,
                    stop_event=self._stop,
                    step=50,
                    rust_timeout=WATCH_TICK_MS,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                ):
                    self._ready.set()
                    changed = sorted({path for _, path in batch}) + moved
                    moved = []
                    stamp = self._config_stamp()
                    saved = [Path(path) for path in changed if path.endswith(BRIEF_SUFFIXES)]
                    if stamp != self._config:
                        self._config, self._briefs = stamp, self._briefs_folder(fallback=self._briefs)
                        changed.append("the configuration")
                        self._look_up_figures()
                    elif saved:  # a saved brief may show another figure now
                        self._look_up_figures(saved)
                    if self.folders() != folders:
                        moved = [*changed, "the folders to watch"]
                        break  # watch the new set, then reload pages: a save in between is not lost
                    if changed:
                        self._report(changed)
        # inotify limits, a vanished folder: the preview still works, minus live reload
        except Exception as error:
            self.log(f"warning: live reload stopped: {type(error).__name__}: {error}")
        finally:
            self._ready.set()

    def _report(self, paths: list[str]) -> None:
        shown = [display_path(Path(path), self.root) for path in paths]
        self.log(f"changed {', '.join(shown)}: reloading open pages")
        self.changes.bump()
