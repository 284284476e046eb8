"""The package's shape: no module reaches into another's `_private` names, and no import cycles.

Both are read from the source with `ast`, so a violation is named with its file and line (or its
import path) without importing anything.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefgen"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass(frozen=True)
class Module:
    name: str
    """Dotted: `briefgen.checking.rules`; a package is its `__init__`: `briefgen.checking`."""
    path: Path
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(PACKAGE.parent).as_posix()}:{getattr(node, 'lineno', 0)}"


def _modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        found[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


MODULES = _modules()


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    """The module an `import from` names, relative imports resolved against `module`."""
    if not node.level:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@dataclass(frozen=True)
class Import:
    node: ast.Import | ast.ImportFrom
    lazy: bool
    """Inside a function: runs when it is called, not when the module is imported."""
    type_checking: bool


def _imports(tree: ast.AST, lazy: bool = False, type_checking: bool = False) -> Iterator[Import]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield Import(node, lazy, type_checking)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _imports(node, True, type_checking)
        elif isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.body:
                yield from _imports(ast.Module([child], []), lazy, True)
            for child in node.orelse:
                yield from _imports(ast.Module([child], []), lazy, type_checking)
        else:
            yield from _imports(node, lazy, type_checking)


def _targets(module: Module, node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str | None]]:
    """(briefgen module imported, name bound from it or None for the module itself)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in MODULES:
                yield alias.name, None
        return
    source = _absolute(module, node)
    if source not in MODULES:
        return
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        yield (submodule, None) if submodule in MODULES else (source, alias.name)


def _module_names(module: Module) -> dict[str, str]:
    """Local names bound to briefgen modules anywhere in `module` → the module's dotted name."""
    bound: dict[str, str] = {}
    for found in _imports(module.tree):
        node = found.node
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:  # `import briefgen.x` binds `briefgen`: attribute chains resolve the rest
                        bound[alias.name.split(".")[0]] = alias.name.split(".")[0]
        else:
            source = _absolute(module, node)
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
    return bound


def _dotted(node: ast.expr) -> list[str] | None:
    """`a.b.c` → ["a", "b", "c"]; None for anything but names and attributes."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _private_uses(module: Module) -> Iterator[str]:
    for found in _imports(module.tree):
        for target, name in _targets(module, found.node):
            if target != module.name and name is not None and _is_private(name):
                yield f"{module.where(found.node)}: imports {name} from {target}"
            elif name is None and _is_private(target.rsplit(".", 1)[-1]):
                package = target.rsplit(".", 1)[0]
                if not (module.name == package or module.name.startswith(package + ".")):
                    # a package's private module is its own modules' business
                    yield f"{module.where(found.node)}: imports the private module {target}"
    bound = _module_names(module)
    uses: dict[str, None] = {}  # `a._b.c` is seen from `a._b.c` and from `a._b`: report it once
    for node in ast.walk(module.tree):
        parts = _dotted(node) if isinstance(node, ast.Attribute) else None
        if not parts or parts[0] not in bound:
            continue
        target = bound[parts[0]]
        for part in parts[1:]:
            if f"{target}.{part}" in MODULES:
                target = f"{target}.{part}"
                continue
            if _is_private(part) and target != module.name:
                uses.setdefault(f"{module.where(node)}: uses {target}.{part}")
            break
    yield from uses


def _graph() -> dict[str, dict[str, str]]:
    """Module → module it imports → where (file:line, and whether inside a function)."""
    graph: dict[str, dict[str, str]] = {name: {} for name in MODULES}
    for module in MODULES.values():
        for found in _imports(module.tree):
            if found.type_checking:
                continue
            for target, _ in _targets(module, found.node):
                if target != module.name:
                    where = module.where(found.node) + (" (inside a function)" if found.lazy else "")
                    graph[module.name].setdefault(target, where)
    return graph


def _cycles(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan), as a path back to its start."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    cycles: list[list[str]] = []
    for group in groups:
        members = set(group)
        start = group[0]
        # The shortest way back to the start within the group (breadth first).
        paths = {target: [start, target] for target in graph[start] if target in members}
        queue = sorted(paths)
        while start not in paths:
            node = queue.pop(0)
            for target in sorted(graph[node]):
                if target in members and target not in paths:
                    paths[target] = [*paths[node], target]
                    queue.append(target)
        cycles.append(paths[start])
    return cycles


def _describe(cycle: list[str], graph: dict[str, dict[str, str]]) -> str:
    steps = [f"{a} → {b} ({graph[a][b]})" for a, b in itertools.pairwise(cycle)]
    return "; ".join(steps)


def test_the_scan_sees_the_package() -> None:
    assert {"briefgen", "briefgen.checking", "briefgen.checking.rules", "briefgen.sources"} <= set(MODULES)
    graph = _graph()
    assert "briefgen.checking.rules" in graph["briefgen.checking.context"]
    assert "briefgen.checking.dates" in graph["briefgen.checking.checker"]  # `from pkg import module`


def test_no_module_uses_another_modules_private_names() -> None:
    found = [problem for module in MODULES.values() for problem in _private_uses(module)]
    assert not found, "\n".join(found)


def test_no_import_cycles() -> None:
    graph = _graph()
    cycles = [_describe(cycle, graph) for cycle in _cycles(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checks_catch_what_they_look_for() -> None:
    """The scanners themselves, on snippets: a private import, a private attribute, a cycle."""
    snippet = Module(
        "briefgen.example",
        PACKAGE / "example.py",
        ast.parse(
            "import briefgen.sources.lines as lines\n"
            "from briefgen.sources.metadata import _hidden, public\n"
            "from briefgen.sources import lines as again\n"
            "def f():\n"
            "    return lines._private, again._other, lines.word_set, lines.__name__\n"
        ),
    )
    assert list(_private_uses(snippet)) == [
        "briefgen/example.py:2: imports _hidden from briefgen.sources.metadata",
        "briefgen/example.py:5: uses briefgen.sources.lines._private",
        "briefgen/example.py:5: uses briefgen.sources.lines._other",
    ]
    graph = {"a": {"b": "a.py:1"}, "b": {"c": "b.py:3"}, "c": {"a": "c.py:2 (inside a function)"}, "d": {}}
    assert [_describe(cycle, graph) for cycle in _cycles(graph)] == [
        "a → b (a.py:1); b → c (b.py:3); c → a (c.py:2 (inside a function))"
    ]
