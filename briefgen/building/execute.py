"""Execute: render the planned tasks, in-process without PDFs, in a process pool with them (or on a
Dask cluster: `distributed.Cluster`, the same interface).

PDFs are made in a process pool (WeasyPrint is neither thread-safe nor fast under threads) whose
workers set up WeasyPrint once; each brief runs under a time limit, and a worker that hangs or dies
costs that brief only. Builds without PDF run in-process and never import WeasyPrint."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, as_completed
from pathlib import Path
from typing import Any, Protocol, TypeVar

from briefgen.building import worker
from briefgen.building.manifest import Entry
from briefgen.config import Workspace
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.outcome import Outcome
from briefgen.problems import Problem

T = TypeVar("T")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


Item = tuple[worker.Task, Entry, str]
"""A planned render: the task, the manifest entry it will update, and the key its outputs get."""


class Executor(Protocol):
    """Where renders run: `LocalPool` on this machine, `distributed.Cluster` on a Dask cluster."""

    def run(self, workspace: Workspace, tasks: list[Item]) -> Iterator[tuple[Item, Outcome]]: ...

    def close(self) -> None: ...


class LocalPool:
    """In-process without PDFs; with them, a process pool kept for the next build of the same command
    (the release versions, each save of `build --watch`), so only the first build pays for starting
    workers and loading WeasyPrint."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs
        self._pool: Any = None
        self._size = 0
        self._for: tuple[Path, str] | None = None

    def run(self, workspace: Workspace, tasks: list[Item]) -> Iterator[tuple[Item, Outcome]]:
        """Outcomes in completion order."""
        if not tasks:
            return
        timeout = workspace.config.pdf_timeout
        if not any("pdf" in task.formats for task, _, _ in tasks):
            worker.init(workspace.root, workspace.config, with_pdf=False)
            for item in tasks:
                try:
                    with time_limit(timeout):
                        outcome = worker.render(item[0])
                except TimeLimitExceeded:
                    outcome = Outcome(item[0].source, problems=[too_slow(item[0].source, workspace)])
                yield item, outcome
            return
        pool = self._pool_for(workspace, len(tasks))
        try:
            futures: dict[Future[Any], Item] = {
                pool.schedule(worker.render, (item[0],), timeout=timeout): item for item in tasks
            }
            for future in as_completed(futures):
                item = futures[future]
                found = result_of(future, item[0].source, workspace)
                yield item, found if isinstance(found, Outcome) else Outcome(item[0].source, problems=[found])
        except BaseException:
            self._stop()
            raise

    def _pool_for(self, workspace: Workspace, count: int) -> Any:
        from pebble import ProcessPool

        wanted = max(1, min(self.jobs or default_jobs(), count))
        key = (workspace.root, workspace.config.model_dump_json())
        if self._pool is not None and (key != self._for or wanted > self._size or not self._pool.active):
            self.close()
        if self._pool is None:
            self._pool = ProcessPool(
                max_workers=wanted, initializer=worker.init, initargs=(workspace.root, workspace.config, True)
            )
            self._size, self._for = wanted, key
        return self._pool

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close()
            pool.join()


def result_of(future: Future[T], source: str, workspace: Workspace) -> T | Problem:
    """A pool task's result, or the problem line of a brief over the time limit, a worker that died or
    any other failure: one brief's trouble never ends the build (or the preview)."""
    from pebble import ProcessExpired

    try:
        return future.result()
    except TimeoutError:
        return too_slow(source, workspace)
    except ProcessExpired as error:
        return Problem(source, 1, 1, f"the rendering process died (exit code {error.exitcode})")
    except Exception as error:
        return failed(source, error)


def too_slow(source: str, workspace: Workspace) -> Problem:
    message = f"rendering took longer than {workspace.config.pdf_timeout:g} s and was stopped"
    hint = f"raise pdf_timeout in {workspace.config_name}, or look for what makes this brief so slow"
    return Problem(source, 1, 1, message, hint=hint)


def failed(source: str, error: Exception) -> Problem:
    return Problem(source, 1, 1, f"rendering failed: {type(error).__name__}: {error}")
