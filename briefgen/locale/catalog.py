"""Label catalogs: every fixed word of every output, in the document's language.

One YAML file per language ships in `labels/` beside this module, all with the English file's keys.
A workspace's `labels/<lang>.yaml` overrides labels of that language key by key (Quarto's
convention). A region tag falls back to its language and then to English: `fr-CA` reads the built-in
`fr`, then the workspace's `fr.yaml`, then its `fr-CA.yaml`. A key English does not have is an error
at its line and column, with the nearest key as a hint: a typo must not silently leave a label as
it was.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError

from briefgen.errors import ConfigError
from briefgen.loading.yaml_tree import YamlStop, parse_yaml
from briefgen.problems import Problem, display_path

BUILTIN = Path(__file__).parent / "labels"
OVERRIDES = "labels"
"""The workspace folder of override files."""

Value = str | dict[str, str]
"""A label: text, or one text per CLDR plural category (`one`, `few`, `many`, `other`)."""

PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


@cache
def _builtin(tag: str) -> dict[str, Value] | None:
    """A shipped catalog (trusted: no positions needed), or None when briefgen has none for `tag`."""
    path = BUILTIN / f"{tag}.yaml"
    if not path.is_file():
        return None
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def keys() -> list[str]:
    """Every label key: the English catalog's."""
    english = _builtin("en")
    assert english is not None
    return list(english)


def chain(lang: str) -> list[str]:
    """The tags a language falls back through, most general first: `fr-CA` → [en, fr, fr-CA]."""
    parts = lang.replace("_", "-").split("-")
    tags = ["en"]
    for end in range(1, len(parts) + 1):
        tag = "-".join([parts[0].lower(), *parts[1:end]])
        if tag not in tags:
            tags.append(tag)
    return tags


def builtin_languages() -> list[str]:
    return sorted(p.stem for p in BUILTIN.glob("*.yaml"))


def _plural_rule(lang: str) -> Any:
    for tag in reversed(chain(lang)):
        try:
            return Locale.parse(tag, sep="-").plural_form
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en").plural_form


@dataclass(frozen=True)
class Labels:
    """The labels of one language, as templates and renderers get them: `labels('key_claims')`."""

    lang: str
    values: Mapping[str, Value] = field(repr=False)

    def __call__(self, key: str, /, **fields: object) -> str:
        """The label `key` with its {fields} filled in; a count picks its plural form from `n`."""
        raw = self.raw(key, fields.get("n"))
        return raw.format(**fields) if fields else raw

    def raw(self, key: str, n: object = None) -> str:
        """The label's text before its fields are filled in (the plural form for `n`)."""
        value = self.values[key]
        if isinstance(value, dict):
            form = _plural_rule(self.lang)(n if isinstance(n, int | float) else 1)
            value = value.get(form) or value["other"]
        return value

    def pieces(self, key: str) -> list[tuple[str, str | None]]:
        """The label as (text, field) pairs, for outputs that put a live value where a field is:
        `page_of` → [("Page ", "page"), (" of ", "pages")] becomes Word fields or CSS counters."""
        return [(text, name or None) for text, name, _, _ in Formatter().parse(self.raw(key))]

    def confidence(self, level: object) -> str:
        return self(f"confidence_{level}")

    def likelihood(self, value: object) -> str:
        return self("likelihood_" + str(value).replace(" ", "_"))

    def status(self, value: object) -> str:
        return self(f"status_{value}")


def _override_file(root: Path, tag: str) -> Path | None:
    path = root / OVERRIDES / f"{tag}.yaml"
    return path if path.is_file() else None


def _read_override(path: Path, root: Path) -> dict[str, Value]:
    """One override file, checked: known keys only, text (or plural forms) as values."""
    where = display_path(path, root)
    try:
        data, positions = parse_yaml(path.read_bytes(), keeps_text=lambda loc: True)
    except YamlStop as stop:
        raise ConfigError([Problem(where, stop.line, stop.column, stop.message, hint=stop.hint)]) from None
    known = keys()
    problems = []
    for key, value in data.items():
        line, column = positions.of((key,), key=True)
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "see the keys in docs/languages.md"
            problems.append(Problem(where, line, column, f"unknown label '{key}'", field=str(key), hint=hint))
        elif not _is_value(value):
            problems.append(
                Problem(
                    where, line, column, f"label '{key}' must be text", field=str(key),
                    hint="write `key: text`, or one text per plural form (one, few, many, other)",
                )
            )
    if problems:
        raise ConfigError(problems)
    return {str(k): v for k, v in data.items()}


def _is_value(value: object) -> bool:
    if isinstance(value, str):
        return True
    return (
        isinstance(value, dict)
        and "other" in value
        and all(k in PLURAL_FORMS and isinstance(v, str) for k, v in value.items())
    )


def override_files(root: Path) -> Iterator[Path]:
    """The workspace's override files (inputs of the build's fingerprint)."""
    folder = root / OVERRIDES
    if folder.is_dir():
        yield from sorted(folder.glob("*.yaml"))


def labels_for(lang: str, root: Path | None = None) -> Labels:
    """The labels of `lang`, with the overrides of the workspace at `root` (None: built-ins only).
    Raises ConfigError for a bad override file."""
    overrides = tuple(
        (path, hashlib.sha256(path.read_bytes()).hexdigest())
        for tag in chain(lang)
        if root is not None and (path := _override_file(root, tag)) is not None
    )
    return _labels(lang, root, overrides)


@cache
def _labels(lang: str, root: Path | None, overrides: tuple[tuple[Path, str], ...]) -> Labels:
    """Cached on the override files' contents, so an edited file is read again (serve, watch)."""
    values: dict[str, Value] = {}
    for tag in chain(lang):
        values.update(_builtin(tag) or {})
    for path, _ in overrides:
        assert root is not None
        values.update(_read_override(path, root))
    return Labels(lang, values)


def check_overrides(root: Path) -> list[Problem]:
    """Every problem of the workspace's override files (for `check` and the start of a build)."""
    problems: list[Problem] = []
    for path in override_files(root):
        try:
            _read_override(path, root)
        except ConfigError as error:
            problems.extend(error.problems)
    return problems
