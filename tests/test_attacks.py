"""Attacks and bad input against the running app.

Every attempt must end in a 4xx with a clear message, or a harmless page: never a 500, and
nothing stored may change or be lost. The routes to attack are read from the app's URL map, so
a route added later is attacked too.
"""

from __future__ import annotations

import csv
import http.client
import io
import re
import threading
from urllib.parse import urlsplit

import pytest

from course import store
from tests.helpers import csrf_token, quiz_form, sign_in, sign_up

PASSWORD = "correct horse battery"
CSRF_MESSAGE = "Your form had expired or was incomplete"
SQL_INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR ""="',
    "1; DELETE FROM attempts",
    "' UNION SELECT password_hash, email FROM users --",
    "admin'--",
    "%' AND 1=1 --",
    "\\'; PRAGMA writable_schema=1; --",
]
MARKUP = '<script>alert("owned")</script><img src=x onerror=alert(1)>'


# The world: two learners, two trainers with a cohort each, an administrator


@pytest.fixture
def world(app, db):
    """Amina (in trainer one's cohort, course complete, certificate) and Karim (in trainer two's)."""
    from werkzeug.security import generate_password_hash

    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # quick: the world is made for each test
    ids = {
        "amina": store.create_user(db, "amina@example.org", "Amina", hashed),
        "karim": store.create_user(db, "karim@example.org", "Karim", hashed),
        "trainer": store.create_user(db, "t1@example.org", "Trainer One", hashed, role="trainer"),
        "trainer2": store.create_user(db, "t2@example.org", "Trainer Two", hashed, role="trainer"),
        "admin": store.create_user(db, "admin@example.org", "Admin", hashed, role="admin"),
    }
    ids["cohort"] = store.create_cohort(db, "Cohort One", "ONE-2027", None, ids["trainer"])
    ids["cohort2"] = store.create_cohort(db, "Cohort Two", "TWO-2027", None, ids["trainer2"])
    store.join_cohort(db, ids["cohort"], ids["amina"])
    store.join_cohort(db, ids["cohort2"], ids["karim"])
    clients = {"visitor": app.test_client()}
    for role in ("amina", "karim", "trainer", "trainer2", "admin"):
        clients[role] = app.test_client()
        email = store.user_by_id(db, ids[role])["email"]
        assert sign_in(clients[role], email, PASSWORD).status_code == 302
        clients[role].get("/en/")  # remembers English as the account's language, once and for all
    course = app.extensions["catalog"].course
    for slug in course.slugs:
        for page in course.module(slug, "en").pages:
            clients["amina"].get(f"/en/modules/{slug}/{page.id}")
    ids["amina_done"] = submit_quiz(clients["amina"], app)[1]
    ids["amina_open"] = open_attempt(clients["amina"])
    ids["karim_done"] = submit_quiz(clients["karim"], app, right=False)[1]
    ids["karim_open"] = open_attempt(clients["karim"])
    assert clients["amina"].get("/en/certificate").status_code == 200
    certificate = store.certificate_of_user(db, ids["amina"])
    ids["certificate"], ids["code"] = certificate["id"], certificate["code"]
    return ids, clients


def open_attempt(client) -> int:
    page = client.get("/en/quizzes/01-sample").get_data(as_text=True)
    return int(re.search(r'name="attempt" value="(\d+)"', page).group(1))


def quiz_post(client, app, attempt_id: int, right: bool = True, **changes) -> dict:
    """The form a learner's browser would send for attempt_id, with changes (None removes a field)."""
    db = store.connection(app.config["DATABASE"])
    quiz = app.extensions["catalog"].course.quiz("01-sample", "en")
    attempt = store.attempt_by_id(db, attempt_id)
    form = {"csrf_token": csrf_token(client, "/en/"), "attempt": str(attempt_id), **quiz_form(quiz, attempt["seed"], right)}
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def submit_quiz(client, app, right: bool = True):
    attempt_id = open_attempt(client)
    return client.post("/en/quizzes/01-sample", data=quiz_post(client, app, attempt_id, right)), attempt_id


def snapshot(db) -> dict[str, list]:
    """Every row of every table (sign-in failures aside: recording them is the point of a failed sign-in)."""
    tables = [row["name"] for row in db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted(map(tuple, db.execute(f"SELECT * FROM [{t}]").fetchall()), key=repr) for t in tables if t != "signin_failures"}  # noqa: S608


def kept(before: dict, after: dict) -> list[str]:
    """What was lost or changed: rows of before missing from after (new rows may have been added)."""
    return [f"{table}: {row}" for table, rows in before.items() for row in rows if row not in set(after.get(table, []))]


def unchanged(db, before: dict) -> None:
    """Nothing stored changed, was lost or was added."""
    after = snapshot(db)
    lost = kept(before, after)
    added = kept(after, before)
    assert not lost and not added, "lost or changed:\n" + "\n".join(lost) + "\nadded:\n" + "\n".join(added)


def assert_refused(response, codes=(400, 403, 404, 405, 409, 413, 422, 429), message: str | None = None) -> None:
    assert response.status_code in codes, f"HTTP {response.status_code}"
    html = response.get_data(as_text=True)
    if message:
        assert message in html, html[:2000]
    elif response.mimetype == "text/html":
        assert 'role="alert"' in html or "notice-error" in html or 'class="error"' in html, html[:2000]


def rules(app, method: str):
    return [rule for rule in app.url_map.iter_rules() if method in rule.methods and rule.endpoint != "static"]


def url_for_rule(rule, ids: dict) -> str:
    values = {
        "lang": "en", "slug": "01-sample", "page_id": "elements", "attempt_id": ids["amina_done"],
        "cohort_id": ids["cohort"], "user_id": ids["amina"], "certificate_id": ids["certificate"],
        "code": ids["code"], "filename": "picture.png",
    }
    return rule.build({name: values[name] for name in rule.arguments})[1]


# Forms without a CSRF token


@pytest.mark.parametrize("role", ["visitor", "amina", "trainer", "admin"])
def test_every_form_without_a_csrf_token_is_refused(app, db, world, role):
    ids, clients = world
    before = snapshot(db)
    for rule in rules(app, "POST"):
        url = url_for_rule(rule, ids)
        for form in ({}, {"csrf_token": "forged"}, {"csrf_token": ""}):
            response = clients[role].post(url, data={**form, "name": "x", "attempt": str(ids["amina_open"]), "role": "admin"})
            assert response.status_code == 400, f"{url} {form}: HTTP {response.status_code}"
            assert CSRF_MESSAGE in response.get_data(as_text=True), url
    unchanged(db, before)


def test_a_token_from_another_session_is_refused(app, db, world):
    ids, clients = world
    stolen = csrf_token(clients["amina"], "/en/")
    before = snapshot(db)
    form = {"csrf_token": stolen, "attempt": str(ids["karim_open"]), "q-law": "27-14"}
    assert_refused(clients["karim"].post("/en/quizzes/01-sample", data=form), (400,), CSRF_MESSAGE)
    unchanged(db, before)


# One learner and another's records


def test_a_learner_cannot_read_anothers_result(world):
    ids, clients = world
    for lang in ("fr", "ar", "en"):
        assert_refused(clients["karim"].get(f"/{lang}/quizzes/01-sample/attempts/{ids['amina_done']}"), (403,))


def test_a_learner_cannot_submit_anothers_attempt(app, db, world):
    ids, clients = world
    before = snapshot(db)
    form = quiz_post(clients["karim"], app, ids["amina_open"])
    assert_refused(clients["karim"].post("/en/quizzes/01-sample", data=form), (403,), "belongs to someone else")
    unchanged(db, before)


def test_a_learner_sees_only_their_own_progress_and_certificate(world):
    ids, clients = world
    progress = clients["karim"].get("/en/progress").get_data(as_text=True)
    certificate = clients["karim"].get("/en/certificate").get_data(as_text=True)
    for html in (progress, certificate):
        assert "Amina" not in html and ids["code"] not in html
    assert clients["karim"].get("/en/certificate.pdf").status_code == 404


def test_the_public_verification_page_tells_only_name_date_and_validity(world):
    ids, clients = world
    html = clients["visitor"].get(f"/en/verify/{ids['code']}").get_data(as_text=True)
    assert "Amina" in html
    assert "amina@example.org" not in html and "100" not in html


def test_a_learner_reaches_no_trainer_or_admin_page(app, db, world):
    ids, clients = world
    before = snapshot(db)
    token = csrf_token(clients["amina"], "/en/")
    for rule in rules(app, "GET") + rules(app, "POST"):
        if not rule.endpoint.startswith(("trainer.", "admin.")):
            continue
        url = url_for_rule(rule, ids)
        response = clients["amina"].get(url) if "GET" in rule.methods else clients["amina"].post(url, data={"csrf_token": token, "role": "admin"})
        assert_refused(response, (403,))
        visitor = clients["visitor"].get(url)
        assert visitor.status_code in (302, 405) and "/signin" in visitor.headers.get("Location", "/signin")
    unchanged(db, before)


# A trainer and another trainer's cohort


def test_a_trainer_cannot_reach_another_trainers_cohort(app, db, world):
    ids, clients = world
    before = snapshot(db)
    token = csrf_token(clients["trainer2"], "/en/")
    reached = []
    for rule in rules(app, "GET") + rules(app, "POST"):
        if "cohort_id" not in rule.arguments and "user_id" not in rule.arguments and "certificate_id" not in rule.arguments:
            continue
        if rule.endpoint.startswith("admin."):
            continue
        url = url_for_rule(rule, ids)
        if "GET" in rule.methods:
            response = clients["trainer2"].get(url)
        else:
            response = clients["trainer2"].post(url, data={"csrf_token": token, "name": "Mine now", "join_code": "MINE-NOW", "reason": "x"})
        assert_refused(response, (403, 404))
        reached.append(rule.endpoint)
    assert {"trainer.cohort", "trainer.edit_cohort", "trainer.learner", "trainer.export_progress"} <= set(reached)
    result = clients["trainer2"].get(f"/en/quizzes/01-sample/attempts/{ids['amina_done']}")
    assert_refused(result, (403,))
    unchanged(db, before)


def test_a_trainer_reaches_no_admin_page(app, db, world):
    ids, clients = world
    before = snapshot(db)
    token = csrf_token(clients["trainer"], "/en/")
    for rule in rules(app, "GET") + rules(app, "POST"):
        if rule.endpoint.startswith("admin."):
            url = url_for_rule(rule, {**ids, "user_id": ids["trainer"]})
            trainer = clients["trainer"]
            response = trainer.get(url) if "GET" in rule.methods else trainer.post(url, data={"csrf_token": token, "role": "admin"})
            assert_refused(response, (403,))
    unchanged(db, before)


# Tampered quiz forms

TAMPERED = {
    "unknown question": {"q-ghost": "1"},
    "unknown option": {"q-elements": "7"},
    "negative option": {"q-elements": "-1"},
    "option not a number": {"q-elements": "abc"},
    "option as a float": {"q-elements": "1.0"},
    "option in Arabic digits": {"q-elements": "١"},
    "option overflowing": {"q-elements": "9" * 40},
    "repeated single choice": {"q-elements": ["0", "1"]},
    "repeated short answer": {"q-law": ["27-14", "27-14"]},
    "same option twice": {"q-means": ["0", "0"]},
    "matching out of range": {"q-match-0": "3"},
    "matching part unknown": {"q-match-9": "0"},
    "ordering repeated": {"q-steps-0": ["0", "1"]},
    "short answer too long": {"q-law": "x" * 501},
    "attempt missing": {"attempt": None},
    "attempt not a number": {"attempt": "abc"},
    "attempt negative": {"attempt": "-1"},
    "attempt unknown": {"attempt": "999999"},
    "attempt huge": {"attempt": "9" * 30},
    "field name very long": {"q-" + "x" * 5000: "1"},
    "no answer at all": {"q-elements": None, "q-consent": None, "q-means": None, "q-law": None},
}


@pytest.mark.parametrize("change", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_quiz_form_is_refused_and_nothing_is_stored(app, db, world, change):
    ids, clients = world
    form = quiz_post(clients["amina"], app, ids["amina_open"], **change)
    before = snapshot(db)
    response = clients["amina"].post("/en/quizzes/01-sample", data=form)
    assert_refused(response, (400, 403, 422))
    assert store.attempt_by_id(db, ids["amina_open"])["submitted_at"] is None
    unchanged(db, before)


def test_control_characters_in_an_answer_are_kept_as_harmless_text(app, db, world):
    ids, clients = world
    form = quiz_post(clients["amina"], app, ids["amina_open"], **{"q-law": "27\x00-14\x1b[31m\u202e"})
    response = clients["amina"].post("/en/quizzes/01-sample", data=form)
    assert response.status_code == 303
    assert clients["amina"].get(response.headers["Location"]).status_code == 200
    assert store.attempt_responses(db, ids["amina_open"])["law"]["response"] == "27\x00-14\x1b[31m\u202e"
    for url in (f"/en/trainer/cohorts/{ids['cohort']}/attempts.csv", f"/en/trainer/cohorts/{ids['cohort']}/learners/{ids['amina']}"):
        assert clients["trainer"].get(url).status_code == 200


def test_a_one_megabyte_field_is_refused(app, db, world):
    ids, clients = world
    before = snapshot(db)
    for url in ("/en/quizzes/01-sample", "/en/signup", "/en/signin", f"/en/trainer/cohorts/{ids['cohort']}/edit"):
        form = quiz_post(clients["amina"], app, ids["amina_open"], **{"q-law": "x" * 1_000_000, "name": "y" * 1_000_000})
        assert_refused(clients["amina"].post(url, data=form), (413,))
    unchanged(db, before)


def test_thousands_of_fields_are_refused(app, db, world):
    ids, clients = world
    form = quiz_post(clients["amina"], app, ids["amina_open"], **{f"f{n}": "1" for n in range(5000)})
    before = snapshot(db)
    assert_refused(clients["amina"].post("/en/quizzes/01-sample", data=form), (400, 413))
    unchanged(db, before)


def test_a_submitted_attempt_is_not_submitted_again_or_in_another_module(app, db, world):
    ids, clients = world
    before = snapshot(db)
    again = quiz_post(clients["amina"], app, ids["amina_done"], right=False)
    assert_refused(clients["amina"].post("/en/quizzes/01-sample", data=again), (409,), "already been submitted")
    elsewhere = quiz_post(clients["amina"], app, ids["amina_open"])
    assert_refused(clients["amina"].post("/en/quizzes/02-reading", data=elsewhere), (404,))
    unchanged(db, before)


# Script and HTML in names, on trainer pages and in CSV


def test_markup_in_names_is_shown_as_text_everywhere(app, db, world):
    ids, clients = world
    learner = app.test_client()
    assert sign_up(learner, email="x@example.org", name=MARKUP, code="ONE-2027").status_code == 302
    token = csrf_token(clients["trainer"], "/en/trainer/cohorts/new")
    response = clients["trainer"].post("/en/trainer/cohorts/new", data={"csrf_token": token, "name": MARKUP, "join_code": "XSS-2027"})
    assert response.status_code == 303
    xss_cohort = int(re.search(r"/cohorts/(\d+)/", response.headers["Location"]).group(1))
    store.join_cohort(db, xss_cohort, store.user_by_email(db, "x@example.org")["id"])
    user_id = store.user_by_email(db, "x@example.org")["id"]
    pages = [
        "/en/trainer/", f"/en/trainer/cohorts/{ids['cohort']}/", f"/en/trainer/cohorts/{xss_cohort}/",
        f"/en/trainer/cohorts/{ids['cohort']}/learners/{user_id}", f"/en/trainer/cohorts/{xss_cohort}/edit",
        f"/en/trainer/cohorts/{ids['cohort']}/questions", "/en/trainer/questions",
    ]
    for url in pages:
        for lang in ("fr", "ar"):
            html = clients["trainer"].get(url.replace("/en/", f"/{lang}/")).get_data(as_text=True)
            assert "<script>alert" not in html and "<img src=x" not in html, url
    admin = clients["admin"].get("/en/admin/users").get_data(as_text=True)
    assert "<script>alert" not in admin and "&lt;script&gt;alert" in admin
    learner_html = learner.get("/en/profile").get_data(as_text=True)
    assert "<script>alert" not in learner_html and "&lt;script&gt;" in learner_html


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_names_that_look_like_formulas_are_neutralised_in_csv(app, db, world):
    ids, clients = world
    for n, name in enumerate(FORMULAS):
        user = store.create_user(db, f"f{n}@example.org", name, "x")
        store.join_cohort(db, ids["cohort"], user)
    store.update_cohort(db, ids["cohort"], "=cmd|' /C calc'!A0", "ONE-2027", None)
    for export in ("progress.csv", "attempts.csv"):
        response = clients["trainer"].get(f"/en/trainer/cohorts/{ids['cohort']}/{export}")
        assert response.status_code == 200
        text = response.get_data().decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(r"-?\d+(\.\d+)?", cell), (export, cell)
    progress = clients["trainer"].get(f"/en/trainer/cohorts/{ids['cohort']}/progress.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in progress


# SQL injection strings in every field


@pytest.mark.parametrize("payload", SQL_INJECTIONS)
def test_sql_injection_strings_are_only_ever_data(app, db, world, payload):
    ids, clients = world
    before = snapshot(db)
    visitor = app.test_client()
    token = csrf_token(visitor, "/en/signup")
    responses = [
        visitor.post("/en/signup", data={"csrf_token": token, "name": payload, "email": payload, "password": payload, "join_code": payload}),
        visitor.post("/en/signin", data={"csrf_token": token, "email": payload, "password": payload}),
        visitor.post("/en/signin", data={"csrf_token": token, "email": "amina@example.org" + payload, "password": payload}),
        visitor.get(f"/en/verify/{payload}"),
        visitor.get("/en/verify", query_string={"code": payload}),
    ]
    amina, trainer, admin = clients["amina"], clients["trainer"], clients["admin"]
    token = csrf_token(amina, "/en/profile")
    responses.append(amina.post("/en/profile", data={"csrf_token": token, "join_code": payload}))
    responses.append(amina.post("/en/quizzes/01-sample", data=quiz_post(amina, app, ids["amina_open"], **{"q-law": payload, "q-elements": payload})))
    token = csrf_token(trainer, "/en/trainer/cohorts/new")
    for url in ("/en/trainer/cohorts/new", f"/en/trainer/cohorts/{ids['cohort']}/edit"):
        responses.append(trainer.post(url, data={"csrf_token": token, "name": "Cohort One", "join_code": payload, "deadline": payload}))
    for url in (f"/en/trainer/cohorts/{ids['cohort']}/", "/en/trainer/questions", f"/en/trainer/cohorts/{ids['cohort']}/questions"):
        responses.append(trainer.get(url, query_string={"q": payload, "sort": payload, "order": payload, "status": payload, "quiz": payload}))
    token = csrf_token(admin, "/en/admin/users")
    responses.append(admin.get("/en/admin/users", query_string={"q": payload, "role": payload}))
    responses.append(admin.post("/en/admin/users", data={"csrf_token": token, "name": "N", "email": payload, "role": payload, "password": payload}))
    responses.append(admin.post(f"/en/admin/users/{ids['karim']}/role", data={"csrf_token": token, "role": payload}))
    for response in responses:
        assert response.status_code < 500
        assert "scrypt:" not in response.get_data(as_text=True) and "pbkdf2:" not in response.get_data(as_text=True)
    after = snapshot(db)
    assert set(after) == set(before), "a table appeared or disappeared"
    assert not kept(before, after)
    assert [row for row in after["users"] if row not in before["users"]] == [], "an account was made from an injection string"


def test_an_injection_string_is_stored_literally_as_a_name(app, db):
    client = app.test_client()
    payload = SQL_INJECTIONS[1]
    assert sign_up(client, name=payload).status_code == 302
    assert store.user_by_email(db, "amina@example.org")["name"] == payload
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1


# Path traversal in module, page and image paths

TRAVERSALS = [
    "/en/modules/../../app.py", "/en/modules/..%2F..%2Fapp.py/", "/en/modules/%2e%2e/", "/en/modules/../",
    "/en/modules/01-sample/..%2Fen.md", "/en/modules/01-sample/../../../etc/passwd", "/en/modules/01-sample/%2e%2e%2f%2e%2e%2fapp.py",
    "/en/modules/01-sample/..\\..\\app.py", "/en/job-aids/..%2F..%2Fapp.py", "/en/quizzes/..%2F01-sample",
    "/media/01-sample/../../app.py", "/media/01-sample/..%2F..%2F..%2Fapp.py", "/media/01-sample/%2e%2e%2fen.md",
    "/media/01-sample/..%5C..%5Capp.png", "/media/..%2F/x.png", "/media/../modules/01-sample/en.md",
    "/media/01-sample/en.md", "/media/01-sample/en.md%00.png", "/media/01-sample/..%252F..%252Fapp.png",
    "/media/glossary/en.md", "/media/01-sample/../../../../../../etc/passwd%00.png",
    "/static/../app.py", "/static/..%2Fcourse%2F__init__.py", "/static/%2e%2e/%2e%2e/app.py",
    "/en/trainer/preview/..%2F..%2Fapp.py/", "/en/trainer/preview/01-sample/..%2Fquiz",
    "/en/glossary/../../app.py", "/%2e%2e/%2e%2e/etc/passwd", "/en/verify/..%2F..%2Fapp.py",
]
SECRETS = ("create_app", "root:x:", "title: The definition", "import ", "SECRET_KEY")


def raw_get(base: str, path: str, cookie: str = "") -> tuple[int, str]:
    """GET exactly this path over HTTP (no client-side normalising of dots or escapes)."""
    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    if cookie:
        connection.putheader("Cookie", cookie)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body


def session_cookie(client) -> str:
    return f"session={client.get_cookie('session').value}"


def test_path_traversal_reaches_no_file(app, world, live_server):
    ids, clients = world
    cookie = session_cookie(clients["trainer"])
    for path in TRAVERSALS:
        for who in ("", cookie):
            status, body = raw_get(live_server, path, who)
            assert status in (301, 302, 308, 400, 403, 404), f"{path}: HTTP {status}"
            assert not any(secret in body for secret in SECRETS), path


# Rapid sign-in attempts


def test_rapid_sign_in_attempts_are_limited_with_a_clear_message(app, db, live_server):
    sign_up(app.test_client())
    limit = app.config["SIGNIN_FAILURE_LIMIT"]
    client = app.test_client()
    token = csrf_token(client, "/en/signin")
    cookie = session_cookie(client)
    statuses, barrier = [], threading.Barrier(20)

    def attempt():
        barrier.wait()
        form = {"csrf_token": token, "email": "amina@example.org", "password": "guess-guess-guess"}
        statuses.append(post_form(live_server, "/en/signin", form, cookie)[0])

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) <= [401, 429] and statuses.count(401) <= limit, statuses
    status, body = post_form(live_server, "/en/signin", {"csrf_token": token, "email": "amina@example.org", "password": PASSWORD}, cookie)
    assert status == 429 and "Too many unsuccessful attempts" in body
    status, body = post_form(live_server, "/fr/signin", {"csrf_token": token, "email": "amina@example.org", "password": PASSWORD}, cookie)
    assert status == 429 and '<html lang="fr"' in body and 'role="alert"' in body


def post_form(base: str, path: str, form: dict, cookie: str) -> tuple[int, str]:
    from urllib.parse import urlencode

    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    connection.request("POST", path, urlencode(form, doseq=True), {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
    })
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body


# The same attempt submitted twice at once


def test_the_same_attempt_submitted_at_once_is_counted_once(app, db, live_server):
    client = app.test_client()
    sign_up(client)
    attempt_id = open_attempt(client)
    form = quiz_post(client, app, attempt_id)
    cookie = session_cookie(client)
    statuses, barrier = [], threading.Barrier(8)

    def submit():
        barrier.wait()
        statuses.append(post_form(live_server, "/en/quizzes/01-sample", form, cookie)[0])

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303] + [409] * 7, statuses
    user = store.user_by_email(db, "amina@example.org")
    assert len(store.submitted_attempts(db, user["id"])) == 1
    assert len(store.attempt_responses(db, attempt_id)) == len(app.extensions["catalog"].course.quiz("01-sample", "en").questions)
