"""Deployment settings, in process: the site's address (PUBLIC_URL, TRUSTED_HOSTS, TRUSTED_PROXIES),
the mount point on every page, static files' addresses and caching, compression and page weight,
private files, the health address. tests/ops/ runs the same behind real nginx and gunicorn."""

from __future__ import annotations

import gzip
import io
import re
import stat
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader

from course import store
from course.web import create_app
from course.web.addresses import ConfigurationError, absolute_url
from tests.e2e.site import ACCOUNTS, PAGES, PASSWORD, make_app, populate
from tests.helpers import sign_in, sign_up
from tests.people import complete_course, db_of

FIXTURE = Path(__file__).parent / "fixtures" / "course"
ONE_ROUND_TRIP = 14_000  # bytes: ten TCP segments, what a server sends before the first acknowledgement


def new_app(tmp_path, **settings):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path / "d.db"), "CONTENT_ROOT": str(FIXTURE), **settings})


@pytest.fixture
def graduate(app):
    client = app.test_client()
    sign_up(client, email="salma@example.org", name="Salma Idrissi")
    complete_course(client, app)
    return client


# The site's address


def test_a_forged_host_changes_no_address_on_the_certificate_its_qr_code_or_its_pdf(app, graduate):
    app.config["PUBLIC_URL"] = "https://course.example.org"
    code = store.certificate_of_user(db_of(app), store.user_by_email(db_of(app), "salma@example.org")["id"])
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http",
              "Cookie": f"session={graduate.get_cookie('session').value}"}  # the holder's own session, sent to the forged name
    holder = app.test_client(use_cookies=False)  # sends the Cookie header as given, whatever the host
    html = holder.get("/en/certificate", headers=forged).get_data(as_text=True)
    verify = f"https://course.example.org/en/verify/{code['code']}"
    assert verify in html and "evil.example" not in html
    assert segno.make(verify, error="m").svg_data_uri(scale=4, border=2) in html
    pdf = PdfReader(io.BytesIO(holder.get("/en/certificate.pdf", headers=forged).data))
    assert verify in pdf.pages[0].extract_text().replace("\n", "")
    redirect = holder.get("/", headers=forged)
    assert redirect.status_code == 302 and redirect.headers["Location"] == "/en/"


def test_without_a_public_url_the_site_answers_only_to_local_names_or_its_trusted_hosts(tmp_path):
    local = new_app(tmp_path).test_client()
    assert local.get("/en/", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    assert local.get("/en/", headers={"Host": "localhost"}).status_code == 200
    refused = local.get("/en/", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and b"PUBLIC_URL" in refused.data
    trusted = new_app(tmp_path, TRUSTED_HOSTS=["course.example.org"]).test_client()
    assert trusted.get("/en/", headers={"Host": "course.example.org"}).status_code == 200
    forged = trusted.get("/en/", headers={"Host": "evil.example"})
    assert forged.status_code == 400 and b"evil.example" not in forged.data


def test_behind_a_proxy_the_public_address_must_be_set(tmp_path):
    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        new_app(tmp_path, TRUSTED_PROXIES=1)
    with pytest.raises(ConfigurationError, match="PUBLIC_URL must be"):
        new_app(tmp_path, PUBLIC_URL="course.example.org")


def test_forwarded_headers_count_only_from_trusted_proxies(tmp_path):
    headers = {"X-Forwarded-Prefix": "/course", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "course.example.org"}
    alone = new_app(tmp_path).test_client()
    assert 'href="/en/glossary"' in alone.get("/en/", headers=headers).get_data(as_text=True)
    behind = new_app(tmp_path, TRUSTED_PROXIES=1, TRUSTED_HOSTS=["course.example.org"]).test_client()
    page = behind.get("/en/", headers=headers).get_data(as_text=True)
    assert 'href="/course/en/glossary"' in page
    assert behind.get("/", headers=headers).headers["Location"] == "/course/en/"


def test_absolute_addresses_come_from_the_public_url_outside_a_request_too(app):
    app.config["PUBLIC_URL"] = "https://www.example.org/course/"
    with app.app_context():
        assert absolute_url("certificates.verify", lang="ar", code="ABCD") == "https://www.example.org/course/ar/verify/ABCD"
    with app.test_request_context("/en/", environ_overrides={"SCRIPT_NAME": "/course"}, headers={"Host": "evil.example"}):
        app.preprocess_request()
        assert absolute_url("learn.glossary") == "https://www.example.org/course/en/glossary"


def test_every_address_of_every_page_is_under_the_mount_point(tmp_path):
    """Every page of the audit table, for each role, served under /course: each link, form,
    stylesheet and image of the site starts with /course, the lessons' glossary links included."""
    app = make_app(tmp_path / "site.db")
    values = populate(app)
    mount = {"SCRIPT_NAME": "/course"}
    outside = []
    for role, entries in PAGES.items():
        client = app.test_client()
        if role != "visitor":
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/en/signin", environ_overrides=mount).get_data(as_text=True))
            signed = client.post("/en/signin", data={"csrf_token": token.group(1), "email": ACCOUNTS[role][0], "password": PASSWORD},
                                 environ_overrides=mount)
            assert signed.headers["Location"] == "/course/en/"
        for entry in entries:
            for lang in ("fr", "ar"):
                html = client.get(entry.url.format(lang=lang, **values), environ_overrides=mount).get_data(as_text=True)
                outside += [(role, entry.name, address) for address in re.findall(r'(?:href|src|action)="(/[^"]*)"', html)
                            if not address.startswith("/course/")]
    assert outside == []
    lesson = app.test_client()
    sign_in(lesson, ACCOUNTS["learner"][0], PASSWORD)
    glossary_links = [re.findall(r'href="([^"]*/glossary#[^"]*)"', lesson.get(f"/fr/modules/{slug}/{page.id}", environ_overrides=mount)
                                 .get_data(as_text=True)) for slug in app.extensions["catalog"].course.slugs
                      for page in app.extensions["catalog"].course.module(slug, "fr").pages]
    found = [link for links in glossary_links for link in links]
    assert len(found) >= 20 and all(link.startswith("/course/fr/glossary#") for link in found)
    store.close_connection()


# Static files, compression, weight


def test_static_files_have_content_hashed_addresses_cached_for_a_year(tmp_path, client):
    page = client.get("/en/").get_data(as_text=True)
    for asset in re.findall(r'href="(/static/[^"]+)"', page):
        assert re.fullmatch(r"/static/[0-9a-f]{12}/(style\.css|favicon\.svg)", asset)
        response = client.get(asset)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=31536000, immutable"

    from flask import Flask, url_for

    from course.web import assets

    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "style.css").write_text("body { color: black; }")
    site = Flask("site", static_folder=None)
    assets.install(site, folder)
    visitor = site.test_client()
    with site.test_request_context():
        first = url_for("static", filename="style.css")
    (folder / "style.css").write_text("body { color: navy; }")
    with site.test_request_context():
        second = url_for("static", filename="style.css")
    assert first != second and visitor.get(second).data == b"body { color: navy; }"
    stale = visitor.get(first)  # a page made before the change: sent to the file as it is, never old bytes under a new name
    assert stale.status_code == 302 and stale.headers["Location"] == second and stale.headers["Cache-Control"] == "no-cache"
    assert visitor.get(second.replace("style.css", "../../app.py")).status_code == 404


def test_the_app_alone_compresses_pages_css_and_svg_and_pages_fit_in_one_round_trip(tmp_path):
    app = make_app(tmp_path / "site.db")
    values = populate(app)
    for role in ("visitor", "learner"):
        client = app.test_client()
        if role != "visitor":
            sign_in(client, ACCOUNTS[role][0], PASSWORD)
        for lang in ("fr", "ar", "en"):
            for entry in PAGES[role]:
                response = client.get(entry.url.format(lang=lang, **values), headers={"Accept-Encoding": "gzip"})
                if response.status_code != 200:
                    continue
                assert response.headers["Content-Encoding"] == "gzip", (role, lang, entry.name)
                assert len(response.data) < ONE_ROUND_TRIP, (role, lang, entry.name, len(gzip.decompress(response.data)))
    page = app.test_client().get("/en/").get_data(as_text=True)
    for asset in re.findall(r'href="(/static/[^"]+\.(?:css|svg))"', page):
        response = app.test_client().get(asset, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("Content-Encoding") == "gzip" or len(response.data) < 500, asset
    store.close_connection()


# Private files


def test_the_database_its_log_and_backups_are_readable_by_their_owner_only(tmp_path, runner, app, client):
    sign_up(client)
    database = Path(app.config["DATABASE"])
    for name in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        assert stat.S_IMODE(name.stat().st_mode) == 0o600, name
    result = runner.invoke(args=["course", "backup", str(tmp_path / "backups" / "monday.db")])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "backups" / "monday.db").stat().st_mode) == 0o600


def test_an_existing_world_readable_database_is_made_private_at_start(tmp_path):
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    database.chmod(0o644)
    new_app(tmp_path, DATABASE=str(database))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    store.close_connection()


# Health


def test_the_health_address_says_what_is_wrong_and_nothing_else(app, client):
    sign_up(client)
    healthy = client.get("/health")
    assert healthy.status_code == 200 and healthy.headers["Cache-Control"] == "no-store"
    assert healthy.get_json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "content": "ok", "storage": "ok"}}
    assert not any(secret in healthy.get_data(as_text=True) for secret in ("amina", "@", "/", "db", "0007"))
    db = db_of(app)
    db.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (store.migration_names()[-1],))
    pending = client.get("/health")
    assert pending.status_code == 503 and pending.get_json()["checks"]["migrations"] == "pending"


# The guide shows the files the tests run


@pytest.mark.parametrize("path", ["nginx/course.conf", "nginx/course-subpath.conf", "nginx/proxy.conf",
                                  "systemd/course.service", "systemd/litestream.service", "litestream.yml"])
def test_the_operations_guide_shows_each_deploy_file_as_it_is(path):
    guide = (Path(__file__).parents[1] / "docs" / "operations.md").read_text()
    text = (Path(__file__).parents[1] / "deploy" / path).read_text()
    assert f"\n{text}```" in guide, f"docs/operations.md does not show deploy/{path} as it is"
