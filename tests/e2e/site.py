"""A populated site to audit, and the table of its pages: one list of URLs per role.

The audits (browser, accessibility, layout, HTML validity) all read the same table, so adding
a page kind is one line here. An entry names the endpoint that serves it, which
tests/test_validator.py checks the app still has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import generate_password_hash

from course import store
from course.content import LANGUAGES
from course.grading import grade_attempt, parse_responses
from course.web import PROJECT_ROOT, create_app
from tests.helpers import quiz_form

FIXTURE_COURSE = Path(__file__).resolve().parent.parent / "fixtures" / "course"
REAL_COURSE = PROJECT_ROOT

PASSWORD = "audit-password-2026"
ACCOUNTS = {
    # role: (e-mail, name); the names carry markup and both scripts, which every page must escape.
    "learner": ("amina@example.org", "Amina Benali <b>أمينة</b>"),
    "trainer": ("trainer@example.org", "Karim Trainer"),
    "admin": ("admin@example.org", "Nadia Admin"),
}
COHORT = ("Posting batch <i>summer</i> 2027 — الدفعة", "SUMMER27")


@dataclass(frozen=True)
class Entry:
    """One kind of page: its name, the endpoint that serves it, its URL template, and how to reach its state."""

    name: str
    endpoint: str
    url: str
    submit: str = ""  # a form to submit once the page is open (to audit the page it answers with)
    status: int = 200


# The pages each role sees. URL templates take {lang} and the values made by populate().
PAGES: dict[str, list[Entry]] = {
    "visitor": [
        Entry("home", "learn.home", "/{lang}/"),
        Entry("module", "learn.module", "/{lang}/modules/{module}/"),
        Entry("glossary", "learn.glossary", "/{lang}/glossary"),
        Entry("sign-in", "auth.signin", "/{lang}/signin"),
        Entry("sign-up", "auth.signup", "/{lang}/signup"),
        Entry("sign-up-errors", "auth.signup", "/{lang}/signup", submit="form.stacked-form", status=422),
        Entry("not-found", "learn.module", "/{lang}/modules/99-no-such-module/", status=404),
        Entry("verify", "certificates.verify", "/{lang}/verify/{certificate}"),
        Entry("verify-form", "certificates.verify_form", "/{lang}/verify"),
        Entry("verify-unknown", "certificates.verify", "/{lang}/verify/AAAAAAAAAAAAAAAA", status=404),
    ],
    "learner": [
        Entry("home", "learn.home", "/{lang}/"),
        Entry("module", "learn.module", "/{lang}/modules/{module}/"),
        Entry("page", "learn.page", "/{lang}/modules/{module}/{page}"),
        Entry("job-aid", "learn.job_aid", "/{lang}/job-aids/{job_aid_module}"),
        Entry("quiz", "learn.quiz", "/{lang}/quizzes/{module}"),
        Entry("quiz-missing-answers", "learn.quiz", "/{lang}/quizzes/{module}", submit="form.quiz", status=422),
        Entry("result", "learn.attempt", "/{lang}/quizzes/{module}/attempts/{attempt}"),
        Entry("progress", "learn.my_progress", "/{lang}/progress"),
        Entry("profile", "auth.profile", "/{lang}/profile"),
        Entry("glossary", "learn.glossary", "/{lang}/glossary"),
        Entry("certificate", "certificates.mine", "/{lang}/certificate"),
        Entry("forbidden", "learn.attempt", "/{lang}/quizzes/{module}/attempts/{other_attempt}", status=403),
    ],
    "trainer": [
        Entry("cohorts", "trainer.index", "/{lang}/trainer/"),
        Entry("cohort-new", "trainer.new_cohort", "/{lang}/trainer/cohorts/new"),
        Entry("cohort", "trainer.cohort", "/{lang}/trainer/cohorts/{cohort}/"),
        Entry("cohort-edit", "trainer.edit_cohort", "/{lang}/trainer/cohorts/{cohort}/edit"),
        Entry("learner", "trainer.learner", "/{lang}/trainer/cohorts/{cohort}/learners/{learner}"),
        Entry("learner-in-progress", "trainer.learner", "/{lang}/trainer/cohorts/{cohort}/learners/{other_learner}"),
        Entry("learner-revoked", "trainer.learner", "/{lang}/trainer/cohorts/{cohort}/learners/{revoked_learner}"),
        Entry("questions", "trainer.cohort_questions", "/{lang}/trainer/cohorts/{cohort}/questions"),
        Entry("questions-all", "trainer.all_questions", "/{lang}/trainer/questions"),
        Entry("preview", "trainer.preview_index", "/{lang}/trainer/preview/"),
        Entry("preview-module", "trainer.preview_module", "/{lang}/trainer/preview/{module}/"),
        Entry("preview-quiz", "trainer.preview_quiz", "/{lang}/trainer/preview/{module}/quiz"),
        Entry("attempt", "trainer.attempt", "/{lang}/trainer/attempts/{attempt}"),
    ],
    "admin": [
        Entry("users", "admin.users", "/{lang}/admin/users"),
        Entry("cohorts", "trainer.index", "/{lang}/trainer/"),
        Entry("questions-all", "trainer.all_questions", "/{lang}/trainer/questions"),
    ],
}


def make_app(db_path: Path, content_root: Path = REAL_COURSE):
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "audit-secret",
        "DATABASE": str(db_path),
        "CONTENT_ROOT": str(content_root),
        "SIGNIN_FAILURE_LIMIT": 1000,  # the audits sign in often; the limit has its own tests
    })


def populate(app) -> dict[str, object]:
    """Accounts, a cohort, a learner who completed the course (with a certificate, when the app
    issues them) and one who is half-way. Returns the values the URL templates take."""
    db = store.connection(app.config["DATABASE"])
    course = app.extensions["catalog"].course
    slugs = [slug for slug in course.slugs if course.module(slug, "fr")]
    quiz_module = next((slug for slug in slugs if course.quiz(slug, "fr")), slugs[0])
    job_aid_module = next((slug for slug in slugs if course.module(slug, "fr").job_aid), slugs[0])
    hashed = generate_password_hash(PASSWORD)
    ids = {role: store.create_user(db, email, name, hashed, role=role) for role, (email, name) in ACCOUNTS.items()}
    other = store.create_user(db, "karim@example.org", "Karim <script>alert(1)</script>", hashed)
    revoked = store.create_user(db, "nadia@example.org", "Nadia Idrissi", hashed)
    cohort = _create_cohort(db, COHORT[0], COHORT[1], ids["trainer"])
    for user in (ids["learner"], other, revoked):
        store.join_cohort(db, cohort, user)
    attempts = _complete_course(db, course, slugs, ids["learner"])
    _complete_course(db, course, slugs, revoked)
    revoked_certificate = store.certificate_by_code(db, _certificate_code(app, db, revoked, course))
    store.revoke_certificate(db, revoked_certificate["id"], ids["trainer"], "Quizzes taken by someone else — اختبارات أجراها شخص آخر")
    store.record_visit(db, other, quiz_module, course.module(quiz_module, "fr").pages[0].id)
    other_attempt = _submitted_attempt(db, course, other, quiz_module, right=False) if quiz_module in attempts else 0
    return {
        "module": quiz_module,
        "page": course.module(quiz_module, "fr").pages[0].id,
        "job_aid_module": job_aid_module,
        "attempt": attempts.get(quiz_module, 0),
        "other_attempt": other_attempt,
        "cohort": cohort,
        "learner": ids["learner"],
        "other_learner": other,
        "revoked_learner": revoked,
        "certificate": _certificate_code(app, db, ids["learner"], course),
    }


def _complete_course(db, course, slugs: list[str], user_id: int) -> dict[str, int]:
    """Every page read and every quiz passed after a failed attempt; the passing attempts, by module."""
    attempts = {}
    for slug in slugs:
        for page in course.module(slug, "fr").pages:
            store.record_visit(db, user_id, slug, page.id)
        if course.quiz(slug, "fr"):
            _submitted_attempt(db, course, user_id, slug, right=False)
            attempts[slug] = _submitted_attempt(db, course, user_id, slug)
    return attempts


def _create_cohort(db, name: str, code: str, owner: int) -> int:
    if hasattr(store, "create_cohort"):
        return store.create_cohort(db, name, code, None, owner)
    db.execute("INSERT INTO cohorts (name, join_code, owner_id, created_at) VALUES (?, ?, ?, ?)", (name, code, owner, store.now()))
    return store.cohort_by_code(db, code)["id"]


def _submitted_attempt(db, course, user_id: int, slug: str, right: bool = True) -> int:
    quiz = course.quiz(slug, "fr")
    attempt_id = store.start_attempt(db, user_id, slug, quiz.lang, quiz.version, 12345)
    form = {name: value if isinstance(value, list) else [value] for name, value in quiz_form(quiz, 12345, right).items()}
    responses, errors = parse_responses(quiz, form, 12345)
    assert not errors, errors
    store.submit_attempt(db, attempt_id, quiz.lang, quiz.version, grade_attempt(quiz, responses), responses)
    return attempt_id


def _certificate_code(app, db, user_id: int, course) -> str:
    """The learner's certificate code, issued as the app issues it, when the app has certificates."""
    try:
        from course.web.certificates import issue_if_complete
    except ImportError:
        return "NONE"
    with app.app_context():
        certificate = issue_if_complete(db, course, store.user_by_id(db, user_id))
    assert certificate, "the audit learner completed every module but got no certificate"
    return certificate["code"]


def lesson_urls(app) -> list[tuple[str, str]]:
    """(language, URL) of every page of every module, in every language: everything a learner reads."""
    course = app.extensions["catalog"].course
    urls = []
    for slug in course.slugs:
        for lang in LANGUAGES:
            module = course.module(slug, lang)
            if module is None:
                continue
            urls += [(lang, f"/{lang}/modules/{slug}/{page.id}") for page in module.pages]
            if course.quiz(slug, lang):
                urls.append((lang, f"/{lang}/quizzes/{slug}"))
    return urls
