"""House rules: the core imports without Flask, and all SQL lives in the store."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "course"
WEB = {"flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug", "jinja2"}
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX))\b", re.IGNORECASE | re.DOTALL)


def core_modules() -> list[str]:
    """Every module of the engine outside the web package."""
    names = []
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE.parent).with_suffix("").parts
        if "web" not in parts:
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_core_is_found():
    assert {"course", "course.content", "course.grading", "course.store", "course.analysis", "course.xapi"} <= set(core_modules())


def test_each_core_module_imports_without_loading_flask():
    for name in core_modules():
        loaded = subprocess.run(
            [sys.executable, "-c", f"import sys, json, {name}; print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"],
            capture_output=True, text=True, check=True, cwd=ENGINE.parent,
        )
        assert not WEB & set(json.loads(loaded.stdout)), (name, WEB & set(json.loads(loaded.stdout)))


def test_no_sql_outside_the_store():
    for path in ENGINE.rglob("*.py"):
        if path.name == "store.py":
            continue
        strings = [node.value for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        assert not [s for s in strings if SQL.search(s)], path
