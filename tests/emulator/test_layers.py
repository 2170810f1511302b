"""The emulator's handler modules share emulator/context.py and never import the app that mounts them."""

from __future__ import annotations

import ast
from pathlib import Path

import scaleway_qaas.emulator as package

HANDLERS = ("sessions", "processes", "context", "render")
#: what a handler module may import from the emulator package
ALLOWED = {"context", "render", "schema", "store", "validation", "errors", "platforms", "storage", "worker"}


def _imports(module: str) -> set[str]:
    tree = ast.parse((Path(package.__file__).parent / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {alias.name for alias in node.names}
    return found


def test_handler_modules_import_only_the_shared_context_and_lower_modules() -> None:
    for module in HANDLERS:
        assert _imports(module) <= ALLOWED, (module, _imports(module) - ALLOWED)
    assert {"context", "sessions", "processes"} <= _imports("app")
