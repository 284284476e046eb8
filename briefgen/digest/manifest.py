"""The `<name>.json` manifest beside a built digest, and opening a built digest from it (the mail step)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, ValidationError

from briefgen import __version__
from briefgen.digest.contents import Digest
from briefgen.digest.render import ASSETS, asset_folder
from briefgen.errors import ConfigError
from briefgen.model import Handling, Status
from briefgen.problems import Problem

DIGEST_FOLDER = "digest"


class ManifestFigure(BaseModel):
    """A figure's copy beside the digest (`assets/<id>/<name>`), for the mail's HTML part."""

    model_config = ConfigDict(extra="forbid")

    number: int
    file: str
    """Relative to the digest's folder."""
    mime: str
    width: int
    height: int
    alt: str
    caption: str | None = None
    credit: str | None = None
    sha256: str


class ManifestBrief(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    date: dt.date
    handling: Handling
    status: Status
    tags: list[str]
    bluf: str
    figures: list[ManifestFigure] = []


class Manifest(BaseModel):
    """What a built digest holds: the mail step's only input besides the PDF itself."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    period: str
    """The period's name in the digest's language, as its pages show it."""
    lang: str = "en"
    """The digest's language: the mail's words follow it."""
    start: dt.date
    end: dt.date
    week: str | None
    handling: Handling
    briefs: list[ManifestBrief]
    pdf: str
    sha256: str
    generator: str


def manifest_of(digest: Digest, pdf: bytes) -> Manifest:
    period = digest.selection.period
    return Manifest(
        name=digest.name,
        title=digest.title,
        period=period.label_in(digest.labels),
        lang=digest.labels.lang,
        start=period.start,
        end=period.end,
        week=period.key if period.week else None,
        handling=digest.handling,
        briefs=[
            ManifestBrief(
                id=item.brief.id or "",
                title=item.brief.title,
                date=item.brief.date,
                handling=item.handling,
                status=item.brief.status,
                tags=list(item.brief.tags),
                bluf=item.brief.bluf,
                figures=[
                    ManifestFigure(
                        number=shown.number,
                        file=f"{asset_folder(digest.name, item.brief.id or '')}/{shown.asset}",
                        mime=shown.image.mime,
                        width=shown.image.width,
                        height=shown.image.height,
                        alt=shown.figure.alt,
                        caption=shown.figure.caption,
                        credit=shown.figure.credit,
                        sha256=hashlib.sha256(shown.image.data).hexdigest(),
                    )
                    for shown in item.view["figures"].all()
                ],
            )
            for item in digest.items
        ],
        pdf=f"{digest.name}.pdf",
        sha256=hashlib.sha256(pdf).hexdigest(),
        generator=f"briefgen {__version__}",
    )


@dataclass
class BuiltDigest:
    """A digest on disk, as the mail step finds it: its manifest and the PDF it vouches for."""

    manifest: Manifest
    manifest_path: Path
    pdf: bytes
    figures: dict[str, bytes] = field(default_factory=dict)
    """The figures' copies by `ManifestFigure.file`, each checked against its hash."""

    @property
    def folder(self) -> Path:
        return self.manifest_path.parent


def open_digest(reference: str | Path, out: Path) -> BuiltDigest:
    """A built digest from its name (`digest-2025-W41`) or any of its files; the PDF checked against it."""
    path = Path(reference)
    if path.suffix.lower() in (".pdf", ".html", ".md", ".json", ".eml"):
        path = path.with_suffix("")
    if path.parent == Path(".") and not path.with_suffix(".json").exists():
        path = out / DIGEST_FOLDER / path.name
    manifest_path = path.with_suffix(".json")
    shown = manifest_path.as_posix()
    hint = "build it with `briefgen digest` first"
    try:
        manifest = Manifest.model_validate_json(manifest_path.read_bytes())
    except FileNotFoundError:
        raise ConfigError([Problem(shown, 1, 1, f"no digest manifest for {reference}", hint=hint)]) from None
    except (OSError, ValidationError) as error:
        message = error.strerror if isinstance(error, OSError) else "not a digest manifest"
        raise ConfigError([Problem(shown, 1, 1, f"cannot read: {message}", hint=hint)]) from None
    pdf_path = manifest_path.parent / Path(manifest.pdf).name
    try:
        pdf = pdf_path.read_bytes()
    except OSError as error:
        raise ConfigError(
            [Problem(pdf_path.as_posix(), 1, 1, f"cannot read: {error.strerror}", hint=hint)]
        ) from None
    if hashlib.sha256(pdf).hexdigest() != manifest.sha256:
        message = "the PDF is not the one this digest was built with"
        problem = Problem(pdf_path.as_posix(), 1, 1, message, hint="rebuild it with `briefgen digest`")
        raise ConfigError([problem])
    figures: dict[str, bytes] = {}
    for figure in (figure for brief in manifest.briefs for figure in brief.figures):
        name = PurePosixPath(figure.file)
        copy = manifest_path.parent / name
        if name.is_absolute() or ".." in name.parts or len(name.parts) != 4 or name.parts[0] != ASSETS:
            raise ConfigError(
                [Problem(shown, 1, 1, f"figure path {figure.file!r} leaves the digest's folder")]
            )
        try:
            data = copy.read_bytes()
        except OSError as error:
            problem = Problem(copy.as_posix(), 1, 1, f"cannot read: {error.strerror}", hint=hint)
            raise ConfigError([problem]) from None
        if hashlib.sha256(data).hexdigest() != figure.sha256:
            message = "this figure is not the one the digest was built with"
            raise ConfigError(
                [Problem(copy.as_posix(), 1, 1, message, hint="rebuild it with `briefgen digest`")]
            )
        figures[figure.file] = data
    return BuiltDigest(manifest, manifest_path, pdf, figures)
