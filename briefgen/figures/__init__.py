"""Figure files, as untrusted as the brief: read from the workspace only (`files`), the format taken
from the bytes and the size limited (`raster`), SVG sanitised before any renderer sees it (`svg`);
and a brief's figures as the templates get them, numbered (`shown`)."""

from briefgen.figures.files import MAX_FIGURE_BYTES, FigureError, Image, read_image
from briefgen.figures.raster import MAX_PIXELS
from briefgen.figures.shown import ShownFigure, ShownFigures, figure_locations, show_figures

__all__ = [
    "MAX_FIGURE_BYTES",
    "MAX_PIXELS",
    "FigureError",
    "Image",
    "ShownFigure",
    "ShownFigures",
    "figure_locations",
    "read_image",
    "show_figures",
]
