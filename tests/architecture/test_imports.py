"""No import cycle in src/, and no adapter imported by services/ or api/ outside the wiring.

Every import counts, at module level, inside a function or behind
TYPE_CHECKING (a cycle hidden there is still a cycle in the design)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "proxycall"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in (SRC / PACKAGE).rglob("*.py")
            if "migrations" not in p.parts}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports (a package import names its __init__ module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            # `from pkg import submodule` needs the submodule; any other name needs `pkg` itself
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The modules of one import cycle, sorted ([] when there is none)."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return [sorted(set(error.args[1]))]
    return []


def test_there_is_no_import_cycle_in_src() -> None:
    known = modules()
    names = set(known)
    graph = {name: imports_of(name, path, names) - {PACKAGE} for name, path in known.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# Only these modules put adapters and services together; everything else in services/ and api/
# sees the ports (core.stores, core.telephony, core.places, core.llm).
WIRING = {"proxycall.wiring", "proxycall.container", "proxycall.app"}
INWARD_LAYERS = ("proxycall.services", "proxycall.api")


def adapter_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(module, adapter module) for every import of adapters/ from services/ or api/."""
    return sorted((name, target) for name, targets in graph.items()
                  if name.startswith(INWARD_LAYERS) and name not in WIRING
                  for target in targets if target.startswith("proxycall.adapters"))


def test_services_and_api_never_import_adapters() -> None:
    known = modules()
    names = set(known)
    graph = {name: imports_of(name, path, names) for name, path in known.items()}
    assert adapter_imports(graph) == []


def test_the_layer_rule_finds_a_planted_adapter_import() -> None:
    graph = {"proxycall.services.calls.worker": {"proxycall.adapters.db.calls"},
             "proxycall.api.health": {"proxycall.core.stores"},
             "proxycall.wiring": {"proxycall.adapters.db.calls"}}
    assert adapter_imports(graph) == [("proxycall.services.calls.worker",
                                       "proxycall.adapters.db.calls")]
