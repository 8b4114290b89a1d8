"""course/templating.py: the faster template helpers give what Flask-Babel's and Flask's give."""

from flask import render_template_string, url_for
from flask_babel import force_locale
from flask_babel import format_percent as babel_format_percent


def render(app, path: str, source: str, **context) -> str:
    with app.test_request_context(path):
        app.preprocess_request()
        return render_template_string(source, **context)


def test_gettext_translates_in_the_requests_language_and_escapes_variables(app):
    assert render(app, "/fr/", "{{ _('Course') }}") == "Cours"
    assert render(app, "/ar/", "{{ _('Course') }}") == "الدورة"
    assert render(app, "/en/", "{{ _('Signed in as %(name)s', name=name) }}", name="<b>x</b>") == "Signed in as &lt;b&gt;x&lt;/b&gt;"


def test_ngettext_chooses_the_plural_and_fills_num(app):
    source = "{{ ngettext('%(num)d question.', '%(num)d questions.', n) }}"
    assert render(app, "/en/", source, n=1) == "1 question."
    assert render(app, "/en/", source, n=3) == "3 questions."


def test_force_locale_still_changes_the_language_of_a_template(app):
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        assert render_template_string("{{ _('Course') }}") == "Cours"
        with force_locale("en"):
            assert render_template_string("{{ _('Course') }}") == "Course"
        assert render_template_string("{{ _('Course') }}") == "Cours"


def test_remembered_addresses_are_the_ones_flask_builds(app):
    with app.test_request_context("/ar/"):
        app.preprocess_request()
        for endpoint, values in [("learn.home", {}), ("learn.page", {"slug": "01-sample", "page_id": "elements"}),
                                 ("learn.home", {"lang": "fr"}), ("learn.glossary", {"q": "x y"})]:
            expected = url_for(endpoint, **values)
            for _ in range(2):
                assert render_template_string("{{ url_for(e, **v) }}", e=endpoint, v=values) == expected
        assert render_template_string("{{ url_for('learn.home', _external=True) }}") == "http://localhost/ar/"
    with app.test_request_context("/en/"):
        app.preprocess_request()
        assert render_template_string("{{ url_for('learn.home') }}") == "/en/"


def test_a_mount_point_is_part_of_the_remembered_address(app):
    with app.test_request_context("/en/", environ_overrides={"SCRIPT_NAME": "/course"}):
        app.preprocess_request()
        assert render_template_string("{{ url_for('learn.home') }}") == "/course/en/"


def test_percentages_are_formatted_for_the_language(app):
    for path in ("/fr/", "/ar/", "/en/"):
        with app.test_request_context(path):
            app.preprocess_request()
            assert render_template_string("{{ format_percent(0.57) }}") == babel_format_percent(0.57)


def test_remembered_dates_are_the_ones_flask_babel_formats(app):
    from datetime import UTC, datetime

    from flask_babel import format_date, format_datetime

    stamp = "2026-03-04T05:06:07+00:00"

    def when(moment):  # Flask-Babel's date and time, then the time zone it is in, named (the site's: TIME_ZONE)
        return f"{format_datetime(moment, 'medium')} ({format_datetime(datetime.now(UTC), 'VVVV')})"

    for path in ("/fr/", "/ar/", "/en/"):
        with app.test_request_context(path):
            app.preprocess_request()
            for _ in range(2):
                assert render_template_string("{{ s|when }}", s=stamp) == when(datetime.fromisoformat(stamp))
                assert render_template_string("{{ s|day }}", s=stamp) == format_date(datetime.fromisoformat(stamp), "long")
            with force_locale("ar" if path != "/ar/" else "fr"):
                assert render_template_string("{{ s|when }}", s=stamp) == when(datetime.fromisoformat(stamp))
            assert render_template_string("{{ s|when }}", s="") == ""


def test_gettext_in_python_is_flask_babels(app):
    from flask_babel import gettext as babel_gettext

    from course.web.templating import gettext

    for path in ("/fr/", "/ar/", "/en/"):
        with app.test_request_context(path):
            app.preprocess_request()
            assert gettext("Course") == babel_gettext("Course")
            assert gettext("%(read)d of %(total)d pages", read=2, total=5) == babel_gettext("%(read)d of %(total)d pages", read=2, total=5)
            with force_locale("ar" if path != "/ar/" else "fr"):
                assert gettext("Course") == babel_gettext("Course")


def test_a_remembered_fragment_is_rendered_once_per_key_and_language(app):
    source = "{% call remembered('k', key) %}{{ _('Course') }} {{ value }}{% endcall %}"
    with app.test_request_context("/en/"):
        app.preprocess_request()
        assert render_template_string(source, key=1, value="<a>") == "Course &lt;a&gt;"
        assert render_template_string(source, key=1, value="other") == "Course &lt;a&gt;"  # same key: the first rendering
        assert render_template_string(source, key=2, value="other") == "Course other"
    with app.test_request_context("/fr/"):
        app.preprocess_request()
        assert render_template_string(source, key=1, value="<a>") == "Cours &lt;a&gt;"
