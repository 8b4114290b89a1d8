"""The course behind Debian's nginx, with the project's own configuration (deploy/nginx/, shown in
docs/operations.md), in front of gunicorn started as deploy/systemd/course.service starts it: at
the root of a site and under a sub-path, with the visitor's Host forwarded and without, over
HTTPS. A learner signs up, signs out and in, reads, submits a quiz, opens their certificate,
follows its QR code's address and finds it valid; a forged Host changes no address the site
prints; pages, the stylesheet and SVG images arrive compressed."""

from __future__ import annotations

import re
import socket
import sqlite3
import time

import pytest
import segno

from course.content import load_course
from tests.helpers import quiz_form
from tests.ops.servers import (
    FIXTURE,
    Visitor,
    free_port,
    self_signed_certificate,
    site_configuration,
    start_gunicorn,
    start_nginx,
    token_in,
)

VARIANTS = {
    "root, Host forwarded": ("course.conf", "", True),
    "root, Host not forwarded": ("course.conf", "", False),
    "sub-path, Host forwarded": ("course-subpath.conf", "/course", True),
    "sub-path, Host not forwarded": ("course-subpath.conf", "/course", False),
}
DIAGRAM = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 100">'
           + "".join(f'<rect x="{n * 10}" y="10" width="8" height="80" fill="#1d4e89"/>' for n in range(40)) + "</svg>")
ONE_ROUND_TRIP = 14_000  # bytes: ten TCP segments, what a server may send before the first acknowledgement


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    """The fixture course, with an SVG diagram beside its first module's lessons."""
    import shutil

    root = tmp_path_factory.mktemp("content") / "course"
    shutil.copytree(FIXTURE, root)
    (root / "modules" / "01-sample" / "diagram.svg").write_text(DIAGRAM)
    return root


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
def deployment(request, tmp_path, content):
    """nginx on 127.0.0.1 (HTTPS) in front of gunicorn, configured as docs/operations.md says."""
    config, mount, forward_host = VARIANTS[request.param]
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    public_url = f"https://127.0.0.1:{https_port}{mount}"
    database = tmp_path / "course.db"
    app = start_gunicorn(tmp_path, app_port, {
        "COURSE_DATABASE": str(database), "COURSE_CONTENT_ROOT": str(content),
        "COURSE_PUBLIC_URL": public_url, "COURSE_TRUSTED_PROXIES": "1",
    })
    cert, key = self_signed_certificate(tmp_path)
    nginx = start_nginx(tmp_path, site_configuration(config, https_port, http_port, app_port, cert, key, forward_host), https_port)
    yield {"url": public_url, "mount": mount, "cert": cert, "database": database, "port": https_port, "app": app, "nginx": nginx}
    nginx.stop()
    app.stop()
    assert "Traceback" not in app.output(), app.output()


def test_a_learner_goes_from_sign_up_to_a_verified_certificate(deployment, content):
    url, mount = deployment["url"], deployment["mount"]
    visitor = Visitor(url, cafile=deployment["cert"])

    home = visitor.get("/")
    assert home.status == 302 and home.location().startswith(f"{mount}/")
    signup = visitor.get("/en/signup")
    assert signup.status == 200 and _links_outside(signup.text, mount) == []
    created = visitor.post("/en/signup", {"csrf_token": token_in(signup.text), "name": "Salma Idrissi",
                                          "email": "salma@example.org", "password": "correct horse battery", "join_code": ""})
    assert created.status == 302 and created.location() == f"{mount}/en/", created.text[:500]
    page = visitor.follow(created)
    assert visitor.post(f"{mount}/en/signout", {"csrf_token": token_in(page.text)}).status == 302

    # Signing in is what failed behind a proxy that does not forward Host ("Your form had expired").
    form = visitor.get("/en/signin")
    signed_in = visitor.post("/en/signin", {"csrf_token": token_in(form.text), "email": "salma@example.org",
                                            "password": "correct horse battery"})
    assert signed_in.status == 302 and signed_in.location() == f"{mount}/en/", signed_in.text[:500]
    assert visitor.cookie_paths["session"] == (mount or "/")  # under a sub-path, the session stays with the course

    lesson = visitor.get("/en/modules/01-sample/elements")
    assert lesson.status == 200 and lesson.headers["Content-Encoding"] == "gzip"
    assert lesson.wire_size < ONE_ROUND_TRIP
    assert f'href="{mount}/en/glossary#victim"' in lesson.text  # the glossary link inside the lesson
    assert _links_outside(lesson.text, mount) == []
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', lesson.text).group(1)
    assert re.fullmatch(rf"{mount}/static/[0-9a-f]{{12}}/style\.css", stylesheet)
    css = visitor.get(stylesheet)
    assert css.status == 200 and css.headers["Content-Encoding"] == "gzip" and css.wire_size < len(css.body) / 3
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    diagram = visitor.get(f"{mount}/media/01-sample/diagram.svg")
    assert diagram.status == 200 and diagram.headers["Content-Encoding"] == "gzip" and diagram.text == DIAGRAM

    for page_id in ("01-sample/checklist", "02-reading/sources"):
        assert visitor.get(f"/en/modules/{page_id}").status == 200
    result = _pass_the_quiz(visitor, deployment["database"], content, mount)
    assert result.status == 200 and "100" in result.text

    certificate = visitor.get("/en/certificate")
    assert certificate.status == 200
    verify_url = re.search(r'(https://[^"<\s]+/en/verify/[A-Z2-7]{16})', certificate.text).group(1)
    assert verify_url.startswith(f"{url}/en/verify/")
    assert segno.make(verify_url, error="m").svg_data_uri(scale=4, border=2) in certificate.text  # what the QR code holds

    checker = Visitor(url, cafile=deployment["cert"])  # someone scanning the QR code
    verified = checker.get(verify_url)
    assert verified.status == 200 and "Salma Idrissi" in verified.text

    forged = Visitor(url, cafile=deployment["cert"], host="evil.example")
    forged.cookies = dict(visitor.cookies)
    again = forged.get("/en/certificate")
    assert again.status == 200 and "evil.example" not in again.text and verify_url in again.text
    redirect = forged.get("/")
    assert redirect.status == 302 and "evil.example" not in redirect.location()


def _pass_the_quiz(visitor: Visitor, database, content, mount: str):
    page = visitor.get("/en/quizzes/01-sample")
    assert page.status == 200, page.text[:500]
    attempt_id = int(re.search(r'name="attempt" value="(\d+)"', page.text).group(1))
    with sqlite3.connect(database) as db:
        seed = db.execute("SELECT seed FROM attempts WHERE id = ?", (attempt_id,)).fetchone()[0]
    quiz = load_course(content).quiz("01-sample", "en")
    form = {"csrf_token": token_in(page.text), "attempt": str(attempt_id), **quiz_form(quiz, seed)}
    submitted = visitor.post("/en/quizzes/01-sample", form)
    assert submitted.status == 303 and submitted.location() == f"{mount}/en/quizzes/01-sample/attempts/{attempt_id}", submitted.text[:500]
    return visitor.follow(submitted)


def _links_outside(html: str, mount: str) -> list[str]:
    """Addresses on this site (href, src, action) that do not start with the mount point."""
    addresses = re.findall(r'(?:href|src|action)="(/[^"]*)"', html)
    return [address for address in addresses if mount and not address.startswith(f"{mount}/")]


def test_slow_clients_hold_nginx_not_the_workers(tmp_path):
    """Clients sending half a request header hold gunicorn's two sync workers when they reach
    gunicorn; through nginx, which buffers the request, a learner is answered at once."""
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    app = start_gunicorn(tmp_path, app_port, {"COURSE_DATABASE": str(tmp_path / "c.db"),
                                              "COURSE_PUBLIC_URL": f"https://127.0.0.1:{https_port}", "COURSE_TRUSTED_PROXIES": "1"})
    cert, key = self_signed_certificate(tmp_path)
    nginx = start_nginx(tmp_path, site_configuration("course.conf", https_port, http_port, app_port, cert, key), https_port)
    try:
        assert Visitor(f"https://127.0.0.1:{https_port}", cafile=cert).get("/health").status == 200  # workers warm
        direct = _half_requests(app_port, 2)
        assert _answer_time(f"http://127.0.0.1:{app_port}", timeout=2.0) is None  # both workers held
        for held in direct:
            held.close()
        proxied = _half_requests(https_port, 4, tls=cert)
        answered = _answer_time(f"https://127.0.0.1:{https_port}", timeout=5.0, cafile=cert)
        assert answered is not None and answered < 1.0
        for held in proxied:
            held.close()
    finally:
        nginx.stop()
        app.stop()


def _half_requests(port: int, count: int, tls=None) -> list[socket.socket]:
    import ssl

    held = []
    for _ in range(count):
        raw = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock = ssl.create_default_context(cafile=str(tls)).wrap_socket(raw, server_hostname="127.0.0.1") if tls else raw
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        held.append(sock)
    time.sleep(0.3)
    return held


def _answer_time(base: str, timeout: float, cafile=None) -> float | None:
    """Seconds until /health answers, or None if it did not within timeout."""
    import http.client
    import ssl
    from urllib.parse import urlsplit

    url = urlsplit(base)
    if url.scheme == "https":
        connection = http.client.HTTPSConnection(url.hostname, url.port, timeout=timeout, context=ssl.create_default_context(cafile=str(cafile)))
    else:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    start = time.monotonic()
    try:
        connection.request("GET", "/health")
        connection.getresponse().read()
    except (TimeoutError, OSError):
        return None
    finally:
        connection.close()
    return time.monotonic() - start
