"""The learner's and the trainer's journeys in Chromium, read from what the page shows: where the
main button leads, what a language switch keeps (with JavaScript off), what a trainer reviewing an
attempt sees, and the time zone dates are shown in."""

import re

import pytest

from course import store
from tests.helpers import quiz_form
from tests.people import PASSWORD, make_cohort, make_user

pytestmark = pytest.mark.browser


def sign_in(page, base, email, lang="en"):
    page.goto(f"{base}/{lang}/signin")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"{base}/{lang}/$"))


def main_action(page):
    """The first button of the page's actions: what the page offers to do next."""
    return page.locator("main .actions .button").first


def pass_quiz(page, base, app, lang="en"):
    page.goto(f"{base}/{lang}/quizzes/01-sample")
    attempt = store.attempt_by_id(store.connection(app.config["DATABASE"]), int(page.get_attribute("input[name=attempt]", "value")))
    quiz = app.extensions["catalog"].course.quiz("01-sample", lang)
    for name, value in quiz_form(quiz, attempt["seed"]).items():
        if name == "layout":
            continue
        for one in value if isinstance(value, list) else [value]:
            field = page.locator(f"[name='{name}']")
            if field.first.evaluate("e => e.tagName") == "SELECT":
                field.select_option(index=int(one) + 1)  # after "Choose…"; a value may also be another option's label
            elif field.first.get_attribute("type") == "text":
                field.fill(one)
            else:
                page.check(f"[name='{name}'][value='{one}']")
    page.click("form.quiz button[type=submit]")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    assert page.locator(".score-passed").count() == 1


def test_continue_reading_the_next_step_and_the_certificate(app, page, live_server):
    make_user(app, "amina@example.org", "Amina Benali")
    sign_in(page, live_server, "amina@example.org")
    page.goto(f"{live_server}/en/modules/01-sample/elements")
    page.goto(f"{live_server}/en/modules/01-sample/checklist")
    page.goto(f"{live_server}/en/modules/01-sample/")
    assert main_action(page).inner_text() == "Continue reading"
    main_action(page).click()
    assert page.url.endswith("/en/modules/01-sample/checklist")  # where the learner stopped, not page 1

    pass_quiz(page, live_server, app)
    assert main_action(page).inner_text() == "Next module: Further reading"
    assert page.locator("main .actions a", has_text="Take the quiz again").get_attribute("class") == "button button-secondary"
    main_action(page).click()
    assert page.url.endswith("/en/modules/02-reading/")

    page.goto(f"{live_server}/en/modules/02-reading/sources")  # the last page: the course is complete
    page.goto(f"{live_server}/en/")
    assert "You have completed the course." in page.inner_text("main .overview")
    page.locator("main .overview a.button").click()
    assert page.url.endswith("/en/certificate") and page.locator(".certificate-name").inner_text() == "Amina Benali"
    page.goto(f"{live_server}/en/progress")
    page.locator("main table a").last.click()  # the last attempt's result
    assert main_action(page).inner_text() == "See your certificate"
    page.locator("nav.main-nav a", has_text="Certificate").click()
    assert page.url.endswith("/en/certificate")


def test_switching_language_in_the_middle_of_a_quiz_keeps_the_answers_without_javascript(app, browser, live_server):
    make_user(app, "amina@example.org", "Amina Benali")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "amina@example.org", lang="ar")
        page.goto(f"{live_server}/ar/quizzes/01-sample")
        attempt = page.get_attribute("input[name=attempt]", "value")
        page.check("input[name=q-elements][value='1']")
        page.check("input[name=q-means][value='0']")
        page.check("input[name=q-means][value='2']")
        page.fill("#q-law", "27-14")
        page.select_option("#q-steps-0", index=3)
        page.locator("nav.languages button[lang=en]").click()
        page.wait_for_url(f"{live_server}/en/quizzes/01-sample")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_attribute("input[name=attempt]", "value") == attempt  # the same attempt, still open
        assert page.is_checked("input[name=q-elements][value='1']")
        assert [page.is_checked(f"input[name=q-means][value='{n}']") for n in range(3)] == [True, False, True]
        assert page.input_value("#q-law") == "27-14"
        assert page.input_value("#q-steps-0") == "2"
        assert not page.is_checked("input[name=q-consent][value='0']")  # what was not answered stays unanswered
    finally:
        context.close()


def test_a_trainer_reviews_an_attempt_on_a_page_of_their_own(app, browser, page, live_server):
    trainer = make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    learner = make_user(app, "amina@example.org", "Amina Benali")
    cohort = make_cohort(app, trainer)
    store.join_cohort(store.connection(app.config["DATABASE"]), cohort, learner)
    other = browser.new_context().new_page()
    sign_in(other, live_server, "amina@example.org", lang="ar")
    pass_quiz(other, live_server, app, lang="ar")
    other.context.close()

    sign_in(page, live_server, "trainer@example.org")
    page.goto(f"{live_server}/en/trainer/cohorts/{cohort}/learners/{learner}")
    page.click("text=Full review")
    assert page.locator("h1").inner_text() == "Quiz result of Amina Benali"
    main = page.inner_text("main")
    assert "your answer" not in main.lower() and "Take the quiz again" not in main
    assert "learner's answer" in main and "How many elements make up trafficking of an adult?" in main  # the trainer's language
    main_action(page).click()
    assert page.url.endswith(f"/en/trainer/cohorts/{cohort}/learners/{learner}")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_module_preview_shows_no_false_banner_and_names_the_job_aid_page(app, page, live_server, lang):
    make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    sign_in(page, live_server, "trainer@example.org")
    page.goto(f"{live_server}/{lang}/trainer/preview/01-sample/")
    module = app.extensions["catalog"].course.module("01-sample", lang)
    assert page.locator("main .notice[role=note]").count() == 1  # the preview's own notice, no "not available in your language"
    meta = page.inner_text("main .meta")
    assert module.page("checklist").title in meta and "checklist" not in meta


def test_a_join_code_typed_without_its_hyphen_joins_the_cohort(app, page, live_server):
    trainer = make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    make_cohort(app, trainer, name="Posting batch", code="DEMO-2026")
    page.goto(f"{live_server}/en/signup")
    page.fill("#name", "Amina Benali")
    page.fill("#email", "amina@example.org")
    page.fill("#password", PASSWORD)
    page.fill("#join_code", "demo2026")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server}/en/")
    page.goto(f"{live_server}/en/profile")
    assert "Posting batch" in page.inner_text("main")


def test_a_refused_sign_in_is_an_error_tied_to_its_fields(app, page, live_server):
    make_user(app, "amina@example.org", "Amina Benali")
    page.goto(f"{live_server}/en/signin")
    page.fill("#email", "amina@example.org")
    page.fill("#password", "not the password")
    page.click("main form button[type=submit]")
    assert page.title().startswith("Error: Sign in")
    message = page.inner_text("#signin-error")
    for field in ("#email", "#password"):
        assert page.get_attribute(field, "aria-invalid") == "true"
        described = page.evaluate(f"""() => document.querySelector('{field}').getAttribute('aria-describedby').split(' ')
            .map(id => document.getElementById(id).innerText).join(' ')""")
        assert message in described


def test_times_are_shown_in_the_time_zone_the_learner_chose_and_say_which(app, page, live_server):
    make_user(app, "amina@example.org", "Amina Benali")
    sign_in(page, live_server, "amina@example.org")
    pass_quiz(page, live_server, app)
    stamp = store.submitted_attempts(store.connection(app.config["DATABASE"]), 1)[0]["submitted_at"]
    page.goto(f"{live_server}/en/profile")
    page.select_option("#time_zone", "Asia/Tokyo")
    page.click("text=Save the time zone")
    page.goto(f"{live_server}/en/progress")
    shown = page.locator("main table").last.locator("tbody td a").first.inner_text()
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tokyo = datetime.fromisoformat(stamp).astimezone(ZoneInfo("Asia/Tokyo"))
    assert tokyo.strftime("%-I:%M") in shown and "Japan Time" in shown, (shown, tokyo)


def test_a_revoked_certificate_page_has_a_heading_and_the_hint_says_who_sees_the_reason(app, browser, page, live_server):
    trainer = make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    learner = make_user(app, "amina@example.org", "Amina Benali")
    cohort = make_cohort(app, trainer)
    db = store.connection(app.config["DATABASE"])
    store.join_cohort(db, cohort, learner)
    sign_in(page, live_server, "amina@example.org")
    for path in ("01-sample/elements", "01-sample/checklist", "02-reading/sources"):
        page.goto(f"{live_server}/en/modules/{path}")
    pass_quiz(page, live_server, app)
    code = store.certificate_of_user(db, learner)
    store.revoke_certificate(db, code["id"], trainer, "Taken by someone else")
    page.goto(f"{live_server}/en/certificate")
    assert page.locator("main h1").inner_text() == "Your certificate has been revoked"
    assert "Taken by someone else" in page.inner_text("main")  # the learner sees the reason…
    trainer_page = browser.new_context().new_page()
    sign_in(trainer_page, live_server, "trainer@example.org")
    store.reinstate_certificate(db, code["id"], trainer, "In error")
    trainer_page.goto(f"{live_server}/en/trainer/cohorts/{cohort}/learners/{learner}")
    hint = trainer_page.inner_text("#reason-hint")
    assert "The learner sees the reason" in hint and "kept for trainers" not in hint  # …and the hint says so
    store.revoke_certificate(db, code["id"], trainer, "Taken by someone else")
    trainer_page.goto(f"{live_server}/en/verify/{code['code']}")
    assert "Revoked" in trainer_page.inner_text("main") and "Taken by someone else" not in trainer_page.inner_text("main")
    trainer_page.context.close()


def test_an_incomplete_quiz_says_error_in_its_title(app, page, live_server):
    make_user(app, "amina@example.org", "Amina Benali")
    sign_in(page, live_server, "amina@example.org")
    page.goto(f"{live_server}/en/quizzes/01-sample")
    assert not page.title().startswith("Error")
    page.click("form.quiz button[type=submit]")
    assert page.title().startswith("Error: Check your knowledge")


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_multiple_answer_question_asks_for_every_right_option_once(role_pages, site, lang):
    from course.content import load_course
    from tests.e2e.site import REAL_COURSE

    _, base, _ = site
    tab = role_pages["learner"]
    tab.set_viewport_size({"width": 1280, "height": 900})
    said = re.compile("|".join(["all that apply", "Cochez toutes", "Sélectionnez toutes", "plusieurs réponses",
                                "كل الإجابات", "كل الأجوبة", "جميع الإجابات", "كل ما ينطبق"]), re.IGNORECASE)
    course, counted = load_course(REAL_COURSE), 0
    for slug in course.quizzes:
        tab.goto(f"{base}/{lang}/quizzes/{slug}")
        for question in tab.locator("fieldset.question").all():
            if question.locator("input[type=checkbox]").count():
                counted += 1
                text = question.inner_text()
                assert len(said.findall(text)) == 1, (slug, text[:200])
    assert counted >= 4
