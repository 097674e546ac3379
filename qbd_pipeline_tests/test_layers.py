"""Imports run one way: spec -> Conductor client and WMS schema -> sync engine -> Dagster definitions.

Read from the source (every `import` and `from ... import`, lazy ones inside functions too), so a
cycle cannot hide behind a function-level import. The emulator is a test double: it may use the
spec, and nothing of the product may import it.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qbd_pipeline"

# Lowest first; a module may import its own layer's modules and any lower layer's.
LAYERS: list[set[str]] = [
    {"settings", "spec"},
    {"conductor", "wms"},
    {"sync"},
    {"quickbooks", "pushback", "console", "watchdog", "definitions", "cli", "companies_cli", "demo", "devserver",
     "processes", "reports", "run_queue", "__init__"},
]
# Within the client layer, the two sides know nothing of each other.
SIDEWAYS_FORBIDDEN = {("conductor", "wms"), ("wms", "conductor")}


def _area(module: str) -> str:
    """`qbd_pipeline.sync.push` -> `sync`; `qbd_pipeline.settings` -> `settings`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(area: str) -> int | None:
    return next((i for i, names in enumerate(LAYERS) if area in names), None)


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the project modules `path` imports."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
    return {name for name in found if name.split(".")[0] == "qbd_pipeline" and name != "qbd_pipeline"}


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _violations(path: Path) -> list[str]:
    here = _area(_module_of(path))
    problems = []
    for target in sorted(_imports(path)):
        there = _area(target)
        if there == here:
            continue
        if there == "emulator":
            problems.append(f"{target} (only the emulator may import the emulator)")
        elif here == "emulator":
            if there not in LAYERS[0]:
                problems.append(f"{target} (the emulator depends on the spec alone)")
        elif (here, there) in SIDEWAYS_FORBIDDEN:
            problems.append(f"{target} (sideways between client-layer packages)")
        elif _layer(there) is None or _layer(here) is None:
            problems.append(f"{target} (a package no layer names: add it to LAYERS)")
        elif _layer(there) > _layer(here):
            problems.append(f"{target} (runs up from layer {_layer(here)} to {_layer(there)})")
    return problems


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_one_way(path):
    assert _violations(path) == []


def test_migrations_import_no_live_code():
    """An old migration must do the same thing forever, whatever the mapping becomes later."""
    for path in sorted((PACKAGE / "wms" / "migrations" / "versions").glob("*.py")):
        live = {name for name in _imports(path) if name not in {"qbd_pipeline.wms", "qbd_pipeline.wms.types"}}
        assert live == set(), path.name


def test_the_check_sees_an_upward_and_a_sideways_import(tmp_path, monkeypatch):
    """The rule itself can fail: a spec module importing the engine, and the WMS side the emulator."""
    spec = PACKAGE / "spec" / "entities.py"
    wms = PACKAGE / "wms" / "schema.py"
    sources = {spec: "from ..sync import merge\n",
               wms: "from ..emulator import store\nfrom ..conductor import errors\n"}
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: sources[self])
    assert [v.split(" ")[0] for v in _violations(spec)] == ["qbd_pipeline.sync", "qbd_pipeline.sync.merge"]
    assert len(_violations(wms)) == 4
