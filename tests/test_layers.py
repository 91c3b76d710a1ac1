"""The lower apps stand in layers: each imports only from the layers below it.

audit (the trail every app writes to), then procedures (the catalog), then practice
(practice, patients, roles, access rules); the notes and everything above build on them.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["audit", "procedures", "practice", "checklists", "review", "rules", "interop"]
# What each app may import from (besides itself, Django and the libraries).
BELOW = {
    "audit": set(),
    "procedures": {"audit"},
    "practice": {"audit", "procedures"},
}


def imported_apps(app: str) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("app", sorted(BELOW))
def test_an_app_imports_nothing_from_the_apps_above_it(app):
    above = {top: files for top, files in imported_apps(app).items() if top not in BELOW[app]}
    assert above == {}
