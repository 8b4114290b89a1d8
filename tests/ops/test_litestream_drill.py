"""The restore drill of docs/operations.md, with Litestream and the project's deploy/litestream.yml:
while learners submit quiz attempts to gunicorn, Litestream replicates the database to a second
folder; then the machine is lost (the server and Litestream killed, the data folder gone), the
database is restored from the replica alone into a new folder, and the app started on it has
every attempt acknowledged more than the replication interval before the loss, whole and sound."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

import yaml

from course.content import load_course
from tests.helpers import quiz_form
from tests.ops.servers import BIN, DEPLOY, FIXTURE, Service, Visitor, free_port, start_gunicorn, token_in, wait_until

LEARNERS = 4
LOAD_SECONDS = 4.0
PAUSE = 0.1  # between a learner's submissions: 4 learners, up to 40 a second, five times the busiest day (docs/scaling.md)


def test_a_restore_from_the_replica_alone_has_every_acknowledged_attempt(tmp_path):
    data, replica, restored = tmp_path / "data", tmp_path / "replica", tmp_path / "restored"
    data.mkdir()
    database = data / "course.db"
    env = {"COURSE_DATABASE": str(database), "LITESTREAM_REPLICA": str(replica)}
    config = str(DEPLOY / "litestream.yml")
    interval = _replication_interval(config)

    port = free_port()
    server = start_gunicorn(tmp_path, port, {"COURSE_DATABASE": str(database)})
    litestream = Service([str(BIN / "litestream"), "replicate", "-config", config], env, tmp_path / "litestream.log")
    acknowledged: list[tuple[int, float]] = []
    stop, learners = threading.Event(), []
    try:
        wait_until(lambda: "replicating to" in litestream.output(), 10, "Litestream replicating")
        visitors = [_signed_up(port, n) for n in range(LEARNERS)]
        quiz = load_course(FIXTURE).quiz("01-sample", "en")
        learners = [threading.Thread(target=_submit_until, args=(v, quiz, database, stop, acknowledged)) for v in visitors]
        for learner in learners:
            learner.start()
        time.sleep(LOAD_SECONDS)
        lost_at = time.monotonic()
        for process in (server, litestream):  # the machine is lost: nothing gets to finish or flush
            os.killpg(process.group, signal.SIGKILL)
    finally:
        stop.set()
        for learner in learners:
            learner.join(10)
        for process in (server, litestream):
            process.stop()
    shutil.move(data, tmp_path / "lost")  # from here on, only the replica

    result = _run([str(BIN / "litestream"), "restore", "-config", config, "-o", str(restored / "course.db"), str(database)], env)
    assert result.returncode == 0, result.stdout
    due = sorted(attempt for attempt, at in acknowledged if at < lost_at - interval)
    assert len(due) >= 10, f"only {len(due)} attempts acknowledged before {lost_at - interval:.1f}: too little load to tell"

    restarted = start_gunicorn(tmp_path, free_port(), {"COURSE_DATABASE": str(restored / "course.db")}, name="restored")
    try:
        assert Visitor(f"http://127.0.0.1:{restarted_port(restarted)}").get("/health").status == 200
    finally:
        restarted.stop()
    with sqlite3.connect(restored / "course.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        found = {row[0]: row[1:] for row in db.execute(
            "SELECT a.id, a.submitted_at, count(r.question) FROM attempts a LEFT JOIN responses r ON r.attempt_id = a.id "
            "WHERE a.submitted_at IS NOT NULL GROUP BY a.id")}
    missing = [attempt for attempt in due if attempt not in found]
    lag = lost_at - min((at for attempt, at in acknowledged if attempt not in found), default=lost_at)
    assert missing == [], f"{len(missing)} of {len(due)} acknowledged attempts lost: {missing[:10]}; the replica was {lag:.1f} s behind"
    assert all(found[attempt][1] == len(quiz.questions) for attempt in due)  # each with all its answers
    assert (restored / "course.db").stat().st_mode & 0o077 == 0  # the app made the restored file private


def _replication_interval(config: str) -> float:
    """How long a commit may wait to reach the replica: the database's monitor interval (when
    Litestream reads the log) plus the replica's sync interval, as deploy/litestream.yml sets them."""
    entry = yaml.safe_load(Path(config).read_text())["dbs"][0]
    seconds = [float(str(value).rstrip("s")) for value in (entry["monitor-interval"], entry["replica"]["sync-interval"])]
    return sum(seconds)


def _signed_up(port: int, number: int) -> Visitor:
    visitor = Visitor(f"http://127.0.0.1:{port}")
    form = visitor.get("/en/signup")
    created = visitor.post("/en/signup", {"csrf_token": token_in(form.text), "name": f"Learner {number}",
                                          "email": f"learner{number}@example.org", "password": "correct horse battery", "join_code": ""})
    assert created.status == 302, created.text[:300]
    return visitor


def _submit_until(visitor: Visitor, quiz, database, stop: threading.Event, acknowledged: list) -> None:
    """Open the quiz and submit it, again and again; each 303 is an acknowledged attempt."""
    reader = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        while not stop.is_set():
            try:
                page = visitor.get("/en/quizzes/01-sample")
                attempt_id = int(re.search(r'name="attempt" value="(\d+)"', page.text).group(1))
                seed = reader.execute("SELECT seed FROM attempts WHERE id = ?", (attempt_id,)).fetchone()[0]
                form = {"csrf_token": token_in(page.text), "attempt": str(attempt_id), **quiz_form(quiz, seed)}
                if visitor.post("/en/quizzes/01-sample", form).status == 303:
                    acknowledged.append((attempt_id, time.monotonic()))
                stop.wait(PAUSE)
            except (OSError, http.client.HTTPException, AttributeError, TypeError, sqlite3.Error):  # the server is gone
                if stop.is_set():
                    return
                time.sleep(0.05)
    finally:
        reader.close()


def restarted_port(service: Service) -> int:
    return int(service.command[service.command.index("--bind") + 1].rsplit(":", 1)[1])


def _run(command: list[str], env: dict):
    import subprocess

    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
