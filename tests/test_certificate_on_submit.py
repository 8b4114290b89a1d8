"""The certificate is issued by the quiz submission that completes the course, without the learner
opening any page; the cheap first look that spares other submissions (course/certificates.py,
_may_complete) never misses a completion."""

from course import store
from tests.people import ALL_QUESTIONS, answer_quiz, db_of, learner_in, read

PAGES = ["01-sample/elements", "01-sample/checklist", "02-reading/sources"]


def test_the_submission_that_completes_the_course_issues_the_certificate(app):
    user_id, client = learner_in(app, None, "amina@example.org", "Amina")
    read(client, PAGES)
    answer_quiz(client, app, right=set())  # failed: nothing is issued
    assert store.certificate_of_user(db_of(app), user_id) is None
    answer_quiz(client, app, right=ALL_QUESTIONS)
    assert store.certificate_of_user(db_of(app), user_id) is not None


def test_a_pass_before_the_reading_is_done_counts_when_the_course_is_complete(app):
    user_id, client = learner_in(app, None, "amina@example.org", "Amina")
    answer_quiz(client, app, right=ALL_QUESTIONS)
    assert store.certificate_of_user(db_of(app), user_id) is None
    read(client, PAGES)
    answer_quiz(client, app, right=set())  # a later failed attempt does not undo the earlier pass
    assert store.certificate_of_user(db_of(app), user_id) is not None


def test_passed_every_looks_for_a_pass_in_each_module(app):
    user_id, client = learner_in(app, None, "amina@example.org", "Amina")
    db = db_of(app)
    assert store.passed_every(db, user_id, []) is True
    answer_quiz(client, app, right=set())
    assert store.passed_every(db, user_id, ["01-sample"]) is False
    answer_quiz(client, app, right=ALL_QUESTIONS)
    answer_quiz(client, app, right=set())
    assert store.passed_every(db, user_id, ["01-sample"]) is True
    assert store.passed_every(db, user_id, ["01-sample", "02-reading"]) is False


def test_no_completion_is_looked_for_while_a_page_is_unread(app):
    from course.web.certificates import _may_complete

    user_id, client = learner_in(app, None, "amina@example.org", "Amina")
    course = app.extensions["catalog"].course
    answer_quiz(client, app, right=ALL_QUESTIONS)
    read(client, PAGES[:-1])
    assert _may_complete(db_of(app), course, user_id) is False
    read(client, PAGES[-1:])
    assert _may_complete(db_of(app), course, user_id) is True


def test_the_pages_are_counted_once_each_and_a_removed_page_proves_nothing(app):
    from course.web.certificates import _may_complete

    user_id, client = learner_in(app, None, "amina@example.org", "Amina")
    course, db = app.extensions["catalog"].course, db_of(app)
    read(client, PAGES[:-1])
    read(client, PAGES[:1])  # opened again: still one page
    assert store.pages_opened_count(db, user_id) == len(PAGES) - 1
    store.record_visit(db, user_id, "01-sample", "a-page-since-removed")
    assert store.pages_opened_count(db, user_id) == len(PAGES)
    answer_quiz(client, app, right=ALL_QUESTIONS)
    assert _may_complete(db, course, user_id) is False
    assert store.certificate_of_user(db, user_id) is None
    read(client, PAGES[-1:])
    assert _may_complete(db, course, user_id) is True
