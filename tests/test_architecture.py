"""Arrows point inward: interfaces -> services -> stores; lower layers never import higher ones."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
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


# The research store is read through research/ only: nobody else sees its rows, its connection or its SQL.
STORE_METHODS = {"rows", "one", "con", "records", "first_record"}
RESEARCH_TABLES = ("papers", "authorships", "people", "organisations", "person_years", "person_names",
                   "person_links", "person_redirects", "org_aliases", "venues", "paper_affiliations", "build_info",
                   "source_files", "skipped_records", "paper_sources", "authorship_institutions")
RESEARCH_SQL = re.compile(rf"\b(?:FROM|JOIN)\s+(?:{'|'.join(RESEARCH_TABLES)})\b", re.IGNORECASE)
OUTSIDE_RESEARCH = [p for p in MODULES if part_of(p) != "research"]


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant (f-string parts included) that is not a docstring, with its line."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("path", OUTSIDE_RESEARCH, ids=lambda p: str(p.relative_to(SRC)))
def test_the_research_store_is_read_through_research_only(path: Path) -> None:
    tree = ast.parse(path.read_text())
    raw = [f"line {node.lineno}: .{node.attr}" for node in ast.walk(tree)
           if isinstance(node, ast.Attribute) and node.attr in STORE_METHODS]
    sql = [f"line {line}: {text.strip()[:60]!r}" for line, text in _strings(tree) if RESEARCH_SQL.search(text)]
    assert not raw + sql, f"{path.relative_to(SRC)} reads the research store directly: {raw + sql}"


# Services word their errors about fields; each interface says how it spells a field (--top, a form input).
SERVICES = ("kit", "errors", "config", "sources", "identity", "research", "talent", "pipeline", "team")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
SERVICE_MODULES = [p for p in MODULES if part_of(p) in SERVICES and "migrations" not in p.parts]


@pytest.mark.parametrize("path", SERVICE_MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_services_never_name_command_line_flags(path: Path) -> None:
    flags = [f"line {line}: {FLAG.search(text).group()}" for line, text in _strings(ast.parse(path.read_text()))
             if FLAG.search(text)]
    assert not flags, f"{path.relative_to(SRC)} names command-line flags in its messages: {flags}"


# Interfaces parse, call a use case and render: the ranking (talent/search.py, talent/query.py) is called by the
# talent package's use cases (`views.search_view`) and the team builder, never by a command, an endpoint or a page,
# so all three faces answer a search the same way. Its types (SearchFilters, ExpertHit, PARTS) are theirs to use.
INTERFACES = ("api", "web", "cli")
RANKING = ("labscout.talent.search", "labscout.talent.query")
INTERFACE_MODULES = [p for p in MODULES if part_of(p) in INTERFACES]


def ranking_calls(tree: ast.AST) -> list[str]:
    """Every call of a ranking function, through a module alias (`search.find_experts(...)`) or a name imported
    from a ranking module (`find_experts(...)`), with its line."""
    modules: dict[str, str] = {}  # local name -> ranking module it stands for
    direct: dict[str, str] = {}   # local name -> "module.function"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in RANKING:
                    modules[alias.asname or alias.name] = full
                elif node.module in RANKING:
                    direct[alias.asname or alias.name] = full
        elif isinstance(node, ast.Import):
            modules.update({a.asname: a.name for a in node.names if a.name in RANKING and a.asname})
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in modules:
            name = f"{modules[func.value.id]}.{func.attr}"
        elif isinstance(func, ast.Name) and func.id in direct:
            name = direct[func.id]
        else:
            continue
        module, _, attr = name.rpartition(".")
        if inspect.isfunction(getattr(importlib.import_module(module), attr, None)):
            found.append(f"line {node.lineno}: {name}")
    return found


@pytest.mark.parametrize("path", INTERFACE_MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_interfaces_search_through_the_use_case_only(path: Path) -> None:
    calls = ranking_calls(ast.parse(path.read_text()))
    assert not calls, f"{path.relative_to(SRC)} ranks people itself instead of calling views.search_view: {calls}"


def test_the_rules_catch_what_they_are_meant_to() -> None:
    sample = ast.parse('def f(store):\n    """Uses --top."""\n    raise X(f"--top is {1}")\n'
                       '    return store.rows("SELECT 1 FROM people")\n')
    assert sorted(text for _, text in _strings(sample)) == ["--top is ", "SELECT 1 FROM people"]
    assert RESEARCH_SQL.search("select * from authorships a join papers p")
    assert FLAG.search("give --to or --via-org") and not FLAG.search("a long -- dash, x--y")
    ranking = ast.parse("from labscout.talent import search, views\nfrom labscout.talent.search import find_experts "
                        "as fe\nimport labscout.talent.query as q\n"
                        "search.find_experts(1, 2, 'x')\nfe(1)\nq.plan_query(1, 'x')\n"
                        "search.SearchFilters(org='x')\nviews.search_view(1, 2, 'x')\n")
    assert ranking_calls(ranking) == ["line 4: labscout.talent.search.find_experts",
                                      "line 5: labscout.talent.search.find_experts",
                                      "line 6: labscout.talent.query.plan_query"]
