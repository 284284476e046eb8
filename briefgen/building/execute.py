"""Execute: render the planned tasks, in-process without PDFs, in a process pool with them.

PDFs are made in a process pool (WeasyPrint is neither thread-safe nor fast under threads) whose
workers set up WeasyPrint once; each brief runs under a time limit, and a worker that hangs or dies
costs that brief only. Builds without PDF run in-process and never import WeasyPrint."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, as_completed
from typing import Any, TypeVar

from briefgen.building import worker
from briefgen.building.manifest import Entry
from briefgen.config import Workspace
from briefgen.limits import TimeLimitExceeded, time_limit
from briefgen.outcome import Outcome
from briefgen.problems import Problem

T = TypeVar("T")


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def execute(
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
                outcome = Outcome(item[0].source, problems=[too_slow(item[0].source, workspace)])
            yield item, outcome
        return
    from pebble import ProcessPool

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
            found = result_of(future, item[0].source, workspace)
            yield item, found if isinstance(found, Outcome) else Outcome(item[0].source, problems=[found])
    except BaseException:
        pool.stop()
        raise
    finally:
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
