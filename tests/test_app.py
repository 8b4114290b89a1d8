"""The learner's journey through Flask's test client, on the fixture course."""

import re
import shutil

from course import store
from course.web import create_app
from tests.conftest import FIXTURE
from tests.helpers import csrf_token, quiz_form, sign_in, sign_up


def get_quiz(client, app, lang="en"):
    page = client.get(f"/{lang}/quizzes/01-sample")
    attempt_id = int(re.search(r'name="attempt" value="(\d+)"', page.get_data(as_text=True)).group(1))
    attempt = store.attempt_by_id(store.connection(app.config["DATABASE"]), attempt_id)
    quiz = app.extensions["catalog"].course.quiz("01-sample", lang)
    return page, attempt, quiz


def submit(client, app, lang="en", right=True, **changes):
    page, attempt, quiz = get_quiz(client, app, lang)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    form = {"csrf_token": token, "attempt": str(attempt["id"]), **quiz_form(quiz, attempt["seed"], right)}
    form.update(changes)
    return client.post(f"/{lang}/quizzes/01-sample", data={k: v for k, v in form.items() if v is not None}), attempt


def read_all_pages(client, lang="en"):
    for page in ("elements", "checklist"):
        assert client.get(f"/{lang}/modules/01-sample/{page}").status_code == 200


# Pages and languages


def test_root_sends_to_the_language_the_browser_asks_for(client):
    response = client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/ar/")


def test_every_page_sets_lang_and_dir(client):
    for lang, direction in (("fr", "ltr"), ("ar", "rtl"), ("en", "ltr")):
        html = client.get(f"/{lang}/").get_data(as_text=True)
        assert f'<html lang="{lang}" dir="{direction}">' in html


def test_unknown_language_is_not_found(client):
    assert client.get("/de/").status_code == 404


def test_the_home_lists_modules_with_time(client):
    html = client.get("/en/").get_data(as_text=True)
    assert "The definition" in html and "Further reading" in html
    assert "About 10 minutes" in html


def test_lesson_pages_need_an_account(client):
    response = client.get("/en/modules/01-sample/elements")
    assert response.status_code == 302 and "/en/signin" in response.headers["Location"]


# Accounts


def test_sign_up_signs_in_and_remembers_the_language(client, db):
    response = sign_up(client, lang="ar")
    assert response.status_code == 302
    user = store.user_by_email(db, "amina@example.org")
    assert user["name"] == "Amina Benali" and user["lang"] == "ar"
    assert user["password_hash"] != "correct horse battery" and user["password_hash"].startswith(("scrypt:", "pbkdf2:"))
    assert client.get("/").headers["Location"].endswith("/ar/")


def test_sign_up_errors_are_shown_in_the_learners_language(client):
    token = csrf_token(client, "/fr/signup")
    response = client.post("/fr/signup", data={"csrf_token": token, "name": "", "email": "not-an-address", "password": "short"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in html


def test_sign_up_with_a_taken_email_is_refused(client):
    sign_up(client)
    client.post("/en/signout", data={"csrf_token": csrf_token(client, "/en/")})
    response = sign_up(client, name="Someone else")
    assert response.status_code == 422
    assert "already uses this e-mail address" in response.get_data(as_text=True)


def test_sign_up_with_a_join_code_joins_the_cohort(client, db):
    trainer = store.create_user(db, "t@example.org", "Trainer", "x", role="trainer")
    db.execute("INSERT INTO cohorts (name, join_code, owner_id, created_at) VALUES ('Summer 2027', 'SUMMER27', ?, 'now')", (trainer,))
    assert sign_up(client, code="summer27").status_code == 302
    user = store.user_by_email(db, "amina@example.org")
    assert [c["name"] for c in store.cohorts_of_user(db, user["id"])] == ["Summer 2027"]


def test_sign_up_with_an_unknown_join_code_keeps_what_was_typed(client):
    response = sign_up(client, code="NOPE")
    assert response.status_code == 422
    assert 'value="Amina Benali"' in response.get_data(as_text=True)


def test_sign_in_and_wrong_password(client):
    sign_up(client)
    client.post("/en/signout", data={"csrf_token": csrf_token(client, "/en/")})
    assert sign_in(client, "amina@example.org", "wrong password!").status_code == 401
    assert sign_in(client, "AMINA@example.org", "correct horse battery").status_code == 302


def test_repeated_failed_sign_ins_are_limited(client):
    sign_up(client)
    client.post("/en/signout", data={"csrf_token": csrf_token(client, "/en/")})
    codes = [sign_in(client, "amina@example.org", "wrong password!").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    response = sign_in(client, "amina@example.org", "correct horse battery")
    assert response.status_code == 429
    assert "Wait 15 minutes" in response.get_data(as_text=True)


def test_a_deactivated_account_cannot_sign_in(client, db):
    sign_up(client)
    client.post("/en/signout", data={"csrf_token": csrf_token(client, "/en/")})
    db.execute("UPDATE users SET active = 0 WHERE email = 'amina@example.org'")
    assert sign_in(client, "amina@example.org", "correct horse battery").status_code == 403


def test_forms_without_a_csrf_token_are_refused(client):
    response = client.post("/en/signup", data={"name": "A", "email": "a@example.org", "password": "0123456789ab"})
    assert response.status_code == 400
    assert "expired or was incomplete" in response.get_data(as_text=True)


def test_sign_in_never_redirects_to_another_site(client):
    sign_up(client)
    client.post("/en/signout", data={"csrf_token": csrf_token(client, "/en/")})
    token = csrf_token(client, "/en/signin")
    form = {"csrf_token": token, "email": "amina@example.org", "password": "correct horse battery"}
    response = client.post("/en/signin?next=//evil.example/", data=form)
    assert response.headers["Location"] == "/en/"


# Reading


def test_reading_records_visits_and_resumes(learner, db):
    html = learner.get("/en/modules/01-sample/elements").get_data(as_text=True)
    assert "Page 1 of 2" in html and 'rel="next"' in html
    learner.get("/en/modules/01-sample/checklist")
    user = store.user_by_email(db, "amina@example.org")
    assert store.visited_pages(db, user["id"]) == {"01-sample": {"elements", "checklist"}}
    home = learner.get("/en/").get_data(as_text=True)
    assert "Continue where you left off" in home and "/en/modules/01-sample/checklist" in home


def test_the_last_page_leads_to_the_quiz(learner):
    html = learner.get("/en/modules/01-sample/checklist").get_data(as_text=True)
    assert "/en/quizzes/01-sample" in html


def test_unknown_module_or_page_is_not_found(learner):
    assert learner.get("/en/modules/99-nothing/").status_code == 404
    assert learner.get("/en/modules/01-sample/nothing").status_code == 404


def test_switching_language_keeps_the_page_and_the_progress(learner, db):
    learner.get("/ar/modules/01-sample/elements")
    html = learner.get("/ar/modules/01-sample/elements").get_data(as_text=True)
    assert 'href="/fr/modules/01-sample/elements"' in html
    french = learner.get("/fr/modules/01-sample/elements").get_data(as_text=True)
    assert "Les trois éléments" in french
    user = store.user_by_email(db, "amina@example.org")
    assert user["lang"] == "fr"
    assert store.visited_pages(db, user["id"]) == {"01-sample": {"elements"}}


def test_a_module_missing_in_a_language_falls_back_with_a_notice(learner):
    html = learner.get("/ar/modules/02-reading/sources").get_data(as_text=True)
    assert "Le Protocole de Palerme" in html
    assert '<article class="lesson" lang="fr" dir="ltr">' in html
    assert 'class="notice notice-info"' in html


def test_no_fallback_notice_when_the_module_exists_in_the_language(learner):
    html = learner.get("/ar/modules/01-sample/elements").get_data(as_text=True)
    assert '<article class="lesson" lang="ar" dir="rtl">' in html
    assert 'class="notice notice-info"' not in html


def test_fallback_modules_keep_their_own_direction_on_the_home(client):
    html = client.get("/ar/").get_data(as_text=True)
    assert '<p lang="fr" dir="ltr">Un module sans quiz.</p>' in html


def test_the_job_aid_prints_alone(learner):
    html = learner.get("/en/job-aids/01-sample").get_data(as_text=True)
    assert "Checklist" in html and "job-aid-view" in html
    assert learner.get("/en/job-aids/02-reading").status_code == 404


def test_the_glossary_has_anchors_for_each_term(client):
    html = client.get("/ar/glossary").get_data(as_text=True)
    assert '<dt id="victim" tabindex="-1">الضحية</dt>' in html


def test_media_are_served_only_from_module_folders(client):
    assert client.get("/media/01-sample/../../app.py").status_code == 404
    assert client.get("/media/01-sample/en.md").status_code == 404


# Quizzes


def test_the_quiz_page_holds_no_answer_key(learner, app):
    page, _, quiz = get_quiz(learner, app)
    html = page.get_data(as_text=True)
    assert "Right: act, means, purpose" not in html  # feedback
    assert "Palermo Protocol, Article 3(b)" not in html  # explanation
    assert "27-14" not in html  # accepted short answer
    assert "correct" not in html.lower().replace("correctly", "")


def without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_options_are_shuffled_per_attempt_and_stable_on_reload(learner, app):
    learner.get("/en/")  # shows the welcome message once
    first = without_token(learner.get("/en/quizzes/01-sample").get_data(as_text=True))
    assert without_token(learner.get("/en/quizzes/01-sample").get_data(as_text=True)) == first
    orders = set()
    for _ in range(8):
        response, _ = submit(learner, app)
        page = learner.get("/en/quizzes/01-sample").get_data(as_text=True)
        orders.add(tuple(re.findall(r"<label for=\"q-elements-\d\">([^<]+)</label>", page)))
    assert len(orders) > 1


def test_passing_the_quiz_completes_the_module(learner, app, db):
    read_all_pages(learner)
    response, attempt = submit(learner, app)
    assert response.status_code == 303
    result = learner.get(response.headers["Location"]).get_data(as_text=True)
    assert "You passed this quiz." in result
    assert "Right: act, means, purpose." in result
    assert "Palermo Protocol, Article 3(b)." in result
    stored = store.attempt_by_id(db, attempt["id"])
    assert (stored["correct"], stored["total"], stored["score"], stored["passed"]) == (6, 6, 100, 1)
    assert stored["quiz_version"] == app.extensions["catalog"].course.quiz("01-sample", "en").version
    progress = learner.get("/en/progress").get_data(as_text=True)
    assert "Complete" in progress


def test_failing_keeps_the_attempt_and_the_best_attempt_counts(learner, app, db):
    submit(learner, app, right=False)
    submit(learner, app, right=True)
    submit(learner, app, right=False)
    user = store.user_by_email(db, "amina@example.org")
    assert len(store.submitted_attempts(db, user["id"], "01-sample")) == 3
    assert store.best_attempts(db, user["id"])["01-sample"]["score"] == 100


def test_a_missing_answer_gets_a_422_and_keeps_the_other_answers(learner, app, db):
    response, attempt = submit(learner, app, **{"q-law": None})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "1 question has no answer yet" in html
    assert 'href="#question-law"' in html
    assert " checked" in html
    assert store.attempt_by_id(db, attempt["id"])["submitted_at"] is None


def test_a_missing_answer_message_is_in_the_learners_language(learner, app):
    response, _ = submit(learner, app, lang="fr", **{"q-law": None})
    assert response.status_code == 422
    assert '<html lang="fr" dir="ltr">' in response.get_data(as_text=True)


def test_a_tampered_quiz_form_gets_a_400(learner, app, db):
    response, attempt = submit(learner, app, **{"q-elements": "9"})
    assert response.status_code == 400
    response, attempt = submit(learner, app, **{"q-ghost": "1"})
    assert response.status_code == 400
    response, attempt = submit(learner, app, attempt="not-a-number")
    assert response.status_code == 400
    assert store.submitted_attempts(db, attempt["user_id"]) == []


def test_an_attempt_is_counted_once(learner, app, db):
    response, attempt = submit(learner, app)
    token = csrf_token(learner, "/en/")
    again = learner.post("/en/quizzes/01-sample", data={"csrf_token": token, "attempt": str(attempt["id"]), "q-law": "27-14"})
    assert again.status_code == 409
    assert len(store.submitted_attempts(db, attempt["user_id"])) == 1


def test_someone_elses_attempt_is_refused(client, app, db):
    sign_up(client)
    _, amina_attempt, _ = get_quiz(client, app)
    client.post("/en/signout", data={"csrf_token": csrf_token(client, "/en/")})
    sign_up(client, email="karim@example.org", name="Karim")
    response, _ = submit(client, app, attempt=str(amina_attempt["id"]))
    assert response.status_code == 403
    assert "belongs to someone else" in response.get_data(as_text=True)
    assert store.attempt_by_id(db, amina_attempt["id"])["submitted_at"] is None


def test_someone_elses_result_is_refused(client, app):
    sign_up(client)
    response, _ = submit(client, app)
    result_url = response.headers["Location"]
    client.post("/en/signout", data={"csrf_token": csrf_token(client, "/en/")})
    sign_up(client, email="karim@example.org", name="Karim")
    assert client.get(result_url).status_code == 403


def test_editing_the_quiz_later_keeps_past_results(learner, app, db, tmp_path):
    response, attempt = submit(learner, app)
    course = app.extensions["catalog"].course
    edited = course.quizzes["01-sample"]["en"]
    from dataclasses import replace

    course.quizzes["01-sample"]["en"] = replace(edited, version="edited00000")
    result = learner.get(response.headers["Location"]).get_data(as_text=True)
    assert "This quiz has been edited since this attempt" in result
    assert store.attempt_by_id(db, attempt["id"])["score"] == 100


def test_a_result_can_be_reviewed_in_another_language(learner, app):
    response, _ = submit(learner, app, lang="ar")
    url = response.headers["Location"].replace("/ar/", "/fr/")
    html = learner.get(url).get_data(as_text=True)
    assert "Exact : acte, moyen, but." in html


def test_pages_forbid_foreign_scripts_and_framing(client):
    headers = client.get("/en/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_response_gets_the_security_headers_once_and_a_views_own_are_kept(app):
    @app.get("/_own-policy")
    def own_policy():
        return "x", 200, {"Content-Security-Policy": "default-src 'none'", "x-frame-options": "SAMEORIGIN"}

    client = app.test_client()
    for url in ("/en/", "/en/modules/01-sample/elements", "/nowhere"):
        headers = client.get(url).headers
        for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
            assert len(headers.getlist(name)) == 1, (url, name)
    headers = client.get("/_own-policy").headers
    assert headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"] and headers["Referrer-Policy"] == "same-origin"


def test_a_form_shown_before_its_quiz_changed_is_not_read_and_the_attempt_stays_open(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / "changed.db"),
                      "CONTENT_ROOT": str(root), "CONTENT_AUTO_RELOAD": True})
    client = app.test_client()
    sign_up(client)
    page, attempt, quiz = get_quiz(client, app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    shown = {"csrf_token": token, "attempt": str(attempt["id"]), **quiz_form(quiz, attempt["seed"])}
    assert f'name="layout" value="{shown["layout"]}"' in page.get_data(as_text=True)
    quiz_file = root / "quizzes/01-sample/en.md"
    quiz_file.write_text(quiz_file.read_text().replace("- [ ] Two\n", "- [ ] Two elements\n"))  # a trainer's edit meanwhile
    db = store.connection(app.config["DATABASE"])
    for form in (shown, {**shown, "layout": "1-" + quiz.layout}, {k: v for k, v in shown.items() if k != "layout"}):
        response = client.post("/en/quizzes/01-sample", data=form)
        html = response.get_data(as_text=True)
        assert response.status_code == 409 and "This quiz changed after you opened it" in html
        assert store.attempt_by_id(db, attempt["id"])["submitted_at"] is None and store.attempt_responses(db, attempt["id"]) == {}
    edited = app.extensions["catalog"].course.quiz("01-sample", "en")
    assert f'name="layout" value="{quiz_form(edited, attempt["seed"])["layout"]}"' in html and edited.layout != quiz.layout
    again = client.post("/en/quizzes/01-sample", data={"csrf_token": token, "attempt": str(attempt["id"]), **quiz_form(edited, attempt["seed"])})
    assert again.status_code == 303 and store.attempt_by_id(db, attempt["id"])["score"] == 100
    store.close_connection()


def test_a_quiz_opened_hours_ago_can_still_be_submitted(app, client, monkeypatch):
    """A form's token lives as long as the session (WTF_CSRF_TIME_LIMIT), not Flask-WTF's default hour."""
    import time

    from itsdangerous import TimestampSigner

    sign_up(client)
    page, attempt, quiz = get_quiz(client, app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + 5 * 3600)  # five hours later
    response = client.post("/en/quizzes/01-sample", data={"csrf_token": token, "attempt": str(attempt["id"]), **quiz_form(quiz, attempt["seed"])})
    assert response.status_code == 303
