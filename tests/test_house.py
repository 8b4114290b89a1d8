"""House rules: the pure core never imports Flask, and all SQL lives in the store."""

import ast
import re
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "course"
PURE = [*sorted((ENGINE / "content").glob("*.py")), ENGINE / "grading.py", ENGINE / "progress.py"]
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX))\b", re.IGNORECASE | re.DOTALL)


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_pure_core_imports_no_flask():
    for path in PURE:
        assert not {"flask", "flask_babel", "flask_login", "werkzeug"} & imported_modules(path), path


def test_no_sql_outside_the_store():
    for path in ENGINE.rglob("*.py"):
        if path.name == "store.py":
            continue
        strings = [node.value for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        assert not [s for s in strings if SQL.search(s)], path
