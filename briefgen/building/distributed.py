"""Execute on a Dask cluster: the same render tasks as the local pool, sent to `dask worker`s.

Workers need only briefgen installed. Each task carries what its render needs: the prepared brief,
the config, and the bytes of the workspace files it may load (the workspace's templates/ once per
build, scattered to every worker; the brief's figures and the files its last render fetched, with the
task). A worker lays those bytes out as a private workspace and renders there, so its restricted
fetcher can serve nothing else. The rendered bytes come back to the client, which writes them
atomically and records the manifest exactly as a local build does: a worker killed mid-build costs
a retry of its tasks (Dask reschedules them), never a partial file.

`dask` and `distributed` are imported only here, only when a scheduler is given (the optional
`distributed` extra).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.building import worker
from briefgen.building.execute import Item, failed, too_slow
from briefgen.config import Config, Workspace
from briefgen.errors import ConfigError, unplaced
from briefgen.figures import figure_locations
from briefgen.limits import TimeLimitExceeded, thread_time_limit
from briefgen.outcome import Outcome
from briefgen.problems import Problem

TOO_SLOW = "too slow"
"""What a worker returns for a render stopped at `pdf_timeout` (the client words the problem)."""
CONNECT_TIMEOUT = 5.0
"""Seconds to reach the scheduler before the build gives up (exit 2, nothing built)."""


@dataclass(frozen=True)
class Bundle:
    """Workspace files by workspace-relative name, and a digest naming that set."""

    files: dict[str, bytes]
    digest: str

    @classmethod
    def of(cls, files: dict[str, bytes]) -> Bundle:
        hashed = hashlib.sha256()
        for name in sorted(files):
            hashed.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
        return cls(files, hashed.hexdigest())


def versions() -> tuple[str, str]:
    """briefgen's and WeasyPrint's versions, as the process that runs this has them."""
    try:
        weasyprint = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        weasyprint = "absent"
    return __version__, weasyprint


class Cluster:
    """A connection to a Dask scheduler, checked before anything is built; reused by every build of
    one command (the release versions, each save of a watch)."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ConfigError(
                [
                    unplaced(
                        "--scheduler needs the dask and distributed packages",
                        hint="pip install 'briefgen[distributed]' (or leave out --scheduler / `scheduler`)",
                    )
                ]
            ) from None
        from distributed.comm import parse_address
        from distributed.comm.addressing import parse_host_port

        try:  # a malformed address, before a client exists: a half-made one complains as it is freed
            parse_host_port(parse_address(address)[1])
        except ValueError as error:
            raise ConfigError(
                [
                    unplaced(
                        f"--scheduler {address}: {error}", hint="give it as tcp://HOST:PORT (8786 by default)"
                    )
                ]
            ) from None
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ConfigError(
                [
                    unplaced(
                        f"cannot reach the Dask scheduler at {address}: {type(error).__name__}: {error}",
                        hint="start it with `dask scheduler` (and workers with `dask worker ADDRESS`)",
                    )
                ]
            ) from None
        self.address = address
        self.check_workers()

    def check_workers(self) -> None:
        """Every worker runs the client's briefgen and WeasyPrint, else nothing is built: another version
        would lay the same brief out differently, and its outputs would pass for this one's."""
        ours = versions()
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT * 6)
        except TimeoutError:
            self.close()
            raise ConfigError(
                [
                    unplaced(
                        f"the Dask scheduler at {self.address} has no workers",
                        hint="start some with `dask worker ADDRESS --nthreads 1`",
                    )
                ]
            ) from None
        theirs: dict[str, Any] = self.client.run(versions)
        for address, found in sorted(theirs.items()):
            found = tuple(found)
            if found != ours:
                self.close()
                raise ConfigError(
                    [
                        unplaced(
                            f"Dask worker {address} runs briefgen {found[0]} with WeasyPrint {found[1]}; "
                            f"this briefgen is {ours[0]} with WeasyPrint {ours[1]}",
                            hint="install the same versions on every worker, or stop that worker",
                        )
                    ]
                )

    def run(self, workspace: Workspace, tasks: list[Item]) -> Iterator[tuple[Item, Outcome]]:
        """Outcomes in completion order; outputs written here, by the client."""
        if not tasks:
            return
        from distributed import as_completed

        # A task that holds the templates rather than scattered data: if the worker keeping them dies,
        # the scheduler makes them again from this task instead of cancelling every render.
        bundle = templates_bundle(workspace.root)
        base = self.client.submit(_same, bundle, key=f"briefgen-templates-{bundle.digest}", pure=True)
        ours = versions()
        futures = {}
        for item in tasks:
            task = item[0]
            extras = Bundle.of(task_files(workspace, item))
            future = self.client.submit(
                render_remote, base, extras, workspace.config, task, ours, pure=False, retries=1
            )
            futures[future] = item
        try:
            for future in as_completed(list(futures), loop=self.client.loop):
                item = futures.pop(future)
                yield item, self._outcome(future, item, workspace)
        except BaseException:
            self.client.cancel(list(futures))
            raise

    def _outcome(self, future: Any, item: Item, workspace: Workspace) -> Outcome:
        task = item[0]
        try:
            found = future.result()
        except Exception as error:  # KilledWorker after every retry, a worker-side failure
            return Outcome(task.source, problems=[failed(task.source, error)])
        if isinstance(found, Problem):
            return Outcome(task.source, problems=[found])
        if found == TOO_SLOW:
            return Outcome(task.source, problems=[too_slow(task.source, workspace)])
        return worker.write(found, task, workspace.root)

    def close(self) -> None:
        self.client.close()


def templates_bundle(root: Path) -> Bundle:
    """The workspace's templates/ folder (templates, CSS, reference.docx, logos and fonts beside them)."""
    folder = root / "templates"
    files: dict[str, bytes] = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            resolved = path.resolve()
            if path.is_file() and resolved.is_relative_to(root.resolve()):
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return Bundle.of(files)


def task_files(workspace: Workspace, item: Item) -> dict[str, bytes]:
    """What one brief's render may load besides the templates: its figures and the files its last
    render fetched (the manifest's dependencies), never the articles it cites."""
    task, entry, _ = item
    root = workspace.root.resolve()
    cited = {source.file for source in task.brief.sources if source.file}
    names = {figure.file for _, figure in figure_locations(task.brief)}
    names |= {name for name in entry.deps if name not in cited and not name.endswith((".yaml", ".yml"))}
    files: dict[str, bytes] = {}
    for name in sorted(names):
        path = (root / name).resolve()
        if path.is_relative_to(root) and path.is_file():
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def _same(bundle: Bundle) -> Bundle:
    return bundle


_lock = threading.Lock()
"""One render at a time per worker process: WeasyPrint is not thread-safe (run `--nthreads 1`)."""
_homes: dict[str, Path] = {}


def render_remote(
    base: Bundle, extras: Bundle, config: Config, task: worker.Task, client_versions: tuple[str, str]
) -> worker.Produced | Problem | str:
    """On a Dask worker: lay the bundles out as a private workspace, render there, return the bytes."""
    ours = versions()
    if tuple(client_versions) != ours:
        message = (
            f"this Dask worker runs briefgen {ours[0]} with WeasyPrint {ours[1]}; "
            f"the client is briefgen {client_versions[0]} with WeasyPrint {client_versions[1]}"
        )
        return Problem(task.source, 1, 1, message, hint="install the same versions on every worker")
    with _lock:
        home = _home(base)
        written = _lay_out(home, extras)
        try:
            worker.ensure(home, config, with_pdf="pdf" in task.formats)
            with thread_time_limit(config.pdf_timeout):
                return worker.produce(task)
        except TimeLimitExceeded:
            return TOO_SLOW
        finally:
            for path in written:
                path.unlink(missing_ok=True)


def _home(base: Bundle) -> Path:
    """The worker's workspace for one set of templates, made once and reused by every task using it."""
    home = _homes.get(base.digest)
    if home is None or not home.is_dir():
        home = Path(tempfile.mkdtemp(prefix="briefgen-"))
        for name, data in base.files.items():
            target = home / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for stale in _homes.values():
            shutil.rmtree(stale, ignore_errors=True)
        _homes.clear()
        _homes[base.digest] = home
    return home


def _lay_out(home: Path, extras: Bundle) -> list[Path]:
    written = []
    for name, data in extras.files.items():
        target = home / name
        if not target.resolve().is_relative_to(home.resolve()):
            continue  # names come from the client's own plan, but a worker trusts no path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written
