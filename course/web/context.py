"""What views take from the application they run in: the database, the loaded course, and the
Flask extensions. Blueprints import these from here, never from the factory's module (which
imports the blueprints)."""

from __future__ import annotations

from flask import current_app
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .. import store

csrf = CSRFProtect()
login_manager = LoginManager()


def get_db():
    return store.connection(current_app.config["DATABASE"])


def get_course():
    return current_app.extensions["catalog"].course
