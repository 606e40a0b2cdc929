"""The shape of the code, read from its import graph (grimp) and its syntax tree.

The domain packages form no cycle, their routers counted in: a router sits in the package it
belongs to, so a package below the route guard (app.access) keeps its routes above it. Only the
pages, the command and the entry points are the edge, which only the entry imports. `cards/`
imports nothing from `app/`. Modules stay under 300 lines and functions under 50.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
EDGE_PACKAGES = ("app.web", "app.cli")
ENTRY_POINTS = {"app.main", "app.openapi", "app.models", "app.__main__"}


@cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("app", "cards", include_external_packages=False)


def _is_edge(module: str) -> bool:
    return module in ENTRY_POINTS or any(
        module == p or module.startswith(p + ".") for p in EDGE_PACKAGES
    )


def _package(module: str, depth: int) -> str:
    return ".".join(module.split(".")[:depth])


def _edges(prefix: str, depth: int) -> dict[str, set[tuple[str, str]]]:
    """Package → the (importer, imported) module pairs that tie it to each other package."""
    graph = _graph()
    found: dict[str, set[tuple[str, str]]] = {}
    for importer in graph.modules:
        if not importer.startswith(prefix) or _is_edge(importer) or importer.count(".") < depth - 1:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            if not imported.startswith(prefix) or imported.count(".") < depth - 1:
                continue
            a, b = _package(importer, depth), _package(imported, depth)
            if a != b:
                found.setdefault(f"{a} -> {b}", set()).add((importer, imported))
    return found


def _cycles(edges: dict[str, set[tuple[str, str]]]) -> list[list[str]]:
    """Every strongly connected group of packages bigger than one (Tarjan)."""
    succ: dict[str, set[str]] = {}
    for key in edges:
        a, b = key.split(" -> ")
        succ.setdefault(a, set()).add(b)
        succ.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return groups


def _explain(groups: list[list[str]], edges: dict[str, set[tuple[str, str]]]) -> str:
    lines = []
    for group in groups:
        for key, pairs in sorted(edges.items()):
            a, b = key.split(" -> ")
            if a in group and b in group:
                lines.append(f"{key}: " + ", ".join(f"{m} > {n}" for m, n in sorted(pairs)[:3]))
    return "\n".join(lines)


def test_the_domain_packages_form_no_cycle() -> None:
    edges = _edges("app.", 2)
    groups = _cycles(edges)
    assert groups == [], _explain(groups, edges)


def test_the_payments_packages_form_no_cycle() -> None:
    edges = _edges("app.payments.", 3)
    groups = _cycles(edges)
    assert groups == [], _explain(groups, edges)


def test_only_the_app_imports_its_edge() -> None:
    """The edge claim the cycle test rests on: no domain module imports a page or the command."""
    graph = _graph()
    wrong = sorted(
        (importer, imported)
        for imported in graph.modules
        if _is_edge(imported) and imported not in ENTRY_POINTS
        for importer in graph.find_modules_that_directly_import(imported)
        if not _is_edge(importer)
    )
    assert wrong == []


def test_the_card_library_imports_nothing_from_the_app() -> None:
    graph = _graph()
    wrong = sorted(
        (module, imported)
        for module in graph.modules
        if module.startswith("cards")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("app")
    )
    assert wrong == []


def _sources() -> Iterator[Path]:
    for folder in ("app", "cards"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_modules_stay_under_300_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := p.read_text(encoding="utf-8").count("\n")) > 300
    }
    assert long == {}


def test_functions_stay_under_50_lines() -> None:
    long = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > 50:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = size
    assert long == {}
