"""The learner's journey in a real headless Chromium: sign up, read in Arabic, switch to French,
pass the quiz, see the module complete."""

import pytest

pytestmark = pytest.mark.browser

FRENCH_ANSWERS = {
    "elements": "Trois",
    "consent": "Vrai",
    "means": ["La tromperie", "L'abus d'une situation de vulnérabilité"],
}


def test_sign_up_read_in_arabic_switch_to_french_and_pass(page, live_server):
    page.goto(f"{live_server}/ar/signup")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#name", "أمينة بنعلي")
    page.fill("#email", "amina@example.org")
    page.fill("#password", "correct horse battery")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server}/ar/")

    page.goto(f"{live_server}/ar/modules/01-sample/")
    page.click("a[href='/ar/modules/01-sample/elements']")
    assert page.locator("article.lesson h1").inner_text() == "العناصر الثلاثة"
    assert page.locator("article.lesson").get_attribute("dir") == "rtl"
    # In a right-to-left page the table of contents sits to the left of the text on wide screens.
    lesson, toc = page.locator("article.lesson").bounding_box(), page.locator("nav.toc").bounding_box()
    assert toc["x"] < lesson["x"]

    page.click("a[rel=next]")
    assert page.locator("article.lesson h1").inner_text() == "قائمة التحقق"

    page.click("nav.languages a[hreflang=fr]")
    page.wait_for_url(f"{live_server}/fr/modules/01-sample/checklist")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("article.lesson h1").inner_text() == "Liste de contrôle"

    page.click("a.pager-next")  # the last page leads to the quiz
    page.wait_for_url(f"{live_server}/fr/quizzes/01-sample")
    page.get_by_label(FRENCH_ANSWERS["elements"], exact=True).check()
    page.get_by_label(FRENCH_ANSWERS["consent"], exact=True).check()
    for label in FRENCH_ANSWERS["means"]:
        page.get_by_label(label, exact=True).check()
    page.fill("#q-law", "Loi 27-14")
    for term, match in (("Acte", "Recrutement"), ("Moyen", "Tromperie"), ("But", "Travail forcé")):
        page.get_by_label(term, exact=True).select_option(label=match)
    for item, position in (("Sécurité", "1"), ("Consentement", "2"), ("Orientation", "3")):
        page.get_by_label(item, exact=True).select_option(label=position)
    page.click("form.quiz button[type=submit]")

    assert "/fr/quizzes/01-sample/attempts/" in page.url
    assert page.locator(".score-figure").inner_text().split() == ["100", "%"]
    page.click("nav.main-nav a[href='/fr/progress']")
    row = page.locator("tr", has_text="La définition")
    assert row.locator(".status-complete").count() == 1
