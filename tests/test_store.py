"""The store on a temporary database, without Flask."""

import fcntl
import os
import sqlite3
import threading

import pytest

from course import store
from course.grading import AttemptResult, QuestionResult


@pytest.fixture
def db(tmp_path):
    database = store.connection(str(tmp_path / "store.db"))
    store.migrate(database)
    yield database
    store.close_connection()


def result(correct, total, passed):
    questions = tuple(QuestionResult(f"q{n}", n < correct) for n in range(total))
    return AttemptResult(correct, total, correct * 100 // total, passed, questions)


def test_the_database_is_in_wal_mode_with_the_schema(db):
    assert db.journal_mode == "wal"
    assert {"users", "cohorts", "memberships", "page_visits", "attempts", "responses", "signin_failures"} <= set(db.table_names())


def test_migrating_twice_changes_nothing(db):
    version = db.execute("PRAGMA user_version").fetchone()[0]
    store.migrate(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == version == len(store.MIGRATIONS)


def database_at_version(tmp_path, version: int):
    """A database as the migrations up to this version left it."""
    old = store.connection(str(tmp_path / f"v{version}.db"))
    old.enable_wal()
    for number, script in enumerate(store.MIGRATIONS[:version], start=1):
        for statement in filter(str.strip, script.split(";")):
            old.execute(statement)
        old.execute(f"PRAGMA user_version = {number}")
    return old


def test_responses_stored_before_migration_3_are_kept(tmp_path):
    old = database_at_version(tmp_path, 2)
    user = store.create_user(old, "a@example.org", "A", "hash")
    attempt = store.start_attempt(old, user, "01-sample", "en", "v1", 42)
    store.submit_attempt(old, attempt, "en", "v1", result(2, 3, False), {"q0": 1, "q1": (0, 2), "q2": "مدرسة"})
    store.migrate(old)
    assert store.attempt_responses(old, attempt) == {
        "q0": {"response": 1, "correct": True},
        "q1": {"response": (0, 2), "correct": True},
        "q2": {"response": "مدرسة", "correct": False},
    }
    assert "WITHOUT ROWID" in old.execute("SELECT sql FROM sqlite_master WHERE name = 'responses'").fetchone()[0]
    assert old.execute("PRAGMA foreign_key_check").fetchall() == []
    store.close_connection()


def test_a_revocation_made_before_migration_5_starts_the_certificates_history(tmp_path):
    old = database_at_version(tmp_path, 4)
    trainer = store.create_user(old, "t@example.org", "Tarik", "hash", role="trainer")
    kept, revoked = (store.create_user(old, f"{n}@example.org", n, "hash") for n in ("kept", "revoked"))
    for user, code in ((kept, "KEPT"), (revoked, "REVOKED")):
        old.execute("INSERT INTO certificates (user_id, code, holder_name, completed_at, modules, issued_at) "
                    "VALUES (?, ?, 'N', '2026-01-02', '[]', '2026-01-02')", (user, code))
    old.execute("UPDATE certificates SET revoked_at = '2026-02-03T10:00:00+00:00', revoked_by = ?, revoke_reason = 'Fraud' WHERE code = 'REVOKED'",
                (trainer,))
    store.migrate(old)
    assert store.certificate_history(old, store.certificate_of_user(old, kept)["id"]) == []
    assert store.certificate_history(old, store.certificate_of_user(old, revoked)["id"]) == [
        {"action": "revoked", "reason": "Fraud", "at": "2026-02-03T10:00:00+00:00", "by_name": "Tarik"}]
    store.close_connection()


def test_the_history_kept_through_migration_6_and_a_corrected_name_joins_it(tmp_path):
    old = database_at_version(tmp_path, 5)
    trainer = store.create_user(old, "t@example.org", "Tarik", "hash", role="trainer")
    holder = store.create_user(old, "h@example.org", "Amina Alaui", "hash")
    certificate = store.issue_certificate(old, holder, "CODE", "Amina Alaui", "2026-01-02", [])
    store.revoke_certificate(old, certificate["id"], trainer, "By mistake")
    store.migrate(old)
    assert [e["action"] for e in store.certificate_history(old, certificate["id"])] == ["revoked"]
    assert store.rename_user(old, holder, "  Amina Alaoui ", by_user=trainer) is True
    assert store.user_by_id(old, holder)["name"] == "Amina Alaoui"
    corrected = store.certificate_of_user(old, holder)
    assert corrected["holder_name"] == "Amina Alaoui" and corrected["code"] == "CODE"
    last = store.certificate_history(old, certificate["id"])[-1]
    assert (last["action"], last["reason"], last["by_name"]) == ("renamed", "Amina Alaui → Amina Alaoui", "Tarik")
    assert store.rename_user(old, holder, "Amina Alaoui") is False  # the same name: nothing to record
    assert len(store.certificate_history(old, certificate["id"])) == 2
    with pytest.raises(sqlite3.IntegrityError):
        old.execute("INSERT INTO certificate_events (certificate_id, action, reason, at) VALUES (?, 'erased', '', '')", (certificate["id"],))
    store.close_connection()


def test_renaming_an_account_without_a_certificate_changes_only_its_name(db):
    user = store.create_user(db, "a@example.org", "A", "hash")
    assert store.rename_user(db, user, "Ahmed Benali") is False
    assert store.user_by_id(db, user)["name"] == "Ahmed Benali"
    assert db.execute("SELECT count(*) FROM certificate_events").fetchone()[0] == 0


def test_emails_are_unique_whatever_their_case(db):
    assert store.create_user(db, "Amina@Example.org", "Amina", "hash") is not None
    assert store.create_user(db, "amina@example.org", "Other", "hash") is None
    assert store.user_by_email(db, " AMINA@example.org ")["name"] == "Amina"


def test_roles_are_checked_by_the_database(db):
    assert store.create_user(db, "x@example.org", "X", "hash", role="superuser") is None
    assert store.user_by_email(db, "x@example.org") is None


def test_a_visit_keeps_its_first_date_and_updates_its_last(db):
    user = store.create_user(db, "a@example.org", "A", "hash")
    store.record_visit(db, user, "01-sample", "elements")
    db.execute("UPDATE page_visits SET first_seen = '2026-01-01T00:00:00+00:00', last_seen = '2026-01-01T00:00:00+00:00'")
    store.record_visit(db, user, "01-sample", "elements")
    row = next(db.query("SELECT * FROM page_visits"))
    assert row["first_seen"] == "2026-01-01T00:00:00+00:00" and row["last_seen"] > row["first_seen"]
    assert store.visited_pages(db, user) == {"01-sample": {"elements"}}


def test_last_visit_is_the_most_recent_page(db):
    user = store.create_user(db, "a@example.org", "A", "hash")
    store.record_visit(db, user, "01-sample", "elements")
    store.record_visit(db, user, "01-sample", "checklist")
    assert store.last_visit(db, user)["page"] == "checklist"


def test_an_attempt_is_submitted_once_with_its_responses(db):
    user = store.create_user(db, "a@example.org", "A", "hash")
    attempt = store.start_attempt(db, user, "01-sample", "en", "v1", 42)
    assert store.open_attempt(db, user, "01-sample")["id"] == attempt
    responses = {"q0": 1, "q1": (0, 2), "q2": "مدرسة"}
    assert store.submit_attempt(db, attempt, "ar", "v2", result(2, 3, False), responses) is True
    assert store.submit_attempt(db, attempt, "ar", "v2", result(3, 3, True), responses) is False
    stored = store.attempt_by_id(db, attempt)
    assert (stored["lang"], stored["quiz_version"], stored["score"], stored["passed"]) == ("ar", "v2", 66, 0)
    assert store.attempt_responses(db, attempt) == {
        "q0": {"response": 1, "correct": True},
        "q1": {"response": (0, 2), "correct": True},
        "q2": {"response": "مدرسة", "correct": False},
    }
    assert store.open_attempt(db, user, "01-sample") is None


def test_responses_are_stored_as_json_writes_them(db):
    import json

    for response in (0, 7, (), (0, 2, 11), "مدرسة", 'a "quoted" answer', True):
        assert json.loads(store._to_json(response)) == (list(response) if isinstance(response, tuple) else response)
        assert store._to_json(response) == json.dumps(response, ensure_ascii=False)


def test_best_attempt_is_the_highest_score(db):
    user = store.create_user(db, "a@example.org", "A", "hash")
    for correct in (1, 3, 2):
        attempt = store.start_attempt(db, user, "01-sample", "en", "v1", 1)
        store.submit_attempt(db, attempt, "en", "v1", result(correct, 3, correct == 3), {f"q{n}": 0 for n in range(3)})
    best = store.best_attempts(db, user)["01-sample"]
    assert (best["score"], best["passed"]) == (100, 1)
    assert len(store.submitted_attempts(db, user)) == 3


def test_concurrent_submissions_of_one_attempt_count_once(tmp_path):
    path = str(tmp_path / "race.db")
    setup = store.connection(path)
    store.migrate(setup)
    user = store.create_user(setup, "a@example.org", "A", "hash")
    attempt = store.start_attempt(setup, user, "01-sample", "en", "v1", 1)
    outcomes = []

    def submit():
        db = store.connection(path)
        outcomes.append(store.submit_attempt(db, attempt, "en", "v1", result(1, 1, True), {"q0": 0}))
        store.close_connection()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 7 + [True]
    assert next(setup.query("SELECT count(*) AS n FROM responses"))["n"] == 1
    store.close_connection()


def _writers_turn_is_free(path: str) -> bool:
    """Whether another process's writer could take its turn now (its own open file, as a worker has)."""
    other = os.open(f"{path}-writers", os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(other)  # closing it gives up the turn, if it took one
    return True


def test_writers_take_turns_and_an_error_gives_the_turn_up(tmp_path):
    """A transaction holds the writers' turn from before BEGIN to after COMMIT or ROLLBACK, so the
    next worker wakes when it ends rather than sleeping in SQLite's busy handler."""
    path = str(tmp_path / "turns.db")
    db = store.connection(path)
    store.migrate(db)
    assert _writers_turn_is_free(path)
    with store.transaction(db):
        store.create_user(db, "a@example.org", "A", "hash")  # a write of its own, in the transaction's turn
        assert not _writers_turn_is_free(path)
    assert _writers_turn_is_free(path)
    with pytest.raises(sqlite3.IntegrityError), store.transaction(db):
        db.conn.execute("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (1, 'b@example.org', 'B', 'h', 'now')")
    assert _writers_turn_is_free(path)
    assert [row["email"] for row in db.query("SELECT email FROM users")] == ["a@example.org"]  # rolled back, kept
    store.close_connection()


def test_a_single_write_waits_for_the_writers_turn(tmp_path):
    path = str(tmp_path / "turn.db")
    db = store.connection(path)
    store.migrate(db)
    user = store.create_user(db, "a@example.org", "A", "hash")
    about_to_write, written = threading.Event(), threading.Event()

    def visit():
        other = store.connection(path)  # this thread's own connection, as another worker has
        about_to_write.set()
        store.record_visit(other, user, "01-sample", "p1")
        written.set()
        store.close_connection()

    with store.writers_turn(db):
        thread = threading.Thread(target=visit)
        thread.start()
        assert about_to_write.wait(5)
        assert not written.wait(0.2)  # it waits for this turn, not for SQLite's lock, which nobody holds
    assert written.wait(5)
    thread.join()
    assert store.pages_read(db, user, "01-sample") == {"p1"}
    store.close_connection()


def test_a_submission_writes_no_index_of_every_module(db):
    """Migration 4 drops attempts(module, submitted_at): submitting moved each attempt's entry in it."""
    assert "attempts_module" not in {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    user = store.create_user(db, "a@example.org", "A", "hash")
    attempt = store.start_attempt(db, user, "01-sample", "en", "v1", 42)
    store.submit_attempt(db, attempt, "en", "v1", result(1, 1, True), {"q0": 1})
    assert [row["id"] for row in store.population_attempts(db, None, "01-sample")] == [attempt]


def test_the_log_is_checkpointed_every_ten_thousand_pages(db):
    """Not SQLite's default 1,000: a submission rewrites the same few pages, so rarer copies copy fewer."""
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == store.WAL_CHECKPOINT_PAGES == 10_000
