"""`briefgen new URL`: the page downloaded into seeds/, then scaffolded like a saved article.

The seed is written only once the whole body is in and has been read as an article, and the brief
after it; when the brief cannot be written the seed is put back as it was (removed, or its old
bytes restored), so a failed `new` leaves the workspace as it found it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from briefgen.config import Workspace
from briefgen.errors import BriefError, BriefgenError, ConfigError, TryAgain, unplaced
from briefgen.model import slugify
from briefgen.new import Scaffolded, check_target, write_brief
from briefgen.problems import Problem, display_path
from briefgen.sources import SourceError, parse_bytes, sniff
from briefgen.sources.download import DEADLINE, Download, DownloadError, fetch
from briefgen.writing import write_atomic, write_or_stop

SEEDS = "seeds"
_SUFFIXES = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "markdown": ".md", "text": ".txt"}
_NAME_HINTS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/markdown": ".md",
    "text/plain": ".txt",
}
_ACCEPTED = {
    *_NAME_HINTS,
    "",
    "application/pdf",
    "application/x-pdf",
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def is_url(text: str) -> bool:
    """Whether `new`'s SOURCE is an address rather than a file: it has a scheme (`ftp:` is refused)."""
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.isascii() and scheme.isalpha()


def _refused(error: DownloadError) -> BriefgenError:
    problem = unplaced(f"{error.url}: {error.message}", error.hint)
    return TryAgain(problem) if error.transient else ConfigError(problem)


def _name_from_url(url: str) -> str:
    """A file stem from the address: its last path segment, else its host."""
    parts = urlsplit(url)
    stem = PurePosixPath(unquote(parts.path)).stem
    return stem if slugify(stem) != "brief" else (parts.hostname or "page")


def scaffold_url(
    workspace: Workspace,
    url: str,
    *,
    brief_id: str | None = None,
    force: bool = False,
    allow_private_network: bool = False,
    today: dt.date | None = None,
    deadline: float = DEADLINE,
) -> tuple[Scaffolded, Download]:
    """Download `url` into seeds/<id>.<html|pdf|...> and write briefs/<id>.yaml from it."""
    root = workspace.root.resolve()
    if brief_id is not None:  # a brief in the way is found before anything is fetched
        check_target(workspace, brief_id, url, force=force)
    try:
        page = fetch(url, allow_private=allow_private_network, deadline=deadline)
    except DownloadError as error:
        raise _refused(error) from None
    if page.media_type not in _ACCEPTED:
        hint = "give the address of the article itself (HTML, PDF, Word or text)"
        raise ConfigError(unplaced(f"{page.url}: refused: {page.media_type} is not an article", hint))
    name = _name_from_url(page.url)
    try:
        kind = sniff(page.data, Path(name + _NAME_HINTS.get(page.media_type, "")))
        provisional = root / SEEDS / f"{slugify(name)}{_SUFFIXES[kind]}"
        article = parse_bytes(page.data, provisional)
    except SourceError as error:
        raise ConfigError(unplaced(f"{page.url}: {error}", "save the page and give the file")) from None
    if brief_id is None:
        from_title = slugify(article.title) if article.title else "brief"
        brief_id = from_title if from_title != "brief" else slugify(name)
    target = check_target(workspace, brief_id, page.url, force=force)
    seed = root / SEEDS / f"{brief_id}{_SUFFIXES[kind]}"
    previous = seed.read_bytes() if seed.is_file() else None
    if previous is not None and previous != page.data and not force:
        hint = "pass --force to replace it, or --id to pick another id"
        raise BriefError(Problem(display_path(seed, root), 1, 1, "another file is already there", hint=hint))
    article = dataclasses.replace(article, path=seed)
    write_or_stop(seed, page.data, root)
    try:
        made = write_brief(
            workspace, target, article, seed, page.data, today=today, url=page.url, retrieved=page.retrieved
        )
    except BaseException:
        if previous is None:
            seed.unlink(missing_ok=True)
        else:
            write_atomic(seed, previous)
        raise
    return made, page
