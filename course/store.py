"""Every line of SQL: schema, migrations and queries, over SQLite through sqlite-utils.

One connection per process and thread, opened lazily (never at import, so a preloading
server does not share it across fork). Writes that read first run under BEGIN IMMEDIATE,
which is what keeps several workers from failing with "database is locked".
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

import sqlite_utils
from sqlite_utils.migrations import Migrations

_local = threading.local()

# The write-ahead log is copied back into the database once it holds this many pages (SQLite's
# default is 1,000): a submission changes the same few pages as the one before, so copying less
# often copies far fewer pages (docs/performance.md). The log then grows to about 40 MB, which
# the disk must keep free (docs/operations.md; the health address reports less than twice that,
# course/web/health.py). Litestream, when it replicates, copies it back every 1,000 pages itself.
WAL_CHECKPOINT_PAGES = 10_000
# Once copied back, the log is cut back to this size instead of keeping its largest.
WAL_SIZE_LIMIT = 4 * 1024 * 1024
PRIVATE_FILE = 0o600  # the database, its -wal and -shm, backups: e-mail addresses and password hashes
PRIVATE_FOLDER = 0o700

migrations = Migrations("course")
"""The schema's history, applied in order by migrate(): each a name and a function of the database.
A migration is never edited once it has shipped; a change to the schema is a new one at the end.
Databases made before migrations had names (PRAGMA user_version 1 to 7) are adopted by migrate()."""


@migrations(name="0001_accounts_cohorts_visits_attempts")
def _accounts_cohorts_visits_attempts(db) -> None:
    """Accounts, cohorts and their members, the pages each learner opened, quiz attempts and their
    responses, and failed sign-ins."""
    db.executescript("""
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT 'learner' CHECK (role IN ('learner', 'trainer', 'admin')),
        lang TEXT NOT NULL DEFAULT 'fr',
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    );
    CREATE TABLE cohorts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        join_code TEXT NOT NULL UNIQUE,
        deadline TEXT,
        owner_id INTEGER NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL
    );
    CREATE INDEX cohorts_owner ON cohorts(owner_id);
    CREATE TABLE memberships (
        cohort_id INTEGER NOT NULL REFERENCES cohorts(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        joined_at TEXT NOT NULL,
        PRIMARY KEY (cohort_id, user_id)
    );
    CREATE INDEX memberships_user ON memberships(user_id);
    CREATE TABLE page_visits (
        user_id INTEGER NOT NULL REFERENCES users(id),
        module TEXT NOT NULL,
        page TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (user_id, module, page)
    );
    CREATE INDEX page_visits_recent ON page_visits(user_id, last_seen);
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        module TEXT NOT NULL,
        lang TEXT NOT NULL,
        quiz_version TEXT NOT NULL,
        seed INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        submitted_at TEXT,
        correct INTEGER,
        total INTEGER,
        score INTEGER,
        passed INTEGER
    );
    CREATE INDEX attempts_user_module ON attempts(user_id, module, submitted_at);
    CREATE TABLE responses (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id),
        question TEXT NOT NULL,
        response TEXT NOT NULL,
        correct INTEGER NOT NULL,
        PRIMARY KEY (attempt_id, question)
    );
    CREATE TABLE signin_failures (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX signin_failures_email ON signin_failures(email, at);
    """)


@migrations(name="0002_certificates")
def _certificates(db) -> None:
    """Certificates (one per learner, a random verification code) and indexes for cohort dashboards."""
    db.executescript("""
    CREATE TABLE certificates (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
        code TEXT NOT NULL UNIQUE,
        holder_name TEXT NOT NULL,
        completed_at TEXT NOT NULL,
        modules TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        revoked_at TEXT,
        revoked_by INTEGER REFERENCES users(id),
        revoke_reason TEXT
    );
    CREATE INDEX attempts_module ON attempts(module, submitted_at);
    """)


@migrations(name="0003_responses_without_rowid")
def _responses_without_rowid(db) -> None:
    """Responses kept in their primary key's order (WITHOUT ROWID): a submission's sixteen or so
    rows go into one b-tree instead of a table and its key's index, about a quarter of storing them
    (docs/performance.md), and an attempt's responses are read from one place."""
    db.executescript("""
    CREATE TABLE responses_by_attempt (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id),
        question TEXT NOT NULL,
        response TEXT NOT NULL,
        correct INTEGER NOT NULL,
        PRIMARY KEY (attempt_id, question)
    ) WITHOUT ROWID;
    INSERT INTO responses_by_attempt (attempt_id, question, response, correct)
        SELECT attempt_id, question, response, correct FROM responses;
    DROP TABLE responses;
    ALTER TABLE responses_by_attempt RENAME TO responses;
    """)


@migrations(name="0004_no_index_of_every_module")
def _no_index_of_every_module(db) -> None:
    """No index on (module, submitted_at). Submitting moves an attempt's entry in it from the open
    ones to the latest, two more pages written by every submission; and for a cohort's question
    analysis the planner preferred it to the learners' own index, 29 ms against 2 ms on the
    benchmark's database. A module's attempts are found through their learners instead."""
    db.executescript("""
    DROP INDEX attempts_module;
    """)


@migrations(name="0005_certificate_history")
def _certificate_history(db) -> None:
    """A certificate's history: each revocation and reinstatement, by whom, when and why. The
    certificate's own revoked_* columns say what holds now; a reinstatement empties them, and the
    history keeps what they said."""
    db.executescript("""
    CREATE TABLE certificate_events (
        id INTEGER PRIMARY KEY,
        certificate_id INTEGER NOT NULL REFERENCES certificates(id),
        action TEXT NOT NULL CHECK (action IN ('revoked', 'reinstated')),
        by_user INTEGER REFERENCES users(id),
        reason TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX certificate_events_certificate ON certificate_events(certificate_id, at);
    INSERT INTO certificate_events (certificate_id, action, by_user, reason, at)
        SELECT id, 'revoked', revoked_by, coalesce(revoke_reason, ''), revoked_at FROM certificates WHERE revoked_at IS NOT NULL;
    """)


@migrations(name="0006_renamed_certificate_events")
def _renamed_certificate_events(db) -> None:
    """A holder's name corrected by an administrator is a certificate event too ('renamed', its
    reason "old name → new name"). SQLite cannot change a CHECK, so the table is rebuilt."""
    db.executescript("""
    CREATE TABLE certificate_events_6 (
        id INTEGER PRIMARY KEY,
        certificate_id INTEGER NOT NULL REFERENCES certificates(id),
        action TEXT NOT NULL CHECK (action IN ('revoked', 'reinstated', 'renamed')),
        by_user INTEGER REFERENCES users(id),
        reason TEXT NOT NULL,
        at TEXT NOT NULL
    );
    INSERT INTO certificate_events_6 (id, certificate_id, action, by_user, reason, at)
        SELECT id, certificate_id, action, by_user, reason, at FROM certificate_events;
    DROP TABLE certificate_events;
    ALTER TABLE certificate_events_6 RENAME TO certificate_events;
    CREATE INDEX certificate_events_certificate ON certificate_events(certificate_id, at);
    """)


@migrations(name="0007_xapi_sent")
def _xapi_sent(db) -> None:
    """The learning records a Learning Record Store has accepted (course/xapi.py): a submitted
    attempt or an issued certificate, by its id. What is not here is still to be sent."""
    db.executescript("""
    CREATE TABLE xapi_sent (
        kind TEXT NOT NULL CHECK (kind IN ('attempt', 'certificate')),
        record_id INTEGER NOT NULL,
        statement_id TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (kind, record_id)
    ) WITHOUT ROWID;
    """)


@migrations(name="0008_user_time_zone")
def _user_time_zone(db) -> None:
    """The time zone each person sees dates in (an IANA name such as Africa/Casablanca); NULL is
    the site's default (the TIME_ZONE setting)."""
    db.execute("ALTER TABLE users ADD COLUMN time_zone TEXT")


@migrations(name="0009_attempt_draft")
def _attempt_draft(db) -> None:
    """The answers of an open attempt, kept when the learner switches language in the middle of
    the quiz (JSON: the language and layout of the form, and its fields), so the quiz comes back
    in the other language with them filled in."""
    db.execute("ALTER TABLE attempts ADD COLUMN draft TEXT")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Opened:
    """A thread's connection, closed when the thread ends and threading.local lets it go. The
    connection itself sits in reference cycles, which only the garbage collector would break:
    a server that runs each request in a new thread would hold files open until it ran."""

    def __init__(self, path: str):
        self.path, self.pid = path, os.getpid()
        make_private(path)
        conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        conn.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
        self.db = sqlite_utils.Database(conn)

    def close(self) -> None:
        if self.pid == os.getpid():  # a connection inherited across fork is not the child's to close
            self.db.close()

    __del__ = close


def make_private(path: str) -> None:
    """Create the database file readable and writable by this user only, or take group's and
    others' rights off an existing one and its -wal and -shm. SQLite gives the -wal and -shm
    files it creates the database file's own mode, so they are private from the start too."""
    if path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
        return
    except FileExistsError:
        pass
    for name in (path, f"{path}-wal", f"{path}-shm"):
        try:
            mode = os.stat(name).st_mode & 0o777
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
        except FileNotFoundError:
            pass


def connection(path: str) -> sqlite_utils.Database:
    """This process's and thread's connection to the database at path."""
    opened = getattr(_local, "opened", None)
    if opened is None or opened.path != path or opened.pid != os.getpid():
        opened = _local.opened = _Opened(path)
    return opened.db


def close_connection() -> None:
    opened = getattr(_local, "opened", None)
    if opened is not None:
        _local.opened = None


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """An immediate transaction: committed at the end of the block, rolled back if the block or
    the COMMIT itself fails (a full disk, an I/O error), so the connection never stays inside it.

    Not sqlite-utils' atomic(): its plain BEGIN is deferred, and a transaction that reads before
    it writes then fails at once with "database is locked" while another worker writes; SQLite's
    busy timeout only helps a transaction that asks for the write lock at its start."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Bring the schema up to date; safe to run from several workers at once (one transaction,
    taken before anything is read). The names of the migrations applied, oldest first."""
    db.enable_wal()
    with transaction(db):
        _adopt_numbered_schema(db)
        migrations.apply(db)
    return [applied.name for applied in migrations.applied(db)]


def _adopt_numbered_schema(db: sqlite_utils.Database) -> None:
    """A database from before named migrations counts those it had in PRAGMA user_version:
    record them as applied, once."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version and not migrations.applied(db):
        migrations.ensure_migrations_table(db)
        db[Migrations.migrations_table].insert_all(
            {"migration_set": migrations.name, "name": name, "applied_at": now()} for name in migration_names()[:version]
        )


def migration_names() -> list[str]:
    """Every migration's name, in order: what an empty database has pending."""
    return [migration.name for migration in migrations.pending(sqlite_utils.Database(memory=True))]


def _query(db, sql: str, params=()) -> list[dict]:
    return list(db.query(sql, params))


def _one(db, sql: str, params=()) -> dict | None:
    return next(db.query(sql, params), None)


# Users


def create_user(db, email: str, name: str, password_hash: str, role: str = "learner", lang: str = "fr") -> int | None:
    """The new user's id, or None when the e-mail address is taken."""
    try:
        cursor = db.execute(
            "INSERT INTO users (email, name, password_hash, role, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (email.strip().lower(), name.strip(), password_hash, role, lang, now()),
        )
    except sqlite3.IntegrityError:
        return None
    return cursor.lastrowid


def user_by_id(db, user_id: int) -> dict | None:
    return _one(db, "SELECT * FROM users WHERE id = ?", (user_id,))


def user_by_email(db, email: str) -> dict | None:
    return _one(db, "SELECT * FROM users WHERE email = ?", (email.strip().lower(),))


def rename_user(db, user_id: int, name: str, by_user: int | None = None) -> bool:
    """Correct an account's name. A certificate it holds is corrected with it (its page, its PDF
    and the public verification show the new name; the code stays), and the change is kept in
    the certificate's history. True when a certificate was corrected."""
    name, stamp = name.strip(), now()
    with transaction(db):
        db.execute("UPDATE users SET name = ? WHERE id = ?", (name, user_id))
        held = db.execute("SELECT id, holder_name FROM certificates WHERE user_id = ?", (user_id,)).fetchone()
        if held is None or held[1] == name:
            return False
        db.execute("UPDATE certificates SET holder_name = ? WHERE id = ?", (name, held[0]))
        _certificate_event(db, held[0], "renamed", by_user, f"{held[1]} → {name}", stamp)
    return True


def set_user_time_zone(db, user_id: int, time_zone: str | None) -> None:
    db.execute("UPDATE users SET time_zone = ? WHERE id = ?", (time_zone, user_id))


def set_user_lang(db, user_id: int, lang: str) -> None:
    db.execute( "UPDATE users SET lang = ? WHERE id = ?", (lang, user_id))


def signin_failures_since(db, email: str, since: str) -> int:
    row = _one(db, "SELECT count(*) AS n FROM signin_failures WHERE email = ? AND at >= ?", (email.strip().lower(), since))
    return row["n"]


def count_signin_attempt(db, email: str, since: str, limit: int) -> int | None:
    """Record a sign-in attempt as a failure, unless limit failures were recorded since `since`.

    The id of the recorded failure, or None when the limit is reached. Counting and recording
    happen in one immediate transaction, so parallel attempts are counted one after the other.
    """
    email = email.strip().lower()
    with transaction(db):
        if signin_failures_since(db, email, since) >= limit:
            return None
        return db.execute("INSERT INTO signin_failures (email, at) VALUES (?, ?)", (email, now())).lastrowid


def forget_signin_failure(db, failure_id: int) -> None:
    db.execute( "DELETE FROM signin_failures WHERE id = ?", (failure_id,))


def clear_signin_failures(db, email: str) -> None:
    db.execute( "DELETE FROM signin_failures WHERE email = ?", (email.strip().lower(),))


# Cohorts


def join_code_key(code: str) -> str:
    """A join code as compared: capitals, without the hyphens and spaces people leave out or add."""
    return "".join(code.upper().replace("-", " ").split())


def cohort_by_code(db, code: str) -> dict | None:
    """The cohort whose join code this is, typed with or without its hyphens (DEMO2026 is DEMO-2026).
    Cohorts are few (one per posting batch), so comparing every code is cheap."""
    return _one(db, "SELECT * FROM cohorts WHERE replace(join_code, '-', '') = ?", (join_code_key(code),))


def _code_taken(db, join_code: str, cohort_id: int | None = None) -> bool:
    found = cohort_by_code(db, join_code)
    return found is not None and found["id"] != cohort_id


def join_cohort(db, cohort_id: int, user_id: int) -> None:
    db.execute(
        "INSERT INTO memberships (cohort_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (cohort_id, user_id, now()),
    )


def cohorts_of_user(db, user_id: int) -> list[dict]:
    return list(_query(db,
        "SELECT c.* FROM cohorts c JOIN memberships m ON m.cohort_id = c.id WHERE m.user_id = ? ORDER BY c.name",
        (user_id,),
    ))


# Reading


def record_visit(db, user_id: int, module: str, page: str) -> None:
    stamp = now()
    db.execute(
        "INSERT INTO page_visits (user_id, module, page, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (user_id, module, page) DO UPDATE SET last_seen = excluded.last_seen",
        (user_id, module, page, stamp, stamp),
    )


def visited_pages(db, user_id: int) -> dict[str, set[str]]:
    visited: dict[str, set[str]] = {}
    for row in _query(db, "SELECT module, page FROM page_visits WHERE user_id = ?", (user_id,)):
        visited.setdefault(row["module"], set()).add(row["page"])
    return visited


def pages_opened_count(db, user_id: int) -> int:
    """How many distinct pages the user has opened, counted in the primary key's index alone."""
    return db.execute("SELECT count(*) FROM page_visits WHERE user_id = ?", (user_id,)).fetchone()[0]


def pages_read(db, user_id: int, module: str) -> set[str]:
    """The pages of one module the user has opened (the primary key's index answers it)."""
    return {row[0] for row in db.execute("SELECT page FROM page_visits WHERE user_id = ? AND module = ?", (user_id, module))}


def last_visit(db, user_id: int, module: str | None = None) -> dict | None:
    """The page the user opened last, in the whole course or in one module."""
    where, params = ("user_id = ? AND module = ?", (user_id, module)) if module else ("user_id = ?", (user_id,))
    return _one(
        db,
        f"SELECT module, page, last_seen FROM page_visits WHERE {where} ORDER BY last_seen DESC, rowid DESC LIMIT 1",  # noqa: S608 (fixed text)
        params,
    )


# Quiz attempts


def open_attempt(db, user_id: int, module: str) -> dict | None:
    return _one(
        db,
        "SELECT * FROM attempts WHERE user_id = ? AND module = ? AND submitted_at IS NULL ORDER BY id DESC LIMIT 1",
        (user_id, module),
    )


def start_attempt(db, user_id: int, module: str, lang: str, quiz_version: str, seed: int) -> int:
    cursor = db.execute(
        "INSERT INTO attempts (user_id, module, lang, quiz_version, seed, started_at) VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, module, lang, quiz_version, seed, now()),
    )
    return cursor.lastrowid


def attempt_by_id(db, attempt_id: int) -> dict | None:
    return _one(db, "SELECT * FROM attempts WHERE id = ?", (attempt_id,))


def save_draft(db, attempt_id: int, lang: str, layout: str, fields: dict[str, list[str]]) -> bool:
    """Keep the answers given so far in an open attempt (see migration 0009); False once it is submitted."""
    draft = json.dumps({"lang": lang, "layout": layout, "fields": fields}, ensure_ascii=False)
    return db.execute("UPDATE attempts SET draft = ? WHERE id = ? AND submitted_at IS NULL", (draft, attempt_id)).rowcount == 1


def attempt_draft(attempt: dict) -> dict | None:
    """The draft save_draft() kept in an attempt row: {"lang", "layout", "fields"}, or None."""
    return json.loads(attempt["draft"]) if attempt.get("draft") else None


def submit_attempt(db, attempt_id: int, lang: str, quiz_version: str, result, responses: dict) -> bool:
    """Store a graded attempt once; False when it had already been submitted. The rows are made
    before the write lock is taken, so that the other workers wait for it as briefly as they can."""
    scored = (now(), lang, quiz_version, result.correct, result.total, result.score, int(result.passed), attempt_id)
    rows = [(attempt_id, q.question_id, _to_json(responses[q.question_id]), int(q.correct)) for q in result.questions]
    with transaction(db):
        cursor = db.execute(
            "UPDATE attempts SET submitted_at = ?, lang = ?, quiz_version = ?, correct = ?, total = ?, score = ?, passed = ? "
            "WHERE id = ? AND submitted_at IS NULL",
            scored,
        )
        if cursor.rowcount == 0:
            return False
        db.conn.executemany("INSERT INTO responses (attempt_id, question, response, correct) VALUES (?, ?, ?, ?)", rows)
    return True


# json.dumps() with an option makes a new encoder at every call; a response is stored per question.
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _to_json(response) -> str:
    """A response as JSON: an option index, a tuple of indexes, or a short answer's text. The
    numbers are written directly, as JSON writes them; a submission stores one per question."""
    if type(response) is int:
        return str(response)
    if type(response) is tuple and all(type(n) is int for n in response):
        return "[" + ", ".join(map(str, response)) + "]"
    return _encode(response)


def attempt_responses(db, attempt_id: int) -> dict[str, dict]:
    rows = _query(db, "SELECT question, response, correct FROM responses WHERE attempt_id = ?", (attempt_id,))
    return {row["question"]: {"response": _response(row["response"]), "correct": bool(row["correct"])} for row in rows}


def _response(stored: str):
    value = json.loads(stored)
    return tuple(value) if isinstance(value, list) else value


def submitted_attempts(db, user_id: int, module: str | None = None) -> list[dict]:
    sql = "SELECT * FROM attempts WHERE user_id = ? AND submitted_at IS NOT NULL"
    params: tuple = (user_id,)
    if module:
        sql += " AND module = ?"
        params += (module,)
    return list(_query(db, sql + " ORDER BY submitted_at DESC, id DESC", params))


def best_attempts(db, user_id: int) -> dict[str, dict]:
    """Per module, the best submitted attempt (highest score, earliest among equals)."""
    best: dict[str, dict] = {}
    for row in _query(db,
        "SELECT * FROM attempts WHERE user_id = ? AND submitted_at IS NOT NULL ORDER BY score DESC, submitted_at ASC",
        (user_id,),
    ):
        best.setdefault(row["module"], row)
    return best


def passed_every(db, user_id: int, modules) -> bool:
    """Whether the user has a passing attempt in each of these modules; stops at the first without.

    Each look reads the user's attempts at one module only until it finds a pass, so it stays
    cheap however many attempts a learner has made."""
    # "submitted_at IS NOT NULL" lets the index skip the open attempts, which come first in it.
    query = "SELECT 1 AS yes FROM attempts WHERE user_id = ? AND module = ? AND submitted_at IS NOT NULL AND passed = 1 LIMIT 1"
    return all(_one(db, query, (user_id, module)) for module in modules)


# Trainers: accounts, cohorts, and the records of a cohort's learners (for dashboards and exports)


def list_users(db, role: str | None = None, query: str = "") -> list[dict]:
    sql, params = "SELECT id, email, name, role, lang, active, created_at FROM users WHERE 1 = 1", []
    if role:
        sql += " AND role = ?"
        params.append(role)
    if query:
        sql += " AND (name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')"
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [pattern, pattern]
    return list(_query(db, sql + " ORDER BY name COLLATE NOCASE, id", params))


def set_user_role(db, user_id: int, role: str) -> None:
    db.execute( "UPDATE users SET role = ? WHERE id = ?", (role, user_id))


def set_user_active(db, user_id: int, active: bool) -> None:
    db.execute( "UPDATE users SET active = ? WHERE id = ?", (int(active), user_id))


def set_user_password(db, user_id: int, password_hash: str) -> None:
    db.execute( "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))


def create_cohort(db, name: str, join_code: str, deadline: str | None, owner_id: int) -> int | None:
    """The new cohort's id, or None when the join code is taken (with or without its hyphens)."""
    if _code_taken(db, join_code):
        return None
    try:
        cursor = db.execute(
            "INSERT INTO cohorts (name, join_code, deadline, owner_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (name.strip(), join_code.strip().upper(), deadline or None, owner_id, now()),
        )
    except sqlite3.IntegrityError:
        return None
    return cursor.lastrowid


def update_cohort(db, cohort_id: int, name: str, join_code: str, deadline: str | None) -> bool:
    """False when the join code belongs to another cohort (with or without its hyphens)."""
    if _code_taken(db, join_code, cohort_id):
        return False
    try:
        db.execute(
            "UPDATE cohorts SET name = ?, join_code = ?, deadline = ? WHERE id = ?",
            (name.strip(), join_code.strip().upper(), deadline or None, cohort_id),
        )
    except sqlite3.IntegrityError:
        return False
    return True


def cohort_by_id(db, cohort_id: int) -> dict | None:
    return _one(db, "SELECT * FROM cohorts WHERE id = ?", (cohort_id,))


def cohorts_overview(db, owner_id: int | None = None) -> list[dict]:
    """Cohorts with their owner's name and member count: one trainer's, or all (owner_id None)."""
    sql = (
        "SELECT c.*, u.name AS owner_name, (SELECT count(*) FROM memberships m WHERE m.cohort_id = c.id) AS members "
        "FROM cohorts c JOIN users u ON u.id = c.owner_id"
    )
    params: tuple = ()
    if owner_id is not None:
        sql += " WHERE c.owner_id = ?"
        params = (owner_id,)
    return list(_query(db, sql + " ORDER BY c.created_at DESC, c.id DESC", params))


def cohort_members(db, cohort_id: int) -> list[dict]:
    return list(_query(db,
        "SELECT u.id, u.name, u.email, u.role, u.lang, u.active, m.joined_at FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE m.cohort_id = ? ORDER BY u.name COLLATE NOCASE, u.id",
        (cohort_id,),
    ))


def leave_cohort(db, cohort_id: int, user_id: int) -> bool:
    """Take the user out of the cohort; False when they were not in it. Only the membership goes:
    what they did stays theirs, and the join code brings them back."""
    return db.execute( "DELETE FROM memberships WHERE cohort_id = ? AND user_id = ?", (cohort_id, user_id)).rowcount == 1


def delete_cohort(db, cohort_id: int) -> bool:
    """The cohort and its memberships go; False when there was no such cohort. What its learners
    did stays theirs (visits, attempts and certificates belong to the learner, not the cohort)."""
    with transaction(db):
        db.execute("DELETE FROM memberships WHERE cohort_id = ?", (cohort_id,))
        return db.execute("DELETE FROM cohorts WHERE id = ?", (cohort_id,)).rowcount == 1


def is_member(db, cohort_id: int, user_id: int) -> bool:
    return _one(db, "SELECT 1 AS yes FROM memberships WHERE cohort_id = ? AND user_id = ?", (cohort_id, user_id)) is not None


def shared_cohort(db, trainer_id: int | None, learner_id: int) -> dict | None:
    """A cohort of the trainer's (any cohort, for trainer_id None) that the learner is in."""
    owner, params = ("AND c.owner_id = ?", (learner_id, trainer_id)) if trainer_id is not None else ("", (learner_id,))
    return _one(
        db,
        f"SELECT c.* FROM cohorts c JOIN memberships m ON m.cohort_id = c.id WHERE m.user_id = ? {owner} ORDER BY c.id LIMIT 1",  # noqa: S608 (fixed text)
        params,
    )


def trainer_sees_learner(db, trainer_id: int, learner_id: int) -> bool:
    """Whether the learner is in one of the trainer's cohorts."""
    return _one(
        db,
        "SELECT 1 AS yes FROM memberships m JOIN cohorts c ON c.id = m.cohort_id WHERE c.owner_id = ? AND m.user_id = ? LIMIT 1",
        (trainer_id, learner_id),
    ) is not None


def _population(cohort_id: int | None) -> tuple[str, tuple]:
    """The users a figure is about: a cohort's members, or (None) every account with the learner role."""
    if cohort_id is None:
        return "SELECT id FROM users WHERE role = 'learner'", ()
    return "SELECT user_id FROM memberships WHERE cohort_id = ?", (cohort_id,)


def population_visits(db, cohort_id: int | None) -> list[dict]:
    people, params = _population(cohort_id)
    return _query(db,
        f"SELECT user_id, module, page, first_seen, last_seen FROM page_visits WHERE user_id IN ({people})",  # noqa: S608 (fixed SQL)
        params,
    )


def population_scores(db, cohort_id: int | None) -> list[dict]:
    """What progress needs of each submitted attempt (id, user_id, module, submitted_at, score,
    passed), in no particular order: a dashboard reads them for every learner of a cohort."""
    people, params = _population(cohort_id)
    sql = f"SELECT id, user_id, module, submitted_at, score, passed FROM attempts WHERE submitted_at IS NOT NULL AND user_id IN ({people})"  # noqa: S608,E501 (fixed SQL)
    return _query(db, sql, params)


def population_attempts(db, cohort_id: int | None, module: str) -> list[dict]:
    """Submitted attempts at module's quiz, oldest first."""
    people, params = _population(cohort_id)
    return list(_query(db,
        f"SELECT * FROM attempts WHERE module = ? AND submitted_at IS NOT NULL AND user_id IN ({people}) "  # noqa: S608 (fixed SQL)
        "ORDER BY submitted_at, id",
        (module, *params),
    ))


def population_responses(db, cohort_id: int | None, module: str) -> dict[int, dict[str, dict]]:
    """Per submitted attempt on module: question id -> {response, correct}."""
    people, params = _population(cohort_id)
    sql = "SELECT r.attempt_id, r.question, r.response, r.correct FROM responses r JOIN attempts a ON a.id = r.attempt_id "
    sql += f"WHERE a.module = ? AND a.submitted_at IS NOT NULL AND a.user_id IN ({people})"  # noqa: S608 (fixed SQL)
    rows = _query(db, sql, (module, *params))
    found: dict[int, dict[str, dict]] = {}
    for row in rows:
        found.setdefault(row["attempt_id"], {})[row["question"]] = {"response": _response(row["response"]), "correct": bool(row["correct"])}
    return found


def user_visits(db, user_id: int) -> list[dict]:
    return list(_query(db,
        "SELECT user_id, module, page, first_seen, last_seen FROM page_visits WHERE user_id = ? ORDER BY first_seen, rowid",
        (user_id,),
    ))


def user_responses(db, user_id: int) -> dict[int, dict[str, dict]]:
    """Per submitted attempt of the user: question id -> {response, correct}."""
    found: dict[int, dict[str, dict]] = {}
    for row in _query(db,
        "SELECT r.attempt_id, r.question, r.response, r.correct FROM responses r JOIN attempts a ON a.id = r.attempt_id WHERE a.user_id = ?",
        (user_id,),
    ):
        found.setdefault(row["attempt_id"], {})[row["question"]] = {"response": _response(row["response"]), "correct": bool(row["correct"])}
    return found


# Certificates


def certificate_of_user(db, user_id: int) -> dict | None:
    return _certificate(_one(db, "SELECT * FROM certificates WHERE user_id = ?", (user_id,)))


def certificate_by_code(db, code: str) -> dict | None:
    return _certificate(_one(db, "SELECT * FROM certificates WHERE code = ?", (code,)))


def certificate_by_id(db, certificate_id: int) -> dict | None:
    return _certificate(_one(db, "SELECT * FROM certificates WHERE id = ?", (certificate_id,)))


def certificates_of_users(db, user_ids: list[int]) -> dict[int, dict]:
    if not user_ids:
        return {}
    marks = ", ".join("?" for _ in user_ids)
    rows = _query(db, f"SELECT * FROM certificates WHERE user_id IN ({marks})", tuple(user_ids))  # noqa: S608 (placeholders only)
    return {row["user_id"]: _certificate(row) for row in rows}


def _certificate(row: dict | None) -> dict | None:
    if row is not None:
        row = {**row, "modules": json.loads(row["modules"])}
    return row


def issue_certificate(db, user_id: int, code: str, holder_name: str, completed_at: str, modules: list[dict]) -> dict:
    """The user's certificate: the one already issued, or a new one made from these details."""
    with transaction(db):
        db.execute(
            "INSERT INTO certificates (user_id, code, holder_name, completed_at, modules, issued_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO NOTHING",
            (user_id, code, holder_name, completed_at, json.dumps(modules, ensure_ascii=False), now()),
        )
    return certificate_of_user(db, user_id)


def revoke_certificate(db, certificate_id: int, revoked_by: int, reason: str) -> bool:
    """False when it was already revoked (the first revocation and its reason stand)."""
    stamp = now()
    with transaction(db):
        cursor = db.execute(
            "UPDATE certificates SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
            (stamp, revoked_by, reason.strip(), certificate_id),
        )
        if cursor.rowcount == 0:
            return False
        _certificate_event(db, certificate_id, "revoked", revoked_by, reason, stamp)
    return True


def reinstate_certificate(db, certificate_id: int, reinstated_by: int, reason: str) -> bool:
    """Valid again after a revocation made in error; False when it was not revoked."""
    stamp = now()
    with transaction(db):
        cursor = db.execute(
            "UPDATE certificates SET revoked_at = NULL, revoked_by = NULL, revoke_reason = NULL WHERE id = ? AND revoked_at IS NOT NULL",
            (certificate_id,),
        )
        if cursor.rowcount == 0:
            return False
        _certificate_event(db, certificate_id, "reinstated", reinstated_by, reason, stamp)
    return True


def _certificate_event(db, certificate_id: int, action: str, by_user: int | None, reason: str, stamp: str) -> None:
    db.execute(
        "INSERT INTO certificate_events (certificate_id, action, by_user, reason, at) VALUES (?, ?, ?, ?, ?)",
        (certificate_id, action, by_user, reason.strip(), stamp),
    )


def certificate_history(db, certificate_id: int) -> list[dict]:
    """Each revocation, reinstatement and correction of the name, oldest first, with the name of who made it."""
    return list(_query(db,
        "SELECT e.action, e.reason, e.at, u.name AS by_name FROM certificate_events e LEFT JOIN users u ON u.id = e.by_user "
        "WHERE e.certificate_id = ? ORDER BY e.at, e.id",
        (certificate_id,),
    ))


# Learning records for an LRS (course/xapi.py)


def unsent_attempts(db, limit: int) -> list[dict]:
    """Submitted attempts not yet accepted by the LRS, oldest first, with their learner's name."""
    return list(_query(db,
        "SELECT a.*, u.name AS user_name FROM attempts a JOIN users u ON u.id = a.user_id "
        "WHERE a.submitted_at IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM xapi_sent s WHERE s.kind = 'attempt' AND s.record_id = a.id) ORDER BY a.id LIMIT ?",
        (limit,),
    ))


def unsent_certificates(db, limit: int) -> list[dict]:
    """Certificates in force not yet reported to the LRS as the course completed, oldest first."""
    return list(_query(db,
        "SELECT c.id, c.user_id, c.issued_at, u.name AS user_name, u.lang FROM certificates c JOIN users u ON u.id = c.user_id "
        "WHERE c.revoked_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM xapi_sent s WHERE s.kind = 'certificate' AND s.record_id = c.id) ORDER BY c.id LIMIT ?",
        (limit,),
    ))


def mark_sent(db, records: list[tuple[str, int, str]]) -> None:
    """Record (kind, record id, statement id) as accepted by the LRS."""
    stamp = now()
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO xapi_sent (kind, record_id, statement_id, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(kind, record_id, statement_id, stamp) for kind, record_id, statement_id in records],
        )


# Backups


def backup_to(db, path: str) -> dict:
    """Write a consistent copy of the database to path, while others go on writing.

    SQLite's online backup API copies every page in one step from a single read transaction,
    so the copy is the database as it was at one instant (WAL lets writers carry on meanwhile).
    The copy is written beside path, readable by this user only, and renamed into place once
    checked, so a file at path is always a whole, sound backup; if anything fails (a full disk),
    the partial copy is removed and the error raised. Returns the copy's row counts.
    """
    partial = f"{path}.partial"
    os.close(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, PRIVATE_FILE))
    try:
        target = sqlite3.connect(partial)
        try:
            db.conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"the copy failed its integrity check: {check}")
            tables = [row[0] for row in target.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            counts = {table: target.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] for table in tables}  # noqa: S608 (table names from the schema)
        finally:
            target.close()
        os.replace(partial, path)
    except BaseException:
        for leftover in (partial, f"{partial}-journal"):
            with suppress(FileNotFoundError):
                os.remove(leftover)
        raise
    return counts
