"""Workspace settings: `briefgen.toml`, or `[tool.briefgen]` in `pyproject.toml`, found upwards.

The workspace root is the folder holding that file (or the current folder when there is none). It
bounds everything: briefs, templates and referenced files are read only from inside it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from briefgen.errors import ConfigError
from briefgen.model import LANG_PATTERN, Handling
from briefgen.problems import Problem

Format = Literal["html", "pdf", "md", "docx"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "md", "docx")
DEFAULT_FORMATS: tuple[Format, ...] = ("html", "pdf", "md")
"""What `build` writes when neither `-f` nor `formats` says: Word files only when asked for."""
PDF_VARIANTS: tuple[str, ...] = (
    "pdf/ua-1", "pdf/ua-2", "pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/a-1b", "pdf/a-2b", "pdf/a-3b",
    "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/a-4e", "pdf/a-4f", "none",
)  # fmt: skip
"""WeasyPrint's variants (one per PDF: it cannot combine them; the PDF/A "a" levels are the tagged,
accessible ones), and `none` for a plain tagged PDF."""
M = TypeVar("M", bound=BaseModel)
CONFIG_NAME = "briefgen.toml"


class Config(BaseModel):
    """Defaults a workspace can set; command-line options override them."""

    model_config = ConfigDict(extra="forbid")

    briefs: str = Field("briefs", description="Folder of brief YAML files.")
    out: str = Field(
        "build", description="Output folder; formats go to <out>/html, <out>/pdf, <out>/md, <out>/docx."
    )
    formats: list[Format] = Field(
        default_factory=lambda: list(DEFAULT_FORMATS),
        description="Formats `briefgen build` writes by default (html, pdf, md; docx when listed).",
    )
    paper: Literal["A4", "Letter"] = Field(
        "A4",
        description="Paper size of the PDFs and of Word files made with the built-in reference document.",
    )
    handling: Handling = Field(Handling.CLEAR, description="Marking for briefs that set none.")
    lang: str = Field(
        "en",
        pattern=LANG_PATTERN,
        description=(
            "Language (BCP 47) of briefs that set none, and of the digest, the mail, the wiki's "
            "own pages and the preview: their labels and dates."
        ),
    )
    pdf_timeout: float = Field(
        60.0,
        gt=0,
        description=(
            "Seconds one brief's render may take: all its formats in a build, each page in `serve`, "
            "and each brief's share of the digest."
        ),
    )
    pdf_variant: str = Field(
        "pdf/ua-1",
        description=(
            "Standard the PDFs claim: pdf/ua-1 (accessible, the default), a PDF/A level for archives "
            "(pdf/a-3a is archival and tagged, pdf/a-3u archival), or none."
        ),
    )
    bluf_max_words: int = Field(120, gt=0, description="`briefgen check` warns about a longer BLUF.")
    scheduler: str | None = Field(
        None,
        description=(
            "A Dask scheduler's address (tcp://host:8786) to render on; `build --scheduler` overrides "
            "it, `--scheduler local` builds here."
        ),
    )
    releases: list[Handling] = Field(
        default_factory=list,
        description="Release levels every build also writes, to <out>/<level-slug>/ (never TLP:RED).",
    )

    @field_validator("pdf_variant")
    @classmethod
    def _known_variant(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in PDF_VARIANTS:
            close = difflib.get_close_matches(value, PDF_VARIANTS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(f"unknown PDF variant: {hint}choose one of {', '.join(PDF_VARIANTS)}")
        return value

    @field_validator("releases")
    @classmethod
    def _never_red(cls, value: list[Handling]) -> list[Handling]:
        return never_red(value)


def never_red(levels: list[Handling]) -> list[Handling]:
    """Release levels as a channel may have them: TLP:RED never leaves by a channel."""
    if Handling.RED in levels:
        raise ValueError("TLP:RED is never released to a channel: choose a lower level")
    return list(dict.fromkeys(levels))


class Workspace(BaseModel):
    """Where the workspace is and what it asks for."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    root: Path
    config: Config
    config_file: Path | None = None
    tables: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Sub-tables such as [mail] or [wiki], validated by the feature that owns them (see `section`)."""

    @property
    def config_name(self) -> str:
        """The config file as problem lines name it: `briefgen.toml`, or `pyproject.toml` for a
        `[tool.briefgen]` workspace."""
        return self.config_file.name if self.config_file else CONFIG_NAME

    def section(self, name: str, model: type[M]) -> M:
        """A feature's own table, validated by its own model; errors name the config file and line."""
        try:
            return model.model_validate(self.tables.get(name, {}))
        except ValidationError as error:
            raise ConfigError(_problems(self.config_name, self.config_file, error, (name,))) from None


def find_workspace(start: Path | None = None) -> Workspace:
    """The nearest folder (from `start` upwards) with a briefgen.toml or [tool.briefgen]."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        own = folder / CONFIG_NAME
        if own.is_file():
            return Workspace(root=folder, config_file=own, **_read(own, table=None))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.briefgen" in pyproject.read_text(
            encoding="utf-8", errors="replace"
        ):
            return Workspace(root=folder, config_file=pyproject, **_read(pyproject, table="briefgen"))
    return Workspace(root=start, config=Config())


def _read(path: Path, table: str | None) -> dict[str, Any]:
    display = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([Problem(display, 1, 1, f"cannot read config: {error}")]) from None
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line, column = (int(found[1]), int(found[2])) if found else (1, 1)
        message = re.sub(r"\s*\(at line.*\)$", "", str(error))
        raise ConfigError([Problem(display, line, column, f"TOML syntax: {message}")]) from None
    if table:
        data = data.get("tool", {}).get(table, {})
    # Sub-tables ([mail], [wiki]) belong to the features that read them.
    tables = {key: value for key, value in data.items() if isinstance(value, dict)}
    data = {key: value for key, value in data.items() if not isinstance(value, dict)}
    try:
        return {"config": Config.model_validate(data), "tables": tables}
    except ValidationError as error:
        raise ConfigError(_problems(display, path, error)) from None


def _problems(
    display: str, path: Path | None, error: ValidationError, table: tuple[str, ...] = ()
) -> list[Problem]:
    """One problem per field error, at the key's line, naming the value the user wrote."""
    problems = []
    for err in error.errors():
        key = ".".join(str(part) for part in (*table, *err["loc"]))
        line = _line_of(path, str(err["loc"][0])) if path and err["loc"] else 1
        message = err["msg"]
        if "input" in err and not isinstance(err["input"], dict | list):
            message = f"{err['input']!r}: {message[0].lower()}{message[1:]}"
        problems.append(Problem(display, line, 1, message, key))
    return problems


def _line_of(path: Path, key: str) -> int:
    """TOML parsers keep no positions; find the key's line so the error still points somewhere."""
    for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", text):
            return number
    return 1
