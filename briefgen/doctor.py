"""What `briefgen doctor` reports: the parts a build needs, found or missing, and why it matters."""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Literal

from briefgen import __version__
from briefgen.config import CONFIG_NAME, Workspace
from briefgen.loading import discover

Status = Literal["ok", "warning", "missing"]
FONTS_WE_USE = ("DejaVu Sans", "DejaVu Sans Mono")
SCRIPTS = (
    ("Arabic", "ar", "Noto Sans Arabic", "fonts-noto-core"),
    ("Hebrew", "he", "Noto Sans Hebrew", "fonts-noto-core"),
    ("CJK", "zh", "Noto Sans CJK SC", "fonts-noto-cjk"),
)
"""Scripts briefs are written in that DejaVu lacks or covers thinly: the language fontconfig is asked
about, the family templates/pdf.css asks for, and the Debian package (scripts/setup installs it) whose
fonts cover the script. Without any, a PDF in that script shows boxes."""


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str


def run_checks(workspace: Workspace | None, workspace_error: str | None = None) -> list[Check]:
    checks = [
        Check("python", "ok" if sys.version_info >= (3, 11) else "missing", platform.python_version()),
        Check("briefgen", "ok", __version__),
    ]
    checks.extend(_weasyprint())
    checks.extend(_fonts())
    checks.extend(_workspace(workspace, workspace_error))
    return checks


def _weasyprint() -> list[Check]:
    try:
        import weasyprint
        from weasyprint.text import ffi
    except (ImportError, OSError) as error:
        detail = f"{type(error).__name__}: {' '.join(str(error).split())}"
        hint = "install Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0) and `pip install weasyprint`"
        return [Check("weasyprint", "missing", f"{detail}; {hint}")]
    version = ffi.pango.pango_version()
    pango = f"{version // 10000}.{version // 100 % 100}.{version % 100}"
    subset = ffi.harfbuzz_subset is not None
    return [
        Check("weasyprint", "ok", weasyprint.__version__),
        Check(
            "pango",
            "ok" if version >= 14400 else "missing",
            pango + ("" if version >= 14400 else " (1.44 or newer needed)"),
        ),
        Check(
            "harfbuzz subsetting",
            "ok" if subset else "warning",
            "available"
            if subset
            else "absent: fonts are subset with fontTools, about twice slower (Debian: libharfbuzz-subset0)",
        ),
    ]


def _fonts() -> list[Check]:
    if shutil.which("fc-list") is None:
        return [Check("fonts", "warning", "fc-list not found, cannot list fonts (Debian: fontconfig)")]
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    families = {name.strip() for line in listed.splitlines() for name in line.split(",") if name.strip()}
    if not families:
        return [Check("fonts", "missing", "no fonts found (Debian: fonts-dejavu-core)")]
    absent = [name for name in FONTS_WE_USE if name not in families]
    detail = f"{len(families)} families" + (
        f"; templates' fonts absent: {', '.join(absent)} (fonts-dejavu-core)" if absent else ""
    )
    return [Check("fonts", "warning" if absent else "ok", detail), *_script_fonts()]


def _script_fonts() -> list[Check]:
    """One line per script: which families fontconfig would pick for it, or the package to install."""
    checks = []
    for script, lang, wanted, package in SCRIPTS:
        listed = subprocess.run(
            ["fc-list", f":lang={lang}", "family"], capture_output=True, text=True, check=False
        ).stdout
        found = {line.split(",")[0].strip() for line in listed.splitlines() if line.strip()}
        families = sorted(found - set(FONTS_WE_USE)) or sorted(found)  # DejaVu covers some scripts thinly
        if families:
            first = (
                [wanted] if wanted in families else [*families[:2], f"not {wanted}, which pdf.css asks for"]
            )
            rest = len(families) - (1 if wanted in families else min(2, len(families)))
            shown = ", ".join(first) + (f" and {rest} more" if rest > 0 else "")
            checks.append(Check(f"{script} fonts", "ok", shown))
        else:
            detail = f"none: {script} text in a PDF shows empty boxes (Debian: {package})"
            checks.append(Check(f"{script} fonts", "warning", detail))
    return checks


def _workspace(workspace: Workspace | None, error: str | None) -> list[Check]:
    if workspace is None:
        return [Check("workspace", "missing", error or "not found")]
    count = len(discover(workspace)[0])
    config = workspace.config_name if workspace.config_file else f"no {CONFIG_NAME} (defaults)"
    return [
        Check("workspace", "ok", f"{workspace.root} ({config})"),
        Check("briefs", "ok" if count else "warning", f"{count} in {workspace.config.briefs}/"),
    ]
