"""House rules that keep the rooms apart (ARCHITECTURE.md §2) and the public surfaces explicit."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ["db", "collectors", "pricing", "analysis", "reports", "app"]
NEVER = {
    "db": {"streamlit", "httpx", "collectors", "pricing", "analysis", "reports", "app"},
    "collectors": {"streamlit", "analysis", "reports", "app"},
    "pricing": {"streamlit", "httpx", "collectors", "analysis", "reports", "app"},
    "analysis": {"streamlit", "httpx", "collectors", "reports", "app"},
    "reports": {"streamlit", "httpx", "collectors", "app"},
    "app": {"httpx"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_it_may(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        forbidden = _imports(path) & NEVER[package]
        assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


def test_collectors_demo_is_the_only_collector_module_that_writes_files() -> None:
    # Collectors read; the demo writes its export files, everything else goes through the pipeline.
    writers = [p for p in (ROOT / "collectors").rglob("*.py") if "write_text(" in p.read_text()]
    assert [p.name for p in writers] == ["demo.py"]


@pytest.mark.parametrize("package", ["db", "collectors"])
def test_public_surface_is_declared_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__, f"{package} has no __all__"
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.__all__ names missing {name}"


def test_every_module_declares_all() -> None:
    for package in ["db", "collectors", "pricing", "analysis", "reports"]:
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            if info.ispkg or ".migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            assert hasattr(module, "__all__"), f"{info.name} has no __all__"


# --- persistence lives in db/ ----------------------------------------------------------------------------

_WRITES = frozenset({"insert", "update", "delete"})


def _persistence(source: str) -> list[str]:
    """Where ``source`` reaches past ``db``'s functions into the ledger: an import of ``db.schema`` (in any
    spelling), or an insert, update or delete statement built with SQLAlchemy — a call of its ``insert``,
    ``update`` or ``delete`` (imported by name, or through a module alias such as ``sa.insert``), or a
    ``.insert()``, ``.update()`` or ``.delete()`` without arguments, as a Table's are called (a DataFrame's,
    a list's, a set's and a dict's take arguments)."""
    tree = ast.parse(source)
    found: list[str] = []
    statements: set[str] = set()  # local names of sqlalchemy's insert, update and delete
    modules: set[str] = set()  # local names of sqlalchemy and anything imported from it
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "db.schema" or alias.name.startswith("db.schema."):
                    found.append(f"line {node.lineno}: import {alias.name}")
                if alias.name.split(".")[0] == "sqlalchemy":
                    modules.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [alias.name for alias in node.names]
            if node.module == "db.schema" or node.module.startswith("db.schema."):
                found.append(f"line {node.lineno}: from {node.module} import {', '.join(names)}")
            elif node.module == "db" and "schema" in names:
                found.append(f"line {node.lineno}: from db import schema")
            if node.module.split(".")[0] == "sqlalchemy":
                for alias in node.names:
                    (statements if alias.name in _WRITES else modules).add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in statements:
            found.append(f"line {node.lineno}: {func.id}(…) from sqlalchemy")
        elif isinstance(func, ast.Attribute) and func.attr in _WRITES:
            if isinstance(func.value, ast.Name) and func.value.id in modules:
                found.append(f"line {node.lineno}: {func.value.id}.{func.attr}(…)")
            elif not node.args and not node.keywords:
                found.append(f"line {node.lineno}: .{func.attr}() on a table")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from db.schema import usage",
        "from db.schema import usage as u, imports",
        "from db import schema",
        "from db import open_ledger, schema as tables",
        "import db.schema",
        "import db.schema as tables",
        "from sqlalchemy import insert\ninsert(t).values(a=1)",
        "from sqlalchemy import delete as remove\nremove(t)",
        "from sqlalchemy.dialects.postgresql import insert\ninsert(t).on_conflict_do_nothing()",
        "import sqlalchemy as sa\nsa.update(t).values(a=1)",
        "import sqlalchemy\nsqlalchemy.delete(t)",
        "from sqlalchemy.dialects import sqlite\nsqlite.insert(t)",
        "t.insert().values(a=1)",
        "conn.execute(tables.usage.update().where(x))",
        "t.delete()",
    ],
)
def test_the_persistence_check_finds_every_spelling(source: str) -> None:
    assert _persistence(source), source


@pytest.mark.parametrize(
    "source",
    [
        "from db import open_ledger, read_usage",
        "from db.usage import read_usage\nimport db.usage",
        "from sqlalchemy import Engine, select\nselect(t)",
        "frame.insert(0, 'version', range(3))",
        "seen.update(hours)",
        "values.update(a=1)",
        "stack.insert(0, item)",
        "items.delete(key)",
        "def insert(x): ...\ninsert(1)",
    ],
)
def test_the_persistence_check_leaves_everything_else_alone(source: str) -> None:
    assert not _persistence(source), source


def test_only_db_touches_the_ledgers_tables() -> None:
    # One home for persistence: everything else reads and writes the ledger through db's functions, so a
    # table's shape can change in one package. Tests may look at the tables to check what db wrote.
    tops = [p for p in ROOT.iterdir() if p.name not in ("db", "tests") and not p.name.startswith(".")]
    paths = [p for top in tops for p in ([top] if top.is_file() else sorted(top.rglob("*.py"))) if p.suffix == ".py"]
    assert {"app", "collectors", "analysis", "streamlit_app.py"} <= {p.relative_to(ROOT).parts[0] for p in paths}
    offenders = {str(p.relative_to(ROOT)): found for p in paths if (found := _persistence(p.read_text()))}
    assert not offenders, offenders
