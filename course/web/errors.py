"""Error pages in the learner's language, fail() for views that stop with a message of their own,
and the one place where SQLite refusing to store something (a full disk, an I/O error, a database
locked for too long) becomes an honest 503, or, for the writes a reading page makes on the way,
nothing at all."""

from __future__ import annotations

import sqlite3

from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import InternalServerError, SecurityError, default_exceptions

# SQLite's primary result codes (an error's sqlite_errorcode is extended: the low byte is the primary).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_IOERR, _SQLITE_FULL = 5, 6, 10, 13
STORAGE_PROBLEMS = {_SQLITE_FULL: "full", _SQLITE_IOERR: "io", _SQLITE_BUSY: "busy", _SQLITE_LOCKED: "busy"}
RETRY_AFTER_SECONDS = {"full": 300, "io": 300, "busy": 5}


def storage_problem(error: BaseException) -> str | None:
    """'full', 'io' or 'busy' when the error is storage refusing (it passes with time or care of
    the server); None for any other error, which is a bug to see in full."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(error, sqlite3.OperationalError) or code is None:
        return None
    return STORAGE_PROBLEMS.get(code & 0xFF)


def storage_message(problem: str) -> str:
    if problem == "busy":
        return _("The course is too busy to answer right now. If you were sending something, it was not saved. "
                 "Please try again in a moment.")
    return _("The course cannot store anything at the moment: the server's storage is full or failing. "
             "If you were sending something, it was not saved; everything saved before is safe. "
             "Please try again in a few minutes.")


def best_effort(write, *args, default=None):
    """Run a write that a reading page makes on the way (the page opened, the quiz attempt
    opened, the language chosen, a sign-in counted): when storage refuses it, log one line and
    return default, so that the page is still served. Other errors are raised as usual."""
    try:
        return write(*args)
    except sqlite3.OperationalError as error:
        problem = storage_problem(error)
        if problem is None:
            raise
        _log(problem, error, f"skipped {write.__name__}")
        return default


def _log(problem: str, error: BaseException, what: str) -> None:
    current_app.logger.warning("storage %s (%s): %s on %s %s", problem, error, what, request.method, request.path)


def register(app: Flask) -> None:
    messages = {
        400: lambda: _("The request could not be understood. Please go back and try again."),
        403: lambda: _("You do not have access to this page."),
        404: lambda: _("This page does not exist. It may have been moved or renamed."),
        405: lambda: _("This action is not allowed here."),
        409: lambda: _("This was already done; nothing was changed."),
        413: lambda: _("What you sent is too large."),
        429: lambda: _("Too many attempts. Please wait a few minutes and try again."),
        500: lambda: _("Something went wrong on our side. Please try again; if it happens again, tell your trainer."),
    }

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        message = error.description if getattr(error, "custom_message", False) else messages.get(code, messages[500])()
        return render_template("error.html", code=code, message=message), code

    for code in messages:
        app.register_error_handler(code, render_error)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A Host outside TRUSTED_HOSTS: no page of the site is built for it (its addresses would carry it)."""
        return Response("This site does not answer to this host name.\n", 400, mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _("Your form had expired or was incomplete. Please reload the page and try again; nothing was saved.")
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(sqlite3.OperationalError)
    def storage_error(error):
        problem = storage_problem(error)
        if problem is None:
            app.log_exception(error)
            return render_error(InternalServerError())
        _log(problem, error, "answered 503")
        message = storage_message(problem)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS[problem]), "Cache-Control": "no-store"}
        try:
            page = render_template("error.html", code=503, message=message)
        except sqlite3.OperationalError:  # the page itself needed the database (the signed-in user): plain text
            return Response(message + "\n", 503, headers, mimetype="text/plain")
        return Response(page, 503, headers, mimetype="text/html")


def fail(code: int, message: str):
    """Stop the request with an HTTP error whose page shows this (translated) message."""
    error = default_exceptions[code](description=message)
    error.custom_message = True
    raise error
