"""The package's import graph goes one way, and no module uses another's private names.

Read from the installed package's source with ast (nothing is imported), so a
deferred import inside a function counts as much as one at the top: it still
ties the two modules together. Imports under ``if TYPE_CHECKING:`` do not.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

PACKAGE = Path(str(resources.files("medplan")))


@dataclass(frozen=True)
class Module:
    """One module of the installed package: its dotted name and parsed source."""

    name: str
    tree: ast.Module


def _modules() -> dict[str, Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        found[name] = Module(name, ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = _modules()


def _owner(dotted: str) -> str:
    while dotted and dotted not in MODULES:
        dotted = dotted.rpartition(".")[0]
    return dotted


def _typing_only(node: ast.AST, tree: ast.Module) -> bool:
    return any(
        isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test) and node in ast.walk(block)
        for block in tree.body
    )


def _imports(module: Module) -> list[tuple[str, str]]:
    """(imported module, name or "") for every medplan import in the module, TYPE_CHECKING ones left out."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [(_owner(a.name), "") for a in node.names if a.name.startswith("medplan")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("medplan") and not _typing_only(node, module.tree):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.append((full, "") if full in MODULES else (_owner(node.module), alias.name))
    return [(target, name) for target, name in found if target and target != module.name]


def _graph() -> dict[str, set[str]]:
    # The package's __init__ re-exports the public API: every module is below it.
    return {
        name: {target for target, _ in _imports(module) if target != "medplan"}
        for name, module in MODULES.items()
        if name != "medplan"
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_the_package():
    """The graph holds every subpackage's modules and their imports, so the next tests check something."""
    graph = _graph()

    assert {"medplan.planning.planner", "medplan.render.wording", "medplan.web.app", "medplan.cli"} <= set(graph)
    assert "medplan.planning.rules" in graph["medplan.planning.planner"]


def test_imports_go_one_way():
    """No module imports, directly or through others, a module that imports it."""
    assert _cycles(_graph()) == []


def test_no_module_imports_another_modules_private_names():
    """A name that starts with an underscore is used only in its own module (private modules such as _version excepted)."""
    private = [
        f"{name} imports {target}.{imported}"
        for name, module in MODULES.items()
        for target, imported in _imports(module)
        if imported.startswith("_") and not imported.startswith("__")
    ]

    assert private == []


def test_renderers_import_only_the_model_and_wording():
    """What renders a plan reads the plan: the model, the wording, and other renderers, never the planner or a table."""
    allowed = ("medplan.model", "medplan.exceptions", "medplan._", "medplan.render")
    reached = {
        f"{name} -> {target}"
        for name, targets in _graph().items()
        if name.startswith("medplan.render.")
        for target in targets
        if not target.startswith(allowed) and name != "medplan.render.wording"
    }

    assert reached == set()
