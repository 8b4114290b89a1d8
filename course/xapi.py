"""Learning records for a Learning Record Store (xAPI 1.0.3): each submitted quiz attempt (passed or
failed, with its score) and each certificate issued (the course completed).

The outbox is the database itself. A submitted attempt and an issued certificate never change
afterwards, so each statement is built from its record when it is sent, with an id derived from
the record (the same statement, the same id, however often it is sent), and `xapi_sent` keeps
what the LRS accepted. Nothing is added to a learner's request: `flask course xapi-send`, run by
cron, forwards what is pending, and a run that fails leaves it pending for the next.

The builders are pure functions; `send_pending()` takes the function that posts, so it is tested
against a real HTTP server on 127.0.0.1 and never reaches another site by itself.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable

from . import store
from .content.model import LANGUAGES, Course

VERSION = "1.0.3"
# Statement ids are uuid5 of the site's address and the record, in this namespace.
NAMESPACE = uuid.UUID("6f1c2f7e-8d0a-5b51-9f3e-2c4b7a1d0e95")
VERBS = {
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
COURSE = "http://adlnet.gov/expapi/activities/course"


class SendError(Exception):
    """The LRS could not be reached or refused a batch; nothing of the batch was recorded as sent."""


def statement_id(base_url: str, kind: str, record_id: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{base_url}|{kind}|{record_id}"))


def _actor(base_url: str, user_id: int, name: str) -> dict:
    """The learner by their account on this site (no e-mail address leaves it)."""
    return {"objectType": "Agent", "name": name, "account": {"homePage": base_url, "name": str(user_id)}}


def _verb(name: str) -> dict:
    return {"id": VERBS[name], "display": {"en": name}}


def course_activity(course: Course, base_url: str) -> dict:
    names = {lang: course.titles[lang] for lang in LANGUAGES if course.titles.get(lang)}
    return {"objectType": "Activity", "id": f"{base_url}/activities/course",
            "definition": {"type": COURSE, "name": names}}


def quiz_activity(course: Course, base_url: str, slug: str) -> dict:
    names = {lang: quiz.title for lang in LANGUAGES if (quiz := course.quiz(slug, lang)) is not None}
    return {"objectType": "Activity", "id": f"{base_url}/activities/quizzes/{slug}",
            "definition": {"type": ASSESSMENT, "name": names or {"en": slug}}}


def attempt_statement(attempt: dict, course: Course, base_url: str) -> dict:
    """A submitted attempt (a row of `attempts` with the learner's name as user_name)."""
    return {
        "id": statement_id(base_url, "attempt", attempt["id"]),
        "actor": _actor(base_url, attempt["user_id"], attempt["user_name"]),
        "verb": _verb("passed" if attempt["passed"] else "failed"),
        "object": quiz_activity(course, base_url, attempt["module"]),
        "result": {
            "score": {"scaled": round(attempt["correct"] / attempt["total"], 4) if attempt["total"] else 0,
                      "raw": attempt["correct"], "min": 0, "max": attempt["total"]},
            "success": bool(attempt["passed"]),
            "completion": True,
        },
        "context": {"language": attempt["lang"], "contextActivities": {"parent": [course_activity(course, base_url)]}},
        "timestamp": attempt["submitted_at"],
    }


def certificate_statement(certificate: dict, course: Course, base_url: str) -> dict:
    """The course completed, when its certificate was issued."""
    return {
        "id": statement_id(base_url, "certificate", certificate["id"]),
        "actor": _actor(base_url, certificate["user_id"], certificate["user_name"]),
        "verb": _verb("completed"),
        "object": course_activity(course, base_url),
        "result": {"completion": True, "success": True},
        "context": {"language": certificate["lang"]},
        "timestamp": certificate["issued_at"],
    }


def pending(db, course: Course, base_url: str, limit: int) -> list[tuple[str, int, dict]]:
    """Up to limit statements not yet accepted: attempts first, then certificates."""
    found = [("attempt", row["id"], attempt_statement(row, course, base_url)) for row in store.unsent_attempts(db, limit)]
    if len(found) < limit:
        found += [("certificate", row["id"], certificate_statement(row, course, base_url))
                  for row in store.unsent_certificates(db, limit - len(found))]
    return found


Post = Callable[[str, bytes, dict], int]


def post_with_urllib(url: str, body: bytes, headers: dict) -> int:
    """POST and return the HTTP status; a status of 400 or more is returned, not raised."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (the administrator's LRS address)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError) as error:
        raise SendError(f"cannot reach the LRS at {url}: {error}") from error


def send_pending(db, course: Course, endpoint: str, base_url: str, username: str = "", password: str = "",
                 batch: int = 50, post: Post = post_with_urllib) -> int:
    """Send every pending statement, a batch at a time; the number sent. A batch is recorded as sent
    only once the LRS has accepted it (2xx, or 409: it holds that id already); any other answer
    raises SendError and keeps the batch pending."""
    url = endpoint.rstrip("/") + "/statements"
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": VERSION}
    if username or password:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    sent = 0
    while records := pending(db, course, base_url, batch):
        status = post(url, _body(records), headers)
        if status == CONFLICT and len(records) > 1:
            # The LRS already holds one of them (a run stopped between its answer and the record
            # of it), and refuses the whole batch: send them one by one.
            for record in records:
                _accepted(post(url, _body([record]), headers), url, sent)
                store.mark_sent(db, [_sent(record)])
                sent += 1
            continue
        _accepted(status, url, sent)
        store.mark_sent(db, [_sent(record) for record in records])
        sent += len(records)
    return sent


# The LRS has a statement of that id: sent already, whether by this run or an earlier one.
CONFLICT = 409


def _body(records: list[tuple[str, int, dict]]) -> bytes:
    return json.dumps([statement for _kind, _id, statement in records], ensure_ascii=False).encode()


def _sent(record: tuple[str, int, dict]) -> tuple[str, int, str]:
    kind, record_id, statement = record
    return kind, record_id, statement["id"]


def _accepted(status: int, url: str, sent: int) -> None:
    if not (200 <= status < 300 or status == CONFLICT):
        raise SendError(f"the LRS at {url} answered HTTP {status}; {sent} statements sent before this, the rest kept to send again")
