"""`flask --app app course backup` while the app takes writes, and the restore of docs/operations.md."""

import shutil
import sqlite3
import threading
import time

from course import store
from course.web import create_app
from tests.conftest import FIXTURE
from tests.helpers import quiz_form, sign_in, sign_up


def test_a_backup_taken_during_writes_is_whole_and_consistent(app, db, tmp_path):
    """Writers submit graded attempts (an attempt and its responses in one transaction) without
    pause; the copy must pass its integrity check and hold only whole attempts."""
    quiz = app.extensions["catalog"].course.quiz("01-sample", "en")
    user = store.create_user(db, "amina@example.org", "Amina", "x")
    stop, written, errors = threading.Event(), [], []

    def write():
        from course.grading import grade_attempt, parse_responses

        conn = store.connection(app.config["DATABASE"])  # this thread's own connection
        try:
            while not stop.is_set() and len(written) < 5000:
                attempt = store.start_attempt(conn, user, "01-sample", "en", quiz.version, 7)
                form = {k: v if isinstance(v, list) else [v] for k, v in quiz_form(quiz, 7).items()}
                responses, _ = parse_responses(quiz, form, 7)
                store.submit_attempt(conn, attempt, "en", quiz.version, grade_attempt(quiz, responses), responses)
                store.record_visit(conn, user, "01-sample", f"page-{len(written)}")
                written.append(attempt)
        except Exception as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            store.close_connection()

    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    deadline = time.monotonic() + 30
    while len(written) < 50 and not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    result = app.test_cli_runner().invoke(args=["course", "backup", str(tmp_path / "copy.db")])
    during = len(written)
    stop.set()
    for writer in writers:
        writer.join()
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output and "attempts:" in result.output

    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    submitted = copy.execute("SELECT count(*) FROM attempts WHERE submitted_at IS NOT NULL").fetchone()[0]
    assert 50 <= submitted <= during + 2
    # Every submitted attempt came with all its responses: the copy caught no transaction half-way.
    partial = copy.execute(
        "SELECT count(*) FROM attempts a WHERE submitted_at IS NOT NULL AND "
        "(SELECT count(*) FROM responses r WHERE r.attempt_id = a.id) != ?", (len(quiz.questions),),
    ).fetchone()[0]
    assert partial == 0
    assert not (tmp_path / "copy.db.partial").exists()
    copy.close()


def test_a_backup_never_overwrites_a_file(app, tmp_path):
    target = tmp_path / "copy.db"
    target.write_text("precious")
    result = app.test_cli_runner().invoke(args=["course", "backup", str(target)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert target.read_text() == "precious"


def test_the_default_backup_goes_to_the_instance_backups_folder(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["course", "backup"])
    assert result.exit_code == 0, result.output
    copies = list((tmp_path / "instance" / "backups").glob("course-*.db"))
    assert len(copies) == 1


def test_restoring_a_backup_brings_back_accounts_and_progress(app, client, tmp_path):
    """The restore of docs/operations.md: stop, put the copy in place of the database, start."""
    sign_up(client)
    client.get("/en/modules/01-sample/elements")
    assert app.test_cli_runner().invoke(args=["course", "backup", str(tmp_path / "copy.db")]).exit_code == 0
    store.close_connection()

    # A new server: the database file is replaced by the copy (with no -wal or -shm beside it).
    restored = tmp_path / "restored" / "course.db"
    restored.parent.mkdir()
    shutil.copy(tmp_path / "copy.db", restored)
    app2 = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": str(restored), "CONTENT_ROOT": str(FIXTURE)})
    runner = app2.test_cli_runner()
    assert runner.invoke(args=["course", "init-db"]).exit_code == 0
    browser = app2.test_client()
    assert sign_in(browser, "amina@example.org", "correct horse battery").status_code == 302
    assert browser.get("/en/progress").status_code == 200
    db2 = store.connection(str(restored))
    user = store.user_by_email(db2, "amina@example.org")
    assert store.visited_pages(db2, user["id"]) == {"01-sample": {"elements"}}
    store.close_connection()
