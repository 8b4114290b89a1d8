"""People for the trainer, admin and certificate tests: accounts, sessions, and what they did."""

import re

from werkzeug.security import generate_password_hash

from course import store
from tests.helpers import quiz_form, sign_in

PASSWORD = "correct horse battery"
ALL_QUESTIONS = {"elements", "consent", "means", "law", "match", "steps"}


def db_of(app):
    return store.connection(app.config["DATABASE"])


def make_user(app, email, name, role="learner") -> int:
    return store.create_user(db_of(app), email, name, generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"), role=role)


def signed_in(app, email, lang="en"):
    client = app.test_client()
    response = sign_in(client, email, PASSWORD, lang=lang)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def make_cohort(app, owner_id, name="Posting batch", code="BATCH-1", deadline=None) -> int:
    return store.create_cohort(db_of(app), name, code, deadline, owner_id)


def learner_in(app, cohort_id, email, name, lang="en"):
    """A learner account in the cohort, and its signed-in client."""
    user_id = make_user(app, email, name)
    if cohort_id:
        store.join_cohort(db_of(app), cohort_id, user_id)
    return user_id, signed_in(app, email, lang)


def read(client, pages, lang="en"):
    for page in pages:
        assert client.get(f"/{lang}/modules/{page}").status_code == 200


def answer_quiz(client, app, right: set[str], lang="en") -> dict:
    """Submit the fixture quiz with exactly the questions in right answered correctly."""
    page = client.get(f"/{lang}/quizzes/01-sample").get_data(as_text=True)
    attempt_id = int(re.search(r'name="attempt" value="(\d+)"', page).group(1))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    attempt = store.attempt_by_id(db_of(app), attempt_id)
    quiz = app.extensions["catalog"].course.quiz("01-sample", lang)
    good, bad = quiz_form(quiz, attempt["seed"], True), quiz_form(quiz, attempt["seed"], False)
    form = {"csrf_token": token, "attempt": str(attempt_id), "layout": good["layout"]}
    for question in quiz.questions:
        source = good if question.id in right else bad
        form.update({k: v for k, v in source.items() if k == f"q-{question.id}" or k.startswith(f"q-{question.id}-")})
    response = client.post(f"/{lang}/quizzes/01-sample", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    return store.attempt_by_id(db_of(app), attempt_id)


def complete_course(client, app, lang="en"):
    read(client, ["01-sample/elements", "01-sample/checklist", "02-reading/sources"], lang)
    return answer_quiz(client, app, ALL_QUESTIONS, lang)
