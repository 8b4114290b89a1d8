"""The administrator's page: create accounts, correct names, change roles, deactivate and reactivate accounts.

The same actions exist on the command line (`flask --app app course users …`). A deactivated
account cannot sign in; its records stay.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.security import generate_password_hash

from .. import store
from .auth import EMAIL, MAX_FIELD, MIN_PASSWORD
from .context import get_db
from .errors import fail
from .permissions import admin_required

bp = Blueprint("admin", __name__, url_prefix="/<lang>/admin")

ROLES = ("learner", "trainer", "admin")


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    db = get_db()
    errors, created, password = {}, None, None
    if request.method == "POST":
        errors, created, password = _create_user(db)
    role = request.args.get("role", "")
    query = request.args.get("q", "").strip()[:100]
    people = store.list_users(db, role if role in ROLES else None, query)
    status = 422 if errors else 201 if created else 200
    return render_template(
        "admin/users.html", people=people, roles=ROLES, role=role, query=query,
        errors=errors, form=request.form if errors else {}, created=created, password=password,
    ), status


def _create_user(db):
    """Create the account described by the form; the password is generated when left empty."""
    name = request.form.get("name", "").strip()
    email = request.form.get("email", "").strip().lower()
    role = request.form.get("role", "")
    password = request.form.get("password", "") or generate_password()
    errors = {}
    if not name or len(name) > MAX_FIELD:
        errors["name"] = _("Enter a name (up to 200 characters).")
    if not EMAIL.match(email) or len(email) > MAX_FIELD:
        errors["email"] = _("Enter a valid e-mail address, like name@example.org.")
    if role not in ROLES:
        errors["role"] = _("Choose a role.")
    if len(password) < MIN_PASSWORD or len(password) > MAX_FIELD:
        errors["password"] = _("Choose a password of at least %(n)d characters, or leave it empty to generate one.", n=MIN_PASSWORD)
    if errors:
        return errors, None, None
    user_id = store.create_user(db, email, name, generate_password_hash(password), role=role)
    if user_id is None:
        return {"email": _("An account already uses this e-mail address.")}, None, None
    shown = password if not request.form.get("password") else None
    return {}, store.user_by_id(db, user_id), shown


def _other_user(user_id: int) -> dict:
    user = store.user_by_id(get_db(), user_id)
    if user is None:
        abort(404)
    if user["id"] == current_user.id:
        fail(400, _("You cannot change your own role or deactivate your own account. Ask another administrator."))
    return user


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int):
    user = _other_user(user_id)
    role = request.form.get("role", "")
    if role not in ROLES:
        fail(400, _("Choose a role."))
    store.set_user_role(get_db(), user["id"], role)
    flash(_("%(name)s is now: %(role)s.", name=user["name"], role=role_name(role)), "success")
    return redirect(url_for("admin.users"), code=303)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def change_active(user_id: int):
    user = _other_user(user_id)
    active = request.form.get("active") == "1"
    store.set_user_active(get_db(), user["id"], active)
    if active:
        flash(_("The account of %(name)s is active again.", name=user["name"]), "success")
    else:
        flash(_("The account of %(name)s is deactivated: it cannot sign in, and its records are kept.", name=user["name"]), "success")
    return redirect(url_for("admin.users"), code=303)


@bp.route("/users/<int:user_id>/name", methods=["POST"])
@admin_required
def change_name(user_id: int):
    """Correct a name as it should appear on the certificate (a misspelling at sign-up, say);
    an administrator may correct their own."""
    user = store.user_by_id(get_db(), user_id)
    if user is None:
        abort(404)
    name = request.form.get("name", "").strip()
    if not name or len(name) > MAX_FIELD:
        fail(400, _("Enter a name (up to 200 characters)."))
    if store.rename_user(get_db(), user["id"], name, by_user=current_user.id):
        flash(_("%(email)s is now named %(name)s, on their certificate too; the change is kept in its history.",
                email=user["email"], name=name), "success")
    else:
        flash(_("%(email)s is now named %(name)s.", email=user["email"], name=name), "success")
    return redirect(url_for("admin.users"), code=303)


@bp.app_template_global()
def role_name(role: str) -> str:
    return {"learner": _("learner"), "trainer": _("trainer"), "admin": _("administrator")}.get(role, role)
