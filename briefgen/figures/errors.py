"""The one failure a figure file can have: a check rule, a message and a hint."""

from __future__ import annotations


class FigureError(Exception):
    """A figure that cannot be shown; `rule` is its `check` rule (figure-missing, figure-unreadable, ...)."""

    def __init__(self, rule: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.hint = hint
