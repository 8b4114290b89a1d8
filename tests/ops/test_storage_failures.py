"""When storage refuses to write: the database on a full disk (a small tmpfs, filled for real), a
write the kernel refuses (an I/O error: the worker's file size limit lowered), a database locked
by another writer for longer than the wait. Reading still works, since the writes reading pages
make on the way are best-effort; a submission gets one honest 503 in the learner's language and
is kept open; nothing claims to be saved; one line is logged, no traceback; the site recovers by
itself; a backup onto the full disk says so in one line and leaves no partial file."""

from __future__ import annotations

import errno
import logging
import os
import re
import resource
import signal
import sqlite3
import subprocess

import pytest

from course import store
from course.web import create_app
from tests.helpers import quiz_form, sign_in, sign_up
from tests.ops.servers import FIXTURE, Visitor, free_port, start_gunicorn, token_in

NOT_SAVED = {
    "en": "If you were sending something, it was not saved; everything saved before is safe.",
    "fr": "Si vous envoyiez quelque chose, cela n’a pas été enregistré ; tout ce qui l’a été auparavant est en sécurité.",
    "ar": "إن كنت ترسل شيئًا فلم يُحفَظ، وكل ما حُفظ من قبل في أمان.",
}
CLAIMS_OF_SAVING = ("Your work is saved", "Your progress is saved as you go")


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of its own (tmpfs): filling it is a real ENOSPC for SQLite."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)], capture_output=True, text=True)
    assert done.returncode == 0, f"this test mounts a tmpfs (root is needed): {done.stderr}"
    yield mount
    store.close_connection()
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(folder) -> None:
    """Write a file until the disk is full."""
    with open(folder / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC


def open_quiz(client, lang="en"):
    page = client.get(f"/{lang}/quizzes/01-sample")
    match = re.search(r'name="attempt" value="(\d+)"', page.get_data(as_text=True))
    return page, int(match.group(1)) if match else None


def submission(app, client, attempt_id: int, lang: str) -> dict:
    attempt = store.attempt_by_id(store.connection(app.config["DATABASE"]), attempt_id)
    quiz = app.extensions["catalog"].course.quiz("01-sample", lang)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/{lang}/quizzes/01-sample").get_data(as_text=True)).group(1)
    return {"csrf_token": token, "attempt": str(attempt_id), **quiz_form(quiz, attempt["seed"])}


def test_a_full_disk_gives_honest_503s_while_reading_still_works(small_disk, caplog):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(small_disk / "course.db"), "CONTENT_ROOT": str(FIXTURE)})
    db = store.connection(app.config["DATABASE"])
    amina, omar = app.test_client(), app.test_client()
    sign_up(amina)
    sign_up(omar, email="omar@example.org", name="Omar Tazi")
    _, attempt_id = open_quiz(amina)
    forms = {lang: submission(app, amina, attempt_id, lang) for lang in NOT_SAVED}
    caplog.set_level(logging.WARNING)
    fill(small_disk)

    assert amina.get("/en/modules/01-sample/elements").status_code == 200  # its visit is not recorded, the page is read
    assert amina.get("/ar/modules/01-sample/checklist").status_code == 200  # nor is the change of language
    page, still_open = open_quiz(amina)
    assert page.status_code == 200 and still_open == attempt_id
    for lang, message in NOT_SAVED.items():
        refused = amina.post(f"/{lang}/quizzes/01-sample", data=forms[lang])
        html = refused.get_data(as_text=True)
        assert refused.status_code == 503 and message in html and int(refused.headers["Retry-After"]) > 0, html
        assert not any(claim in html for claim in CLAIMS_OF_SAVING)
    assert store.attempt_by_id(db, attempt_id)["submitted_at"] is None

    page, none_opened = open_quiz(omar)  # no attempt can be opened: the questions are shown, not a form to send
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and none_opened is None and "cannot be submitted" in html and "Submit my answers" not in html

    visitor = app.test_client()
    assert sign_in(visitor, "amina@example.org", "wrong password of hers").status_code == 401  # its failure not counted
    assert sign_in(visitor, "amina@example.org", "correct horse battery").status_code == 302
    assert visitor.get("/en/progress").status_code == 200

    health = app.test_client().get("/health")
    assert health.status_code == 503 and health.get_json()["checks"] == {
        "database": "ok", "migrations": "ok", "content": "ok", "storage": "low"}

    result = app.test_cli_runner().invoke(args=["course", "backup", str(small_disk / "backups" / "monday.db")])
    assert result.exit_code == 1 and result.output.strip().splitlines() == [
        f"backup failed, nothing written to {small_disk / 'backups' / 'monday.db'}: no space left on the disk"]
    assert sorted(os.listdir(small_disk / "backups")) == []

    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]
    # (the content loader logs the fixture course's own file:line problems: not about storage)
    assert all(record.getMessage().startswith("storage full") for record in caplog.records if record.name != "course.web.catalog")

    os.remove(small_disk / "filler")  # the administrator makes room: nothing else is needed
    saved = amina.post("/en/quizzes/01-sample", data=forms["en"])
    assert saved.status_code == 303 and store.attempt_by_id(db, attempt_id)["submitted_at"] is not None


def test_a_database_locked_too_long_is_a_503_and_reading_goes_on(app, client):
    sign_up(client)
    db = store.connection(app.config["DATABASE"])
    _, attempt_id = open_quiz(client)
    form = submission(app, client, attempt_id, "fr")
    db.execute("PRAGMA busy_timeout = 200")  # the app's own connection waits 0.2 s instead of 10
    other = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        assert client.get("/fr/modules/01-sample/elements").status_code == 200
        refused = client.post("/fr/quizzes/01-sample", data=form)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 503 and "Si vous envoyiez quelque chose, cela n’a pas été enregistré." in html
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert client.post("/fr/quizzes/01-sample", data=form).status_code == 303


def test_an_io_error_from_the_disk_is_a_503_and_reading_goes_on(tmp_path):
    """gunicorn with one worker; the kernel then refuses that worker's writes beyond the current
    end of the write-ahead log (RLIMIT_FSIZE: EFBIG, which SQLite reports as a disk I/O error)."""
    port, database = free_port(), tmp_path / "course.db"
    server = start_gunicorn(tmp_path, port, {"COURSE_DATABASE": str(database)}, workers=1)
    try:
        visitor = Visitor(f"http://127.0.0.1:{port}")
        form = visitor.get("/en/signup")
        assert visitor.post("/en/signup", {"csrf_token": token_in(form.text), "name": "Amina", "email": "amina@example.org",
                                           "password": "correct horse battery", "join_code": ""}).status == 302
        page = visitor.get("/en/quizzes/01-sample")
        attempt_id = int(re.search(r'name="attempt" value="(\d+)"', page.text).group(1))
        with sqlite3.connect(database) as reader:
            seed = reader.execute("SELECT seed FROM attempts WHERE id = ?", (attempt_id,)).fetchone()[0]
        quiz = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / "other.db"),
                           "CONTENT_ROOT": str(FIXTURE)}).extensions["catalog"].course.quiz("01-sample", "en")
        form = {"csrf_token": token_in(page.text), "attempt": str(attempt_id), **quiz_form(quiz, seed)}
        worker = next(pid for pid in server.members() if pid != server.process.pid)
        limit = os.path.getsize(f"{database}-wal")
        hard = resource.prlimit(worker, resource.RLIMIT_FSIZE)[1]
        resource.prlimit(worker, resource.RLIMIT_FSIZE, (limit, hard))
        assert visitor.get("/en/modules/01-sample/checklist").status == 200
        refused = visitor.post("/en/quizzes/01-sample", form)
        assert refused.status == 503 and NOT_SAVED["en"] in refused.text
        resource.prlimit(worker, resource.RLIMIT_FSIZE, (hard, hard))
        assert visitor.post("/en/quizzes/01-sample", form).status == 303
    finally:
        server.stop_group(signal.SIGTERM, 10)
        server.stop()
    log = server.output()
    assert "storage io (disk I/O error)" in log and "Traceback" not in log
