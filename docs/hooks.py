"""MkDocs hook: the tables the code defines are written from the code when the site is built.

A page holds a placeholder such as `<!-- generated: exit-codes -->`; `on_page_markdown` replaces it
with a Markdown table made from `ExitCode`, the `check` rules or the config models, so the docs
cannot drift from what the commands do. An unknown placeholder fails the build.
"""

from __future__ import annotations

import enum
import re
import sys
import types
import typing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

# Document the code beside these pages, not whichever briefgen happens to be installed.
_REPO = Path(__file__).resolve().parent.parent
if str(_REPO) not in sys.path:
    sys.path.insert(0, str(_REPO))

PLACEHOLDER = re.compile(r"<!-- generated: ([a-z-]+) -->")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: `|` escaped, and `<` shown as text outside code spans
    (a description such as `<out>/html` is not an HTML tag)."""
    parts = text.replace("\n", " ").split("`")
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts).replace("|", "\\|")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def exit_codes() -> str:
    from briefgen.errors import ExitCode

    return _table(
        ["code", "name", "meaning"], ([str(int(code)), f"`{code.name}`", code.meaning] for code in ExitCode)
    )


def check_rules() -> str:
    from briefgen.checking import RULES

    return _table(
        ["rule", "severity", "what it catches"],
        ([f"`{rule_id}`", rule.severity, rule.summary] for rule_id, rule in RULES.items()),
    )


def _mail_config() -> type[BaseModel]:
    from briefgen.mail import MailConfig

    return MailConfig


def _type_name(annotation: Any) -> str:
    """A config value's type as a user writes it in TOML."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " | ".join(f'`"{arg}"`' if isinstance(arg, str) else f"`{arg}`" for arg in args)
    if origin in (typing.Union, types.UnionType):
        kept = [arg for arg in args if arg is not type(None)]
        optional = len(kept) < len(args)
        return " | ".join(_type_name(arg) for arg in kept) + (" (optional)" if optional else "")
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"table of {_type_name(args[0])} → {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " | ".join(f'`"{member.value}"`' for member in annotation)
    names = {str: "string", int: "integer", float: "number", bool: "boolean"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _default(field: Any) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if value is None:
        return "none"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, list):
        return "`[" + ", ".join(f'"{item}"' for item in value) + "]`"
    if isinstance(value, dict) and not value:
        return "empty"
    return f"`{value}`"


def _keys(model: type[BaseModel], table: str = "") -> str:
    prefix = f"{table}." if table else ""
    return _table(
        ["key", "type", "default", "description"],
        (
            [f"`{prefix}{name}`", _type_name(field.annotation), _default(field), field.description or ""]
            for name, field in model.model_fields.items()
        ),
    )


def config_keys() -> str:
    from briefgen.config import Config

    return _keys(Config)


def mail_keys() -> str:
    return _keys(_mail_config(), "mail")


def wiki_keys() -> str:
    from briefgen.wiki.config import WikiConfig

    return _keys(WikiConfig, "wiki")


GENERATORS: dict[str, Callable[[], str]] = {
    "exit-codes": exit_codes,
    "check-rules": check_rules,
    "config-keys": config_keys,
    "mail-keys": mail_keys,
    "wiki-keys": wiki_keys,
}


def expand(markdown: str, where: str = "") -> str:
    """`markdown` with every placeholder replaced by its table."""

    def replace(found: re.Match[str]) -> str:
        generator = GENERATORS.get(found[1])
        if generator is None:
            raise PluginError(f"{where}: unknown placeholder {found[0]} (known: {', '.join(GENERATORS)})")
        return generator()

    return PLACEHOLDER.sub(replace, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return expand(markdown, page.file.src_uri)
