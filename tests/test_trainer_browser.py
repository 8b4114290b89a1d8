"""A cohort in a real headless Chromium: a trainer creates it, a learner joins with its code at
sign-up, completes the course and gets a certificate, the trainer sees it all on the dashboard and
anyone can verify the certificate."""

import re

import pytest

from tests.people import make_user

pytestmark = pytest.mark.browser


def sign_in(page, base, email, password):
    page.goto(f"{base}/en/signin")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{base}/en/")


def test_a_trainer_runs_a_cohort_from_sign_up_to_certificate(app, browser, page, live_server):
    make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    sign_in(page, live_server, "trainer@example.org", "correct horse battery")

    page.click("nav.main-nav >> text=Trainer")
    page.click("text=Create a cohort")
    page.fill("#name", "Posting batch, summer 2027")
    page.fill("#deadline", "2027-06-30")
    page.click("form.stacked-form button[type=submit]")
    assert page.locator("h1").inner_text() == "Posting batch, summer 2027"
    code = page.locator(".cohort-facts code.join-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    assert "No learner has joined yet" in page.inner_text("main")

    learner = browser.new_context(viewport={"width": 390, "height": 844}).new_page()  # a phone
    learner.goto(f"{live_server}/en/signup")
    learner.fill("#name", "Amina Benali")
    learner.fill("#email", "amina@example.org")
    learner.fill("#password", "correct horse battery")
    learner.fill("#join_code", code.lower())
    learner.click("form.stacked-form button[type=submit]")
    learner.wait_for_url(f"{live_server}/en/")

    for path in ("01-sample/elements", "01-sample/checklist", "02-reading/sources"):
        learner.goto(f"{live_server}/en/modules/{path}")
    learner.goto(f"{live_server}/en/quizzes/01-sample")
    learner.get_by_label("Three", exact=True).check()
    learner.get_by_label("True", exact=True).check()
    learner.get_by_label("Deception", exact=True).check()
    learner.get_by_label("Abuse of a position of vulnerability", exact=True).check()
    learner.fill("#q-law", "27-14")
    for term, match in (("Act", "Recruitment"), ("Means", "Deception"), ("Purpose", "Forced labour")):
        learner.get_by_label(term, exact=True).select_option(label=match)
    for item, position in (("Safety", "1"), ("Consent", "2"), ("Referral", "3")):
        learner.get_by_label(item, exact=True).select_option(label=position)
    learner.click("form.quiz button[type=submit]")
    assert "/attempts/" in learner.url

    learner.click("nav.main-nav >> text=My progress")
    learner.click("text=see your certificate")
    assert learner.locator(".certificate-name").inner_text() == "Amina Benali"
    certificate = learner.locator(".certificate-code").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4}-){3}[A-Z2-7]{4}", certificate)
    assert learner.evaluate("document.documentElement.scrollWidth") <= 390  # the certificate fits the phone

    page.reload()
    row = page.locator("table.dashboard tbody tr", has_text="Amina Benali")
    assert row.locator(".status-complete").count() == 2
    assert "100%" in row.inner_text() and certificate in row.inner_text()
    facts = page.inner_text(".cohort-facts")
    assert re.search(r"Completed the course\s+1", facts)

    page.click("table.dashboard >> text=Amina Benali")
    assert "Score: 100% (6 of 6)" in page.inner_text("main")

    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server}/en/verify")
    visitor.fill("#code", certificate.lower())
    visitor.click("form.stacked-form button[type=submit]")
    assert visitor.locator(".verdict-word").inner_text() == "Valid"
    assert "Amina Benali" in visitor.inner_text(".verdict-box")
    for context in (learner.context, visitor.context):
        context.close()
