"""The preview's renderer: the build's worker (`worker.render_bytes`) in a warm process pool.

Every page, HTML and PDF alike, is rendered in a worker process, under the workspace's
`pdf_timeout`: a brief that takes minutes to lay out costs its own page only (a timed-out worker is
killed and replaced), and the request threads never share WeasyPrint, which is not thread-safe.
Workers set up WeasyPrint once, at start; each task then brings the workspace's current config and
has the worker read the templates afresh, so a save counts at once without restarting a worker.
The pool starts before the server's own threads (watcher, HTTP), so its first workers are forked
from a process that runs none of them.
"""

from __future__ import annotations

import os
from pathlib import Path

from pebble import ProcessPool

from briefgen.building import worker
from briefgen.building.execute import default_jobs, failed, result_of
from briefgen.config import Config, Format, Workspace
from briefgen.lineage import Lineage
from briefgen.model import Brief, Handling
from briefgen.releases import release

MAX_WORKERS = 4
"""Enough for a few open previews at once; each idle worker holds a WeasyPrint in memory."""


def render_current(
    config: Config, source: str, brief: Brief, fmt: Format, previous: Brief | None
) -> worker.Rendering:
    """In a pool worker: the brief rendered with the workspace's config and templates as they are now."""
    worker.reconfigure(config)
    return worker.render_bytes(source, brief, fmt, previous)


class Renderer:
    """A pool of at least two workers, so that one slow brief leaves another to the other previews."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pool: ProcessPool | None = None

    def start(self) -> None:
        """Start the workers now (they take seconds: WeasyPrint), not on the first request."""
        self._pool = ProcessPool(
            max_workers=max(2, min(default_jobs(), MAX_WORKERS)),
            initializer=worker.init,
            initargs=(self.root, Config(), True),  # each task brings the workspace's current config
        )
        self._pool.schedule(os.getpid)  # a first task starts the pool, and the pool all its workers

    def render(
        self, workspace: Workspace, source: str, brief: Brief, fmt: Format, level: Handling | None = None
    ) -> worker.Rendering:
        """One format of one brief; a brief over the time limit, or a worker that died, is a problem.
        `level`: `brief` is that release, so the brief it supersedes is cut to it too."""
        assert self._pool is not None, "Renderer.start() first"
        config = workspace.config
        # read afresh on every render, as the brief is: a saved predecessor counts at once
        found_previous = Lineage(workspace).predecessor(brief.supersedes) if brief.supersedes else None
        previous = found_previous.loaded.brief if found_previous and found_previous.loaded else None
        if previous is not None and level is not None:
            previous = release(previous, level, config.handling)
        try:
            task = (config, source, brief, fmt, previous)
            future = self._pool.schedule(render_current, task, timeout=config.pdf_timeout)
        except Exception as error:  # a broken pool: this page only
            return worker.Rendering(None, [failed(source, error)])
        found = result_of(future, source, workspace)
        return found if isinstance(found, worker.Rendering) else worker.Rendering(None, [found])

    def close(self) -> None:
        """Stop the workers, renders in progress included (the server is going away)."""
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None
