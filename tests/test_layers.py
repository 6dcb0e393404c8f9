"""The data path runs one way: model -> sources | catalog -> annotate/analysis -> render |
library -> commands -> cli. An import against that direction fails here, lazy ones too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "eci_events"

# Every module's layer, by the longest matching prefix. Modules of one layer may import
# each other; "sources" and "catalog" are peers that may not; the emulator is a source the
# CLI may start (for --demo), never something the API client imports.
LAYERS = {
    "eci_events.errors": 0,
    "eci_events.model": 0,
    "eci_events.severity": 0,
    "eci_events.coerce": 0,
    "eci_events.limits": 0,
    "eci_events.timefmt": 0,
    "eci_events.records": 0,
    "eci_events.sources": 1,
    "eci_events.catalog": 1,
    "eci_events.matching": 1,
    "eci_events.emulator": 1,
    "eci_events.annotate": 2,
    "eci_events.analysis": 2,
    "eci_events.render": 3,
    "eci_events.library": 3,
    "eci_events.live": 3,
    "eci_events.commands": 4,
    "eci_events.cli": 5,
    "eci_events.__main__": 6,
    "eci_events": 6,  # the package itself re-exports the library lazily
}
PEERS = {
    ("sources", "catalog"),
    ("sources", "matching"),
    ("catalog", "sources"),
    ("matching", "sources"),
    ("render", "library"),
    ("library", "render"),
    ("live", "render"),
    ("render", "live"),
    ("sources", "emulator"),
    ("emulator", "sources"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of eci_events in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("eci_events")]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("eci_events")
        ):
            names = [f"{node.module}.{a.name}" for a in node.names]
            # `from eci_events.render import safe` imports the submodule render.safe
            found += [(node.lineno, n if layer_known(n) else node.module) for n in names]
    return found


def layer_known(module: str) -> bool:
    return (PACKAGE.parent / (module.replace(".", "/") + ".py")).exists() or (
        PACKAGE.parent / module.replace(".", "/") / "__init__.py"
    ).exists()


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_imports_only_run_downward(path: Path) -> None:
    here = module_name(path)
    for line, target in imports(path):
        if target == "eci_events" or target.startswith("eci_events.__"):
            continue  # the version string
        assert layer(target) <= layer(here), f"{here}:{line} imports {target}, a higher layer"
        assert (part(here), part(target)) not in PEERS, f"{here}:{line} imports its peer {target}"


def test_the_test_sees_a_violation(tmp_path: Path) -> None:
    """The check itself can fail: an analysis module importing a renderer is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from eci_events.render.safe import escape\n")
    assert [t for _, t in imports(bad)] == ["eci_events.render.safe"]
    assert layer("eci_events.render.safe") > layer("eci_events.analysis.triage")
