"""Accounts: the administrators' page and `flask course users …`; a deactivated account cannot sign in
and keeps its records."""

import re

import pytest

from course import store
from tests.helpers import csrf_token, sign_in
from tests.people import PASSWORD, complete_course, db_of, learner_in, make_user, signed_in


@pytest.fixture
def admin(app):
    user_id = make_user(app, "admin@example.org", "Ada Admin", role="admin")
    return user_id, signed_in(app, "admin@example.org")


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/en/admin/users"), **data})


# The administrators' page


def test_only_admins_open_the_accounts_page(app, admin, learner):
    make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    assert signed_in(app, "trainer@example.org").get("/en/admin/users").status_code == 403
    assert learner.get("/en/admin/users").status_code == 403
    html = admin[1].get("/en/admin/users").get_data(as_text=True)
    assert "amina@example.org" in html and "trainer@example.org" in html


def test_an_admin_creates_a_trainer_with_a_generated_password(app, admin):
    response = post(admin[1], "/en/admin/users", name="Nadia <Trainer>", email="Nadia@Example.org", role="trainer", password="")
    html = response.get_data(as_text=True)
    assert response.status_code == 201 and "Nadia &lt;Trainer&gt;" in html
    password = re.search(r'<code class="password">([^<]+)</code>', html).group(1)
    user = store.user_by_email(db_of(app), "nadia@example.org")
    assert user["role"] == "trainer" and len(password) >= 16
    assert sign_in(app.test_client(), "nadia@example.org", password).status_code == 302


def test_account_form_errors(admin):
    response = post(admin[1], "/en/admin/users", name="", email="nope", role="boss", password="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Enter a name", "Enter a valid e-mail address", "Choose a role", "at least 10 characters"):
        assert message in html
    assert post(admin[1], "/en/admin/users", name="Ada", email="admin@example.org", role="learner").status_code == 422


def test_an_admin_changes_a_role(app, admin, learner):
    amina = store.user_by_email(db_of(app), "amina@example.org")["id"]
    assert learner.get("/en/trainer/").status_code == 403
    response = post(admin[1], f"/en/admin/users/{amina}/role", role="trainer")
    assert response.status_code == 303
    assert store.user_by_id(db_of(app), amina)["role"] == "trainer"
    assert learner.get("/en/trainer/").status_code == 200  # the change applies at the next request
    assert post(admin[1], f"/en/admin/users/{amina}/role", role="emperor").status_code == 400


def test_a_deactivated_account_cannot_sign_in_and_keeps_its_records(app, admin):
    user_id, client = learner_in(app, None, "leila@example.org", "Leila")
    complete_course(client, app)
    assert post(admin[1], f"/en/admin/users/{user_id}/active", active="0").status_code == 303
    assert client.get("/en/progress").status_code == 302  # signed out at the next request
    response = sign_in(app.test_client(), "leila@example.org", PASSWORD)
    assert response.status_code == 403 and "deactivated" in response.get_data(as_text=True)
    db = db_of(app)
    assert store.submitted_attempts(db, user_id) and store.visited_pages(db, user_id) and store.certificate_of_user(db, user_id)
    assert post(admin[1], f"/en/admin/users/{user_id}/active", active="1").status_code == 303
    assert sign_in(app.test_client(), "leila@example.org", PASSWORD).status_code == 302


def test_an_admin_cannot_lock_themselves_out(app, admin):
    assert post(admin[1], f"/en/admin/users/{admin[0]}/role", role="learner").status_code == 400
    assert post(admin[1], f"/en/admin/users/{admin[0]}/active", active="0").status_code == 400
    assert store.user_by_id(db_of(app), admin[0])["role"] == "admin"


def test_account_changes_need_the_csrf_token(app, admin, learner):
    amina = store.user_by_email(db_of(app), "amina@example.org")["id"]
    assert admin[1].post(f"/en/admin/users/{amina}/role", data={"role": "admin"}).status_code == 400
    assert store.user_by_id(db_of(app), amina)["role"] == "learner"


# The command line


def test_cli_creates_lists_changes_and_deactivates_accounts(app, runner):
    created = runner.invoke(args=["course", "users", "create", "Omar@Example.org", "--name", "Omar Trainer", "--role", "trainer"])
    assert created.exit_code == 0, created.output
    password = re.search(r"password: (\S+)", created.output).group(1)
    assert sign_in(app.test_client(), "omar@example.org", password).status_code == 302
    again = runner.invoke(args=["course", "users", "create", "omar@example.org", "--name", "Omar"])
    assert again.exit_code == 1 and "already uses" in again.output
    chosen = runner.invoke(args=["course", "users", "create", "sara@example.org", "--name", "Sara", "--password", "a long passphrase"])
    assert chosen.exit_code == 0 and "password" not in chosen.output

    listing = runner.invoke(args=["course", "users", "list", "--role", "trainer"]).output
    assert "omar@example.org" in listing and "sara@example.org" not in listing

    assert runner.invoke(args=["course", "users", "role", "sara@example.org", "admin"]).exit_code == 0
    assert store.user_by_email(db_of(app), "sara@example.org")["role"] == "admin"
    assert runner.invoke(args=["course", "users", "role", "sara@example.org", "king"]).exit_code == 2

    assert runner.invoke(args=["course", "users", "deactivate", "omar@example.org"]).exit_code == 0
    assert "deactivated" in runner.invoke(args=["course", "users", "list"]).output
    assert sign_in(app.test_client(), "omar@example.org", password).status_code == 403
    assert runner.invoke(args=["course", "users", "activate", "omar@example.org"]).exit_code == 0
    assert sign_in(app.test_client(), "omar@example.org", password).status_code == 302

    renamed = runner.invoke(args=["course", "users", "rename", "sara@example.org", "--name", " Sara Bennani "])
    assert renamed.exit_code == 0 and "now named Sara Bennani" in renamed.output
    assert store.user_by_email(db_of(app), "sara@example.org")["name"] == "Sara Bennani"
    assert runner.invoke(args=["course", "users", "rename", "sara@example.org", "--name", " "]).exit_code == 1

    missing = runner.invoke(args=["course", "users", "deactivate", "nobody@example.org"])
    assert missing.exit_code == 1 and "no account" in missing.output


def test_cli_refuses_a_short_password(runner):
    result = runner.invoke(args=["course", "users", "create", "x@example.org", "--name", "X", "--password", "short"])
    assert result.exit_code == 1 and "10 characters" in result.output
