"""Arrows point inward: interfaces -> services -> stores; lower layers never import higher ones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "labscout"

# What each part of the package may import from LabScout, besides itself.
ALLOWED = {
    "kit": set(),
    "errors": set(),
    "config": set(),
    "sources": {"errors", "kit"},
    "identity": {"errors", "kit", "sources"},
    "research": {"errors", "kit", "sources", "identity"},
    "talent": {"errors", "kit", "sources", "identity", "research"},
    "pipeline": {"errors", "kit", "config", "sources", "identity", "research", "talent"},
    "team": {"errors", "kit", "config", "sources", "identity", "research", "talent", "pipeline"},
    "terminal": {"errors", "kit", "sources", "identity", "research", "talent", "pipeline"},
    "api": {"errors", "kit", "config", "sources", "identity", "research", "talent", "pipeline", "team"},
    "web": {"errors", "kit", "config", "sources", "identity", "research", "talent", "pipeline", "team", "api"},
    "cli": {"errors", "kit", "config", "sources", "identity", "research", "talent", "pipeline", "team", "terminal",
            "api", "web"},
}


def part_of(path: Path) -> str:
    relative = path.relative_to(SRC)
    return relative.parts[0].removesuffix(".py")


def labscout_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("labscout."):
            found.add(node.module.split(".")[1])
            if node.module == "labscout":
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "labscout":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("labscout."))
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_inward(path: Path) -> None:
    part = part_of(path)
    assert part in ALLOWED, f"{part} has no declared place in the layering"
    outward = labscout_imports(path) - ALLOWED[part] - {part}
    assert not outward, f"{path.relative_to(SRC)} imports {sorted(outward)}"
