"""Pydantic's validation errors mapped back to YAML positions, with messages and hints an analyst can act
on."""

from __future__ import annotations

import difflib
import re
import types
import typing
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel

from briefgen.loading.yaml_tree import Loc, Positions
from briefgen.model import Brief
from briefgen.problems import Problem


def field_path(loc: Loc) -> str:
    """('key_claims', 2, 'confidence') → 'key_claims[2].confidence'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that holds the mapping at `loc`, walking the Brief's annotations."""
    model: type[BaseModel] | None = Brief
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = next((f for name, f in model.model_fields.items() if (f.alias or name) == part), None)
        model = _find_model(info.annotation) if info else None
    return model


def _shape(loc: Loc) -> Loc:
    return tuple(0 if isinstance(part, int) else part for part in loc)


def _unwrap(annotation: Any) -> Any:
    """Annotated[X, ...] and X | None → X."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def expects_text(loc: Loc) -> bool:
    """Whether the Brief wants a string at this place, so a plain YAML scalar is taken as written."""
    return _expects_text(_shape(loc))


@cache
def _expects_text(shape: Loc) -> bool:
    annotation: Any = Brief
    for part in shape:
        if isinstance(part, int):
            inner = _unwrap(annotation)
            if typing.get_origin(inner) is not list:
                return False
            annotation = typing.get_args(inner)[0]
            continue
        model = _find_model(_unwrap(annotation))
        info = (
            next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
            if model
            else None
        )
        if info is None:
            return False
        annotation = info.annotation
    return _unwrap(annotation) is str


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found:
            return found
    return None


def _allowed(annotation: Any) -> list[str]:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return [str(value) for value in typing.get_args(annotation)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated, list):
        return [value for arg in typing.get_args(annotation) for value in _allowed(arg)]
    return []


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    original = next(c for c in choices if c.lower() == close[0])
    return f"did you mean '{original}'?"


_FIELD_HINTS = {
    "id": "lowercase letters, digits and single hyphens, e.g. putin-alaska-provisions",
    "date": "write dates as YYYY-MM-DD",
    "published": "write dates as YYYY-MM-DD",
    "url": "an http:// or https:// address",
    "tags": "one word per tag, without '#', spaces or commas",
    "lang": "a language code such as en, fr or ar",
}


def problem_of(display: str, err: Any, positions: Positions) -> Problem:
    loc: Loc = ()
    for part in err["loc"]:  # drop pydantic's own steps (`function-after[...]`), keep keys such as "a[b"
        if not (isinstance(part, str) and "[" in part and (*loc, part) not in positions.keys):
            loc = (*loc, part)
    kind, value = err["type"], err.get("input")
    line, column = positions.of(loc, key=kind == "extra_forbidden")
    name = field_path(loc)
    last = loc[-1] if loc else ""
    hint = ""
    if kind == "missing":
        message = f"required field '{last}' is missing"
        name = field_path(loc[:-1])
        hint = "add it" + (f" to this {field_path(loc[:-1])} entry" if len(loc) > 1 else " at the top level")
    elif kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        message = f"unknown field '{last}'"
        hint = _suggest(str(last), _field_names(model)) if model else ""
        if not hint and model:
            hint = "allowed: " + ", ".join(_field_names(model))
    elif kind in ("enum", "literal_error"):
        parent = _model_at(loc[:-1]) if not isinstance(last, int) else _model_at(loc[:-2])
        key = last if not isinstance(last, int) else loc[-2]
        info = (
            next((f for n, f in parent.model_fields.items() if (f.alias or n) == key), None)
            if parent
            else None
        )
        choices = (
            _allowed(info.annotation)
            if info
            else re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        )
        message = f"{value!r} is not one of {', '.join(choices)}"
        hint = _suggest(str(value), choices)
    elif kind == "too_short" and isinstance(value, list):
        message = (
            f"needs at least {err['ctx']['min_length']} entr{'y' if err['ctx']['min_length'] == 1 else 'ies'}"
        )
    elif (kind == "string_type" and isinstance(value, (bool, int, float))) or (
        kind == "string_type" and value is None
    ):
        message = f"expected text, found {_yaml_kind(value)}"
        hint = "put the value in quotes" if value is not None else "write a value or remove the key"
    elif kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    else:
        message = err["msg"][0].lower() + err["msg"][1:]
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            message += f", got {value!r}"
    if not hint:
        hint = _FIELD_HINTS.get(str(last) if not isinstance(last, int) else str(loc[-2]), "")
    return Problem(display, line, column, message, name, hint)


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"the number {value}"
