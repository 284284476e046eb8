"""`build --watch`: rebuild on every save, debounced, and never give up on a bad brief."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from watchfiles import DefaultFilter, watch

from briefgen.config import Workspace


class _WorkspaceFilter(DefaultFilter):
    """Everything an output depends on, but not the outputs themselves (nor editor and VCS litter)."""

    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out.resolve()

    def __call__(self, change: object, path: str) -> bool:
        resolved = Path(path).resolve()
        if resolved.is_relative_to(self.out) or resolved.name.startswith("."):
            return False
        return super().__call__(change, path)  # type: ignore[arg-type]


def watch_and_rebuild(workspace: Workspace, out: Path | None, rebuild: Callable[[], object]) -> None:
    out_dir = (out or workspace.root / workspace.config.out).absolute()
    click.echo(f"watching {workspace.root} for changes (Ctrl-C to stop)", err=True)
    for changes in watch(workspace.root, watch_filter=_WorkspaceFilter(out_dir), debounce=300, step=50):
        names = sorted({Path(path).name for _, path in changes})
        click.echo(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}", err=True)
        rebuild()
