"""The code's layout: one package per stage, no import cycles, the library never imports the command line."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "syndicate"
#: over this, a module holds more than one concern (README: How the code is laid out)
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of other syndicate modules, at any level (a lazy import is still one)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("syndicate"):
                named = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
                graph[name] |= {target for target in named if target in modules and target != name}
            elif isinstance(node, ast.Import):
                graph[name] |= {alias.name for alias in node.names if alias.name in modules}
    return graph


def test_no_module_imports_itself_round_a_cycle() -> None:
    graph = _imports(_modules())
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        for target in sorted(graph[name]):
            if target in path:
                cycles.append([*path[path.index(target) :], target])
            elif target not in done:
                visit(target, [*path, target])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert cycles == []


def test_the_library_never_imports_the_command_line() -> None:
    graph = _imports(_modules())
    library = [name for name in graph if not name.startswith("syndicate.cli") and name != "syndicate.__main__"]
    assert {name: sorted(t for t in graph[name] if t.startswith("syndicate.cli")) for name in library} == {
        name: [] for name in library
    }


def test_no_module_is_over_the_limit() -> None:
    long = {name: n for name, path in _modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}
