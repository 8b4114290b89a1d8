"""Error pages in the learner's language, and fail() for views that stop with a message of their own."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import default_exceptions


def register(app: Flask) -> None:
    messages = {
        400: lambda: _("The request could not be understood. Please go back and try again."),
        403: lambda: _("You do not have access to this page."),
        404: lambda: _("This page does not exist. It may have been moved or renamed."),
        405: lambda: _("This action is not allowed here."),
        409: lambda: _("This was already done; nothing was changed."),
        413: lambda: _("What you sent is too large."),
        429: lambda: _("Too many attempts. Please wait a few minutes and try again."),
        500: lambda: _("Something went wrong on our side. Your work is saved; please try again."),
    }

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        message = error.description if getattr(error, "custom_message", False) else messages.get(code, messages[500])()
        return render_template("error.html", code=code, message=message), code

    for code in messages:
        app.register_error_handler(code, render_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _("Your form had expired or was incomplete. Please reload the page and try again; nothing was saved.")
        return render_template("error.html", code=400, message=message), 400


def fail(code: int, message: str):
    """Stop the request with an HTTP error whose page shows this (translated) message."""
    error = default_exceptions[code](description=message)
    error.custom_message = True
    raise error
