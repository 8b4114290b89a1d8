"""Certificates: issued once every module is complete, printable as HTML or PDF, verifiable by anyone.

The verification code is 80 random bits from `secrets` (16 base32 characters, shown in groups
of four), so codes cannot be guessed. The public page says only valid or revoked, with the
holder's name and completion date.
"""

from __future__ import annotations

import base64
import re
import secrets
from pathlib import Path

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import store
from ..analysis import best_attempts, certificate_modules, completion_date, visited_pages
from ..progress import course_progress, progress_plan
from .addresses import absolute_url
from .context import get_course, get_db
from .errors import fail
from .languages import preferred_language

bp = Blueprint("certificates", __name__)

STYLESHEET = Path(__file__).parent / "static" / "certificate.css"
CODE_LENGTH = 16
_NOT_BASE32 = re.compile(r"[^A-Z2-7]")
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def normalise_code(text: str) -> str:
    """What a person typed or scanned, as stored: capitals, no hyphens or spaces, look-alikes mended."""
    return _NOT_BASE32.sub("", text.upper().translate(_LOOKALIKES))[: CODE_LENGTH + 1]


def display_code(code: str) -> str:
    return "-".join(code[n:n + 4] for n in range(0, len(code), 4))


def issue_if_complete(db, course, user: dict) -> dict | None:
    """The user's certificate, issued now if every module is complete; None while it is not."""
    existing = store.certificate_of_user(db, user["id"])
    if existing:
        return existing
    visits, attempts = store.user_visits(db, user["id"]), store.submitted_attempts(db, user["id"])
    progress = course_progress(course, visited_pages(visits), best_attempts(attempts))
    if not progress or not all(p.complete for p in progress):
        return None
    completed = completion_date(course, visits, attempts)
    return store.issue_certificate(db, user["id"], new_code(), user["name"], completed, certificate_modules(progress))


def issue_on_submission(db, course, user_id: int) -> None:
    """A quiz just submitted may complete the course: issue at once, so the certificate exists even
    if the learner never opens it. Completing by reading a last page is caught when the learner,
    or their trainer's dashboard, looks. The quiz view calls this after storing the attempt: an
    after-request hook did the same, but ran on every request of every page to find the few it
    was for (docs/performance.md, eighth round)."""
    if _may_complete(db, course, user_id) and store.certificate_of_user(db, user_id) is None:
        issue_if_complete(db, course, store.user_by_id(db, user_id))


def _may_complete(db, course, user_id: int) -> bool:
    """Cheap first looks, so that the learner's whole record (every visit and attempt) is read only
    when every page has been opened and every quiz has a passing attempt: both are needed for a
    complete course. (A module whose best attempt passed has a passing attempt: no completion is
    missed.) Reading the whole record at every submission was a third to a half of the cost of a
    quiz submission in the benchmark, growing with the learner's attempts (docs/performance.md).

    The pages are counted first, in one look at an index: a learner who takes the quizzes as they
    go has not yet opened the later modules' pages, so every submission but the last module's
    stops there. Fewer pages opened than the course counts means some are unread; as many or more
    (a page since removed from the course still counts) is not proof, so the looks go on."""
    plan = progress_plan(course)
    if store.pages_opened_count(db, user_id) < sum(len(pages) for _slug, pages, _has_quiz in plan):
        return False
    if not store.passed_every(db, user_id, [slug for slug, _pages, has_quiz in plan if has_quiz]):
        return False
    visited = store.visited_pages(db, user_id)
    return all(pages <= visited.get(slug, set()) for slug, pages, _has_quiz in plan)


@bp.app_template_global()
def certificate_code(code: str) -> str:
    return display_code(code)


@bp.route("/<lang>/certificate")
@login_required
def mine():
    db, course = get_db(), get_course()
    certificate = issue_if_complete(db, course, store.user_by_id(db, current_user.id))
    if certificate is None:
        visits, attempts = store.user_visits(db, current_user.id), store.submitted_attempts(db, current_user.id)
        progress = course_progress(course, visited_pages(visits), best_attempts(attempts))
        missing = [(course.module(p.slug, g.lang), p) for p in progress if not p.complete]
        return render_template("certificates/pending.html", missing=missing)
    return render_template("certificates/certificate.html", certificate=certificate, qr=_qr(certificate), verify_url=_verify_url(certificate))


@bp.route("/<lang>/certificate.pdf")
@login_required
def mine_pdf():
    db = get_db()
    certificate = issue_if_complete(db, get_course(), store.user_by_id(db, current_user.id))
    if certificate is None:
        fail(404, _("Your certificate is issued once you have completed every module."))
    if certificate["revoked_at"]:
        fail(403, _("This certificate has been revoked."))
    pdf = render_pdf(certificate)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="certificate-{certificate["code"]}.pdf"', "Cache-Control": "private, no-store",
    })


def render_pdf(certificate: dict) -> bytes:
    """The certificate as a PDF, in the page's language; nothing is fetched from anywhere."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    html = render_template("certificates/document.html", certificate=certificate, qr=_qr(certificate), verify_url=_verify_url(certificate))
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=fetcher)
    return weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1", pdf_tags=True,
    )


def _verify_url(certificate: dict) -> str:
    """The absolute address printed and put in the QR code (course/web/addresses.py)."""
    return absolute_url("certificates.verify", lang=g.lang, code=certificate["code"])


def _qr(certificate: dict) -> str:
    import segno

    return segno.make(_verify_url(certificate), error="m").svg_data_uri(scale=4, border=2)


@bp.route("/<lang>/verify")
def verify_form():
    code = normalise_code(request.args.get("code", ""))
    if code:
        return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify.html", certificate=None, code=None)


@bp.route("/<lang>/verify/<code>")
def verify(code: str):
    normalised = normalise_code(code)
    if normalised and normalised != code:
        return redirect(url_for("certificates.verify", code=normalised), code=301)
    certificate = store.certificate_by_code(get_db(), normalised) if len(normalised) == CODE_LENGTH else None
    return render_template("certificates/verify.html", certificate=certificate, code=code), 200 if certificate else 404


@bp.route("/verify/<code>")
def verify_any_language(code: str):
    return redirect(url_for("certificates.verify", lang=preferred_language(), code=code))

