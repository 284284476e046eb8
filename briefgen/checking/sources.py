"""Rules on a brief's sources: ids unique, files inside the workspace, readable and unchanged, claims
citing them."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

from briefgen.checking.context import BriefContext
from briefgen.sources import SourceError


def check_files(context: BriefContext) -> None:
    """Duplicate ids and each source's `file`; the readable articles go to `context.articles`."""
    root = context.shared.root
    seen: dict[str, int] = {}
    for i, source in enumerate(context.brief.sources):
        if source.id in seen:
            context.add(
                "duplicate-source-id",
                ("sources", i, "id"),
                f"source id '{source.id}' is already used by sources[{seen[source.id]}]",
                "give each source its own id",
            )
        seen.setdefault(source.id, i)
        if source.file is None:
            continue
        loc = ("sources", i, "file")
        try:
            path = (root / source.file).resolve()
        except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
            hint = "replace the link with a copy of the article"
            context.add("source-unreadable", loc, f"{source.file} cannot be resolved (a symlink loop?)", hint)
            continue
        if not path.is_relative_to(root):
            context.add(
                "source-outside-workspace",
                loc,
                f"{source.file} resolves outside the workspace",
                "keep a copy of the article under seeds/",
            )
            continue
        if not path.is_file():
            hint = "check the path (relative to the workspace root)"
            if path.parent.is_dir():
                close = difflib.get_close_matches(path.name, [p.name for p in path.parent.iterdir()], n=1)
                if close:
                    hint = f"did you mean '{(path.parent / close[0]).relative_to(root).as_posix()}'?"
            context.add("source-file-missing", loc, f"{source.file} does not exist", hint)
            continue
        try:
            article = context.shared.article(path)
        except SourceError as error:
            context.add("source-unreadable", loc, f"{source.file}: {error}")
            continue
        if source.sha256 is not None:
            _check_digest(context, i, path, source.file, source.sha256)
        context.articles.setdefault(source.id, article)


def _check_digest(context: BriefContext, i: int, path: Path, shown: str, expected: str) -> None:
    """The file is still the one the brief was written from (quotes and headings were read off it)."""
    try:
        with path.open("rb") as handle:
            found = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        context.add("source-unreadable", ("sources", i, "file"), f"{shown}: {error.strerror or error}")
        return
    if found != expected:
        context.add(
            "source-changed",
            ("sources", i, "sha256"),
            f"{shown} has changed: its sha256 is {found}",
            "the article on disk is no longer the one the brief was written from: restore it,"
            " or update sha256 after re-reading the brief against it",
        )


def check_claims(context: BriefContext) -> None:
    """Every key claim cites at least one source, and only ids that `sources` defines."""
    ids = [source.id for source in context.brief.sources]
    for i, claim in enumerate(context.brief.key_claims):
        if not claim.sources:
            hint = f"add `sources: [{ids[0]}]`" if ids else "add an entry to `sources` and cite its id"
            context.add("claim-without-source", ("key_claims", i), "key claim cites no source", hint)
        for j, cited in enumerate(claim.sources):
            if cited not in ids:
                close = difflib.get_close_matches(cited, ids, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else ("defined: " + ", ".join(ids) if ids else "add it to `sources`")
                )
                context.add(
                    "unknown-source",
                    ("key_claims", i, "sources", j),
                    f"source '{cited}' is not defined in `sources`",
                    hint,
                )
