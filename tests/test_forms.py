"""The app's reader of urlencoded forms gives what Werkzeug's would, and keeps its limits."""

from __future__ import annotations

import os
from io import BytesIO
from urllib.parse import parse_qsl

import pytest
from flask import request, url_for
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from course.web.forms import parse_urlencoded
from course.web.learn import _result_address

# Bodies made of what a form's encoding is built from: separators, escapes (good and broken), plus
# signs, letters and the odd character a browser would have escaped.
PIECES = st.sampled_from(["&", "=", "+", "%", "%2", "%41", "%e2%80%99", "%C3%A9", "%zz", "%FF", "a", "q-3", "é", "ع", " ", ";"])
BODIES = st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=80)


@settings(derandomize=bool(os.environ.get("CI")), max_examples=300)
@given(BODIES)
def test_fields_are_those_the_standard_library_reads(body):
    assert parse_urlencoded(body) == parse_qsl(body, keep_blank_values=True, errors="werkzeug.url_quote")


def _werkzeug_form(body: bytes) -> MultiDict:
    parser = FormDataParser(cls=MultiDict)
    return parser.parse(BytesIO(body), "application/x-www-form-urlencoded", len(body))[1]


@pytest.mark.parametrize("body", [
    b"csrf_token=abc&attempt=12&q-a=1&q-a=2&q-b-0=3",
    b"name=Ana+Mar%C3%ADa&empty=&novalue&&last=%zz",
    b"text=%D8%B9%D8%B1%D8%A8%D9%8A",
    b"broken=\xff\xfe",  # not UTF-8: Werkzeug gives an empty form, and so does the app
])
def test_a_posted_form_reads_as_werkzeug_reads_it(app, body):
    with app.test_request_context("/", method="POST", data=body, content_type="application/x-www-form-urlencoded"):
        assert list(request.form.items(multi=True)) == list(_werkzeug_form(body).items(multi=True))
        assert not request.files


def test_a_body_past_the_size_limit_is_refused(app):
    body = b"a=" + b"x" * app.config["MAX_CONTENT_LENGTH"]
    posted = app.test_request_context("/", method="POST", data=body, content_type="application/x-www-form-urlencoded")
    with posted, pytest.raises(RequestEntityTooLarge):
        request.form  # noqa: B018 (reading it is the test)


def test_other_kinds_of_body_go_to_werkzeug(app):
    with app.test_request_context("/", method="POST", data={"name": "Ana", "note": "x"}, content_type="multipart/form-data"):
        assert request.form.to_dict() == {"name": "Ana", "note": "x"}


def test_a_result_address_is_the_one_url_for_builds(app):
    with app.test_request_context("/fr/"):
        for attempt_id in (0, 7, 10, 12345678901):
            assert _result_address("01-sample", attempt_id) == url_for("learn.attempt", lang="fr", slug="01-sample", attempt_id=attempt_id)
