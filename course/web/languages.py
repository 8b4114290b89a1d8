"""URLs carry the language (`/<lang>/…`): read once here, remembered for the learner, offered in
every page's language switch."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from .. import store
from ..content import LANGUAGES
from .context import get_course, get_db
from .errors import best_effort

DEFAULT_LANGUAGE = "fr"
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


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


def select_time_zone() -> str | None:
    """The signed-in person's own time zone; None is the site's (TIME_ZONE)."""
    if current_user and current_user.is_authenticated:
        return getattr(current_user, "time_zone", None)
    return None


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """Every IANA time zone name this machine knows, sorted: what a person may choose."""
    from zoneinfo import available_timezones

    return tuple(sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/"))) + ["UTC"])


def valid_time_zone(name: str | None) -> str | None:
    return name if name in time_zones() else None


@lru_cache(maxsize=64)
def direction(lang: str) -> str:
    return Locale.parse(lang).text_direction


def register(app: Flask) -> None:
    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        if values and "lang" in values:
            lang = values.pop("lang")
            if lang not in LANGUAGES:
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
            best_effort(store.set_user_lang, get_db(), user.id, lang)

    @app.context_processor
    def language_context():
        lang = str(get_locale())
        return {
            "lang": lang,
            "dir": direction(lang),
            "direction": direction,
            "languages": LANGUAGES,
            "course_title": get_course().title(lang),
            "switch_url": switch_url,
            "content_problems": content_problems,
        }

    @app.route("/")
    def root():
        return redirect(url_for("learn.home", lang=preferred_language()))


def content_problems() -> list:
    """The content's problems, for trainers (templates call it only for them): a page left out of
    the course because its file is broken says why, as `course check` does."""
    return get_course().problems


def switch_url(code: str) -> str:
    """The address of the page being shown, in another language."""
    build = current_app.jinja_env.globals["url_for"]  # remembers the addresses it built (course/web/templating.py)
    args = dict(request.view_args or {})
    if request.endpoint and current_app.url_map.is_endpoint_expecting(request.endpoint, "lang"):
        return build(request.endpoint, **{**args, "lang": code})
    return build("learn.home", lang=code)
