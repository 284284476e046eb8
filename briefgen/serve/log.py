"""Where the preview's messages go: the command's stderr, or nowhere (tests, embedding)."""

from __future__ import annotations

from collections.abc import Callable

Log = Callable[[str], None]


def quiet(message: str) -> None:
    """The default log: say nothing."""
