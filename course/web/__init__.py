"""The web application: `create_app()` builds it from its configuration, the content and the
blueprints (docs/architecture.md)."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel
from flask_compress import Compress

from .. import store
from . import addresses, assets, errors, forms, languages, templating
from .catalog import Catalog
from .context import csrf, login_manager
from .security import SecurityHeaders
from .sessions import SessionCookies
from .skeletons import Skeletons

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    Path(app.instance_path).mkdir(mode=store.PRIVATE_FOLDER, parents=True, exist_ok=True)
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
        TRUSTED_PROXIES=0,
        PUBLIC_URL=None,
        # What the app compresses when it serves alone; behind a proxy, the proxy compresses.
        COMPRESS_MIMETYPES=["text/html", "text/css", "image/svg+xml", "text/csv", "application/json"],
        COMPRESS_ALGORITHM_STREAMING=["zstd", "br", "gzip", "deflate"],  # files from disk (images) for gzip-only clients too
        SIGNIN_FAILURE_LIMIT=5,
        SIGNIN_FAILURE_MINUTES=15,
        BABEL_TRANSLATION_DIRECTORIES=str(PROJECT_ROOT / "translations"),
        BABEL_DEFAULT_LOCALE=languages.DEFAULT_LANGUAGE,
        TIME_ZONE="Africa/Casablanca",  # dates and times are shown in it unless a person chooses another
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COURSE")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config.setdefault("CONTENT_AUTO_RELOAD", app.debug)
    app.config["BABEL_DEFAULT_TIMEZONE"] = languages.valid_time_zone(app.config["TIME_ZONE"]) or "UTC"
    app.config.setdefault("COMPRESS_RESPONSES", not app.config["TRUSTED_PROXIES"])

    app.request_class = forms.Request
    app.session_interface = SessionCookies()
    Babel(app, locale_selector=languages.select_language, timezone_selector=languages.select_time_zone)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = None

    store.migrate(store.connection(app.config["DATABASE"]))
    app.extensions["catalog"] = Catalog(app.config["CONTENT_ROOT"], auto_reload=app.config["CONTENT_AUTO_RELOAD"], app=app)
    app.extensions["skeletons"] = Skeletons()

    languages.register(app)
    assets.install(app, Path(__file__).parent / "static")
    _compress_when_asked(app)
    addresses.install(app)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
    templating.install(app)
    errors.register(app)
    from . import admin, auth, certificates, cli, health, learn, trainer

    app.register_blueprint(auth.bp)
    app.register_blueprint(learn.bp)
    app.register_blueprint(learn.media)
    app.register_blueprint(trainer.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(health.bp)
    cli.register(app)
    return app


def _compress_when_asked(app: Flask) -> None:
    """Flask-Compress for the responses of a request that accepts a compressed one, when the app
    serves alone (COMPRESS_RESPONSES; behind a proxy, the proxy compresses). A request without
    Accept-Encoding skips it: its bookkeeping alone was about 50,000 instructions a response."""
    if not app.config["COMPRESS_RESPONSES"]:
        return
    app.config["COMPRESS_REGISTER"] = False
    compress = Compress(app)

    @app.after_request
    def compressed(response):
        return compress.after_request(response) if "HTTP_ACCEPT_ENCODING" in request.environ else response


def _instance_secret(instance: Path) -> str:
    """A secret key kept in the instance folder, made on first start, never a default."""
    path = instance / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
