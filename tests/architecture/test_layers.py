"""The core is pure: it imports only the standard library, `phonenumbers` and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "proxycall"
CORE = SRC / "core"
ALLOWED_THIRD_PARTY = {"phonenumbers"}  # a pure data library: numbers are domain logic here
FORBIDDEN_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"),
                   ("time", "time"), ("os", "getenv"), ("random", "random")}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_core_imports_nothing_outside_core_and_stdlib(path: Path) -> None:
    for module in imported_modules(path):
        top = module.split(".")[0]
        if top == "proxycall":
            assert module.startswith("proxycall.core"), f"{path.name} imports {module}"
            continue
        assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, (
            f"{path.name} imports {module}")


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_core_reads_no_clock_or_environment(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert (node.value.id, node.attr) not in FORBIDDEN_CALLS, (
                f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
        if isinstance(node, ast.Attribute) and node.attr == "environ":
            raise AssertionError(f"{path.name}:{node.lineno} reads the environment")


def test_only_config_reads_the_environment() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "config.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            reads = (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
                     and isinstance(node.value, ast.Name) and node.value.id == "os")
            if reads:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []
