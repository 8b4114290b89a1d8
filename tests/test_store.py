"""The store on a temporary database, without Flask."""

import os
import sqlite3
import threading
from pathlib import Path

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
    schema = db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    assert store.migrate(db) == store.migration_names()
    assert db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert store.migrations.pending(db) == []


def database_at_version(tmp_path, version: int):
    """A database as the first `version` migrations left it."""
    old = store.connection(str(tmp_path / f"v{version}.db"))
    old.enable_wal()
    names = store.migration_names()
    store.migrations.apply(old, stop_before=names[version]) if version < len(names) else store.migrations.apply(old)
    return old


FIXTURES = Path(__file__).parent / "fixtures"


def test_a_database_left_by_schema_version_7_is_carried_forward_with_all_its_data(tmp_path):
    """tests/fixtures/schema-7.sql is a database made by commit b4ce2e5 (numbered migrations,
    PRAGMA user_version 7), with rows in every table."""
    old = sqlite3.connect(tmp_path / "v7.db")
    old.executescript((FIXTURES / "schema-7.sql").read_text())
    before = {table: old.execute(f"SELECT * FROM [{table}] ORDER BY 1, 2").fetchall()  # noqa: S608 (names from the schema)
              for (table,) in old.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    old.close()
    assert all(before.values()) and len(before) == 10
    db = store.connection(str(tmp_path / "v7.db"))
    assert store.migrate(db) == store.migration_names()
    for table, rows in before.items():  # every row as it was, in the columns it had (later migrations add some)
        after = db.execute(f"SELECT * FROM [{table}] ORDER BY 1, 2").fetchall()  # noqa: S608 (names from the schema)
        assert [row[: len(rows[0])] for row in after] == rows, table
    assert store.attempt_responses(db, 1)["q1"] == {"response": (0, 2), "correct": True}
    assert [e["action"] for e in store.certificate_history(db, 1)] == ["revoked", "reinstated"]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.migrate(db) == store.migration_names()  # adopted once, not twice
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(store.migration_names())
    store.close_connection()


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    db = database_at_version(tmp_path, 6)
    store.create_user(db, "a@example.org", "A", "hash")
    broken = next(m for m in store.migrations._migrations if m.name == "0007_xapi_sent")

    def fail_halfway(db):
        db.execute("CREATE TABLE xapi_sent (kind TEXT)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(broken, "fn", fail_halfway)
    with pytest.raises(sqlite3.OperationalError):
        store.migrate(db)
    assert not db.conn.in_transaction
    assert "xapi_sent" not in db.table_names()
    assert [m.name for m in store.migrations.pending(db)] == store.migration_names()[6:]
    assert store.user_by_email(db, "a@example.org")["name"] == "A"
    store.close_connection()


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


def test_a_transaction_whose_commit_fails_is_rolled_back_and_frees_the_write_lock(tmp_path):
    """A COMMIT can fail (a full disk, an I/O error; here a deferred foreign key): the connection
    must not stay inside the transaction, holding SQLite's write lock for the life of its thread."""
    path = str(tmp_path / "commit.db")
    db = store.connection(path)
    store.migrate(db)
    with pytest.raises(sqlite3.IntegrityError), store.transaction(db):
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute("INSERT INTO memberships (cohort_id, user_id, joined_at) VALUES (404, 404, 'now')")
    assert not db.conn.in_transaction
    assert db.execute("SELECT count(*) FROM memberships").fetchone()[0] == 0
    other = sqlite3.connect(path, timeout=0.5)  # another worker can write at once
    other.execute("INSERT INTO signin_failures (email, at) VALUES ('x@example.org', 'now')")
    other.commit()
    other.close()
    store.close_connection()


def test_an_error_in_a_transaction_rolls_it_back(db):
    with pytest.raises(sqlite3.IntegrityError), store.transaction(db):
        store.create_user(db, "a@example.org", "A", "hash")
        db.execute("INSERT INTO users (id, email, name, password_hash, created_at) VALUES (1, 'b@example.org', 'B', 'h', 'now')")
    assert not db.conn.in_transaction
    assert list(db.query("SELECT email FROM users")) == []


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_short_lived_threads_leave_no_descriptor_open(tmp_path):
    """The threaded development server runs each request in a thread of its own: 300 of them,
    each reading and writing through its own connection, must leave the process's open files
    where they were (a lock file opened per connection once ran a server out of descriptors)."""
    path = str(tmp_path / "threads.db")
    setup = store.connection(path)
    store.migrate(setup)
    user = store.create_user(setup, "a@example.org", "A", "hash")
    errors = []

    def request(n: int):
        try:
            db = store.connection(path)
            store.record_visit(db, user, "01-sample", f"p{n % 7}")
            store.pages_read(db, user, "01-sample")
        except Exception as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)

    def run_requests(count: int):
        for n in range(count):
            thread = threading.Thread(target=request, args=(n,))
            thread.start()
            thread.join()

    run_requests(10)  # the interpreter's own files for threads are open from here on
    before = open_descriptors()
    run_requests(300)
    assert errors == []
    assert open_descriptors() <= before
    assert len(store.pages_read(setup, user, "01-sample")) == 7
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
