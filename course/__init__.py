"""The course engine: `create_app()` builds the Flask application."""

from __future__ import annotations

import secrets
import time
from functools import lru_cache
from pathlib import Path

from babel import Locale
from flask import Flask, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from itsdangerous import BadSignature

from . import forms, store, templating
from .catalog import Catalog
from .content import LANGUAGES
from .skeletons import Skeletons

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LANGUAGE = "fr"

csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE=str(Path(app.instance_path) / "course.db"),
        CONTENT_ROOT=str(PROJECT_ROOT),
        CONTENT_AUTO_RELOAD=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=256 * 1024,
        # A form's token lives as long as the session it belongs to, not Flask-WTF's default hour:
        # a learner who spends more than an hour on a quiz, or leaves it open, must not lose it.
        WTF_CSRF_TIME_LIMIT=None,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        SIGNIN_FAILURE_LIMIT=5,
        SIGNIN_FAILURE_MINUTES=15,
        BABEL_TRANSLATION_DIRECTORIES=str(PROJECT_ROOT / "translations"),
        BABEL_DEFAULT_LOCALE=DEFAULT_LANGUAGE,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COURSE")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config.setdefault("CONTENT_AUTO_RELOAD", app.debug)

    app.request_class = forms.Request
    app.session_interface = SessionCookies()
    Babel(app, locale_selector=select_language)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = None

    store.migrate(store.connection(app.config["DATABASE"]))
    app.extensions["catalog"] = Catalog(
        app.config["CONTENT_ROOT"],
        base_url=app.config.get("APPLICATION_ROOT", "/").rstrip("/"),
        auto_reload=app.config["CONTENT_AUTO_RELOAD"],
    )
    app.extensions["skeletons"] = Skeletons()

    _register_language_routing(app)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
    _register_template_helpers(app)
    templating.install(app)
    _register_errors(app)
    from . import admin, auth, certificates, cli, learn, trainer

    app.register_blueprint(auth.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(learn.media)
    app.register_blueprint(trainer.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(certificates.bp)
    cli.register(app)
    return app


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per set of keys, and
    each cookie's signature checked once.

    Flask makes a new serializer at every request, and itsdangerous's constructor serializes an
    empty session to test the serializer it is given: about 12 µs of every request (profile in
    docs/performance.md). The serializer keeps nothing between calls, so one per set of keys
    signs and checks exactly as a new one would; a change of SECRET_KEY or of its fallbacks
    makes a new one.

    A session cookie changes only when the session does, so a learner sends the same one with
    request after request, and checking and decoding it again was about 80 µs of each. A cookie
    that passed the check is remembered with the time it was signed: the same string is the same
    signed content, and its age is still checked at every request, as itsdangerous does. Only
    sessions of plain values (strings, numbers) are remembered: each request gets its own copy,
    which a view may change without touching the remembered one."""

    MAX_REMEMBERED = 4096

    def __init__(self) -> None:
        self._made: tuple = ((), None)
        self._opened: dict[str, tuple[dict, int]] = {}

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made_for, serializer = self._made
        if made_for != keys:
            serializer = super().get_signing_serializer(app)
            self._made, self._opened = (keys, serializer), {}
        return serializer

    def open_session(self, app: Flask, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        opened = self._opened.get(cookie)
        if opened is None:
            try:
                data, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            opened = (data, int(signed.timestamp()))
            if all(type(value) in _PLAIN for value in data.values()):
                if len(self._opened) >= self.MAX_REMEMBERED:
                    self._opened.clear()
                self._opened[cookie] = opened
        elif not 0 <= int(time.time()) - opened[1] <= max_age:
            return self.session_class()
        return self.session_class(opened[0])


_PLAIN = (str, int, float, bool, type(None))


def _instance_secret(instance: Path) -> str:
    """A secret key kept in the instance folder, made on first start, never a default."""
    path = instance / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def get_db():
    return store.connection(current_app.config["DATABASE"])


def get_course():
    return current_app.extensions["catalog"].course


def select_language() -> str:
    lang = g.get("lang")
    if lang in LANGUAGES:
        return lang
    return preferred_language()


def preferred_language() -> str:
    """The learner's remembered choice, else what the browser asks for, else French."""
    if current_user and current_user.is_authenticated and current_user.lang in LANGUAGES:
        return current_user.lang
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


@lru_cache(maxsize=64)
def direction(lang: str) -> str:
    return Locale.parse(lang).text_direction


def _register_language_routing(app: Flask) -> None:
    """URLs carry the language: `/<lang>/…` is read once here, not in every view."""

    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        if values and "lang" in values:
            lang = values.pop("lang")
            if lang not in LANGUAGES:
                from flask import abort

                abort(404)
            g.lang = lang

    @app.url_defaults
    def add_lang(endpoint, values):
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.get("lang") or str(get_locale())

    @app.before_request
    def remember_lang():
        lang = g.get("lang")
        if not lang:
            return
        if session.get("lang") != lang:
            session["lang"] = lang
        user = current_user._get_current_object()  # one look through the proxy, not three (about 2 µs each)
        if user.is_authenticated and user.lang != lang:
            store.set_user_lang(get_db(), user.id, lang)

    @app.context_processor
    def language_context():
        lang = str(get_locale())
        return {
            "lang": lang,
            "dir": direction(lang),
            "direction": direction,
            "languages": LANGUAGES,
            "course_title": get_course().title(lang),
            "switch_url": _switch_url,
        }

    @app.route("/")
    def root():
        return redirect(url_for("learn.home", lang=preferred_language()))


def _switch_url(code: str) -> str:
    """The address of the page being shown, in another language."""
    build = current_app.jinja_env.globals["url_for"]  # remembers the addresses it built (course/templating.py)
    args = dict(request.view_args or {})
    if request.endpoint and app_expects_lang(request.endpoint):
        return build(request.endpoint, **{**args, "lang": code})
    return build("learn.home", lang=code)


def app_expects_lang(endpoint: str) -> bool:
    return current_app.url_map.is_endpoint_expecting(endpoint, "lang")


LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}

# Everything is served from this site: no CDN, no inline script, no framing by others.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


class SecurityHeaders:
    """WSGI middleware that adds each of SECURITY_HEADERS to a response that has not set its own.

    It works on the plain list of (name, value) pairs that the response hands to the server:
    the same in an after_request hook, through Werkzeug's Headers, was 0.06 million more
    instructions for every page (valgrind, in process; docs/performance.md, eighth round).
    """

    LOWERED = tuple((name.lower(), (name, value)) for name, value in SECURITY_HEADERS)

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start_with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend(header for lowered, header in self.LOWERED if lowered not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import format_percent

    def module_title(slug: str) -> str:
        module = get_course().module(slug, str(get_locale()))
        return module.title if module else slug

    app.jinja_env.globals.update(
        format_percent=format_percent, language_names=LANGUAGE_NAMES, module_title=module_title,
    )


def _register_errors(app: Flask) -> None:
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
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[code](description=message)
    error.custom_message = True
    raise error
