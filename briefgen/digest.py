"""The digest: the briefs of one period (filtered by tag and status) as one PDF, HTML page and Markdown page.

Select → view → render → write. Each brief in the digest is rendered by the brief's own templates
(`brief.pdf.j2`, `brief.html.j2`, `brief.md.j2`), so a digest shows exactly what the brief's own
page shows, workspace overrides included; the digest templates only add the cover, the contents and
the page furniture. A `<name>.json` manifest, written last, records what went in and the PDF's hash:
the mail step reads it instead of selecting briefs again, so it sends exactly what was built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, ValidationError

from briefgen import __version__
from briefgen.config import Workspace
from briefgen.errors import BriefError, ConfigError
from briefgen.limits import time_limit
from briefgen.loading import LoadedBrief, read_briefs
from briefgen.model import Brief, Handling, Status, slugify
from briefgen.problems import Problem
from briefgen.templates import Templates, longdate
from briefgen.view import handling_of, prepare
from briefgen.writing import write_atomic

DIGEST_FOLDER = "digest"
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


# ---- the period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Inclusive date range; an ISO week when `week` is set (year, number)."""

    start: dt.date
    end: dt.date
    week: tuple[int, int] | None = None

    @property
    def key(self) -> str:
        """For file names: 2025-W41, or 2025-10-06_2025-10-12."""
        if self.week:
            return f"{self.week[0]}-W{self.week[1]:02d}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def dates(self) -> str:
        """6–12 October 2025; 29 September – 5 October 2025; 6 October 2025."""
        start, end = self.start, self.end
        if start == end:
            return longdate(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{longdate(end)}"
        if start.year == end.year:
            return f"{start.day} {start:%B} – {longdate(end)}"
        return f"{longdate(start)} – {longdate(end)}"

    @property
    def label(self) -> str:
        if self.week:
            return f"Week {self.week[1]}, {self.week[0]} ({self.dates})"
        return self.dates

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def week_period(text: str, today: dt.date | None = None) -> Period:
    """`2025-W41`, `this` (the current ISO week) or `last` (the one before); ValueError with a hint otherwise."""
    today = today or dt.date.today()
    word = text.strip().lower()
    if word in ("this", "last"):
        day = today - dt.timedelta(days=7) if word == "last" else today
        year, week, _ = day.isocalendar()
    else:
        found = _WEEK.match(text.strip())
        if not found:
            raise ValueError(f"{text!r} is not an ISO week: write it like 2025-W41 (or 'this', 'last')")
        year, week = int(found[1]), int(found[2])
    try:
        start = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no ISO week {week}") from None
    return Period(start, start + dt.timedelta(days=6), (year, week))


def range_period(since: dt.date, until: dt.date) -> Period:
    if until < since:
        raise ValueError(f"--until {until} is before --since {since}")
    return Period(since, until)


# ---- selection and the view --------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which briefs go in: dated within the period, carrying any of `tags` (when given), of `status` (when given)."""

    period: Period
    tags: tuple[str, ...] = ()
    status: Status | None = None

    @property
    def name(self) -> str:
        """digest-2025-W41, plus the filters, so a filtered digest never overwrites the full one."""
        parts = ["digest", self.period.key, *(slugify(tag) for tag in sorted(set(self.tags)))]
        if self.status:
            parts.append(str(self.status))
        return "-".join(parts)

    def describe(self) -> str:
        text = f"dated {self.period.dates}"
        if self.tags:
            text += f", tagged {' or '.join(self.tags)}"
        if self.status:
            text += f", with status {self.status}"
        return text

    def wants(self, brief: Brief) -> bool:
        return (
            brief.date in self.period
            and (not self.tags or bool(set(self.tags) & set(brief.tags)))
            and (self.status is None or brief.status == self.status)
        )


@dataclass
class DigestItem:
    brief: Brief
    handling: Handling
    view: dict[str, Any]

    @property
    def anchor(self) -> str:
        """Every id inside the brief gets this prefix; slugs never hold '--', so ids stay unique."""
        return f"brief-{self.brief.id}"


@dataclass
class Digest:
    name: str
    title: str
    selection: Selection
    items: list[DigestItem]
    paper: str = "A4"

    @property
    def handling(self) -> Handling:
        """The most restrictive marking among the included briefs: the digest is as sensitive as its worst page."""
        return max((item.handling for item in self.items), key=lambda h: h.rank)

    @property
    def created(self) -> dt.date:
        """The latest brief's date, so the same briefs make the same bytes."""
        return max(item.brief.date for item in self.items)

    def context(self) -> dict[str, Any]:
        handling = self.handling
        tags = sorted({tag for item in self.items for tag in item.brief.tags})
        authors = list(dict.fromkeys(author for item in self.items for author in item.brief.authors))
        langs = {item.brief.lang for item in self.items}
        return {
            "digest_name": self.name,
            "title": self.title,
            "period": self.selection.period,
            "selection": self.selection,
            "items": self.items,
            "count": len(self.items),
            "handling": str(handling),
            "handling_class": _handling_class(handling),
            "tags": tags,
            "authors": authors,
            "lang": langs.pop() if len(langs) == 1 else "en",
            "created": self.created.isoformat(),
            "paper": self.paper,
            "version": __version__,
        }


def _handling_class(handling: Handling) -> str:
    return str(handling).lower().replace("tlp:", "tlp-").replace("+", "-")


def select(workspace: Workspace, selection: Selection) -> tuple[list[LoadedBrief], list[Problem]]:
    """Every valid brief the selection wants, oldest first; problems of briefs that could not be read.

    A brief superseded by another brief in the same selection is left out: readers get the newer one.
    """
    problems: list[Problem] = []
    chosen: list[LoadedBrief] = []
    for result, item in read_briefs(workspace):
        problems.extend(result.problems)
        if item is not None and selection.wants(item.brief):
            chosen.append(item)
    replaced = {item.brief.supersedes for item in chosen if item.brief.supersedes}
    chosen = [item for item in chosen if item.brief.id not in replaced]
    chosen.sort(key=lambda item: (item.brief.date, item.brief.id or ""))
    return chosen, problems


def make_digest(workspace: Workspace, briefs: Sequence[Brief], selection: Selection) -> Digest:
    config = workspace.config
    items = [DigestItem(brief, handling_of(brief, config), prepare(brief, config)) for brief in briefs]
    title = "Weekly brief digest" if selection.period.week else "Brief digest"
    return Digest(selection.name, title, selection, items, config.paper)


# ---- rendering ------------------------------------------------------------------------------------

_ARTICLE = re.compile(r"<article\b.*</article>", re.DOTALL)
_ID_ATTRIBUTE = re.compile(
    r'(\s(?:id|for|headers|aria-labelledby|aria-describedby|aria-controls)=")([^"]*)(")'
)
_FRAGMENT_LINK = re.compile(r'(\shref="#)([^"]*)(")')


def _prefix_ids(html: str, prefix: str) -> str:
    """Make a brief's ids unique inside the digest: `bluf` → `brief-x--bluf`, links to them too.

    Safe on our rendered HTML: autoescaping (Jinja and markdown-it) turns every `"` of brief text
    into an entity, so `id="` and `href="#` only ever come from the templates' own markup.
    """
    html = _ID_ATTRIBUTE.sub(lambda m: m[1] + " ".join(f"{prefix}--{v}" for v in m[2].split()) + m[3], html)
    return _FRAGMENT_LINK.sub(lambda m: f"{m[1]}{prefix}--{m[2]}{m[3]}", html)


def _article(templates: Templates, template: str, item: DigestItem) -> Markup:
    """The `<article>` of the brief's own page, ids prefixed: the brief exactly as its own page shows it."""
    page = templates.render(template, **item.view)
    found = _ARTICLE.search(page)
    if not found:
        problem = Problem(
            template,
            1,
            1,
            "no <article> element to take into the digest",
            hint="keep base.html.j2's <article>",
        )
        raise BriefError([problem])
    return Markup(_prefix_ids(found[0], item.anchor))


def render_html(templates: Templates, digest: Digest) -> str:
    """The self-contained HTML digest (screen)."""
    bodies = {item.anchor: _article(templates, "brief.html.j2", item) for item in digest.items}
    return templates.render("digest.html.j2", bodies=bodies, **digest.context())


def pdf_html(templates: Templates, digest: Digest) -> str:
    """The one HTML document WeasyPrint lays out as the digest PDF."""
    bodies = {item.anchor: _article(templates, "brief.pdf.j2", item) for item in digest.items}
    return templates.render("digest.pdf.j2", bodies=bodies, **digest.context())


def render_pdf(templates: Templates, digest: Digest, root: Path) -> tuple[bytes, list[str]]:
    from briefgen.render.pdf import html_to_pdf  # WeasyPrint: imported only when a PDF is made

    rendered = html_to_pdf(pdf_html(templates, digest), root)
    return rendered.data, rendered.warnings


def render_markdown(templates: Templates, digest: Digest) -> str:
    bodies = {item.anchor: _markdown_body(templates, item) for item in digest.items}
    front_matter = {
        "title": digest.title,
        "period": {
            "start": digest.selection.period.start.isoformat(),
            "end": digest.selection.period.end.isoformat(),
        },
        "handling": str(digest.handling),
        "briefs": [item.brief.id for item in digest.items],
        "tags": digest.context()["tags"],
        "generator": f"briefgen {__version__}",
    }
    if digest.selection.period.week:
        front_matter["period"]["week"] = digest.selection.period.key
    text = templates.render("digest.md.j2", bodies=bodies, front_matter=front_matter, **digest.context())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_FOOTNOTE_LABEL = re.compile(r"(`+).*?\1|(?<!\\)\[\^([^\]\s]+)\]")


def _markdown_body(templates: Templates, item: DigestItem) -> str:
    """The brief's own Markdown page, one heading level down and with its own footnote labels.

    Heading lines are found by parsing (never by a `#` at a line start, which a code block may hold);
    footnote labels get the brief's id, so two briefs' `[^1]` stay two footnotes.
    """
    text = _FRONT_MATTER.sub("", templates.render("brief.md.j2", **item.view), count=1).strip("\n")
    lines = text.split("\n")
    code: set[int] = set()
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.map and token.type in ("fence", "code_block"):
            code.update(range(*token.map))
        elif (
            token.map and token.type == "heading_open" and token.markup.startswith("#") and token.tag != "h6"
        ):
            lines[token.map[0]] = "#" + lines[token.map[0]]
    label = item.brief.id

    def relabel(match: re.Match[str]) -> str:
        return match[0] if match[1] else f"[^{label}-{match[2]}]"

    def fix(line: str) -> str:
        # In-page links (`[\[article\]](#sources)`) would land on another brief's heading: send them to the brief's page.
        return _FOOTNOTE_LABEL.sub(relabel, line).replace("](#", f"](../md/{label}.md#")

    return "\n".join(line if i in code else fix(line) for i, line in enumerate(lines))


# ---- the manifest the mail step reads ------------------------------------------------------------


class ManifestBrief(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    date: dt.date
    handling: Handling
    status: Status
    tags: list[str]
    bluf: str


class Manifest(BaseModel):
    """What a built digest holds: the mail step's only input besides the PDF itself."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    period: str
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
        period=period.label,
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

    @property
    def folder(self) -> Path:
        return self.manifest_path.parent


def open_digest(reference: str | Path, out: Path) -> BuiltDigest:
    """A built digest from its name (`digest-2025-W41`) or any of its files; checks the PDF is the one built."""
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
    return BuiltDigest(manifest, manifest_path, pdf)


# ---- the whole step ---------------------------------------------------------------------------------


@dataclass
class DigestReport:
    selection: Selection
    digest: Digest | None = None
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.digest is None and not self.problems


def build_digest(workspace: Workspace, selection: Selection, out: Path | None = None) -> DigestReport:
    """Select, render and write `<out>/digest/<name>.{pdf,html,md,json}`; nothing at all when nothing is selected.

    Briefs that cannot be read are reported and the digest is made from the others (the caller
    decides whether such a digest may be mailed). The manifest is written last, so its presence
    means the three files beside it are complete.
    """
    report = DigestReport(selection)
    chosen, report.problems = select(workspace, selection)
    if not chosen:
        return report
    digest = make_digest(workspace, [item.brief for item in chosen], selection)
    templates = Templates(workspace.root)
    folder = (out or workspace.root / workspace.config.out) / DIGEST_FOLDER
    # One brief's allowance each: a layout that never ends must not hang the unattended job.
    with time_limit(workspace.config.pdf_timeout * len(digest.items)):
        pdf, warnings = render_pdf(templates, digest, workspace.root)
        report.warnings.extend(f"{digest.name}.pdf: {message}" for message in warnings)
        outputs = {
            "pdf": pdf,
            "html": render_html(templates, digest).encode("utf-8"),
            "md": render_markdown(templates, digest).encode("utf-8"),
            "json": manifest_of(digest, pdf).model_dump_json(indent=2).encode("utf-8") + b"\n",
        }
    for extension, data in outputs.items():
        target = folder / f"{digest.name}.{extension}"
        write_atomic(target, data)
        report.written.append(target)
    report.digest = digest
    return report
