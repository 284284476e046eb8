"""Fold a stylesheet's page-wide custom properties (`:root { --accent: #1f4e79 }`) into its `var()`s.

WeasyPrint resolves every `var()` again for each element whose style uses it, re-parsing the
declaration (a `border` shorthand, a colour) each time: about 3% of a brief's PDF render. A custom
property declared only in top-level `:root` rules has one value on every element, so writing that
value in place of `var(--name)` gives the same styles (for valid CSS; a value that is invalid where
it is used is dropped at parse time instead of making the property unset) at parse cost once.
Only for a page whose author CSS is this one sheet: a `style` attribute could set the property too.
"""

from __future__ import annotations

from collections.abc import Iterable

import tinycss2
from tinycss2.ast import (
    AtRule,
    CurlyBracketsBlock,
    Declaration,
    FunctionBlock,
    IdentToken,
    LiteralToken,
    Node,
    ParenthesesBlock,
    ParseError,
    QualifiedRule,
    SquareBracketsBlock,
)

_CSS_WIDE = {"initial", "inherit", "unset", "revert", "revert-layer"}
"""Values that do not stand for themselves in a custom property (`initial` makes it invalid)."""


def fold(css: str) -> str:
    """`css` with each `var(--name)` whose property is set only in top-level `:root` written out."""
    if "var(" not in css:
        return css
    rules = tinycss2.parse_stylesheet(css)
    if any(isinstance(rule, AtRule) and rule.lower_at_keyword == "import" for rule in rules):
        return css  # an imported sheet may set the properties too
    if _has_error(rules):
        return css  # broken CSS is WeasyPrint's to report, as written (and it cannot be re-serialised)
    values = _foldable(rules)
    if not values:
        return css
    for rule in rules:
        if isinstance(rule, QualifiedRule | AtRule) and rule.content is not None:
            rule.content = _substitute(rule.content, values)
    return tinycss2.serialize(rules)


def _foldable(rules: list[Node]) -> dict[str, list[Node]]:
    declared: dict[str, list[Node]] = {}
    """The last `:root` value of each property: the one the cascade keeps."""
    elsewhere: set[str] = set()
    for rule in rules:
        if isinstance(rule, QualifiedRule) and tinycss2.serialize(rule.prelude).strip() == ":root":
            for item in tinycss2.parse_declaration_list(
                rule.content, skip_whitespace=True, skip_comments=True
            ):
                if isinstance(item, Declaration) and item.name.startswith("--"):
                    if item.important:
                        elsewhere.add(item.name)
                    declared[item.name] = item.value
        elif getattr(rule, "content", None):
            elsewhere.update(_names_set(rule.content))
    values = {}
    for name, value in declared.items():
        tokens = _strip(value)
        if name in elsewhere or not tokens or _has_var(tokens):
            continue
        if len(tokens) == 1 and isinstance(tokens[0], IdentToken) and tokens[0].lower_value in _CSS_WIDE:
            continue
        values[name] = tokens
    return values


def _names_set(nodes: Iterable[Node]) -> set[str]:
    """Custom properties a block may set: any `--name` followed by a colon, at any depth."""
    found: set[str] = set()
    previous: IdentToken | None = None
    for node in nodes:
        if node.type in ("whitespace", "comment"):
            continue
        if isinstance(node, LiteralToken) and node.value == ":" and previous is not None:
            found.add(previous.value)
        previous = node if isinstance(node, IdentToken) and node.value.startswith("--") else None
        if isinstance(node, CurlyBracketsBlock | ParenthesesBlock | SquareBracketsBlock | FunctionBlock):
            found |= _names_set(node.arguments if isinstance(node, FunctionBlock) else node.content)
    return found


def _has_var(nodes: Iterable[Node]) -> bool:
    for node in nodes:
        if isinstance(node, FunctionBlock):
            if node.lower_name == "var" or _has_var(node.arguments):
                return True
        elif isinstance(node, CurlyBracketsBlock | ParenthesesBlock | SquareBracketsBlock) and _has_var(
            node.content
        ):
            return True
    return False


def _has_error(nodes: Iterable[Node]) -> bool:
    for node in nodes:
        if isinstance(node, ParseError):
            return True
        if isinstance(node, QualifiedRule | AtRule) and (
            _has_error(node.prelude) or _has_error(node.content or ())
        ):
            return True
        if isinstance(node, FunctionBlock) and _has_error(node.arguments):
            return True
        if isinstance(node, CurlyBracketsBlock | ParenthesesBlock | SquareBracketsBlock) and _has_error(
            node.content
        ):
            return True
    return False


def _strip(nodes: list[Node]) -> list[Node]:
    kept = [node for node in nodes if node.type != "comment"]
    while kept and kept[0].type == "whitespace":
        kept.pop(0)
    while kept and kept[-1].type == "whitespace":
        kept.pop()
    return kept


def _substitute(nodes: list[Node], values: dict[str, list[Node]]) -> list[Node]:
    result: list[Node] = []
    for node in nodes:
        if isinstance(node, FunctionBlock):
            arguments = _strip(node.arguments)
            if (
                node.lower_name == "var"
                and arguments
                and isinstance(arguments[0], IdentToken)
                and arguments[0].value in values
            ):
                result.extend(values[arguments[0].value])
                continue
            node.arguments = _substitute(node.arguments, values)
        elif isinstance(node, CurlyBracketsBlock | ParenthesesBlock | SquareBracketsBlock):
            node.content = _substitute(node.content, values)
        result.append(node)
    return result
