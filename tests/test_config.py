"""Start-up: the secret key, the schema, and re-rendering content that changed."""

import shutil
import time
from pathlib import Path

import pytest
from itsdangerous import BadSignature

from course import store
from course.web import create_app

FIXTURE = Path(__file__).parent / "fixtures" / "course"


def test_a_secret_key_is_generated_into_the_instance_folder_and_kept(tmp_path):
    config = {"TESTING": True, "DATABASE": str(tmp_path / "a.db"), "CONTENT_ROOT": str(FIXTURE)}
    app = create_app(config)
    key_file = Path(app.instance_path) / "secret_key"
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(app.config["SECRET_KEY"]) == 64 and key_file.stat().st_mode & 0o077 == 0
    assert create_app(config).config["SECRET_KEY"] == app.config["SECRET_KEY"]
    store.close_connection()


def test_the_database_defaults_to_the_instance_folder():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_ROOT": str(FIXTURE)})
    assert app.config["DATABASE"] == str(Path(app.instance_path) / "course.db")
    store.close_connection()


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATABASE", str(tmp_path / "env.db"))
    monkeypatch.setenv("COURSE_SIGNIN_FAILURE_LIMIT", "3")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_ROOT": str(FIXTURE)})
    assert app.config["DATABASE"] == str(tmp_path / "env.db") and app.config["SIGNIN_FAILURE_LIMIT"] == 3
    assert (tmp_path / "env.db").exists()
    store.close_connection()


def test_content_is_rendered_once_unless_reload_is_on(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    lesson = root / "modules/01-sample/en.md"
    for auto_reload, expected in ((False, "Trafficking harms"), (True, "Exploitation harms")):
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / f"{auto_reload}.db"),
                          "CONTENT_ROOT": str(root), "CONTENT_AUTO_RELOAD": auto_reload})
        catalog = app.extensions["catalog"]
        first = catalog.course
        lesson.write_text(lesson.read_text().replace("Trafficking harms", "Exploitation harms"))
        assert expected in catalog.course.modules["01-sample"]["en"].pages[0].html
        assert (catalog.course is first) is not auto_reload
        lesson.write_text(lesson.read_text().replace("Exploitation harms", "Trafficking harms"))
        store.close_connection()


def test_the_loaded_course_is_left_out_of_collections_and_a_replaced_one_is_freed(tmp_path):
    import gc
    import weakref

    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / "gc.db"),
                      "CONTENT_ROOT": str(root), "CONTENT_AUTO_RELOAD": True})
    catalog = app.extensions["catalog"]
    gc.unfreeze()
    first = weakref.ref(catalog.course)
    assert gc.get_freeze_count() > 0
    lesson = root / "modules/01-sample/en.md"
    lesson.write_text(lesson.read_text().replace("Trafficking harms", "Exploitation harms"))
    assert "Exploitation harms" in catalog.course.modules["01-sample"]["en"].pages[0].html
    gc.collect()
    assert first() is None
    store.close_connection()


def test_sessions_signed_with_a_new_key_are_checked_with_it(tmp_path):
    """The session's signing serializer is kept between requests (course.SessionCookies), but
    never outlives the keys it was made with."""
    app = create_app({"TESTING": True, "SECRET_KEY": "first", "DATABASE": str(tmp_path / "k.db"), "CONTENT_ROOT": str(FIXTURE)})
    signer = app.session_interface.get_signing_serializer(app)
    assert app.session_interface.get_signing_serializer(app) is signer
    cookie = signer.dumps({"lang": "ar"})
    app.secret_key = "second"
    with pytest.raises(BadSignature):
        app.session_interface.get_signing_serializer(app).loads(cookie)
    app.config["SECRET_KEY_FALLBACKS"] = ["first"]
    assert app.session_interface.get_signing_serializer(app).loads(cookie) == {"lang": "ar"}
    store.close_connection()


def _open(app, cookie: str):
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}) as ctx:
        return app.session_interface.open_session(app, ctx.request)


def test_a_remembered_session_cookie_is_still_checked(tmp_path, monkeypatch):
    """A session cookie's signature is checked once and remembered (course.SessionCookies), but its
    age is checked at every request, a change of key forgets it, and each request gets its own copy."""
    app = create_app({"TESTING": True, "SECRET_KEY": "first", "DATABASE": str(tmp_path / "s.db"), "CONTENT_ROOT": str(FIXTURE)})
    cookie = app.session_interface.get_signing_serializer(app).dumps({"_user_id": "7", "lang": "ar"})
    first = _open(app, cookie)
    assert dict(first) == {"_user_id": "7", "lang": "ar"}
    assert cookie in app.session_interface._opened
    first["lang"] = "en"
    assert dict(_open(app, cookie)) == {"_user_id": "7", "lang": "ar"}

    assert dict(_open(app, cookie[:-2] + "xx")) == {}
    assert len(app.session_interface._opened) == 1

    lifetime = app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert dict(_open(app, cookie)) == {}
    monkeypatch.undo()
    assert dict(_open(app, cookie)) == {"_user_id": "7", "lang": "ar"}

    app.secret_key = "second"
    assert dict(_open(app, cookie)) == {}
    store.close_connection()


def test_sessions_holding_lists_are_not_remembered(tmp_path):
    """A flashed message is a list in the session, changed in place: such a session is decoded afresh."""
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE": str(tmp_path / "f.db"), "CONTENT_ROOT": str(FIXTURE)})
    cookie = app.session_interface.get_signing_serializer(app).dumps({"_flashes": [("info", "Saved")]})
    opened = _open(app, cookie)
    opened["_flashes"].append(("info", "Again"))
    assert cookie not in app.session_interface._opened
    assert _open(app, cookie)["_flashes"] == [("info", "Saved")]
    store.close_connection()
