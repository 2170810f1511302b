"""Dependencies point one way (DESIGN.md section 1), checked on the source: every import statement,
including those inside functions and under ``TYPE_CHECKING``, is read from the syntax tree.

- inside the core, a module imports only modules of a lower layer (or its own);
- adapters, the CLI and the demo reach the core through its public surface (``scaleway_qaas.core``,
  ``scaleway_qaas.errors``), never its internal modules;
- the emulator imports the core's ground (records, wire format, codecs, errors, config), never the
  client, sessions, the submission flow or jobs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scaleway_qaas"

#: the core's layers, from the ground up; a module may import its own layer and those below
CORE_LAYERS: list[set[str]] = [
    {"errors"},
    {"durations", "config"},
    {"records", "wire"},
    {"results"},
    {"codecs"},
    {"families"},
    {"platform"},
    {"formats", "capabilities", "templates"},
    {"loop"},
    {"requests"},
    {"client"},
    {"polling", "progress", "journal", "collect"},
    {"job"},
    {"future"},
    {"session", "resume"},
    {"managed"},
    {"submit"},
]
RANK = {name: rank for rank, names in enumerate(CORE_LAYERS) for name in names}
#: what the emulator may use of the core: the wire format and what it is made of
EMULATOR_MAY_IMPORT = {"errors", "config", "durations", "records", "wire", "results", "codecs"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in ``path``."""
    module = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = module[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found.append((node.lineno, target))
            # "from . import codecs" names a module too
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def _core_module(name: str) -> str | None:
    """The core module (first component below ``scaleway_qaas.core``) an import names, if any."""
    parts = name.split(".")
    if parts[:2] == ["scaleway_qaas", "core"] and len(parts) > 2:
        return parts[2]
    return None


def _files(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py")) if (PACKAGE / sub).is_dir() else [PACKAGE / sub]


def test_every_core_module_has_a_layer():
    modules = {p.stem if p.name != "__init__.py" else p.parent.name for p in (PACKAGE / "core").glob("*")}
    modules = {m for m in modules if m not in ("__pycache__", "core") and not m.startswith(".")}
    assert modules <= set(RANK), f"core modules without a layer in this test: {sorted(modules - set(RANK))}"


@pytest.mark.parametrize("path", _files("core"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_modules_import_only_lower_layers(path: Path):
    if path.name == "__init__.py" and path.parent.name == "core":
        return  # the public surface re-exports every layer
    own = path.parent.name if path.parent.name != "core" else path.stem
    upward = [
        f"line {line}: {name}"
        for line, name in _imports(path)
        if (target := _core_module(name)) in RANK and RANK[target] > RANK[own]
    ]
    assert not upward, f"{path.relative_to(PACKAGE)} (layer {RANK[own]}) imports a higher layer: {upward}"


@pytest.mark.parametrize(
    "path", [*_files("adapters"), *_files("cli"), PACKAGE / "demo.py"], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_adapters_and_cli_use_the_public_surface(path: Path):
    direct = [f"line {line}: {name}" for line, name in _imports(path) if _internal(name)]
    assert not direct, f"{path.relative_to(PACKAGE)} imports internal core modules: {direct}"


def _internal(name: str) -> bool:
    """An import of a core module other than the surface (``scaleway_qaas.core``) and its codecs."""
    target = _core_module(name)
    if target is None or target == "codecs":
        return False
    # "from scaleway_qaas.core import X" is recorded as "scaleway_qaas.core" and "scaleway_qaas.core.X":
    # X is a name of the surface, not a module, when the surface exports it
    import scaleway_qaas.core as surface

    return target not in surface.__all__


@pytest.mark.parametrize("path", _files("emulator"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_emulator_uses_only_the_cores_ground(path: Path):
    beyond = [
        f"line {line}: {name}"
        for line, name in _imports(path)
        if (target := _core_module(name)) is not None and target not in EMULATOR_MAY_IMPORT
    ]
    assert not beyond, f"{path.relative_to(PACKAGE)} imports the core's client or session layers: {beyond}"
