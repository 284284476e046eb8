"""A figure's checked image as Word takes it: PNG and JPEG as they are, WebP as PNG, SVG as a PNG.

Word reads no WebP and no bare SVG (python-docx embeds neither), so those are converted here. The
SVG is the sanitised one (briefgen/figures/svg.py), laid out by WeasyPrint with the workspace-only
fetcher and rasterised by PDFium at twice its CSS size: WeasyPrint is imported only for a brief
with an SVG figure, and each drawing is rasterised once per process.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image as PIL

from briefgen.figures import Image

SCALE = 2
"""Pixels per CSS pixel of an SVG's raster: sharp on paper and on high-density screens."""
MAX_SIDE = 4000
_rasters: dict[str, bytes] = {}


def word_image(image: Image, root: Path) -> bytes:
    """PNG or JPEG bytes of the figure."""
    if image.kind in ("png", "jpeg"):
        return image.data
    if image.kind == "webp":
        with PIL.open(io.BytesIO(image.data), formats=["WEBP"]) as opened:
            out = io.BytesIO()
            opened.save(out, format="PNG")
            return out.getvalue()
    return svg_png(image, root)


def svg_png(image: Image, root: Path) -> bytes:
    key = hashlib.sha256(image.data).hexdigest()
    if key not in _rasters:
        if len(_rasters) > 64:
            _rasters.clear()
        _rasters[key] = _rasterise(image, root)
    return _rasters[key]


def _rasterise(image: Image, root: Path) -> bytes:
    import pypdfium2
    from weasyprint import HTML

    from briefgen.fetching import WorkspaceFetcher

    width, height = max(image.width, 1), max(image.height, 1)
    page = (
        f"<style>@page {{ size: {width}px {height}px; margin: 0 }} body {{ margin: 0 }}"
        f" img {{ display: block; width: {width}px; height: {height}px }}</style>"
        f'<img src="{image.data_uri()}" alt="">'
    )
    pdf = HTML(
        string=page, base_url=root.resolve().as_uri() + "/", url_fetcher=WorkspaceFetcher(root)
    ).write_pdf()
    scale = min(SCALE, MAX_SIDE / max(width, height)) * 96 / 72
    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=scale, fill_color=(255, 255, 255, 255))
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG")
    finally:
        document.close()
    return out.getvalue()
