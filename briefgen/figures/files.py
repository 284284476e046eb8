"""A figure's `file` → its checked bytes: only a regular file inside the workspace, read once.

The path is resolved (symlinks followed) before the containment check, as the PDF fetcher does
(briefgen/fetching.py), and opened without following a link swapped in since, without blocking on a
FIFO; its kind comes from its bytes, never from its name.
"""

from __future__ import annotations

import base64
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from briefgen.figures.errors import FigureError
from briefgen.figures.raster import raster_size
from briefgen.figures.svg import sanitise_svg

MAX_FIGURE_BYTES = 10 * 1024 * 1024
MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "svg": "image/svg+xml"}
EXTENSION = {"png": "png", "jpeg": "jpg", "webp": "webp", "svg": "svg"}


@dataclass(frozen=True, slots=True)
class Image:
    """A figure file as outputs may use it: for SVG, the sanitised document, never the original."""

    name: str
    """Workspace-relative, as the brief names it."""
    kind: str
    """png, jpeg, webp or svg: read from the bytes."""
    data: bytes
    width: int
    height: int
    """Intrinsic size in CSS pixels: the page reserves the space before the image loads."""

    @property
    def mime(self) -> str:
        return MIME[self.kind]

    @property
    def extension(self) -> str:
        return EXTENSION[self.kind]

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


_cache: dict[tuple[str, int, int, int, int], Image] = {}
"""Checked images by (path, device, inode, mtime, size): `check`, the plan and the render each ask."""


def read_image(root: Path, name: str) -> Image:
    """The figure file `name` (workspace-relative), checked; FigureError says what is wrong with it."""
    path = _resolve(root, name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise FigureError("figure-unreadable", f"{name} cannot be read ({error.strerror or error})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(name)
        if info.st_size > MAX_FIGURE_BYTES:
            raise _too_big(name, info.st_size)
        key = (str(path), info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)
        if key in _cache:
            return _cache[key]
        data = handle.read(MAX_FIGURE_BYTES + 1)
    if len(data) > MAX_FIGURE_BYTES:  # grew while being read
        raise _too_big(name, len(data))
    image = parse_image(data, name)
    if len(_cache) > 256:
        _cache.clear()
    _cache[key] = image
    return image


def parse_image(data: bytes, name: str) -> Image:
    """Bytes → a checked Image: PNG, JPEG or WebP within the pixel limit, or a sanitised SVG."""
    found = raster_size(data, name)
    if found is not None:
        kind, width, height = found
        return Image(name, kind, data, width, height)
    svg = sanitise_svg(data, name)
    if svg is None:
        raise FigureError(
            "figure-unreadable",
            f"{name} is not a PNG, JPEG, WebP or SVG image{_looks_like(data)}",
            "figures are read by their content, not their name: export the figure as PNG, JPEG or SVG",
        )
    return Image(name, "svg", svg.data, svg.width, svg.height)


def _looks_like(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return " (its bytes are HTML)"
    if head.startswith(b"%pdf"):
        return " (its bytes are a PDF)"
    if head.startswith(b"gif8"):
        return " (its bytes are a GIF)"
    return ""


def _resolve(root: Path, name: str) -> Path:
    root = root.resolve()
    try:
        path = (root / name).resolve(strict=True)
    except FileNotFoundError:
        hint = "check the path (relative to the workspace root)"
        raise FigureError("figure-missing", f"{name} does not exist", hint) from None
    except (OSError, RuntimeError, ValueError) as error:  # a symlink loop, a NUL byte
        raise FigureError("figure-unreadable", f"{name} cannot be resolved ({error})") from None
    if not path.is_relative_to(root):
        hint = "keep a copy of the figure inside the workspace, e.g. under figures/"
        raise FigureError("figure-unreadable", f"{name} resolves outside the workspace", hint)
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise FigureError("figure-unreadable", f"{name} cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise _not_regular(name)
    return path


def _not_regular(name: str) -> FigureError:
    return FigureError(
        "figure-unreadable", f"{name} is not a regular file (a folder, device or FIFO)", "name an image file"
    )


def _too_big(name: str, size: int) -> FigureError:
    return FigureError(
        "figure-too-large",
        f"{name} is {size / 1_048_576:.1f} MB; the limit is {MAX_FIGURE_BYTES // 1_048_576} MB",
        "export it smaller (a JPEG for photos, an SVG or PNG for charts)",
    )
