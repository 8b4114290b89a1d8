"""A quiz completed with the keyboard alone, in a real headless Chromium: Tab to move, Space and the
arrow keys to choose, typing for short answers, Enter to submit. The mouse is never used, and
every control reached shows where the focus is."""

import re

import pytest

from course import store
from course.grading import display_order, field_name
from tests.helpers import sign_up

pytestmark = pytest.mark.browser
MAX_TABS = 80

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none';
    return {id: el.id, name: el.getAttribute('name'), tag: el.tagName.toLowerCase(), type: el.type || '', visible};
}"""


def tab_to(page, matches) -> dict:
    """Press Tab until the focused element matches; say what was focused."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if matches(focused):
            assert focused["visible"], f"no visible focus indicator on {focused}"
            return focused
    raise AssertionError("never reached by Tab")


def answer_with_keys(page, question, order: list[int]) -> None:
    name = field_name(question)
    if question.kind in ("single", "true-false"):
        right = next(n for n, choice in enumerate(question.choices) if choice.correct)
        tab_to(page, lambda f: f["name"] == name)  # Tab enters a radio group once, on its first option
        shown = order.index(right)
        if shown == 0:
            page.keyboard.press("Space")
        for _ in range(shown):
            page.keyboard.press("ArrowDown")  # moves to the next option and selects it
    elif question.kind == "multiple":
        for shown in sorted(order.index(n) for n, choice in enumerate(question.choices) if choice.correct):
            tab_to(page, lambda f, shown=shown: f["id"] == f"{name}-{shown}")
            page.keyboard.press("Space")
    elif question.kind == "short":
        tab_to(page, lambda f: f["id"] == name)
        page.keyboard.type(question.answers[0])
    elif question.kind in ("matching", "ordering"):
        for part in range(len(order)):
            # matching: term n takes the displayed position of its match; ordering: the item shown n-th takes its place.
            value = order.index(part) if question.kind == "matching" else order[part]
            tab_to(page, lambda f, part=part: f["id"] == field_name(question, part))
            for _ in range(value + 1):  # the first option is "Choose…"
                page.keyboard.press("ArrowDown")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_quiz_can_be_completed_with_the_keyboard_alone(app, client, page, live_server, lang):
    sign_up(client)  # the account; the browser signs in below
    page.goto(f"{live_server}/{lang}/signin")
    page.fill("#email", "amina@example.org")
    page.fill("#password", "correct horse battery")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server}/{lang}/")

    page.goto(f"{live_server}/{lang}/quizzes/01-sample")
    attempt_id = int(page.get_attribute("input[name=attempt]", "value"))
    attempt = store.attempt_by_id(store.connection(app.config["DATABASE"]), attempt_id)
    quiz = app.extensions["catalog"].course.quiz("01-sample", lang)

    # The skip link is the first stop and takes the focus to the content.
    assert tab_to(page, lambda f: True)["id"] == "" and page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    for question in quiz.questions:
        answer_with_keys(page, question, display_order(question, attempt["seed"]))
    tab_to(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert re.search(rf"/{lang}/quizzes/01-sample/attempts/{attempt_id}(#.*)?$", page.url), page.url
    assert page.locator(".score-figure").inner_text().replace("\u00a0", " ").replace("٪", "%").split()[0] in ("100", "100%")
    stored = store.attempt_by_id(store.connection(app.config["DATABASE"]), attempt_id)
    assert (stored["correct"], stored["total"]) == (len(quiz.questions), len(quiz.questions))
