"""Writing direction of a language tag: the one place that knows which languages read right to left.

Templates (HTML root, PDF, each digest part, Markdown front matter) and the Word renderer all ask
here, so a language added to the list mirrors every output at once.
"""

from __future__ import annotations

from typing import Literal

Direction = Literal["ltr", "rtl"]
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})
"""Primary subtags of languages written right to left (their region tags follow: `ar-EG`)."""
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm"})
"""Script subtags that force right to left whatever the language (`az-Arab`)."""
LTR_SCRIPTS = frozenset({"latn", "cyrl"})
"""Script subtags that force left to right (`ur-Latn`, romanised text)."""


def direction(lang: str | None) -> Direction:
    """`rtl` for a right-to-left language or script tag (`ar`, `he-IL`, `fa-AF`, `az-Arab`), else `ltr`."""
    if not lang:
        return "ltr"
    parts = lang.replace("_", "-").lower().split("-")
    scripts = {part for part in parts[1:] if len(part) == 4 and part.isalpha()}
    if scripts & RTL_SCRIPTS:
        return "rtl"
    if scripts & LTR_SCRIPTS:
        return "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"
