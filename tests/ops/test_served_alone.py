"""gunicorn serving the app alone (no proxy in front, TRUSTED_PROXIES 0): the app compresses pages,
the stylesheet and SVG images itself (Flask-Compress), for a client that asks for gzip only, and
sends them uncompressed to one that asks for nothing."""

import re

from tests.ops.servers import FIXTURE, Visitor, free_port, start_gunicorn

DIAGRAM = '<svg xmlns="http://www.w3.org/2000/svg">' + '<circle cx="5" cy="5" r="4" fill="#1d4e89"/>' * 60 + "</svg>"


def test_the_app_alone_compresses_html_css_and_svg(tmp_path):
    import shutil

    content = tmp_path / "course"
    shutil.copytree(FIXTURE, content)
    (content / "modules" / "01-sample" / "diagram.svg").write_text(DIAGRAM)
    port = free_port()
    server = start_gunicorn(tmp_path, port, {"COURSE_DATABASE": str(tmp_path / "c.db"), "COURSE_CONTENT_ROOT": str(content)})
    try:
        visitor = Visitor(f"http://127.0.0.1:{port}")
        glossary = visitor.get("/en/glossary")
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', glossary.text).group(1)
        for reply in (glossary, visitor.get(stylesheet), visitor.get("/media/01-sample/diagram.svg")):
            assert reply.status == 200 and reply.headers["Content-Encoding"] == "gzip", reply.headers
            assert reply.wire_size < len(reply.body) * 0.6
            assert "Accept-Encoding" in reply.headers["Vary"]
        plain = visitor.get("/en/glossary", **{"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers and plain.text == glossary.text
    finally:
        server.stop()
