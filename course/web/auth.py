"""Signing up, signing in and out, and the learner's profile (joining a cohort)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from .. import store
from .context import get_db
from .errors import best_effort, fail
from .languages import time_zones, valid_time_zone
from .permissions import User

bp = Blueprint("auth", __name__, url_prefix="/<lang>")

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
MAX_FIELD = 200


def _field(name: str) -> str:
    return request.form.get(name, "").strip()[: MAX_FIELD + 1]


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    errors = {}
    if request.method == "POST":
        name, email, password, code = _field("name"), _field("email").lower(), request.form.get("password", ""), _field("join_code")
        db = get_db()
        if not name or len(name) > MAX_FIELD:
            errors["name"] = _("Enter your name (up to 200 characters).")
        if not EMAIL.match(email) or len(email) > MAX_FIELD:
            errors["email"] = _("Enter a valid e-mail address, like name@example.org.")
        if len(password) < MIN_PASSWORD or len(password) > MAX_FIELD:
            errors["password"] = _("Choose a password of at least %(n)d characters.", n=MIN_PASSWORD)
        cohort = store.cohort_by_code(db, code) if code else None
        if code and not cohort:
            errors["join_code"] = _("No cohort has this join code. Check it with your trainer, or leave it empty.")
        if not errors:
            user_id = store.create_user(db, email, name, generate_password_hash(password), lang=g.lang)
            if user_id is None:
                errors["email"] = _("An account already uses this e-mail address. Sign in instead.")
            else:
                if cohort:
                    store.join_cohort(db, cohort["id"], user_id)
                login_user(User(store.user_by_id(db, user_id)))
                flash(_("Welcome! Your account is ready."), "success")
                return redirect(url_for("learn.home"))
    status = 422 if errors else 200
    return render_template("auth/signup.html", errors=errors, form=request.form), status


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    error = None
    status = 200
    if request.method == "POST":
        email, password = _field("email").lower(), request.form.get("password", "")[: MAX_FIELD + 1]
        db = get_db()
        failure = _count_attempt(db, email)
        if failure is None:
            error = ngettext("Too many unsuccessful attempts for this account. Wait %(num)d minute, then try again.",
                             "Too many unsuccessful attempts for this account. Wait %(num)d minutes, then try again.",
                             current_app.config["SIGNIN_FAILURE_MINUTES"])
            status = 429
        else:
            row = store.user_by_email(db, email)
            if row and check_password_hash(row["password_hash"], password) and row["active"]:
                best_effort(store.clear_signin_failures, db, email)
                login_user(User(row), remember=bool(request.form.get("remember")))
                return redirect(_safe_next() or url_for("learn.home"))
            if row and not row["active"] and check_password_hash(row["password_hash"], password):
                best_effort(store.forget_signin_failure, db, failure)
                error = _("This account has been deactivated. Contact your trainer.")
                status = 403
            else:
                error = _("The e-mail address or the password is not right.")
                status = 401
    return render_template("auth/signin.html", error=error, form=request.form), status


def _count_attempt(db, email: str) -> int | None:
    """Record this attempt as a failure before the password is checked (a success clears it), or
    None when the account already has too many. Checking and recording in one step means a burst
    of parallel guesses cannot all pass the check before any of them is recorded.

    When storage refuses to record it (a full disk), signing in still works: the failures
    already recorded still count, and the attempt's id is 0, a failure never recorded."""
    minutes, limit = current_app.config["SIGNIN_FAILURE_MINUTES"], current_app.config["SIGNIN_FAILURE_LIMIT"]
    since = (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="seconds")
    failure = best_effort(store.count_signin_attempt, db, email, since, limit, default=0)
    if failure == 0 and store.signin_failures_since(db, email, since) >= limit:
        return None
    return failure


def _safe_next() -> str | None:
    """Only a path on this site, so the sign-in form cannot send anyone elsewhere."""
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else None


@bp.route("/signout", methods=["POST"])
def signout():
    logout_user()
    return redirect(url_for("learn.home"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    db = get_db()
    error = None
    status = 200
    if request.method == "POST":
        code = _field("join_code")
        cohort = store.cohort_by_code(db, code) if code else None
        if cohort:
            store.join_cohort(db, cohort["id"], current_user.id)
            flash(_("You have joined the cohort “%(name)s”.", name=cohort["name"]), "success")
            return redirect(url_for("auth.profile"))
        error = _("No cohort has this join code. Check it with your trainer.")
        status = 422
    cohorts = store.cohorts_of_user(db, current_user.id)
    return render_template("auth/profile.html", cohorts=cohorts, error=error, time_zones=time_zones(),
                           site_zone=current_app.config["BABEL_DEFAULT_TIMEZONE"]), status


@bp.route("/profile/time-zone", methods=["POST"])
@login_required
def time_zone():
    """The time zone this person sees dates and times in; empty: the site's."""
    chosen = request.form.get("time_zone", "")
    if chosen and not valid_time_zone(chosen):
        fail(400, _("Choose a time zone from the list."))
    store.set_user_time_zone(get_db(), current_user.id, chosen or None)
    flash(_("Dates and times are now shown in the time zone you chose."), "success")
    return redirect(url_for("auth.profile"), code=303)
