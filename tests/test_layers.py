"""Imports point downwards only (see DESIGN.md, "Layers").

The domain must run without Qt or a database so every business rule is testable in
milliseconds, and services must run without Qt so the CLI and tests can use them without
a display. Nothing else stops an innocent ``from PySide6.QtCore import QDate`` in a
service, so this test reads the source of every module with ``ast`` (without importing
it, so it also catches imports in functions and under ``TYPE_CHECKING``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "shopdesk"

QT = ("PySide6", "shiboken6", "qasync")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": QT + (
        "sqlalchemy", "alembic",
        "shopdesk.store", "shopdesk.services", "shopdesk.gui", "shopdesk.printing",
    ),
    "services": QT + ("shopdesk.gui",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _string_arg(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def imported_names(source: str, module: str = "shopdesk.x", is_package: bool = False) -> list[tuple[int, str]]:
    """Every module name the source imports, absolute, with its line number.

    ``from shopdesk import store`` yields both ``shopdesk`` and ``shopdesk.store``;
    ``importlib.import_module("x")`` and ``__import__("x")`` with a literal count too.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = node.module
            if node.level:
                target = _resolve_relative(module, is_package, node.level, node.module)
            if target:
                found.append((node.lineno, target))
                found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ("import_module", "__import__") and (arg := _string_arg(node)):
                found.append((node.lineno, arg))
    return found


def violations(source: str, module: str, forbidden: tuple[str, ...], is_package: bool = False) -> list[str]:
    """Human-readable list of forbidden imports in ``source`` (empty when clean)."""
    bad = []
    for line, name in imported_names(source, module, is_package):
        for prefix in forbidden:
            if name == prefix or name.startswith(prefix + "."):
                bad.append(f"{module}:{line} imports {name} (forbidden: {prefix})")
                break
    return sorted(set(bad))


def layer_modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_downwards(layer):
    files = layer_modules(layer)
    assert files, f"no modules found under shopdesk/{layer}; the test would prove nothing"
    problems = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        problems += violations(source, module_name(path), FORBIDDEN[layer], path.name == "__init__.py")
    assert not problems, "Layer violations:\n" + "\n".join(problems)


def test_domain_layer_is_really_walked():
    names = {module_name(p) for p in layer_modules("domain")}
    assert {"shopdesk.domain.money", "shopdesk.domain.cart", "shopdesk.domain.gtin"} <= names


@pytest.mark.parametrize(
    ("source", "module", "culprit"),
    [
        ("import PySide6\n", "shopdesk.domain.cart", "PySide6"),
        ("from PySide6.QtCore import QDate\n", "shopdesk.domain.cart", "PySide6.QtCore"),
        ("def f():\n    import shiboken6\n", "shopdesk.domain.cart", "shiboken6"),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import qasync\n",
         "shopdesk.domain.cart", "qasync"),
        ("import sqlalchemy.orm as orm\n", "shopdesk.domain.cart", "sqlalchemy.orm"),
        ("from alembic import op\n", "shopdesk.domain.cart", "alembic"),
        ("from shopdesk import store\n", "shopdesk.domain.cart", "shopdesk.store"),
        ("from shopdesk.services.checkout import sell\n", "shopdesk.domain.cart", "shopdesk.services.checkout"),
        ("from ..gui import main_window\n", "shopdesk.domain.cart", "shopdesk.gui"),
        ("from ..printing.receipt import x\n", "shopdesk.domain.cart", "shopdesk.printing.receipt"),
        ("import importlib\nimportlib.import_module('PySide6.QtGui')\n", "shopdesk.domain.cart", "PySide6.QtGui"),
    ],
)
def test_checker_flags_forbidden_domain_imports(source, module, culprit):
    problems = violations(source, module, FORBIDDEN["domain"])
    assert any(f"imports {culprit} " in p for p in problems), problems


def test_checker_flags_qt_in_services_but_allows_the_store():
    assert violations("from PySide6 import QtCore\n", "shopdesk.services.x", FORBIDDEN["services"])
    assert violations("from ..gui.app import App\n", "shopdesk.services.x", FORBIDDEN["services"])
    assert not violations(
        "from sqlalchemy import select\nfrom shopdesk.store.models import Product\n"
        "from ..domain.money import format_money\n",
        "shopdesk.services.x", FORBIDDEN["services"],
    )


def test_checker_allows_what_the_domain_may_use():
    source = (
        "from __future__ import annotations\nimport decimal\nfrom babel.numbers import format_currency\n"
        "from shopdesk.domain.errors import ValidationError\nfrom .money import round_ratio\n"
        "from . import tax\nimport shopdesk.storefront_names_are_not_store\n"
    )
    assert violations(source, "shopdesk.domain.cart", FORBIDDEN["domain"]) == []


def test_relative_imports_resolve_from_packages_and_modules():
    assert (1, "shopdesk.store") in imported_names("from .. import store\n", "shopdesk.domain.cart")
    assert (1, "shopdesk.domain.money") in imported_names(
        "from .money import x\n", "shopdesk.domain", is_package=True
    )
