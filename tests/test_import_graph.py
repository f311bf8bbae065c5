"""The apps import each other in one direction only: config <- partnerships <- assessments <- results <- reports,
and notifications (emails about the register and the rounds) beside results, imported by none of them.

Read from the source with ``ast`` (every import, however deep in a function), so a deferred import cannot hide a
cycle. Tests are left out: cross-app tests build any app's data.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "partnerships", "assessments", "results", "reports", "notifications")
# Each app and the apps it must never import.
FORBIDDEN = {
    "config": {"partnerships", "assessments", "results", "reports", "notifications"},
    "partnerships": {"assessments", "results", "reports", "notifications"},
    "assessments": {"results", "reports", "notifications"},
    "results": {"reports", "notifications"},
    "reports": {"notifications"},
    "notifications": {"results", "reports"},
}


def imported_apps(path: Path) -> set[str]:
    """Return the project apps that the module at ``path`` imports anywhere in its body."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(APPS)
    return found


def app_modules(app: str) -> list[Path]:
    """Return the app's own modules: not its migrations, and not its tests (which may build any app's data)."""
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts]


@pytest.mark.parametrize("app", APPS)
def test_app_imports_only_the_apps_below_it(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & FORBIDDEN[app])
        for path in app_modules(app)
        if imported_apps(path) & FORBIDDEN[app]
    }
    assert wrong == {}


def test_the_check_sees_deferred_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from results import selectors\n    import reports.views\n")
    assert imported_apps(module) == {"results", "reports"}


def test_no_test_module_imports_another_test_module():
    """Shared test helpers live in an app's ``tests/factories.py`` or a ``conftest.py``, never in a test module."""
    offenders = {}
    for path in ROOT.glob("**/test_*.py"):
        if ".venv" in path.parts or "var" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1].startswith("test_"):
                offenders[str(path.relative_to(ROOT))] = node.module
    assert offenders == {}
