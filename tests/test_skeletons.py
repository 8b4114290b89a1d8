"""Lesson pages are served from skeletons (course/skeletons.py): each learner must still get exactly
the page rendered whole for them, and nothing of another learner's."""

import re
import shutil

from course import store
from course.web import create_app
from tests.conftest import FIXTURE
from tests.helpers import csrf_token, sign_up
from tests.people import make_user, signed_in

PAGE = "/en/modules/01-sample/elements"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def whole(app, client, url):
    """The page as rendered whole by the templates (as while templates reload in development)."""
    app.jinja_env.auto_reload = True
    try:
        return client.get(url).get_data(as_text=True)
    finally:
        app.jinja_env.auto_reload = False


def without_token(html):
    return TOKEN.sub('name="csrf_token" value=""', html)


def test_a_page_from_its_skeleton_is_the_page_rendered_whole(app):
    make_user(app, "trainer@example.org", "Tariq <Trainer>", role="trainer")
    learner, trainer = app.test_client(), signed_in(app, "trainer@example.org")
    sign_up(learner, name="Amina & \"Co\" Benali")
    learner.get("/en/modules/01-sample/checklist")
    for client in (learner, trainer):
        for lang in ("en", "fr", "ar"):
            for url in (f"/{lang}/modules/01-sample/elements", f"/{lang}/modules/01-sample/checklist", f"/{lang}/modules/02-reading/sources"):
                served = client.get(url).get_data(as_text=True)
                assert without_token(served) == without_token(whole(app, client, url)), url
    assert len(app.extensions["skeletons"]._current[1]) == 2 * 3 * 3  # roles × languages × pages


def test_two_learners_on_one_page_each_get_their_own_name_token_and_marks(app):
    first, second = app.test_client(), app.test_client()
    sign_up(first, name="Amina <Benali>", email="amina@example.org")
    sign_up(second, name="Youssef Alaoui", email="youssef@example.org")
    first.get("/en/modules/01-sample/checklist")  # only the first has read the checklist
    one, two = (client.get(PAGE).get_data(as_text=True) for client in (first, second))
    assert "Signed in as Amina &lt;Benali&gt;" in one and "Youssef" not in one
    assert "Signed in as Youssef Alaoui" in two and "Amina" not in two
    assert one.count('class="visited"') == 2 and two.count('class="visited"') == 1
    assert "(read)" in one and "(read)" not in two  # the page being read is marked, not announced
    # Each token is the learner's own: it signs the learner out, and not the other.
    assert second.post("/en/signout", data={"csrf_token": TOKEN.search(one).group(1)}).status_code == 400
    assert first.post("/en/signout", data={"csrf_token": TOKEN.search(one).group(1)}).status_code == 302
    assert "Signed in as" not in first.get("/en/").get_data(as_text=True)
    assert "Signed in as Youssef Alaoui" in second.get("/en/").get_data(as_text=True)


def test_roles_get_their_own_links(app):
    make_user(app, "trainer@example.org", "Tariq Trainer", role="trainer")
    learner = app.test_client()
    sign_up(learner)
    assert "/en/trainer/" in signed_in(app, "trainer@example.org").get(PAGE).get_data(as_text=True)
    assert "/en/trainer/" not in learner.get(PAGE).get_data(as_text=True)


def test_a_flash_message_is_shown_once_on_the_page(learner):
    with learner.session_transaction() as session:
        session["_flashes"] = [("success", "Something to say")]
    assert '<p class="notice notice-success" role="status">Something to say</p>' in learner.get(PAGE).get_data(as_text=True)
    assert "Something to say" not in learner.get(PAGE).get_data(as_text=True)


def test_the_visit_is_recorded_for_every_page_served(learner, db):
    learner.get(PAGE)
    learner.get(PAGE)
    learner.get("/en/modules/01-sample/checklist")
    user = store.user_by_email(db, "amina@example.org")
    assert store.visited_pages(db, user["id"]) == {"01-sample": {"elements", "checklist"}}
    assert store.pages_read(db, user["id"], "01-sample") == {"elements", "checklist"}


def test_a_content_reload_shows_the_new_content(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    lesson = root / "modules/01-sample/en.md"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / "reload.db"),
                      "CONTENT_ROOT": str(root), "CONTENT_AUTO_RELOAD": True})
    client = app.test_client()
    sign_up(client)
    assert "Trafficking harms" in client.get(PAGE).get_data(as_text=True)
    lesson.write_text(lesson.read_text().replace("Trafficking harms", "Exploitation harms"))
    html = client.get(PAGE).get_data(as_text=True)
    assert "Exploitation harms" in html and "Trafficking harms" not in html
    store.close_connection()


def test_the_language_switch_and_the_token_are_right_in_every_language(learner):
    for lang, direction in (("fr", "ltr"), ("ar", "rtl"), ("en", "ltr")):
        html = learner.get(f"/{lang}/modules/01-sample/elements").get_data(as_text=True)
        assert f'<html lang="{lang}" dir="{direction}">' in html
        assert 'href="/ar/modules/01-sample/elements"' in html and 'href="/fr/modules/01-sample/elements"' in html
        assert "\x00" not in html
    token = csrf_token(learner, PAGE)
    assert learner.post("/en/signout", data={"csrf_token": token}).status_code == 302


def test_a_skeleton_holds_no_token_however_the_template_asks_for_one(app, learner):
    learner.get(PAGE)
    for skeleton in app.extensions["skeletons"]._current[1].values():
        joined = "".join(text + (f"<{slot}>" if slot else "") for text, slot, _ in skeleton.pieces)
        assert TOKEN.findall(joined) == ["<csrf>"]
    assert learner.post("/en/signout", data={"csrf_token": csrf_token(learner, PAGE)}).status_code == 302
