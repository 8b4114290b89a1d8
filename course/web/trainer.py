"""Trainers' pages: cohorts, dashboards, a learner's records, question analysis, exports, preview.

Every view checks the role (trainer_required) and, for a cohort, that the trainer owns it or is
an administrator (permissions.own_cohort_or_403). Figures come from the pure `analysis` module.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime
from functools import cache

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user

from .. import store
from ..analysis import (
    LIST_SEPARATOR,
    STATUSES,
    dashboard_rows,
    describe_response,
    describe_wrong,
    filter_rows,
    module_summaries,
    question_analysis,
    score_bins,
    sort_rows,
)
from ..charts import bar_chart, column_chart
from ..csvexport import to_csv
from .context import get_course, get_db
from .errors import fail
from .languages import direction
from .permissions import may_see_learner, own_cohort_or_403, own_learners_certificate_or_403, trainer_required
from .templating import format_percent
from .templating import gettext as _  # Flask-Babel's, faster: the dashboard words hundreds of cells

bp = Blueprint("trainer", __name__, url_prefix="/<lang>/trainer")

JOIN_CODE = re.compile(r"^[A-Z0-9-]{4,20}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
MAX_NAME = 200


def _today() -> date:
    return datetime.now(UTC).date()


# Cohorts


@bp.route("/")
@trainer_required
def index():
    owner = None if current_user.role == "admin" else current_user.id
    cohorts = store.cohorts_overview(get_db(), owner)
    return render_template("trainer/index.html", cohorts=cohorts, today=_today().isoformat())


@bp.route("/cohorts/new", methods=["GET", "POST"])
@trainer_required
def new_cohort():
    errors, form = {}, request.form
    if request.method == "POST":
        name, code, deadline, errors = _read_cohort_form()
        if not errors:
            cohort_id = _create_with_code(name, code, deadline)
            if cohort_id:
                return redirect(url_for("trainer.cohort", cohort_id=cohort_id), code=303)
            errors["join_code"] = _("Another cohort already uses this join code. Choose another one, or leave it empty.")
    return render_template("trainer/cohort_form.html", errors=errors, form=form, cohort=None), 422 if errors else 200


def _create_with_code(name: str, code: str, deadline: str | None) -> int | None:
    db = get_db()
    if code:
        return store.create_cohort(db, name, code, deadline, current_user.id)
    for _attempt in range(5):
        cohort_id = store.create_cohort(db, name, new_join_code(), deadline, current_user.id)
        if cohort_id:
            return cohort_id
    return None


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _read_cohort_form():
    errors = {}
    name = request.form.get("name", "").strip()
    code = request.form.get("join_code", "").strip().upper()
    deadline = request.form.get("deadline", "").strip() or None
    if not name or len(name) > MAX_NAME:
        errors["name"] = _("Give the cohort a name (up to 200 characters).")
    if code and not JOIN_CODE.match(code):
        errors["join_code"] = _("A join code has 4 to 20 letters, digits or hyphens.")
    if deadline:
        try:
            deadline = date.fromisoformat(deadline).isoformat()
        except ValueError:
            errors["deadline"] = _("Enter the deadline as a date, like 2027-06-30.")
    return name, code, deadline, errors


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@trainer_required
def edit_cohort(cohort_id: int):
    cohort = own_cohort_or_403(cohort_id)
    errors, form = {}, request.form if request.method == "POST" else {**cohort, "deadline": cohort["deadline"] or ""}
    if request.method == "POST":
        name, code, deadline, errors = _read_cohort_form()
        if not code:
            errors["join_code"] = _("A join code has 4 to 20 letters, digits or hyphens.")
        if not errors:
            if store.update_cohort(get_db(), cohort_id, name, code, deadline):
                return redirect(url_for("trainer.cohort", cohort_id=cohort_id), code=303)
            errors["join_code"] = _("Another cohort already uses this join code. Choose another one, or leave it empty.")
    return render_template("trainer/cohort_form.html", errors=errors, form=form, cohort=cohort), 422 if errors else 200


@bp.route("/cohorts/<int:cohort_id>/delete", methods=["POST"])
@trainer_required
def delete_cohort(cohort_id: int):
    cohort = own_cohort_or_403(cohort_id)
    if request.form.get("confirm") != "yes":
        fail(400, _("Tick the box to confirm that the cohort is to be deleted; nothing was deleted."))
    store.delete_cohort(get_db(), cohort_id)
    flash(_("The cohort “%(name)s” is deleted. Its learners keep their records, and its join code is free again.", name=cohort["name"]),
          "success")
    return redirect(url_for("trainer.index"), code=303)


# Dashboard


def _rows(cohort: dict):
    db = get_db()
    members = store.cohort_members(db, cohort["id"])
    rows = dashboard_rows(
        get_course(), members, store.population_visits(db, cohort["id"]), store.population_scores(db, cohort["id"]),
        cohort["deadline"], _today(),
    )
    return members, rows


def _certificates(members: list[dict], rows) -> dict[int, dict]:
    """The learners' certificates, issuing those due: a trainer sees a code as soon as a learner completes."""
    from .certificates import issue_if_complete

    db, course = get_db(), get_course()
    certificates = store.certificates_of_users(db, [row.user_id for row in rows])
    for row, member in zip(rows, members, strict=True):
        if row.complete and row.user_id not in certificates:
            certificates[row.user_id] = issue_if_complete(db, course, member)
    return certificates


@bp.route("/cohorts/<int:cohort_id>/")
@trainer_required
def cohort(cohort_id: int):
    cohort = own_cohort_or_403(cohort_id)
    members, rows = _rows(cohort)
    certificates = _certificates(members, rows)
    status, text = request.args.get("status", ""), request.args.get("q", "")[:100]
    sort, descending = request.args.get("sort", "name"), request.args.get("order") == "desc"
    shown = sort_rows(filter_rows(rows, status, text), sort, descending)
    summaries = module_summaries(get_course(), rows)
    return render_template(
        "trainer/dashboard.html", cohort=cohort, rows=shown, total=len(rows), summaries=summaries,
        chart=_completion_chart(summaries), certificates=certificates, statuses=STATUSES,
        status=status if status in STATUSES else "", text=text, sort=sort, descending=descending,
        complete=sum(r.complete for r in rows), late=sum(r.late for r in rows),
        average=sum(r.overall for r in rows) // len(rows) if rows else 0, today=_today().isoformat(),
        module_cell=_module_cells(), overall_cell=cache(_overall_cell),  # worded once per page
    )


def _module_cells():
    """cell(module progress) -> (status class, status, details) for a dashboard's module cells.

    A 100-learner dashboard has 500 of them but few distinct phrases (scores from 0 to 100 %,
    a few page counts); translating and formatting each cell on its own was most of the page's
    time, so each phrase is worded once per page (docs/performance.md)."""
    score = cache(lambda best: _("best score %(score)s", score=format_percent(best / 100)))
    pages = cache(lambda read, total: _("%(read)d of %(total)d pages", read=read, total=total))
    complete, started, new = "✓ " + _("Complete"), _("In progress"), _("Not started")

    def cell(module) -> tuple[str, str, tuple[str, ...]]:
        if module.complete:
            return "status-complete", complete, (score(module.best_score),) if module.has_quiz else ()
        if module.started:
            read = pages(module.pages_read, module.pages_total)
            return "status-started", started, (read,) if module.best_score is None else (read, score(module.best_score))
        return "status-new", new, ()

    return cell


def _overall_cell(percent: int, done: int, total: int) -> tuple[str, str]:
    return format_percent(percent / 100), _("%(done)d of %(total)d modules", done=done, total=total)


def _list(parts) -> str:
    """Parts of a chart's text alternative, joined as the interface's language writes a list."""
    return LIST_SEPARATOR.get(g.lang, "; ").join(parts)


def _completion_chart(summaries) -> str:
    bars = [
        (_module_label(s.slug), s.complete / s.learners if s.learners else 0,
         _("%(done)d of %(total)d", done=s.complete, total=s.learners))
        for s in summaries
    ]
    description = _list(_("%(module)s: %(figure)s", module=label, figure=value) for label, _fraction, value in bars)
    return bar_chart(_("Learners who completed each module"), description, bars, rtl=direction(g.lang) == "rtl")


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>")
@trainer_required
def learner(cohort_id: int, user_id: int):
    cohort = own_cohort_or_403(cohort_id)
    db, course = get_db(), get_course()
    if not store.is_member(db, cohort_id, user_id):
        abort(404)
    user = store.user_by_id(db, user_id)
    visits = store.user_visits(db, user_id)
    attempts = store.submitted_attempts(db, user_id)
    row = dashboard_rows(course, [user], visits, attempts, cohort["deadline"], _today())[0]
    responses = store.user_responses(db, user_id)
    certificate = store.certificate_of_user(db, user_id)
    return render_template(
        "trainer/learner.html", cohort=cohort, user=user, row=row, visits=visits,
        attempts=[(attempt, _answers(attempt, responses.get(attempt["id"], {}))) for attempt in attempts],
        certificate=certificate, history=store.certificate_history(db, certificate["id"]) if certificate else [],
        page_title=_page_title,
    )


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>/remove", methods=["POST"])
@trainer_required
def remove_learner(cohort_id: int, user_id: int):
    cohort = own_cohort_or_403(cohort_id)
    db = get_db()
    user = store.user_by_id(db, user_id)
    if user is None or not store.leave_cohort(db, cohort_id, user_id):
        fail(404, _("This learner is not in the cohort."))
    flash(_("%(name)s is no longer in the cohort “%(cohort)s”. Their records are kept, and the join code brings them back.",
            name=user["name"], cohort=cohort["name"]), "success")
    return redirect(url_for("trainer.cohort", cohort_id=cohort_id), code=303)


def _answers(attempt: dict, responses: dict) -> list[tuple]:
    """(question title HTML or id, answer in words or None, correct) for each stored response."""
    quiz = get_course().quizzes.get(attempt["module"], {}).get(attempt["lang"])
    current = quiz is not None and quiz.version == attempt["quiz_version"]
    rows = []
    for question_id, stored in responses.items():
        question = quiz.question(question_id) if quiz else None
        answer = describe_response(question, stored["response"], attempt["lang"]) if current and question else None
        rows.append((question, question_id, answer, stored["correct"]))
    order = {q.id: n for n, q in enumerate(quiz.questions)} if quiz else {}
    return sorted(rows, key=lambda r: (order.get(r[1], len(order)), r[1]))


@bp.route("/attempts/<int:attempt_id>")
@trainer_required
def attempt(attempt_id: int):
    """A learner's submitted attempt as their trainer reviews it: the learner named, the questions
    and options in the trainer's language, which the learner chose, and the way back."""
    db, course = get_db(), get_course()
    attempt = store.attempt_by_id(db, attempt_id)
    if attempt is None or not attempt["submitted_at"] or course.module(attempt["module"], g.lang) is None:
        abort(404)
    if not may_see_learner(current_user, attempt["user_id"]):
        fail(403, _("This quiz attempt belongs to a learner outside your cohorts."))
    slug, learner = attempt["module"], store.user_by_id(db, attempt["user_id"])
    quiz, answered = course.quiz(slug, g.lang), course.quizzes.get(slug, {}).get(attempt["lang"])
    cohort = store.shared_cohort(db, None if current_user.role == "admin" else current_user.id, learner["id"])
    return render_template(
        "learn/result.html", module=course.module(slug, g.lang), quiz=quiz, attempt=attempt,
        responses=store.attempt_responses(db, attempt_id),
        unchanged=quiz is not None and answered is not None and answered.version == attempt["quiz_version"],
        learner=learner, cohort=cohort, next_step=None,
    )


def _page_title(slug: str, page_id: str) -> str:
    module = get_course().module(slug, g.lang)
    page = module.page(page_id) if module else None
    return page.title if page else page_id


# Question analysis


@bp.route("/cohorts/<int:cohort_id>/questions")
@trainer_required
def cohort_questions(cohort_id: int):
    return _questions(own_cohort_or_403(cohort_id))


@bp.route("/questions")
@trainer_required
def all_questions():
    return _questions(None)


def _questions(cohort: dict | None):
    course = get_course()
    slugs = [slug for slug in course.slugs if course.quiz(slug, g.lang)]
    slug = request.args.get("quiz") or (slugs[0] if slugs else "")
    if slug not in slugs:
        abort(404)
    quiz, db = course.quiz(slug, g.lang), get_db()
    cohort_id = cohort["id"] if cohort else None
    analysis = question_analysis(
        quiz, store.population_attempts(db, cohort_id, slug), store.population_responses(db, cohort_id, slug),
        {lang: version.version for lang, version in course.quizzes[slug].items()},
    )
    bins = score_bins(analysis.scores)
    columns = [(f"\u2066{low}–{high}\u2069", count) for low, high, count in bins]  # isolated: "0–9", not "9–0", in Arabic
    chart = column_chart(
        _("First-attempt scores"),
        _list(_("%(low)d to %(high)d %%: %(count)d", low=low, high=high, count=count) for low, high, count in bins),
        columns, rtl=direction(g.lang) == "rtl",
    )
    return render_template(
        "trainer/questions.html", cohort=cohort, slugs=slugs, quiz=quiz, analysis=analysis, bins=bins, chart=chart,
        stats={s.question_id: s for s in analysis.questions}, describe_wrong=describe_wrong, format_decimal=format_decimal,
    )


# Exports


@bp.route("/cohorts/<int:cohort_id>/progress.csv")
@trainer_required
def export_progress(cohort_id: int):
    cohort = own_cohort_or_403(cohort_id)
    members, rows = _rows(cohort)
    certificates = _certificates(members, rows)
    titles = [_module_label(slug) for slug in _module_slugs()]
    header = [_("Name"), _("E-mail address"), _("Joined (UTC)")]
    for title in titles:
        header += [_("%(module)s: status", module=title), _("%(module)s: pages read", module=title),
                   _("%(module)s: best score (%%)", module=title)]
    header += [_("Overall completion (%)"), _("Modules complete"), _("Completed on (UTC)"), _("Last activity (UTC)"),
               _("Late"), _("Certificate")]
    joined = {m["id"]: m["joined_at"] for m in members}
    lines = []
    for row in sort_rows(rows):
        line = [row.name, row.email, joined[row.user_id]]
        for module in row.modules:
            line += [_status_word(module), module.pages_read, module.best_score]
        certificate = certificates.get(row.user_id)
        line += [row.overall, row.modules_complete, row.completed_at, row.last_activity, _("yes") if row.late else _("no"),
                 (certificate["code"] + (" " + _("(revoked)") if certificate["revoked_at"] else "")) if certificate else ""]
        lines.append(line)
    return _csv(to_csv(header, lines), f"cohort-{cohort_id}-progress.csv")


@bp.route("/cohorts/<int:cohort_id>/attempts.csv")
@trainer_required
def export_attempts(cohort_id: int):
    own_cohort_or_403(cohort_id)
    db = get_db()
    people = {m["id"]: m for m in store.cohort_members(db, cohort_id)}
    header = [_("Name"), _("E-mail address"), _("Module"), _("Attempt"), _("Language"), _("Submitted (UTC)"), _("Score (%)"),
              _("Passed"), _("Question"), _("Answer"), _("Correct")]
    lines = []
    for slug in _module_slugs():
        responses = store.population_responses(db, cohort_id, slug)
        for attempt in store.population_attempts(db, cohort_id, slug):
            person = people[attempt["user_id"]]
            for _question, question_id, answer, correct in _answers(attempt, responses.get(attempt["id"], {})):
                lines.append([
                    person["name"], person["email"], _module_label(slug), attempt["id"], attempt["lang"], attempt["submitted_at"],
                    attempt["score"], _("yes") if attempt["passed"] else _("no"), question_id,
                    answer if answer is not None else _("(quiz edited since)"), 1 if correct else 0,
                ])
    return _csv(to_csv(header, lines), f"cohort-{cohort_id}-attempts.csv")


def _module_slugs() -> list[str]:
    course = get_course()
    return [slug for slug in course.slugs if course.module(slug, "fr")]


def _module_label(slug: str) -> str:
    module = get_course().module(slug, g.lang)
    return module.title if module else slug


def _status_word(module) -> str:
    if module.complete:
        return _("complete")
    return _("in progress") if module.started else _("not started")


def _csv(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
    })


# Certificates


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@trainer_required
def revoke(certificate_id: int):
    certificate = own_learners_certificate_or_403(certificate_id)
    reason = _reason(_("Give the reason for revoking this certificate (up to 500 characters)."))
    store.revoke_certificate(get_db(), certificate_id, current_user.id, reason)
    return _back_from(certificate)


@bp.route("/certificates/<int:certificate_id>/reinstate", methods=["POST"])
@trainer_required
def reinstate(certificate_id: int):
    certificate = own_learners_certificate_or_403(certificate_id)
    reason = _reason(_("Give the reason for reinstating this certificate (up to 500 characters)."))
    store.reinstate_certificate(get_db(), certificate_id, current_user.id, reason)
    return _back_from(certificate)


def _reason(missing: str) -> str:
    reason = request.form.get("reason", "").strip()
    if not reason or len(reason) > 500:
        fail(400, missing)
    return reason


def _back_from(certificate: dict):
    """To the learner's page in the cohort the form came from, else to the public verification page."""
    back = request.form.get("cohort", "")
    if back.isascii() and back.isdigit() and store.is_member(get_db(), int(back), certificate["user_id"]):
        return redirect(url_for("trainer.learner", cohort_id=int(back), user_id=certificate["user_id"]), code=303)
    return redirect(url_for("certificates.verify", code=certificate["code"]), code=303)


# Preview: any module and quiz in any language, with the answer key; nothing is recorded.


@bp.route("/preview/")
@trainer_required
def preview_index():
    course = get_course()
    modules = [(course.module(slug, g.lang), course.quiz(slug, g.lang)) for slug in _module_slugs()]
    return render_template("trainer/preview_index.html", modules=modules)


@bp.route("/preview/<slug>/")
@trainer_required
def preview_module(slug: str):
    module = get_course().module(slug, g.lang)
    if module is None:
        abort(404)
    return render_template("trainer/preview_module.html", module=module, quiz=get_course().quiz(slug, g.lang))


@bp.route("/preview/<slug>/quiz")
@trainer_required
def preview_quiz(slug: str):
    course = get_course()
    module, quiz = course.module(slug, g.lang), course.quiz(slug, g.lang)
    if module is None or quiz is None:
        abort(404)
    return render_template("trainer/preview_quiz.html", module=module, quiz=quiz)
