"""A new brief that already mirrors its article: one section per heading, the hashtags as tags.

What only an analyst can write gets a TODO placeholder that is itself valid: the skeleton loads and
passes `briefgen check` as a draft, so the editor's schema validation and the preview work from the
first save, and `briefgen check` refuses the TODOs once the brief is marked final.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefgen.config import Workspace
from briefgen.errors import BriefError, ConfigError
from briefgen.loading import declared_id, default_id, discover
from briefgen.model import slugify
from briefgen.problems import Problem, display_path
from briefgen.schema import SCHEMA_PATH, schema_json
from briefgen.sources import MAX_SOURCE_BYTES, Article, SourceError, parse_bytes
from briefgen.writing import write_or_stop


def _taken(file: str, message: str, hint: str, line: int = 1, column: int = 1) -> BriefError:
    """The id is another brief's: exit 1, like any brief that cannot be written."""
    return BriefError(Problem(file, line, column, message, hint=hint))


def _unusable(file: str, message: str, hint: str = "") -> ConfigError:
    """The article or an option cannot be used: exit 2."""
    return ConfigError(Problem(file, 1, 1, message, hint=hint))


@dataclass(frozen=True, slots=True)
class Scaffolded:
    path: Path
    article: Article
    schema_written: Path | None
    """The workspace's schema/brief.schema.json, when `new` had to create it for editors."""


_PLAIN = re.compile(r"[^\W\d_][\w .,;()?!'’“”\-–—/&%+]*(?<! )")
"""Text that is a plain YAML scalar as it stands: a letter first, no indicator (`:`, `#`, quotes,
brackets) and no trailing space. Anything else goes through PyYAML's emitter."""
_RESOLVED = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])
"""Plain words YAML 1.1 reads as booleans or null, whatever their case."""


def _scalar(value: str) -> str:
    """One YAML scalar as PyYAML would quote it (plain when safe), on one line.

    Most headings and titles are plain text; emitting them directly rather than through
    `yaml.safe_dump` makes a 4,845-section live blog's brief a hundredth of a second instead of one.
    """
    if _PLAIN.fullmatch(value) and value.lower() not in _RESOLVED:
        return value
    return yaml.safe_dump({"k": value}, allow_unicode=True, width=1_000_000, sort_keys=False)[3:].rstrip("\n")


def _title_from_name(path: Path) -> str:
    words = path.stem.replace("_", " ").replace("-", " ").split()
    return " ".join(word[:1].upper() + word[1:] for word in words) or "Untitled"


def render_brief(
    article: Article,
    *,
    brief_id: str,
    source_file: str,
    schema_ref: str,
    today: dt.date,
    source_id: str = "article",
    sha256: str | None = None,
    url: str | None = None,
    retrieved: dt.datetime | None = None,
) -> str:
    """The YAML text of a new brief for `article` (whose workspace-relative path is `source_file`);
    `url` and `retrieved` when it was downloaded (then `url` replaces the page's own canonical URL)."""
    title = article.title or _title_from_name(article.path)
    published = article.published if article.published and article.published <= today else None
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# Scaffolded by `briefgen new` from {source_file}. Replace the placeholders, then run",
        "# `briefgen check`: it compares quotes and headings with the source, and refuses placeholders",
        "# once `status: final`.",
        f"id: {brief_id}",
        f"title: {_scalar(title)}  # guessed from the article: make it the brief's own headline",
        f"date: {today.isoformat()}",
        "authors:",
        "  - TODO your name",
        "status: draft",
        "",
        "bluf: >-",
        "  TODO: the bottom line up front, in two or three sentences: what happened and why it matters.",
        "",
        "key_claims:",
        "  - text: TODO what the source asserts, in your words.",
        "    # quote: the source's exact words that carry the claim (checked against the source)",
        "    attribution: TODO who makes the claim",
        "    confidence: low  # TODO: high, moderate or low",
        f"    sources: [{source_id}]",
        "",
        "context: >-",
        "  TODO: the background a reader needs.",
        "",
        "# figures:  # maps, charts, photos, shown after the context (a section can have its own)",
        "#   - file: figures/map.svg  # workspace-relative PNG, JPEG, WebP or SVG",
        "#     alt: what the figure shows, for readers who cannot see it",
        "#     caption: what to notice (inline Markdown)",
        "#     credit: 'Map: who made it, when'",
        f"#     source: {source_id}  # the source it comes from",
        "#     width: 0.6  # share of the text width",
        "",
    ]
    if article.headings:
        lines.append("sections:  # one per section of the article, in its order")
        for heading in article.headings:
            lines += [
                f"  - heading: {_scalar(heading.text)}",
                "    summary: TODO what this section says.",
                "    points:",
                "      - TODO",
            ]
    else:
        lines.append("sections: []  # no headings found in the article: add `- heading: ...` entries by hand")
    lines += [
        "",
        "implications:",
        "  - for: TODO who is affected",
        "    text: TODO what it means for them.",
        "    # likelihood: almost no chance, very unlikely, unlikely, roughly even chance,"
        " likely, very likely, almost certain",
        "",
        "# assumptions:  # what the judgments rest on; `check` asks for them in a final brief with",
        "#   - text: ...  # a high-confidence claim or a likely implication",
        "#     if_wrong: what changes if the assumption fails",
        "# alternatives:  # other explanations or scenarios you weighed",
        "#   - text: ...",
        "#     likelihood: unlikely",
        "#     indicators: [what would point to it]",
        "",
        "sources:",
        f"  - id: {source_id}",
        f"    title: {_scalar(article.title or title)}",
    ]
    if article.publisher:
        lines.append(f"    publisher: {_scalar(article.publisher)}")
    if url or article.url:
        lines.append(f"    url: {_scalar(url or article.url or '')}")
    if published:
        lines.append(f"    published: {published.isoformat()}  # guessed from the article: check it")
    else:
        lines.append("    # published: YYYY-MM-DD (no date found in the article)")
    lines.append(f"    file: {_scalar(source_file)}")
    if retrieved:
        stamp = retrieved.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        lines.append(f"    retrieved: {stamp}")
    if sha256:
        lines.append(f"    sha256: {_scalar(sha256)}")
    lines += [
        "    reliability: F  # TODO grade it: A (completely reliable) to F (cannot be judged)",
        "    credibility: 6  # TODO grade it: 1 (confirmed) to 6 (cannot be judged)",
        "",
    ]
    if article.tags:
        lines.append("tags:")
        lines += [f"  - {_scalar(tag)}" for tag in article.tags]
    else:
        lines.append("tags: []")
    return "\n".join(lines) + "\n"


def _owner_of(workspace: Workspace, brief_id: str, target: Path) -> tuple[Path, tuple[int, int]] | None:
    """Another brief file (any *.yaml or *.yml that `check` would load) whose id is `brief_id`."""
    files, _ = discover(workspace)
    for path in files:
        if path == target.resolve():
            continue
        declared = declared_id(path)
        if declared and declared[0] == brief_id:
            return path, declared[1]
        if default_id(path) == brief_id:  # also the file name `new` would write beside it
            return path, (1, 1)
    return None


def check_target(workspace: Workspace, brief_id: str, shown_source: str, *, force: bool) -> Path:
    """briefs/<id>.yaml, once sure it may be written: a valid id, no brief there unless `force`,
    and, even with `force`, no other brief file with that id (`check` and `build` would refuse one)."""
    root = workspace.root.resolve()
    if slugify(brief_id) != brief_id:
        hint = f"lowercase letters, digits and hyphens, e.g. {slugify(brief_id)}"
        raise _unusable(shown_source, f"--id {brief_id!r} is not a valid id", hint)
    target = root / workspace.config.briefs / f"{brief_id}.yaml"
    if target.exists() and not force:
        hint = "pass --force to replace it, or --id to pick another id"
        raise _taken(display_path(target, root), "brief already exists", hint)
    owner = _owner_of(workspace, brief_id, target)
    if owner:
        path, (line, column) = owner
        hint = "pass --id to pick another id; --force only replaces a brief of the same file name"
        message = f"id '{brief_id}' is already used by this brief"
        raise _taken(display_path(path, root), message, hint, line, column)
    return target


def write_brief(
    workspace: Workspace,
    target: Path,
    article: Article,
    source: Path,
    data: bytes,
    *,
    today: dt.date | None = None,
    url: str | None = None,
    retrieved: dt.datetime | None = None,
) -> Scaffolded:
    """Write the brief for `article`, read from `data`, the bytes of `source` (whose sha256 it records),
    and the workspace's schema when it has none."""
    root = workspace.root.resolve()
    schema = root / SCHEMA_PATH
    schema_ref = Path(os.path.relpath(schema, target.parent)).as_posix()
    text = render_brief(
        article,
        brief_id=target.stem,
        source_file=source.relative_to(root).as_posix(),
        schema_ref=schema_ref,
        today=today or dt.date.today(),
        sha256=hashlib.sha256(data).hexdigest(),
        url=url,
        retrieved=retrieved,
    )
    write_or_stop(target, text.encode("utf-8"), root)
    schema_written = None
    if not schema.exists():  # the schema line must point at a file for the editor to use it
        write_or_stop(schema, schema_json().encode("utf-8"), root)
        schema_written = schema
    return Scaffolded(target, article, schema_written)


def _read(path: Path, shown: str) -> bytes:
    """The file's bytes, read once: the brief's sha256 is of exactly what was parsed."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        raise _unusable(shown, f"cannot read it: {error.strerror or error}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise _unusable(shown, f"larger than {MAX_SOURCE_BYTES:,} bytes")
    return data


def scaffold(
    workspace: Workspace,
    source: Path,
    *,
    brief_id: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
) -> Scaffolded:
    """Write briefs/<id>.yaml for the article at `source`; never replace a brief unless `force`.

    Nor, even with `force`, give it an id another brief file already has: `check` and `build`
    would refuse one of the two.
    """
    root = workspace.root.resolve()
    resolved = source.resolve()
    if not resolved.is_relative_to(root):
        raise _unusable(
            str(source),
            f"outside the workspace ({root})",
            "copy the article into the workspace, e.g. into seeds/",
        )
    shown_source = display_path(resolved, root)
    if not resolved.is_file():
        raise _unusable(shown_source, "no such file", "give the path of a saved article")
    target = check_target(workspace, brief_id or slugify(resolved.stem), shown_source, force=force)
    data = _read(resolved, shown_source)
    try:
        article = parse_bytes(data, resolved)
    except SourceError as error:
        raise _unusable(shown_source, str(error), error.hint) from None
    return write_brief(workspace, target, article, resolved, data, today=today)
