"""Who the signed-in person is and what they may see: every blueprint takes its checks from here."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import UserMixin, current_user

from .. import store
from .context import get_db, login_manager
from .errors import fail


class User(UserMixin):
    def __init__(self, row: dict):
        self.row = row
        self.id = row["id"]
        self.name = row["name"]
        self.email = row["email"]
        self.role = row["role"]
        self.lang = row["lang"]
        self.time_zone = row.get("time_zone")  # None: the site's

    @property
    def is_active(self) -> bool:
        return bool(self.row["active"])

    @property
    def is_trainer(self) -> bool:
        return self.role in ("trainer", "admin")


@login_manager.user_loader
def load_user(user_id: str):
    row = store.user_by_id(get_db(), int(user_id))
    return User(row) if row and row["active"] else None


def trainer_required(view):
    """Trainers and administrators only: others get 403, anonymous visitors the sign-in page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_trainer:
            fail(403, _("This page is for trainers."))
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != "admin":
            fail(403, _("This page is for administrators."))
        return view(*args, **kwargs)

    return wrapped


def may_see_learner(user, learner_id: int) -> bool:
    """An administrator sees everyone; a trainer, the learners of their own cohorts; others, themselves."""
    if user.id == learner_id or user.role == "admin":
        return True
    return user.is_trainer and store.trainer_sees_learner(get_db(), user.id, learner_id)


def own_cohort_or_403(cohort_id: int) -> dict:
    """The cohort, if the signed-in trainer owns it or is an administrator."""
    cohort = store.cohort_by_id(get_db(), cohort_id)
    if cohort is None:
        abort(404)
    if cohort["owner_id"] != current_user.id and current_user.role != "admin":
        fail(403, _("This cohort belongs to another trainer."))
    return cohort


def own_learners_certificate_or_403(certificate_id: int) -> dict:
    """The certificate, if it is held by a learner the signed-in trainer sees."""
    db = get_db()
    certificate = store.certificate_by_id(db, certificate_id)
    if certificate is None:
        abort(404)
    if current_user.role != "admin" and not store.trainer_sees_learner(db, current_user.id, certificate["user_id"]):
        fail(403, _("This certificate belongs to a learner outside your cohorts."))
    return certificate
