"""Learning records for an LRS: the statements built from stored attempts and certificates, and
`flask course xapi-send` against a real HTTP server on 127.0.0.1 standing in for the LRS."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from course import store, xapi
from tests.people import ALL_QUESTIONS, answer_quiz, complete_course, db_of, learner_in

SITE = "https://course.example.org"


class FakeLRS:
    """Answers each POST with the next of `statuses` (then 200), keeping what it received."""

    def __init__(self):
        self.received, self.statuses = [], []
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                lrs.received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "statements": body})
                self.send_response(lrs.statuses.pop(0) if lrs.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/xapi"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def statements(self) -> list[dict]:
        return [s for request in self.received for s in request["statements"]]


@pytest.fixture
def lrs(app):
    fake = FakeLRS()
    app.config.update(PUBLIC_URL=SITE + "/", XAPI_ENDPOINT=fake.url, XAPI_USERNAME="course", XAPI_PASSWORD="s3cret")
    yield fake
    fake.server.shutdown()


@pytest.fixture
def records(app):
    """A failed attempt, then a pass that completes the course: two attempts and a certificate."""
    user_id, client = learner_in(app, None, "amina@example.org", "Amina Benali", lang="ar")
    failed = answer_quiz(client, app, right=set(), lang="ar")
    passed = complete_course(client, app, lang="ar")
    return user_id, failed, passed, store.certificate_of_user(db_of(app), user_id)


def test_an_attempt_is_a_passed_or_failed_statement_with_its_score(app, records):
    user_id, failed, passed, _ = records
    course = app.extensions["catalog"].course
    rows = {row["id"]: row for row in store.unsent_attempts(db_of(app), 10)}
    good = xapi.attempt_statement(rows[passed["id"]], course, SITE)
    assert good["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert good["result"] == {"score": {"scaled": 1.0, "raw": len(ALL_QUESTIONS), "min": 0, "max": len(ALL_QUESTIONS)},
                              "success": True, "completion": True}
    assert good["actor"] == {"objectType": "Agent", "name": "Amina Benali", "account": {"homePage": SITE, "name": str(user_id)}}
    assert good["object"]["id"] == f"{SITE}/activities/quizzes/01-sample"
    assert set(good["object"]["definition"]["name"]) == {"fr", "ar", "en"}
    assert good["context"]["language"] == "ar" and good["timestamp"] == passed["submitted_at"]
    bad = xapi.attempt_statement(rows[failed["id"]], course, SITE)
    assert bad["verb"]["id"].endswith("/failed") and bad["result"]["success"] is False and bad["result"]["score"]["raw"] == 0
    assert good["id"] != bad["id"] and good["id"] == xapi.attempt_statement(rows[passed["id"]], course, SITE)["id"]
    assert "amina@example.org" not in json.dumps([good, bad])  # no e-mail address leaves the site


def test_the_course_completed_is_sent_once_certificates_are_issued(app, records):
    user_id, *_, certificate = records
    course = app.extensions["catalog"].course
    [row] = store.unsent_certificates(db_of(app), 10)
    statement = xapi.certificate_statement(row, course, SITE)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["object"]["id"] == f"{SITE}/activities/course" and statement["timestamp"] == certificate["issued_at"]
    store.revoke_certificate(db_of(app), certificate["id"], user_id, "Test")
    assert store.unsent_certificates(db_of(app), 10) == []  # a revoked certificate is not reported


def test_xapi_send_forwards_every_record_once_with_the_lrs_credentials(app, runner, records, lrs):
    result = runner.invoke(args=["course", "xapi-send"])
    assert result.exit_code == 0 and "3 statement(s) sent" in result.output, result.output
    [request] = lrs.received
    assert request["path"] == "/xapi/statements"
    assert request["headers"]["x-experience-api-version"] == "1.0.3"
    assert request["headers"]["authorization"] == "Basic " + base64.b64encode(b"course:s3cret").decode()
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in lrs.statements()]
    assert verbs == ["failed", "passed", "completed"]
    again = runner.invoke(args=["course", "xapi-send"])
    assert again.exit_code == 0 and "0 statement(s) sent" in again.output and len(lrs.received) == 1


def test_a_refused_batch_stays_pending_and_goes_with_the_next_run(app, runner, records, lrs):
    lrs.statuses = [503]
    refused = runner.invoke(args=["course", "xapi-send"])
    assert refused.exit_code == 1 and "HTTP 503" in refused.output
    assert len(store.unsent_attempts(db_of(app), 10)) == 2 and len(store.unsent_certificates(db_of(app), 10)) == 1
    assert runner.invoke(args=["course", "xapi-send"]).exit_code == 0
    first, second = lrs.received
    assert first["statements"] == second["statements"]  # the same statements, the same ids
    assert store.unsent_attempts(db_of(app), 10) == []


def test_statements_the_lrs_already_holds_are_taken_as_sent(app, records, lrs):
    """A run stopped between the LRS's answer and its record: the LRS refuses the batch with 409."""
    lrs.statuses = [409, 409, 200, 200]
    course = app.extensions["catalog"].course
    assert xapi.send_pending(db_of(app), course, lrs.url, SITE, batch=10) == 3
    assert [len(request["statements"]) for request in lrs.received] == [3, 1, 1, 1]
    assert xapi.pending(db_of(app), course, SITE, 10) == []


def test_an_unreachable_lrs_is_reported_and_nothing_is_marked(app, runner, records):
    app.config.update(PUBLIC_URL=SITE, XAPI_ENDPOINT="http://127.0.0.1:9/xapi")  # the discard port: nothing listens
    result = runner.invoke(args=["course", "xapi-send"])
    assert result.exit_code == 1 and "cannot reach the LRS" in result.output
    assert len(store.unsent_attempts(db_of(app), 10)) == 2


def test_xapi_send_needs_the_sites_address_and_the_lrs(app, runner, records):
    missing = runner.invoke(args=["course", "xapi-send"])
    assert missing.exit_code == 1 and "PUBLIC_URL" in missing.output
    app.config["PUBLIC_URL"] = SITE
    assert "XAPI_ENDPOINT" in runner.invoke(args=["course", "xapi-send"]).output
    dry = runner.invoke(args=["course", "xapi-send", "--dry-run"])
    assert dry.exit_code == 0 and len(json.loads(dry.output)) == 3
    assert len(store.unsent_attempts(db_of(app), 10)) == 2  # a dry run sends and marks nothing
