"""Template helpers that give the same results as Flask-Babel's and Flask's, faster.

A page calls `_()` and `url_for()` tens of times, and the dashboard calls `format_percent()`
and words its cells hundreds of times. Profiling the benchmark (bench/profile.py,
docs/performance.md) showed these calls, not the queries, were most of a page's cost: each
`_()` went through several context lookups to find the same translations again (about 13 µs),
each `url_for()` rebuilt the same address (about 9 µs). Here the translations are found once
per request, and addresses, formatted percentages and dates, and fragments of a page, which
depend only on their inputs, are remembered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from babel import numbers
from flask import Flask, g, has_request_context, request
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import format_percent as babel_format_percent
from flask_babel import get_locale, get_timezone, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup

from ..content.pipeline import isolate_numerals, isolate_numerals_plain
from .context import get_course
from .languages import LANGUAGE_NAMES, direction

MAX_URLS = 20_000
MAX_STAMPS = 20_000
MAX_FRAGMENTS = 10_000


def _remember(cache: dict, key, make, limit: int):
    """cache[key], made with make() the first time; the cache starts afresh when it holds limit."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= limit:
            cache.clear()
        found = cache[key] = make()
    return found


def install(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_()` in a template went through three context hops (Jinja's alias, then its newstyle
    # wrapper, then the callable); these do what the wrappers do, in one.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    app.jinja_env.globals["url_for"] = remembered_url_for(app)
    app.jinja_env.globals["format_percent"] = format_percent
    app.jinja_env.globals["remembered"] = remembered_fragments()
    app.jinja_env.filters["when"] = remembered_stamps(lambda moment: f"{babel_format_datetime(moment, 'medium')} ({zone_name()})")
    app.jinja_env.filters["day"] = remembered_stamps(lambda moment: babel_format_date(moment, "long"))
    app.jinja_env.globals.update(language_names=LANGUAGE_NAMES, module_title=module_title, zone_name=zone_name,
                                  language_name=language_name)
    app.jinja_env.filters["numerals"] = numerals
    app.jinja_env.filters["numerals_plain"] = isolate_numerals_plain


def numerals(text) -> Markup:
    """Text from the content that is not Markdown (titles, summaries, terms, answers), escaped,
    with its numbers with separators kept left to right on one line, as the Markdown pipeline
    does (course/content/pipeline.py: NUMERAL). HTML already made is left as it is."""
    if isinstance(text, Markup):
        return text
    return Markup(isolate_numerals(str(text)))  # noqa: S704 (escaped piece by piece)


def language_name(code: str) -> Markup:
    """A language's name in its own language and script, marked as such (العربية in a French page)."""
    name = LANGUAGE_NAMES.get(code, code)
    return Markup('<span lang="%s" dir="%s">%s</span>') % (code, direction(code), name)


def zone_name() -> str:
    """The time zone dates are shown in, named in the page's language ("Morocco Time", "heure : Maroc")."""
    zone = _timezone()
    if str(zone) == "UTC":
        return "UTC"
    return babel_format_datetime(datetime.now(UTC), "VVVV")


def module_title(slug: str) -> str:
    module = get_course().module(slug, str(get_locale()))
    return module.title if module else slug


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext() for Python code in a request, with the translations found once."""
    found = _translations().ugettext(string)
    return found % variables if variables else found


@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables) -> str:
    """Jinja's newstyle gettext: escaped variables in autoescaped templates; always a % format."""
    found = _translations().ugettext(string)
    if eval_ctx.autoescape:
        found = Markup(found)  # noqa: S704 (our own catalogs, as Jinja does; the variables are escaped by %)
    return found % variables


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    found = _translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        found = Markup(found)  # noqa: S704 (our own catalogs, as Jinja does; the variables are escaped by %)
    return found % variables


def _translations():
    """The request's translations, kept where Flask-Babel keeps the request's locale.

    Flask-Babel's force_locale() and refresh() reset `babel_translations` together with the
    locale, so a template rendered under force_locale() still gets the forced language.
    """
    ctx = g.get("_flask_babel")
    if ctx is None:
        return get_translations()
    found = getattr(ctx, "babel_translations", None)
    if found is None:
        found = ctx.babel_translations = get_translations()
    return found


def remembered_url_for(app: Flask):
    """url_for for templates: an address built once per endpoint, values, language and mount point."""
    build = app.url_for
    cache: dict = {}

    def url_for(endpoint: str, **values) -> str:
        if endpoint[:1] == "." or not has_request_context() or any(name[:1] == "_" for name in values):
            return build(endpoint, **values)  # relative, external, anchored: as Flask does it
        key = (endpoint, request.script_root, g.get("lang") or str(get_locale()), tuple(sorted(values.items())))
        try:
            hash(key)
        except TypeError:  # a value that cannot be a key (a list): build it each time
            return build(endpoint, **values)
        return _remember(cache, key, lambda: build(endpoint, **values), MAX_URLS)

    return url_for


def _locale():
    """The request's locale where Flask-Babel keeps it (force_locale() sets it there too), found
    in one lookup instead of get_locale()'s three."""
    found = getattr(g.get("_flask_babel"), "babel_locale", None)
    return found if found is not None else get_locale()


def _timezone():
    """The request's time zone where Flask-Babel keeps it, in one lookup like _locale()."""
    found = getattr(g.get("_flask_babel"), "babel_tzinfo", None)
    return found if found is not None else get_timezone()


def format_percent(number, format: str | None = None) -> str:
    if format is not None or not has_request_context():
        return babel_format_percent(number, format)
    try:
        return _percent(number, str(_locale()))
    except TypeError:
        return babel_format_percent(number, format)


@lru_cache(maxsize=4096)
def _percent(number, locale: str) -> str:
    return numbers.format_percent(number, locale=locale)


def remembered_stamps(format_moment):
    """A filter for stored time stamps (ISO text): each formatted once per language and time zone.

    A dashboard formats a date for each of its learners, about 60 µs each with Babel; the text
    depends only on the stamp, the language and the time zone, so it is remembered under them."""
    cache: dict = {}

    def formatted(stamp) -> str:
        if not stamp:
            return ""
        if not isinstance(stamp, str) or not has_request_context():
            return format_moment(datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp)
        key = (stamp, str(_locale()), str(_timezone()))
        return _remember(cache, key, lambda: format_moment(datetime.fromisoformat(stamp)), MAX_STAMPS)

    return formatted


def remembered_fragments():
    """`{% call remembered(key…) %}…{% endcall %}`: the fragment rendered once per key, language,
    time zone and mount point, then reused.

    For parts of a page that are a pure function of what they show, such as a learner's row on
    a cohort dashboard: the key must hold everything the fragment shows (the row itself, which
    compares by value), so a change in it is a new key, never a stale row. Each worker keeps up
    to MAX_FRAGMENTS of them."""
    cache: dict = {}

    def remembered(*key, caller):
        if not has_request_context():
            return caller()
        return _remember(cache, (str(_locale()), str(_timezone()), request.script_root, *key), caller, MAX_FRAGMENTS)

    return remembered
