"""A brief's figures as the templates show them: numbered in reading order (those after the context
first, then each section's), each with its checked image and the name of its copy beside a
Markdown page (`assets/<id>/<asset>`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from briefgen.figures.files import Image, read_image
from briefgen.model import Brief, Figure, slugify

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class ShownFigure:
    number: int
    figure: Figure
    image: Image
    asset: str
    """File name of the figure's copy beside the Markdown page, unique within the brief."""

    @property
    def width_class(self) -> str:
        """`figure-w-50` for width 0.5: the share, rounded to 5%, as a class (no `style` attributes,
        so the PDF's stylesheet is parsed once for all briefs; see render/pdf.py)."""
        if self.figure.width is None:
            return ""
        return f"figure-w-{max(5, round(self.figure.width * 20) * 5)}"

    def data_uri(self) -> str:
        return self.image.data_uri()


@dataclass(frozen=True, slots=True)
class ShownFigures:
    top: list[ShownFigure] = field(default_factory=list)
    sections: dict[int, list[ShownFigure]] = field(default_factory=dict)

    def in_section(self, index: int) -> list[ShownFigure]:
        """The figures of `sections[index]` (0-based)."""
        return self.sections.get(index, [])

    def all(self) -> list[ShownFigure]:
        return [*self.top, *(f for index in sorted(self.sections) for f in self.sections[index])]


def figure_locations(brief: Brief) -> Iterator[tuple[Loc, Figure]]:
    """Every figure with its place in the brief, in reading order."""
    for i, figure in enumerate(brief.figures):
        yield ("figures", i), figure
    for s, section in enumerate(brief.sections):
        for i, figure in enumerate(section.figures):
            yield ("sections", s, "figures", i), figure


def show_figures(brief: Brief, root: Path) -> ShownFigures:
    """Every figure read and checked; raises FigureError for the first that cannot be shown."""
    shown = ShownFigures()
    used: set[str] = set()
    for number, (loc, figure) in enumerate(figure_locations(brief), start=1):
        image = read_image(root, figure.file)
        item = ShownFigure(number, figure, image, _asset_name(figure.file, image, used))
        if loc[0] == "figures":
            shown.top.append(item)
        else:
            shown.sections.setdefault(int(loc[1]), []).append(item)
    return shown


def _asset_name(file: str, image: Image, used: set[str]) -> str:
    """A safe file name with the extension of the real format (a PNG named .jpg is copied as .png)."""
    stem = slugify(PurePosixPath(file).stem) or "figure"
    name, n = f"{stem}.{image.extension}", 1
    while name in used:
        n += 1
        name = f"{stem}-{n}.{image.extension}"
    used.add(name)
    return name
