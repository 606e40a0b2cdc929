"""The payments package's dependency order, read from its imports: the library builds on
payments and never the other way round, and inside payments parking -> charges -> ledger."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAYMENTS = Path(__file__).resolve().parents[2] / "app" / "payments"
# What each sub-package may import from the others (the package's own modules are shared).
ALLOWED = {
    "ledger": set(),
    "loads": {"ledger"},
    "charges": {"ledger"},
    "parking": {"charges", "ledger"},
    "reports": {"charges", "ledger"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted(PAYMENTS.rglob("*.py")), ids=lambda p: p.name)
def test_payments_never_imports_the_library(path: Path) -> None:
    found = {
        name for name in _imports(path) if name == "app.library" or name.startswith("app.library.")
    }
    assert not found, f"{path.relative_to(PAYMENTS)} imports {sorted(found)}"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_sub_packages_import_only_those_below_them(package: str) -> None:
    for path in sorted((PAYMENTS / package).rglob("*.py")):
        used = {
            name.split(".")[2]
            for name in _imports(path)
            if name.startswith("app.payments.") and name.split(".")[2] in ALLOWED
        }
        assert used - {package} <= ALLOWED[package], (
            f"{path.relative_to(PAYMENTS)} imports {sorted(used - {package} - ALLOWED[package])}"
        )
