"""A loaded brief's figure files checked where the brief is read, so that every command (build,
check, digest, publish, serve) refuses a bad figure the same way: one line at the figure's `file`."""

from __future__ import annotations

from pathlib import Path

from briefgen.figures import FigureError, figure_locations, read_image
from briefgen.loading.brief_file import LoadedBrief
from briefgen.loading.validation import field_path
from briefgen.problems import Problem, printable


def figure_problems(root: Path, loaded: LoadedBrief) -> list[Problem]:
    """One problem per figure whose file is missing, unreadable, too large or unsafe."""
    problems = []
    for loc, figure in figure_locations(loaded.brief):
        try:
            read_image(root, figure.file)
        except FigureError as error:
            where = (*loc, "file")
            line, column = loaded.positions.of(where)
            problems.append(
                Problem(
                    loaded.display,
                    line,
                    column,
                    printable(error.message),
                    field_path(where),
                    printable(error.hint),
                    rule=error.rule,
                )
            )
    return problems
