"""One page of each module of the real course, in Arabic, in a real browser: laid out right to left."""

from pathlib import Path

import pytest

from course import store
from course.web import create_app
from tests.helpers import sign_up

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots" / "course"
MODULES = ["00-introduction", "01-legal-framework", "02-identification", "03-protection", "04-consular-role"]


@pytest.fixture
def app(tmp_path):
    """The app on the shipped course instead of the test fixture course."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(tmp_path / "course.db"), "CONTENT_ROOT": str(ROOT)})
    yield app
    store.close_connection()


def test_a_page_of_each_module_in_arabic_reads_right_to_left(app, live_server, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_up(app.test_client())  # an account for the browser to sign in with
    page.goto(f"{live_server}/ar/signin")
    page.fill("#email", "amina@example.org")
    page.fill("#password", "correct horse battery")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server}/ar/")
    course = app.extensions["catalog"].course
    for slug in MODULES:
        module = course.modules[slug]["ar"]
        target = module.pages[1] if len(module.pages) > 1 else module.pages[0]
        page.goto(f"{live_server}/ar/modules/{slug}/{target.id}")
        page.screenshot(path=str(SHOTS / f"{slug}-ar.png"), full_page=True)
        assert page.locator("html").get_attribute("dir") == "rtl"
        article = page.locator("article.lesson")
        assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
        box = article.bounding_box()
        heading = page.locator("article.lesson h1").bounding_box()
        # The title starts at the right edge of the text column and the contents sit to its left.
        assert abs((heading["x"] + heading["width"]) - (box["x"] + box["width"])) < 2, slug
        assert page.locator("nav.toc").bounding_box()["x"] < box["x"], slug
        first_paragraph = page.locator("article.lesson p:not(.page-count)").first
        line_end = first_paragraph.evaluate(
            # A bidi line is cut into several boxes: take the rightmost box of the first line.
            """p => { const r = document.createRange(); r.selectNodeContents(p);
                     const boxes = [...r.getClientRects()]; const top = boxes[0].top;
                     return Math.max(...boxes.filter(b => Math.abs(b.top - top) < 3).map(b => b.right)); }"""
        )
        assert abs(line_end - (box["x"] + box["width"])) < 4, slug
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_each_job_aid_prints_on_one_sheet_in_every_language(app, live_server, page):
    sign_up(app.test_client())
    page.goto(f"{live_server}/en/signin")
    page.fill("#email", "amina@example.org")
    page.fill("#password", "correct horse battery")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server}/en/")
    for slug in MODULES[1:]:
        for lang in ("fr", "ar", "en"):
            page.goto(f"{live_server}/{lang}/job-aids/{slug}")
            page.emulate_media(media="print")
            assert page.locator(".site-header").is_hidden()
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
            assert pages == 1, (slug, lang, pages)
            page.emulate_media(media="screen")
