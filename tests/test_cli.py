"""`flask course …` commands."""

import shutil
from pathlib import Path

from course import store
from course.web import create_app

FIXTURE = Path(__file__).parent / "fixtures" / "course"


def cli_for(tmp_path, content_root):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / "cli.db"), "CONTENT_ROOT": str(content_root)})
    return app.test_cli_runner()


def test_check_says_ok_with_a_summary(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    shutil.copy(root / "modules/02-reading/fr.md", root / "modules/02-reading/ar.md")
    result = cli_for(tmp_path, root).invoke(args=["course", "check"])
    store.close_connection()
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "ok"
    assert "en: 2 modules, 3 pages, 1 quizzes, 6 questions, 1 glossary terms" in result.output


def test_check_lists_every_problem_and_fails(tmp_path):
    result = cli_for(tmp_path, FIXTURE).invoke(args=["course", "check"])
    store.close_connection()
    assert result.exit_code == 1
    assert "modules/02-reading/ar.md:1: missing: no ar version of 02-reading" in result.output


def test_demo_creates_the_accounts_once(tmp_path):
    runner = cli_for(tmp_path, FIXTURE)
    first = runner.invoke(args=["course", "demo"])
    second = runner.invoke(args=["course", "demo"])
    db = store.connection(str(tmp_path / "cli.db"))
    roles = {row["email"]: row["role"] for row in db.query("SELECT email, role FROM users")}
    cohorts = list(db.query("SELECT c.name, c.join_code, o.email AS owner, m.email AS member FROM cohorts c "
                            "JOIN users o ON o.id = c.owner_id JOIN memberships ms ON ms.cohort_id = c.id JOIN users m ON m.id = ms.user_id"))
    store.close_connection()
    assert "created" in first.output and "already there" in second.output
    assert roles == {"learner@example.org": "learner", "trainer@example.org": "trainer"}
    assert cohorts == [{"name": "Demo cohort", "join_code": "DEMO-2026", "owner": "trainer@example.org", "member": "learner@example.org"}]
    assert "join code: DEMO-2026" in second.output
