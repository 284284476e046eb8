"""The Jinja environment: the workspace's `templates/` first, the built-in templates second.

A workspace overrides a built-in file by giving a file of the same name; to change one block only,
its template says `{% extends "builtin/brief.html.j2" %}` and overrides that block. Brief text is
only ever data passed to templates, never a template itself, so Jinja syntax in a brief prints as is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import yaml
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from briefgen import markup
from briefgen.locale import catalog
from briefgen.locale.catalog import Labels, labels_for
from briefgen.locale.direction import direction
from briefgen.locale.formatting import date_range, long_date
from briefgen.model import text_of
from briefgen.problems import Problem, display_path

BUILTIN_PREFIX = "builtin"


def builtin_templates() -> Path:
    """Built-ins: packaged inside the wheel, or the repository's top-level folder in a checkout."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def _autoescape(name: str | None) -> bool:
    """Escape everything except Markdown templates: when unsure, escaping is the safe side."""
    return not (name or "").endswith((".md.j2", ".md"))


# The page a brief's body is rendered into. A brief's own page leaves these out; the digest sets them,
# so that every brief's body is rendered by the brief's own templates (workspace overrides included):
#   id_prefix  put before every id and in-page link (HTML) or footnote label (Markdown): unique per brief
#   page       Markdown only: where in-page links go (the brief's own page, from inside the digest)
#   depth      Markdown only: how many levels further down the brief's headings go


@pass_context
def _markdown(context: Context, text: str | None, doc_id: str = "") -> Markup:
    return markup.to_html(text, doc_id, context.get("id_prefix", ""))


@pass_context
def _markdown_inline(context: Context, text: str | None) -> Markup:
    return markup.to_inline_html(text, context.get("id_prefix", ""))


@pass_context
def _mdsafe(context: Context, text: str | None, doc_id: str = "", nested: bool = False) -> str:
    return markup.to_safe_markdown(
        text,
        doc_id,
        nested,
        prefix=context.get("id_prefix", ""),
        page=context.get("page", ""),
        depth=context.get("depth", 0),
    )


@pass_context
def _mdsafe_inline(context: Context, text: str | None) -> str:
    return markup.to_safe_markdown_inline(text, context.get("page", ""))


@pass_context
def _heading(context: Context, level: int) -> str:
    """A Markdown heading's `#`s, `depth` levels further down (h6 at most)."""
    return "#" * min(level + context.get("depth", 0), 6)


@pass_context
def _anchor(context: Context, name: str) -> str:
    """An in-page link for Markdown: `#name`, or on the brief's own `page` from inside the digest."""
    return f"{context.get('page', '')}#{name}"


def _labels(context: Context) -> Labels:
    found = context.get("labels")
    return found if isinstance(found, Labels) else labels_for("en")


@pass_context
def _label(context: Context, key: str, /, **fields: object) -> str:
    """The one way a template reaches a fixed word: `label('key_claims')`, `label('figure', number=2)`.
    In an HTML template the label's text is escaped and its fields escaped unless already markup."""
    labels = _labels(context)
    if not context.eval_ctx.autoescape:
        return labels(key, **fields)
    raw = labels.raw(key, fields.get("n"))
    return escape(raw).format(**fields) if fields else escape(raw)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: every character but letters, digits and spaces escaped."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


@pass_context
def _css_label(context: Context, key: str) -> Markup:
    """A label as the value of a CSS `content` property, its {fields} as counters:
    `page_of` → "Page " counter(page) " of " counter(pages). Every character outside letters,
    digits and spaces is a CSS escape, so no label can end the string or the style element.
    A page laid out as a slice of a longer document (`page_total` in the context) writes the
    document's pages out instead of `counter(pages)`, which counts only the slice's."""
    total = context.get("page_total")
    parts: list[str] = []
    for text, name in _labels(context).pieces(key):
        if text:
            parts.append(css_string(text))
        if name == "pages" and isinstance(total, int):
            parts.append(f'"{total}"')
        elif name:
            parts.append(f"counter({name if name.isidentifier() else 'page'})")
    return Markup(" ".join(parts) or '""')


@pass_context
def _longdate(context: Context, value: dt.date) -> str:
    """A date in the language of the page being rendered (its labels')."""
    return long_date(value, _labels(context).lang)


@pass_context
def _daterange(context: Context, start: dt.date, end: dt.date) -> str:
    return date_range(start, end, _labels(context).lang)


def _marking(item: object) -> str:
    """A portion's own marking as analysts write it in front of the portion, `(TLP:AMBER)`; "" for
    a portion without one (a plain string included), which has the brief's marking."""
    handling = getattr(item, "handling", None)
    return f"({handling.value})" if handling is not None else ""


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


class Templates:
    """One environment per workspace; `css(name)` inlines a stylesheet found the same way."""

    def __init__(self, workspace_root: Path) -> None:
        own = workspace_root / "templates"
        builtin = FileSystemLoader(builtin_templates())
        loaders = [FileSystemLoader(own)] if own.is_dir() else []
        self.env = Environment(
            loader=ChoiceLoader([*loaders, PrefixLoader({BUILTIN_PREFIX: builtin}), builtin]),
            undefined=StrictUndefined,
            autoescape=_autoescape,
            trim_blocks=False,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            markdown=_markdown,
            markdown_inline=_markdown_inline,
            mdsafe=_mdsafe,
            mdsafe_inline=_mdsafe_inline,
            mdtext=markup.escape_text,
            mdcode=markup.to_code_span,
            longdate=_longdate,
            daterange=_daterange,
            yaml=_yaml,
            text_of=text_of,
            direction=direction,
        )
        self.env.globals["css"] = self.css
        self.env.globals.update(
            heading=_heading, anchor=_anchor, marking=_marking, label=_label, css_label=_css_label
        )
        self.root = workspace_root

    def css(self, name: str) -> Markup:
        """Stylesheet text, trusted like templates; inlined so each page is self-contained."""
        assert self.env.loader is not None
        source, _, _ = self.env.loader.get_source(self.env, name)
        return Markup(source)

    def labels(self, lang: str) -> Labels:
        """The labels of `lang` with this workspace's overrides (ConfigError for a bad override file)."""
        return labels_for(lang, self.root)

    def render(self, name: str, **context: object) -> str:
        """`context` may bring its `labels`; else they follow its `lang`, or its brief's, or English."""
        if "labels" not in context:
            brief = context.get("brief")
            lang = context.get("lang") or getattr(brief, "lang", None) or "en"
            context["labels"] = self.labels(str(lang))
        return self.env.get_template(name).render(**context)

    def files_in_use(self) -> Iterator[Path]:
        """Every template and stylesheet file that can shape the output (for change detection)."""
        assert isinstance(self.env.loader, ChoiceLoader)
        for loader in self.env.loader.loaders:
            if isinstance(loader, FileSystemLoader):
                for folder in loader.searchpath:
                    yield from sorted(p for p in Path(folder).rglob("*") if p.is_file())
        yield from sorted(catalog.BUILTIN.glob("*.yaml"))
        yield from catalog.override_files(self.root)

    @cache  # noqa: B019 - one Templates per build; the fingerprint is asked for once per brief
    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for path in self.files_in_use():
            digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()


def template_problem(source: str, error: TemplateError, root: Path) -> Problem:
    """A template's syntax error points at the template's own line (workspace-relative); other
    errors at the brief `source` being rendered."""
    if isinstance(error, TemplateSyntaxError):
        where = display_path(Path(error.filename), root) if error.filename else error.name or "template"
        return Problem(where, error.lineno or 1, 1, f"template syntax: {error.message}")
    if isinstance(error, TemplateNotFound):
        return Problem(
            source, 1, 1, f"template not found: {error.name}", hint="check the workspace's templates/"
        )
    return Problem(source, 1, 1, f"template error: {error}", hint="check the workspace's templates/")
