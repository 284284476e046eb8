"""Bytes of YAML → plain data with the line and column of every value and key.

PyYAML's own `safe_load` loses positions, keeps the last of two duplicate keys without a word and
happily expands alias bombs. So we compose the node tree ourselves (which keeps marks, and bounds
depth), then turn nodes into plain data while counting nodes, refusing duplicate keys and
remembering where every value came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from briefgen.problems import one_line

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python reader does it all
    CParser = None

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 50_000
MAX_TEXT = 2 * MAX_BYTES
"""Characters of text after alias expansion: `&a <1 MB>` cited 40,000 times is 40 GB of page."""

Loc = tuple[str | int, ...]
TextPlaces = Callable[[Loc], bool]
"""Where the model wants text, so `version: 1.10` or `lang: no` is kept as written, not retyped."""


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


class YamlStop(Exception):
    """One problem that makes the rest of the file meaningless (bad syntax, a bomb)."""

    def __init__(self, line: int, column: int, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.hint = line, column, message, hint


class _DepthBound:
    """A composer that refuses nesting deeper than MAX_DEPTH instead of recursing away."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[attr-defined]
                raise YamlStop(mark.line + 1, mark.column + 1, f"nesting deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1


class _BoundedLoader(_DepthBound, yaml.SafeLoader):
    """PyYAML's pure-Python reader: the one whose error messages the loader's hints are written for."""


class _FastLoader(_DepthBound, Composer, CParser, SafeConstructor, Resolver):
    """libyaml's scanner and parser under PyYAML's own (depth-bounded) composer: events come from C,
    about fourteen times faster than the Python scanner, while nodes, marks and the resolver's
    types are the same. Only a file that reads cleanly is taken from it: on any YAML error the file is
    read again by `_BoundedLoader`, so every message and position stays as written for it."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        Composer.__init__(self)


_RETYPABLE = {f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "timestamp")}
"""Plain scalars YAML would turn into numbers, booleans or dates: kept as text where text is expected."""

_DEFAULT_TAGS = {
    yaml.MappingNode: "tag:yaml.org,2002:map",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
}


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, recording positions on the way."""

    def __init__(self, loader: yaml.constructor.SafeConstructor, keeps_text: TextPlaces) -> None:
        self.loader = loader
        self.keeps_text = keeps_text
        self.positions = Positions()
        self.count = 0
        self.text = 0

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if self.count > MAX_NODES:
            raise YamlStop(
                line, column, f"more than {MAX_NODES} values", "aliases expanding into a huge document?"
            )
        if len(loc) > MAX_DEPTH:
            raise YamlStop(line, column, f"nesting deeper than {MAX_DEPTH} levels", "a recursive alias?")
        self.positions.values.setdefault(loc, (line, column))
        if isinstance(node, yaml.ScalarNode):
            self.text += len(node.value)
            if self.text > MAX_TEXT:
                raise YamlStop(
                    line, column, f"more than {MAX_TEXT:,} characters of text", "aliases repeating long text?"
                )
            if not node.style and node.tag in _RETYPABLE and self.keeps_text(loc):
                return node.value  # `version: 1.10`, `title: 1984`, `lang: no`: text as written
            try:
                return self.loader.construct_object(node)
            except yaml.constructor.ConstructorError as error:
                raise YamlStop(
                    line, column, one_line(error.problem or str(error)), "use plain YAML values"
                ) from None
            except (
                Exception
            ) as error:  # KeyError for `!!bool maybe`, IndexError for `!!int +`, ...: the value, not us
                hint = (
                    "write dates as YYYY-MM-DD"
                    if node.tag.endswith(":timestamp")
                    else "put the value in quotes"
                )
                kind = node.tag.rsplit(":", 1)[-1]
                why = (
                    str(error)
                    if isinstance(error, (ValueError, OverflowError))
                    else f"not a valid !!{kind} value"
                )
                raise YamlStop(
                    line, column, f"cannot read {node.value[:40]!r}: {one_line(why)}", hint
                ) from None
        if node.tag != _DEFAULT_TAGS[type(node)]:
            raise YamlStop(line, column, f"unsupported tag {node.tag!r}", "remove the tag")
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line, key_column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlStop(
                    key_line, key_column, "keys must be plain words", "no merge keys or complex keys"
                )
            key = str(key_node.value)  # field names as written: `yes:` is the key "yes", not True
            if key in result:
                first = self.positions.keys[(*loc, key)]
                raise YamlStop(
                    key_line,
                    key_column,
                    f"duplicate key '{key}'",
                    f"first defined at line {first[0]}; YAML would silently keep only one of them",
                )
            self.positions.keys[(*loc, key)] = (key_line, key_column)
            result[key] = self.build(value_node, (*loc, key))
        return result


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise YamlStop(
            line, column, f"not valid UTF-8 (byte 0x{data[error.start]:02x})", "save the file as UTF-8"
        ) from None


def _yaml_stop(error: yaml.YAMLError, text: str) -> YamlStop:
    if isinstance(error, yaml.reader.ReaderError):
        before = text[: error.position]
        line = before.count("\n") + 1
        column = error.position - (before.rfind("\n") + 1) + 1
        return YamlStop(
            line, column, f"character U+{error.character:04X} is not allowed in YAML", "remove it"
        )
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = one_line(error.problem or "invalid YAML")
        hint = ""
        unclosed = "end of stream" in problem or "document separator" in problem
        if error.context and "quoted scalar" in error.context and error.context_mark and unclosed:
            mark = error.context_mark
            return YamlStop(
                mark.line + 1,
                mark.column + 1,
                "YAML syntax: this quote is never closed",
                "close it on the same value",
            )
        if error.context and error.context.startswith("found duplicate anchor") and error.context_mark:
            name = error.context.split("'")[1] if "'" in error.context else ""
            first = error.context_mark.line + 1
            return YamlStop(
                line,
                column,
                f"YAML syntax: duplicate anchor '&{name}'",
                f"first defined at line {first}; rename one",
            )
        if "'\\t'" in problem:
            problem, hint = "tab character", "indent with spaces; YAML does not allow tabs"
        elif error.context:
            hint = one_line(error.context)
            if error.context_mark and error.context_mark.line != mark.line:
                hint += f" at line {error.context_mark.line + 1}"
        return YamlStop(line, column, f"YAML syntax: {problem}", hint)
    return YamlStop(1, 1, f"YAML: {one_line(str(error))}")


def parse_yaml(
    data: bytes, size: int | None = None, keeps_text: TextPlaces = lambda loc: False, *, pure: bool = False
) -> tuple[Any, Positions]:
    """Bytes of one YAML document → plain data and the position of every value.

    `pure` reads with PyYAML's Python scanner only (the tests compare it with libyaml's)."""
    if len(data) > MAX_BYTES:
        size = max(size or 0, len(data))
        raise YamlStop(
            1, 1, f"file is {size:,} bytes, more than the {MAX_BYTES:,} allowed", "is this a brief?"
        )
    text = _decode(data)
    if not text.strip():
        raise YamlStop(1, 1, "file is empty", "start from `briefgen new` or copy an existing brief")
    if CParser is not None and not pure:
        try:
            data_, positions = _read(_FastLoader(text), keeps_text)
        except yaml.YAMLError:
            data_, positions = _read_or_stop(text, keeps_text)  # the message and place as Python says
    else:
        data_, positions = _read_or_stop(text, keeps_text)
    if not isinstance(data_, dict):
        kind = "a list" if isinstance(data_, list) else f"a single value ({type(data_).__name__})"
        raise YamlStop(
            *positions.of(()),
            f"expected a mapping of fields, found {kind}",
            "write `title: ...`, `date: ...` and so on at the top level",
        )
    return data_, positions


def _read(loader: _FastLoader | _BoundedLoader, keeps_text: TextPlaces) -> tuple[Any, Positions]:
    """One document's data and positions; YAML errors are left to the caller."""
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlStop(1, 1, "file holds no YAML value", "write the brief's fields as `key: value` lines")
        builder = _Builder(loader, keeps_text)
        return builder.build(node, ()), builder.positions
    except RecursionError:
        raise YamlStop(1, 1, "nesting too deep to read") from None
    finally:
        loader.dispose()


def _read_or_stop(text: str, keeps_text: TextPlaces) -> tuple[Any, Positions]:
    try:
        return _read(_BoundedLoader(text), keeps_text)
    except yaml.YAMLError as error:
        raise _yaml_stop(error, text) from None
