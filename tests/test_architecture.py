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
    for package in ["db", "collectors", "pricing", "analysis"]:
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            if info.ispkg or ".migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            assert hasattr(module, "__all__"), f"{info.name} has no __all__"
