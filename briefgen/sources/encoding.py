"""Bytes of a text article → str: a byte-order mark, then the charset the page declares, then UTF-8,
then detection.

Saved pages keep the encoding they were served in: a Russian page saved from the browser may be
windows-1251 or KOI8-R, a Japanese one Shift_JIS. Decoding them as UTF-8 (or cp1252, as briefgen did)
garbles every word, so no quote could be found. The order follows the HTML standard's encoding
sniffing: a BOM wins, then a `<meta charset>` or `http-equiv` declaration in the first 1,024 bytes;
text and Markdown have no declaration, so valid UTF-8 is taken as it is and anything else goes to
charset-normalizer, which picks the encoding whose decoded text reads most like language.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
"""`<meta charset="koi8-r">` and `<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">`
alike: both put `charset=` inside a meta tag."""
_PRESCAN_BYTES = 1024
"""How far the HTML standard's prescan looks for a declaration."""


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 1,024 bytes, when Python knows it."""
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    if not match:
        return None
    label = match[1].decode("ascii").lower()
    if label in ("utf-16", "utf-16le", "utf-16be"):  # a page read as ASCII cannot be UTF-16 (HTML standard)
        label = "utf-8"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # Browsers read latin-1 and ASCII labels as windows-1252 (the HTML standard), and so do pages.
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def _bom(data: bytes) -> tuple[str, int] | None:
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name, len(mark)
    return None


def decode(data: bytes, *, html: bool = False) -> str:
    """The text of an article file; never fails (undecodable bytes become U+FFFD)."""
    bom = _bom(data)
    if bom:
        return data[bom[1] :].decode(bom[0], errors="replace")
    if html:
        charset = declared_charset(data)
        if charset:
            return data.decode(charset, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("utf-8", errors="replace")
