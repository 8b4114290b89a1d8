"""`flask --app app course …`: check the content, prepare the database, make demo accounts, back up, send learning records."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from werkzeug.security import generate_password_hash

from .. import store
from ..content import LANGUAGES, load_course
from .addresses import public_root
from .auth import MAX_FIELD
from .context import get_course, get_db

course_cli = AppGroup("course", help="Manage the course: check content, database, accounts.")

DEMO_ACCOUNTS = [
    ("learner@example.org", "Demo Learner", "learner-demo-2026", "learner"),
    ("trainer@example.org", "Demo Trainer", "trainer-demo-2026", "trainer"),
]
DEMO_COHORT = ("Demo cohort", "DEMO-2026")


@course_cli.command("check")
def check() -> None:
    """Check every module, quiz and glossary file; report each problem as file:line: reason."""
    course = load_course(current_app.config["CONTENT_ROOT"])
    if course.problems:
        for problem in course.problems:
            click.echo(str(problem))
        click.echo(f"{len(course.problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("ok")
    for lang in LANGUAGES:
        modules = [course.modules[slug][lang] for slug in course.slugs if lang in course.modules.get(slug, {})]
        pages = sum(len(m.pages) for m in modules)
        quizzes = [q[lang] for q in course.quizzes.values() if lang in q]
        questions = sum(len(q.questions) for q in quizzes)
        terms = len(course.glossaries[lang].entries) if lang in course.glossaries else 0
        click.echo(f"{lang}: {len(modules)} modules, {pages} pages, {len(quizzes)} quizzes, {questions} questions, {terms} glossary terms")


@course_cli.command("init-db")
def init_db() -> None:
    """Create or migrate the database (this also happens at every start)."""
    applied = store.migrate(get_db())
    click.echo(f"database ready at {current_app.config['DATABASE']} ({len(applied)} migrations applied, the last {applied[-1]})")


@course_cli.command("demo")
def demo() -> None:
    """Create the demo learner and trainer accounts, and the trainer's cohort with the learner in it, if they do not exist.

    The cohort gives the trainer's dashboard a row from the first minute: what the demo learner
    reads and answers shows up there.
    """
    db = get_db()
    for email, name, password, role in DEMO_ACCOUNTS:
        created = store.create_user(db, email, name, generate_password_hash(password), role=role)
        state = "created" if created else "already there"
        click.echo(f"{role:8} {email}  password: {password}  ({state})")
    name, code = DEMO_COHORT
    learner, trainer = (store.user_by_email(db, email) for email, *_ in DEMO_ACCOUNTS)
    cohort = store.cohort_by_code(db, code)
    cohort_id = cohort["id"] if cohort else store.create_cohort(db, name, code, None, trainer["id"])
    store.join_cohort(db, cohort_id, learner["id"])
    click.echo(f"cohort   {name}  join code: {code}  (owned by {trainer['email']}, with {learner['email']} in it)")


@course_cli.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def backup(path: str | None) -> None:
    """Write a consistent copy of the database to PATH (default: instance/backups/course-<time>.db).

    Safe while the site is serving and learners are writing. See docs/operations.md to restore.
    The copy is readable by this user only, and a folder made for it too. A backup that cannot
    be written (a full disk) says so in one line, leaves no partial file and exits with status 1.
    """
    import sqlite3
    from datetime import UTC, datetime
    from pathlib import Path

    if path is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = str(Path(current_app.instance_path) / "backups" / f"course-{stamp}.db")
    target = Path(path)
    if target.exists():
        click.echo(f"{target} already exists; choose another name (a backup never overwrites a file).", err=True)
        sys.exit(1)
    target.parent.mkdir(mode=store.PRIVATE_FOLDER, parents=True, exist_ok=True)
    try:
        counts = store.backup_to(get_db(), str(target))
    except (sqlite3.Error, OSError) as error:
        reason = "no space left on the disk" if _disk_full(error) else str(error)
        click.echo(f"backup failed, nothing written to {target}: {reason}", err=True)
        sys.exit(1)
    click.echo(f"backup written to {target} ({target.stat().st_size:,} bytes, integrity ok)")
    click.echo(", ".join(f"{table}: {n}" for table, n in counts.items()))


@course_cli.command("xapi-send")
@click.option("--dry-run", is_flag=True, help="Print the pending statements as JSON instead of sending them.")
def xapi_send(dry_run: bool) -> None:
    """Send the learning records not yet sent (quiz attempts, completed courses) to the LRS in XAPI_ENDPOINT."""
    import json

    from .. import xapi

    config = current_app.config
    base_url, endpoint = public_root() or "", config.get("XAPI_ENDPOINT") or ""
    if not base_url:
        click.echo("set PUBLIC_URL (the site's address, e.g. https://course.example.org): it names the learners and activities", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(json.dumps([s for _k, _i, s in xapi.pending(get_db(), get_course(), base_url, 10_000)], ensure_ascii=False, indent=2))
        return
    if not endpoint:
        click.echo("set XAPI_ENDPOINT (the LRS's xAPI address, e.g. https://lrs.example.org/xapi)", err=True)
        sys.exit(1)
    try:
        sent = xapi.send_pending(get_db(), get_course(), endpoint, base_url, config.get("XAPI_USERNAME") or "",
                                 config.get("XAPI_PASSWORD") or "")
    except xapi.SendError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"{sent} statement(s) sent to {endpoint}")


def _disk_full(error: BaseException) -> bool:
    import errno

    from .errors import storage_problem

    return storage_problem(error) == "full" or getattr(error, "errno", None) == errno.ENOSPC


def register(app: Flask) -> None:
    app.cli.add_command(course_cli)


# Accounts: the same actions as the administrators' page.

users_cli = AppGroup("users", help="Create, list, rename, change the role of, deactivate and reactivate accounts.")
course_cli.add_command(users_cli)
ROLES = ("learner", "trainer", "admin")


def _user_or_exit(email: str) -> dict:
    user = store.user_by_email(get_db(), email)
    if user is None:
        click.echo(f"no account has the e-mail address {email}", err=True)
        sys.exit(1)
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as it appears on certificates.")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--password", help="At least 10 characters; when left out, one is generated and printed.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True, help="Interface language.")
def users_create(email: str, name: str, role: str, password: str | None, lang: str) -> None:
    """Create an account."""
    import re
    import secrets

    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        click.echo(f"not an e-mail address: {email}", err=True)
        sys.exit(1)
    if password is not None and len(password) < 10:
        click.echo("the password needs at least 10 characters", err=True)
        sys.exit(1)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    if store.create_user(get_db(), email, name, generate_password_hash(password), role=role, lang=lang) is None:
        click.echo(f"an account already uses {email}", err=True)
        sys.exit(1)
    click.echo(f"created {role} {email.strip().lower()}" + (f"  password: {password}" if generated else ""))


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only accounts with this role.")
def users_list(role: str | None) -> None:
    """List accounts: e-mail, role, active or not, name."""
    for user in store.list_users(get_db(), role):
        state = "active" if user["active"] else "deactivated"
        click.echo(f"{user['email']:40} {user['role']:8} {state:11} {user['name']}")


@users_cli.command("rename")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as it should appear on the certificate.")
def users_rename(email: str, name: str) -> None:
    """Correct the name of an account, and of the certificate it holds (the change is kept in its history)."""
    user = _user_or_exit(email)
    name = name.strip()
    if not name or len(name) > MAX_FIELD:
        click.echo(f"the name must have 1 to {MAX_FIELD} characters", err=True)
        sys.exit(1)
    corrected = store.rename_user(get_db(), user["id"], name)
    click.echo(f"{user['email']} is now named {name}" + (", on their certificate too" if corrected else ""))


@users_cli.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def users_role(email: str, role: str) -> None:
    """Change the role of an account."""
    user = _user_or_exit(email)
    store.set_user_role(get_db(), user["id"], role)
    click.echo(f"{user['email']} is now {role}")


@users_cli.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Stop an account from signing in; its records are kept."""
    user = _user_or_exit(email)
    store.set_user_active(get_db(), user["id"], False)
    click.echo(f"{user['email']} is deactivated (records kept)")


@users_cli.command("activate")
@click.argument("email")
def users_activate(email: str) -> None:
    """Let a deactivated account sign in again."""
    user = _user_or_exit(email)
    store.set_user_active(get_db(), user["id"], True)
    click.echo(f"{user['email']} is active")
