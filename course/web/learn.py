"""The learner's journey: course home, modules, pages, glossary, job aids, progress, quizzes."""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, send_from_directory, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from .. import store
from ..content import LANGUAGES
from ..grading import display_order, field_name, form_layout, grade_attempt, parse_responses
from ..progress import course_progress, module_progress, overall_percent
from .certificates import issue_on_submission
from .context import get_course, get_db
from .errors import best_effort, fail
from .permissions import User, may_see_learner
from .skeletons import PagesRead, marker

bp = Blueprint("learn", __name__, url_prefix="/<lang>")
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


def _module_or_404(slug: str):
    module = get_course().module(slug, g.lang)
    if module is None:
        abort(404)
    return module


def _learner_records():
    if not current_user.is_authenticated:
        return {}, {}
    db = get_db()
    return store.visited_pages(db, current_user.id), store.best_attempts(db, current_user.id)


@bp.route("/")
def home():
    course = get_course()
    visited, best = _learner_records()
    progress = course_progress(course, visited, best)
    modules = [(course.module(p.slug, g.lang), p) for p in progress]
    resume = _resume_point(course) if current_user.is_authenticated else None
    return render_template(
        "learn/home.html", modules=modules, overall=overall_percent(progress), resume=resume,
        description=course.description(g.lang), course_complete=_complete(progress),
    )


def _complete(progress) -> bool:
    """Every module complete: the course is done and the certificate is the next step."""
    return current_user.is_authenticated and bool(progress) and all(p.complete for p in progress)


def _resume_point(course):
    last = store.last_visit(get_db(), current_user.id)
    if not last:
        return None
    module = course.module(last["module"], g.lang)
    page = module.page(last["page"]) if module else None
    return (module, page) if page else None


@bp.route("/modules/<slug>/")
def module(slug: str):
    module = _module_or_404(slug)
    visited, best = _learner_records()
    progress = module_progress(get_course(), slug, visited.get(slug, set()), best.get(slug))
    quiz = get_course().quiz(slug, g.lang)
    return render_template(
        "learn/module.html", module=module, progress=progress, quiz=quiz, visited=visited.get(slug, set()),
        reading_from=_stopped_at(module),
    )


def _stopped_at(module):
    """The page of the module the learner opened last (where "Continue reading" goes), else the first."""
    last = store.last_visit(get_db(), current_user.id, module.slug) if current_user.is_authenticated else None
    return (module.page(last["page"]) if last else None) or module.pages[0]


@bp.route("/modules/<slug>/<page_id>")
@login_required
def page(slug: str, page_id: str):
    module = _module_or_404(slug)
    page = module.page(page_id)
    if page is None:
        abort(404)
    db = get_db()
    best_effort(store.record_visit, db, current_user.id, slug, page_id)
    pages_read = store.pages_read(db, current_user.id, slug)
    if _whole_page_needed():
        return render_template("learn/page.html", pages_read=PagesRead(pages_read), **_page_context(module, page))
    return _page_skeleton(module, page).fill(generate_csrf(), current_user.name, pages_read)


def _page_context(module, page) -> dict:
    index = module.pages.index(page)
    return {
        "module": module, "page": page, "index": index,
        "previous": module.pages[index - 1] if index > 0 else None,
        "following": module.pages[index + 1] if index + 1 < len(module.pages) else None,
        "quiz": get_course().quiz(module.slug, g.lang),
    }


def _whole_page_needed() -> bool:
    """Flash messages are shown once, to one learner, so a page that has some is rendered whole; so
    is every page while templates reload on change (development), so an edit shows at once."""
    return "_flashes" in session or current_app.jinja_env.auto_reload


def _page_skeleton(module, page):
    """The page as every learner with this role sees it in this language (course/web/skeletons.py)."""
    lang = g.lang  # the page's language, from its address (what get_locale() gives here, for less)
    key = (lang, request.script_root, module.slug, page.id, current_user.role)

    def render(slots):
        stand_in = User({"id": 0, "name": marker("name"), "email": "", "role": current_user.role, "lang": lang, "active": 1})
        # Flask-WTF gives the token it keeps in g for the request: while the skeleton is rendered,
        # that is the marker, so no way of asking for a token can put this learner's in a skeleton.
        own_token = g.pop("csrf_token", None)
        g.csrf_token = marker("csrf")
        try:
            return render_template(
                "learn/page.html", pages_read=slots, current_user=stand_in, **_page_context(module, page),
            )
        finally:
            g.pop("csrf_token")
            if own_token is not None:
                g.csrf_token = own_token

    return current_app.extensions["skeletons"].get(get_course(), key, render)


@bp.route("/job-aids/<slug>")
@login_required
def job_aid(slug: str):
    module = _module_or_404(slug)
    page = module.page(module.job_aid) if module.job_aid else None
    if page is None:
        abort(404)
    return render_template("learn/job_aid.html", module=module, page=page)


@bp.route("/glossary")
def glossary():
    glossary = get_course().glossary(g.lang)
    if glossary is None:
        abort(404)
    return render_template("learn/glossary.html", glossary=glossary)


@bp.route("/progress")
@login_required
def my_progress():
    course = get_course()
    visited, best = _learner_records()
    progress = course_progress(course, visited, best)
    attempts = store.submitted_attempts(get_db(), current_user.id)
    modules = [(course.module(p.slug, g.lang), p) for p in progress]
    return render_template("learn/progress.html", modules=modules, overall=overall_percent(progress), attempts=attempts)


@bp.route("/quizzes/<slug>", methods=["GET", "POST"])
@login_required
def quiz(slug: str):
    course = get_course()
    module, quiz = _module_or_404(slug), course.quiz(slug, g.lang)
    if quiz is None:
        abort(404)
    db = get_db()
    if request.method == "GET":
        attempt = store.open_attempt(db, current_user.id, slug)
        if attempt is None:
            attempt_id = best_effort(store.start_attempt, db, current_user.id, slug, quiz.lang, quiz.version, secrets.randbits(31))
            attempt = store.attempt_by_id(db, attempt_id) if attempt_id else None  # None: the quiz is shown, not submittable
        return _render_quiz(module, quiz, attempt, _draft_answers(course, attempt), [])
    user_id = current_user.id
    attempt = _own_attempt(request.form.get("attempt", ""), slug, user_id)
    if request.form.get("switch_lang") in LANGUAGES and not attempt["submitted_at"]:
        return _switch_language(attempt, quiz, request.form["switch_lang"])
    if attempt["submitted_at"]:
        fail(409, _("This attempt has already been submitted; it was counted once. Its result is in “My progress”."))
    if request.form.get("layout") != form_layout(quiz):
        return _render_quiz(module, quiz, attempt, {}, [], 409, changed=True)
    form = request.form.to_dict(flat=False)
    responses, errors = parse_responses(quiz, form, attempt["seed"])
    if errors:
        status = 422 if all(e.kind == "missing" for e in errors) else 400
        return _render_quiz(module, quiz, attempt, form, errors, status)
    result = grade_attempt(quiz, responses)
    if not store.submit_attempt(db, attempt["id"], quiz.lang, quiz.version, result, responses):
        fail(409, _("This attempt has already been submitted; it was counted once. Its result is in “My progress”."))
    best_effort(issue_on_submission, db, course, user_id)  # the attempt is stored: a certificate can wait for the next look
    return redirect(_result_address(slug, attempt["id"]), code=303)


def _switch_language(attempt: dict, quiz, lang: str):
    """The language switch of a quiz page submits the answers given so far: they are kept in the
    open attempt and the quiz opens in the other language with them (no script needed)."""
    layout = request.form.get("layout", "")
    given_in = next((q for q in get_course().quizzes.get(quiz.slug, {}).values() if form_layout(q) == layout), None)
    if given_in is not None:  # else the form came from a quiz changed since: its positions mean nothing now
        fields = {name: values for name, values in request.form.to_dict(flat=False).items() if name.startswith("q-")}
        store.save_draft(get_db(), attempt["id"], given_in.lang, layout, fields)
    return redirect(url_for("learn.quiz", slug=quiz.slug, lang=lang), code=303)


def _draft_answers(course, attempt: dict) -> dict:
    """The answers kept by a language switch, as form fields. Positions point to the options as the
    attempt shows them, the same in every language; they are used only while the quiz they were
    given in has not changed since."""
    draft = store.attempt_draft(attempt) if attempt else None
    if not draft:
        return {}
    given_in = course.quizzes.get(attempt["module"], {}).get(draft["lang"])
    return draft["fields"] if given_in is not None and form_layout(given_in) == draft["layout"] else {}


def _result_address(slug: str, attempt_id: int) -> str:
    """The address of an attempt's result, as url_for() builds it. Every attempt has its own, so
    none is remembered; but all of a quiz's end in the id (`…/attempts/<int:attempt_id>`), so the
    rest is built once per quiz, language and mount point: building it whole was 0.1 million
    instructions of a 3.4 million instruction submission (valgrind, in process)."""
    build = current_app.jinja_env.globals["url_for"]  # remembers the addresses it built (course/web/templating.py)
    return build("learn.attempt", slug=slug, attempt_id=0).removesuffix("0") + str(attempt_id)


def _own_attempt(raw_id: str, slug: str, user_id: int) -> dict:
    attempt = store.attempt_by_id(get_db(), int(raw_id)) if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 12 else None
    if attempt is None or attempt["module"] != slug:
        fail(400, _("This quiz form is incomplete or has been altered. Please open the quiz again."))
    if attempt["user_id"] != user_id:
        fail(403, _("This quiz attempt belongs to someone else."))
    return attempt


def _render_quiz(module, quiz, attempt, form: dict, errors: list, status: int = 200, changed: bool = False):
    """The quiz form for the attempt. changed: a form came back from a page that showed the quiz
    otherwise (its layout differs), so its answers were not read: the attempt stays open. No
    attempt: none could be opened (storage refused it), so the questions are shown to read only."""
    orders = {q.id: display_order(q, attempt["seed"] if attempt else 0) for q in quiz.questions}
    missing = {e.question_id for e in errors if e.kind == "missing"}
    tampered = any(e.kind != "missing" for e in errors)
    past = store.submitted_attempts(get_db(), current_user.id, quiz.slug)
    return render_template(
        "learn/quiz.html", module=module, quiz=quiz, attempt=attempt, orders=orders, form=form,
        missing=missing, tampered=tampered, changed=changed, field_name=field_name, past=past, layout=form_layout(quiz),
        says_select_all=says_select_all,
    ), status


# How authors write "tick all that apply" in a question's text, per language of the quiz.
_SELECT_ALL = {
    "en": re.compile(r"\b(tick|select|check|choose|mark)\s+all\b", re.IGNORECASE),
    "fr": re.compile(r"\b(cochez|sélectionnez|choisissez|indiquez)\s+(toutes|tous)\b", re.IGNORECASE),
    "ar": re.compile(r"(اختاروا|اختر|اختاري|حدّدوا|حددوا|ضعوا)\s+(كل|جميع)"),
}


def says_select_all(question) -> bool:
    """Whether the question's own text already asks for every right option: the quiz then does not
    add its own "Select all that apply", which a screen reader would read twice."""
    return any(pattern.search(question.prompt_html) for pattern in _SELECT_ALL.values())


@bp.route("/quizzes/<slug>/attempts/<int:attempt_id>")
@login_required
def attempt(slug: str, attempt_id: int):
    attempt = store.attempt_by_id(get_db(), attempt_id)
    if attempt is None or attempt["module"] != slug or not attempt["submitted_at"]:
        abort(404)
    if not may_see_learner(current_user, attempt["user_id"]):  # a trainer: only learners of their own cohorts
        fail(403, _("This quiz attempt belongs to someone else."))
    if attempt["user_id"] != current_user.id:  # a trainer reviews it on a page of their own
        return redirect(url_for("trainer.attempt", attempt_id=attempt_id))
    course = get_course()
    module, quiz = _module_or_404(slug), course.quiz(slug, g.lang)
    answered = course.quizzes.get(slug, {}).get(attempt["lang"])
    responses = store.attempt_responses(get_db(), attempt_id)
    return render_template(
        "learn/result.html", module=module, quiz=quiz, attempt=attempt, responses=responses,
        # Languages share answer keys, so an unedited quiz can be reviewed in any language.
        unchanged=quiz is not None and answered is not None and answered.version == attempt["quiz_version"],
        next_step=_next_step(course, slug) if attempt["passed"] else None,
    )


def _next_step(course, slug: str) -> tuple[str, str]:
    """(label, address) of what follows a passed quiz: the certificate once every module is
    complete, else the next module not yet complete (the first after this one, then from the top)."""
    visited, best = _learner_records()
    progress = course_progress(course, visited, best)
    if _complete(progress):
        return _("See your certificate"), url_for("certificates.mine")
    slugs = [p.slug for p in progress]
    after = slugs.index(slug) + 1 if slug in slugs else 0
    following = next(p for p in progress[after:] + progress[:after] if not p.complete)
    module = course.module(following.slug, g.lang)
    label = _("Back to the module: %(title)s") if following.slug == slug else _("Next module: %(title)s")
    return label % {"title": module.title}, url_for("learn.module", slug=following.slug)


media = Blueprint("media", __name__)


@media.route("/media/<slug>/<filename>")
def image(slug: str, filename: str):
    course = get_course()
    if slug not in course.slugs or not any(filename.lower().endswith(ext) for ext in IMAGE_TYPES):
        abort(404)
    root = course_root() / "modules" / slug
    return send_from_directory(root, filename, max_age=86400)


def course_root():
    from pathlib import Path

    from flask import current_app

    return Path(current_app.config["CONTENT_ROOT"])
