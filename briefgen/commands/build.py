"""`briefgen build`: render briefs into HTML, PDF, Markdown and Word, once or on every save."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from briefgen.building import BuildReport, build, default_jobs
from briefgen.building.execute import Executor, LocalPool
from briefgen.config import FORMATS, Format, Workspace, find_workspace
from briefgen.errors import BriefgenError, ExitCode, exit_codes_help, show_problems
from briefgen.model import Handling
from briefgen.outcome import Outcome
from briefgen.problems import printable
from briefgen.releases import parse_level


def parse_formats(value: str | None) -> list[Format] | None:
    if value is None:
        return None
    chosen = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"{', '.join(unknown) or repr(value)}: choose from {', '.join(FORMATS)} (comma-separated)",
            param_hint="'-f' / '--format'",
        )
    return list(dict.fromkeys(chosen))  # type: ignore[arg-type]


def parse_releases(values: tuple[str, ...]) -> list[Handling]:
    """`--release LEVEL` values; a bad level or TLP:RED is a usage error (exit 2)."""
    levels = []
    for value in values:
        try:
            levels.append(parse_level(value))
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--release'") from None
    return list(dict.fromkeys(levels))


class Progress:
    """A bar on a terminal, one line per brief otherwise, nothing but errors with --quiet."""

    def __init__(self, quiet: bool, label: str = "") -> None:
        self.quiet = quiet
        self.label = label
        self.bar: object | None = None
        self._bar_cm: object | None = None

    def start(self, to_build: int, up_to_date: int) -> None:
        if self.quiet:
            return
        if up_to_date:
            click.echo(f"{up_to_date} up to date", err=True)
        if to_build > 1 and sys.stderr.isatty():
            self._bar_cm = click.progressbar(
                length=to_build, label="building", file=sys.stderr, show_pos=True
            )
            self.bar = self._bar_cm.__enter__()  # type: ignore[attr-defined]

    def result(self, result: Outcome) -> None:
        show_problems(result.problems)
        if self.bar is not None:
            self.bar.update(1)  # type: ignore[attr-defined]
        elif not self.quiet and result.ok:
            click.echo(
                f"built {printable(result.source)}{self.label} → {', '.join(result.written)}",
                err=True,
            )

    def close(self) -> None:
        if self._bar_cm is not None:
            self._bar_cm.__exit__(None, None, None)  # type: ignore[attr-defined]
            self._bar_cm = self.bar = None


def summary(report: BuildReport) -> str:
    briefs = "brief" if report.built == 1 else "briefs"
    files = "file" if report.files == 1 else "files"
    return (
        f"{report.built} {briefs} built, {report.skipped} up to date, {report.failed} failed, "
        f"{report.files} {files} written in {report.seconds:.2f}s"
    )


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """A `kill` (SIGTERM) stops the build the way Ctrl-C does: workers stopped, manifest saved."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _with_options(workspace: Workspace, paper: str | None) -> Workspace:
    if not paper:
        return workspace
    return workspace.model_copy(update={"config": workspace.config.model_copy(update={"paper": paper})})


def run_once(
    workspace: Workspace,
    paths: tuple[Path, ...],
    formats: list[Format] | None,
    out: Path | None,
    force: bool,
    jobs: int | None,
    quiet: bool,
    releases: list[Handling] | None = None,
    executor: Executor | None = None,
) -> bool:
    """The full version (unless `releases` names the versions to build instead), then every release
    level the config asks for; True when a brief failed."""
    targets: list[Handling | None] = list(releases) if releases else [None, *workspace.config.releases]
    any_failed = False
    for level in dict.fromkeys(targets):
        label = f" ({level.value})" if level else ""
        progress = Progress(quiet, label)
        try:
            report = build(
                workspace,
                paths,
                formats,
                out,
                force=force,
                jobs=jobs,
                on_start=progress.start,
                on_result=progress.result,
                release=level,
                executor=executor,
            )
        finally:
            progress.close()
        show_problems(report.warnings)
        for note in report.notes:
            if not quiet:
                click.echo(printable(note), err=True)
        if not quiet or report.failed:
            click.echo(f"{level.value}: {summary(report)}" if level else summary(report))
        any_failed = any_failed or bool(report.failed)
    return any_failed


@click.command(epilog=exit_codes_help(ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.INTERRUPTED))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    metavar="LIST",
    multiple=True,
    help="Formats to make, comma-separated or repeated: html,pdf,md,docx "
    "(default: the config's, or html,pdf,md).",
)
@click.option(
    "-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: build/)."
)
@click.option(
    "--paper",
    type=click.Choice(["A4", "Letter"]),
    help="PDF (and built-in Word) paper size (default: A4, or the config's).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help=f"Parallel PDF workers (default: CPU count, here {default_jobs()}).",
)
@click.option(
    "--release",
    "releases",
    metavar="LEVEL",
    multiple=True,
    help="Build the version for LEVEL (e.g. TLP:GREEN) into <out>/<level-slug>/ instead; repeatable.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Render on the Dask cluster of this scheduler (tcp://host:8786; needs the `distributed` extra), "
    "or `local` for this machine (default: the config's `scheduler`, else local).",
)
@click.option("--force", is_flag=True, help="Rebuild everything, even what is up to date.")
@click.option(
    "-w",
    "--watch",
    is_flag=True,
    help="Keep running and rebuild what changed on every save (Ctrl-C to stop).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build_command(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out: Path | None,
    paper: str | None,
    jobs: int | None,
    releases: tuple[str, ...],
    scheduler: str | None,
    force: bool,
    watch: bool,
    quiet: bool,
) -> None:
    """Build briefs into build/html, build/pdf and build/md.

    PATHS are brief files or folders; by default every *.yaml under briefs/. Only briefs whose
    inputs changed since the last build are rebuilt (--force rebuilds all); outputs of deleted
    briefs are removed. A brief with errors is reported (file:line:column) and skipped; the others
    are still built. `releases = [...]` in briefgen.toml adds those release versions to every build;
    --release builds only the named ones.
    """
    chosen = parse_formats(",".join(formats) if formats else None)  # `-f html -f md` is `-f html,md`
    levels = parse_releases(releases)
    workspace = _with_options(find_workspace(), paper)

    def rebuild() -> None:
        """On a save: the config may be what changed, so it is read again; a broken one is reported, not
        fatal."""
        try:
            current = _with_options(find_workspace(workspace.root), paper)
        except BriefgenError as error:
            error.show()
            return
        run_once(current, paths, chosen, out, False, jobs, quiet, levels, executor)

    executor = _executor(scheduler or workspace.config.scheduler, jobs)  # a cluster is checked here, first
    try:
        with _terminate_as_interrupt():
            any_failed = run_once(workspace, paths, chosen, out, force, jobs, quiet, levels, executor)
            if watch:
                from briefgen.building.watching import watch_and_rebuild

                watch_and_rebuild(workspace, out, rebuild)
                sys.exit(ExitCode.OK)
    except KeyboardInterrupt:
        if watch:
            sys.exit(ExitCode.OK)
        click.echo(
            "interrupted: outputs are complete old or new versions; run the build again to finish", err=True
        )
        sys.exit(ExitCode.INTERRUPTED)
    finally:
        executor.close()
    sys.exit(ExitCode.FAILED if any_failed else ExitCode.OK)


def _executor(scheduler: str | None, jobs: int | None) -> Executor:
    """One executor for the whole command: its warm workers serve every release and every save."""
    if scheduler and scheduler != "local":
        from briefgen.building.distributed import Cluster

        return Cluster(scheduler)
    return LocalPool(jobs)
