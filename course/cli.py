"""`flask --app app course …`: check the content, prepare the database, make demo accounts."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from werkzeug.security import generate_password_hash

from . import get_db, store
from .content import LANGUAGES, load_course

course_cli = AppGroup("course", help="Manage the course: check content, database, accounts.")

DEMO_ACCOUNTS = [
    ("learner@example.org", "Demo Learner", "learner-demo-2026", "learner"),
    ("trainer@example.org", "Demo Trainer", "trainer-demo-2026", "trainer"),
]


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
    version = store.migrate(get_db())
    click.echo(f"database ready at {current_app.config['DATABASE']} (schema version {version})")


@course_cli.command("demo")
def demo() -> None:
    """Create the demo learner and trainer accounts if they do not exist."""
    db = get_db()
    for email, name, password, role in DEMO_ACCOUNTS:
        created = store.create_user(db, email, name, generate_password_hash(password), role=role)
        state = "created" if created else "already there"
        click.echo(f"{role:8} {email}  password: {password}  ({state})")


def register(app: Flask) -> None:
    app.cli.add_command(course_cli)
