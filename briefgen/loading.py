"""YAML text → Brief, with every problem pinned to the line and column the analyst must fix.

PyYAML's own `safe_load` loses positions, keeps the last of two duplicate keys without a word and
happily expands alias bombs. So we compose the node tree ourselves (which keeps marks, and bounds
depth), then turn nodes into plain data while counting nodes, refusing duplicate keys and
remembering where every value came from. Pydantic validates that data; its error locations are then
mapped back to the remembered positions.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from briefgen.model import Brief, slugify
from briefgen.problems import BriefError, Problem, printable

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 50_000
MAX_PROBLEMS = 50
MAX_TEXT = 2 * MAX_BYTES
"""Characters of text after alias expansion: `&a <1 MB>` cited 40,000 times is 40 GB of page."""

Loc = tuple[str | int, ...]


@dataclass(slots=True)
class Positions:
    """Where each value (and each mapping key) starts, as 1-based line and column."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of `loc`, or of its nearest ancestor that the file does contain."""
        if key and loc in self.keys:
            return self.keys[loc]
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.values:
                return self.values[loc[:end]]
        return (1, 1)


@dataclass(slots=True)
class LoadedBrief:
    brief: Brief
    path: Path
    display: str
    positions: Positions


class _Stop(Exception):
    """One problem that makes the rest of the file meaningless (bad syntax, a bomb)."""

    def __init__(self, line: int, column: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses nesting deeper than MAX_DEPTH instead of recursing away."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:  # type: ignore[override]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Stop(mark.line + 1, mark.column + 1, f"nesting deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_RETYPABLE = {f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "timestamp")}
"""Plain scalars YAML would turn into numbers, booleans or dates: kept as text where text is expected."""

_DEFAULT_TAGS = {
    yaml.MappingNode: "tag:yaml.org,2002:map",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
}


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, recording positions on the way."""

    def __init__(self, loader: _BoundedLoader) -> None:
        self.loader = loader
        self.positions = Positions()
        self.count = 0
        self.text = 0

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if self.count > MAX_NODES:
            raise _Stop(line, column, f"more than {MAX_NODES} values", "aliases expanding into a huge document?")
        if len(loc) > MAX_DEPTH:
            raise _Stop(line, column, f"nesting deeper than {MAX_DEPTH} levels", "a recursive alias?")
        self.positions.values.setdefault(loc, (line, column))
        if isinstance(node, yaml.ScalarNode):
            self.text += len(node.value)
            if self.text > MAX_TEXT:
                raise _Stop(line, column, f"more than {MAX_TEXT:,} characters of text", "aliases repeating long text?")
            if node.style is None and node.tag in _RETYPABLE and _expects_text(_shape(loc)):
                return node.value  # `version: 1.10`, `title: 1984`, `lang: no`: text as written
            try:
                return self.loader.construct_object(node)
            except yaml.constructor.ConstructorError as error:
                raise _Stop(line, column, _one_line(error.problem or str(error)), "use plain YAML values") from None
            except Exception as error:  # KeyError for `!!bool maybe`, IndexError for `!!int +`, ...: the value, not us
                hint = "write dates as YYYY-MM-DD" if node.tag.endswith(":timestamp") else "put the value in quotes"
                kind = node.tag.rsplit(":", 1)[-1]
                why = str(error) if isinstance(error, (ValueError, OverflowError)) else f"not a valid !!{kind} value"
                raise _Stop(line, column, f"cannot read {node.value[:40]!r}: {_one_line(why)}", hint) from None
        if node.tag != _DEFAULT_TAGS[type(node)]:
            raise _Stop(line, column, f"unsupported tag {node.tag!r}", "remove the tag")
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line, key_column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise _Stop(key_line, key_column, "keys must be plain words", "no merge keys or complex keys")
            key = str(key_node.value)  # field names as written: `yes:` is the key "yes", not True
            if key in result:
                first = self.positions.keys[(*loc, key)]
                raise _Stop(
                    key_line,
                    key_column,
                    f"duplicate key '{key}'",
                    f"first defined at line {first[0]}; YAML would silently keep only one of them",
                )
            self.positions.keys[(*loc, key)] = (key_line, key_column)
            result[key] = self.build(value_node, (*loc, key))
        return result


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise _Stop(line, column, f"not valid UTF-8 (byte 0x{data[error.start]:02x})", "save the file as UTF-8") from None


def _yaml_stop(error: yaml.YAMLError, text: str) -> _Stop:
    if isinstance(error, yaml.reader.ReaderError):
        before = text[: error.position]
        line = before.count("\n") + 1
        column = error.position - (before.rfind("\n") + 1) + 1
        return _Stop(line, column, f"character U+{error.character:04X} is not allowed in YAML", "remove it")
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = _one_line(error.problem or "invalid YAML")
        hint = ""
        unclosed = "end of stream" in problem or "document separator" in problem
        if error.context and "quoted scalar" in error.context and error.context_mark and unclosed:
            mark = error.context_mark
            return _Stop(mark.line + 1, mark.column + 1, "YAML syntax: this quote is never closed", "close it on the same value")
        if error.context and error.context.startswith("found duplicate anchor") and error.context_mark:
            name = error.context.split("'")[1] if "'" in error.context else ""
            first = error.context_mark.line + 1
            return _Stop(line, column, f"YAML syntax: duplicate anchor '&{name}'", f"first defined at line {first}; rename one")
        if "'\\t'" in problem:
            problem, hint = "tab character", "indent with spaces; YAML does not allow tabs"
        elif error.context:
            hint = _one_line(error.context)
            if error.context_mark and error.context_mark.line != mark.line:
                hint += f" at line {error.context_mark.line + 1}"
        return _Stop(line, column, f"YAML syntax: {problem}", hint)
    return _Stop(1, 1, f"YAML: {_one_line(str(error))}")


def parse_yaml(data: bytes, size: int | None = None) -> tuple[Any, Positions]:
    """Bytes of one YAML document → plain data and the position of every value."""
    if len(data) > MAX_BYTES:
        size = max(size or 0, len(data))
        raise _Stop(1, 1, f"file is {size:,} bytes, more than the {MAX_BYTES:,} allowed", "is this a brief?")
    text = _decode(data)
    if not text.strip():
        raise _Stop(1, 1, "file is empty", "start from `briefgen new` or copy an existing brief")
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise _Stop(1, 1, "file holds no YAML value", "write the brief's fields as `key: value` lines")
        builder = _Builder(loader)
        data_ = builder.build(node, ())
    except yaml.YAMLError as error:
        raise _yaml_stop(error, text) from None
    except RecursionError:
        raise _Stop(1, 1, "nesting too deep to read") from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data_, dict):
        kind = "a list" if isinstance(data_, list) else f"a single value ({type(data_).__name__})"
        raise _Stop(
            *builder.positions.of(()),
            f"expected a mapping of fields, found {kind}",
            "write `title: ...`, `date: ...` and so on at the top level",
        )
    return data_, builder.positions


def load_brief(path: Path, display: str | None = None) -> LoadedBrief:
    """Read and validate one brief file; raise BriefError listing every problem in it."""
    display = display or path.as_posix()
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # never more: a 50 MB or endless file must not be slurped
            size = os.fstat(handle.fileno()).st_size
    except OSError as error:
        raise BriefError([Problem(display, 1, 1, f"cannot read file: {error.strerror or error}")]) from None
    return load_bytes(data, display, default_id=default_id(path), path=path, size=size)


def default_id(path: Path) -> str:
    """A brief's id when it sets none: its file name, as a slug."""
    return slugify(path.stem)


def declared_id(path: Path) -> tuple[str, tuple[int, int]] | None:
    """The `id:` a brief file sets, and where, read as plain YAML without validating the rest: a
    brief with other mistakes still owns its id. None when it sets none or cannot be read."""
    try:
        with path.open("rb") as handle:
            data, positions = parse_yaml(handle.read(MAX_BYTES + 1))
    except (OSError, _Stop):
        return None
    declared = data.get("id")
    return (declared, positions.of(("id",))) if isinstance(declared, str) and declared else None


def load_bytes(
    data: bytes, display: str, *, default_id: str = "brief", path: Path | None = None, size: int | None = None
) -> LoadedBrief:
    try:
        raw, positions = parse_yaml(data, size)
    except _Stop as stop:
        raise BriefError([_printable(Problem(display, stop.line, stop.column, stop.message, hint=stop.hint))]) from None
    try:
        brief = Brief.model_validate(raw)
    except ValidationError as error:
        problems = [_printable(_problem(display, err, positions)) for err in error.errors()]
        problems.sort(key=lambda p: (p.line, p.column))
        if len(problems) > MAX_PROBLEMS:  # 20,000 unknown keys are one mistake, not a screenful per key
            last = problems[MAX_PROBLEMS - 1]
            more = f"… and {len(problems) - MAX_PROBLEMS} more problems in this file"
            problems = [*problems[:MAX_PROBLEMS], Problem(display, last.line, last.column, more, hint="fix these first")]
        raise BriefError(problems) from None
    if brief.id is None:
        brief.id = default_id
    return LoadedBrief(brief, path or Path(display), display, positions)


def _printable(problem: Problem) -> Problem:
    """Escaped where it is made, so callers that show `message` alone are safe too."""
    return dataclasses.replace(
        problem, message=printable(problem.message), field=printable(problem.field), hint=printable(problem.hint)
    )


# ---- mapping pydantic errors to positions and helpful messages --------------------------------


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


@cache
def _expects_text(shape: Loc) -> bool:
    """Whether the model wants a string at this place, so a plain YAML scalar is taken as written."""
    annotation: Any = Brief
    for part in shape:
        if isinstance(part, int):
            inner = _unwrap(annotation)
            if typing.get_origin(inner) is not list:
                return False
            annotation = typing.get_args(inner)[0]
            continue
        model = _find_model(_unwrap(annotation))
        info = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None) if model else None
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


def _problem(display: str, err: Any, positions: Positions) -> Problem:
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
        info = next((f for n, f in parent.model_fields.items() if (f.alias or n) == key), None) if parent else None
        choices = _allowed(info.annotation) if info else re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        message = f"{value!r} is not one of {', '.join(choices)}"
        hint = _suggest(str(value), choices)
    elif kind == "too_short" and isinstance(value, list):
        message = f"needs at least {err['ctx']['min_length']} entr{'y' if err['ctx']['min_length'] == 1 else 'ies'}"
    elif (kind == "string_type" and isinstance(value, (bool, int, float))) or (kind == "string_type" and value is None):
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
