"""What every command shares: printing a warning that has no file to point at."""

from __future__ import annotations

from briefgen.errors import show_problems, unplaced


def warn(message: str) -> None:
    show_problems([unplaced(message, severity="warning")])
