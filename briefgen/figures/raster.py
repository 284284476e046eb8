"""PNG, JPEG and WebP: the format from the bytes (Pillow), the pixel count from the header alone.

`Image.open` reads only the header, so a 100,000 × 100,000 PNG of a few kilobytes (a decompression
bomb) is refused before a single row is inflated; the limit is ours (40 megapixels), well below
Pillow's own warning (89), and Pillow's warning is made an error here so it can never slip by.
"""

from __future__ import annotations

import io
import warnings

from briefgen.figures.errors import FigureError

MAX_PIXELS = 40_000_000
RASTER_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
"""Pillow's format name → ours; nothing else is ever opened (no GIF, TIFF, EPS, ...)."""


def raster_size(data: bytes, name: str) -> tuple[str, int, int] | None:
    """(kind, width, height) when the bytes are a PNG, JPEG or WebP within the limits; None when they
    are none of these (perhaps an SVG); FigureError when they are one but too large or damaged."""
    from PIL import Image as PIL  # here: a brief without figures never loads Pillow
    from PIL import UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", PIL.DecompressionBombWarning)
        try:
            with PIL.open(io.BytesIO(data), formats=list(RASTER_FORMATS)) as image:
                kind = RASTER_FORMATS[image.format or ""]
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_many(name, width, height)
                image.verify()  # chunk structure and checksums, without decoding pixels
        except UnidentifiedImageError:
            return None
        except (PIL.DecompressionBombError, PIL.DecompressionBombWarning):
            raise FigureError(
                "figure-too-large",
                f"{name} declares more than {MAX_PIXELS // 1_000_000} megapixels",
                "scale the image down",
            ) from None
        except FigureError:
            raise
        except (OSError, SyntaxError, ValueError, EOFError, KeyError) as error:
            raise FigureError(
                "figure-unreadable", f"{name} is a damaged image ({error})", "export the image again"
            ) from None
    if width < 1 or height < 1:
        raise FigureError("figure-unreadable", f"{name} has no pixels", "export the image again")
    return kind, width, height


def _too_many(name: str, width: int, height: int) -> FigureError:
    megapixels = width * height / 1_000_000
    return FigureError(
        "figure-too-large",
        f"{name} is {width}×{height} pixels ({megapixels:.0f} megapixels; the limit is"
        f" {MAX_PIXELS // 1_000_000})",
        "scale the image down",
    )
