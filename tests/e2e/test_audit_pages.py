"""Every kind of page, in French, Arabic and English, signed out, as a learner, a trainer and an
admin, in a real headless Chromium: no serious or critical axe-core violation, no sideways
scrolling at 360 px and 1280 px, Arabic laid out right to left. Screenshots of each go to
artifacts/screenshots/<role>/ for CI to keep."""

import pytest

from course.content import LANGUAGES, load_course
from tests.e2e.conftest import SCREENSHOTS, axe_violations, sideways_overflow
from tests.e2e.site import PAGES, REAL_COURSE

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
CASES = [(role, entry, lang) for role, entries in PAGES.items() for entry in entries for lang in LANGUAGES]


def open_page(tab, base: str, url: str, entry) -> int:
    response = tab.goto(base + url)
    if entry.submit:
        with tab.expect_navigation() as navigation:
            tab.click(f"{entry.submit} button[type=submit]")
        response = navigation.value
    tab.wait_for_load_state()
    return response.status


def check_direction(tab, lang: str) -> None:
    expected = "rtl" if lang == "ar" else "ltr"
    assert tab.get_attribute("html", "lang") == lang
    assert tab.get_attribute("html", "dir") == expected
    assert tab.evaluate("getComputedStyle(document.querySelector('main')).direction") == expected
    # Laid out, not only declared: the site name starts the header bar on the reading side.
    brand, bar = tab.locator(".site-header .brand").bounding_box(), tab.locator(".site-bar").bounding_box()
    if expected == "rtl":
        assert brand["x"] + brand["width"] > bar["x"] + bar["width"] - 40, f"RTL header starts at the left: {brand} in {bar}"
    else:
        assert brand["x"] < bar["x"] + 40, f"LTR header starts at the right: {brand} in {bar}"


@pytest.mark.parametrize(("role", "entry", "lang"), CASES, ids=[f"{r}-{e.name}-{lang}" for r, e, lang in CASES])
def test_page_is_accessible_fits_and_reads_in_its_direction(role_pages, site, role, entry, lang):
    app, base, values = site
    tab = role_pages[role]
    url = entry.url.format(lang=lang, **values)
    tab.set_viewport_size({"width": WIDTHS[0], "height": 900})
    status = open_page(tab, base, url, entry)
    assert status == entry.status, f"{url}: HTTP {status}"
    problems = axe_violations(tab)
    folder = SCREENSHOTS / role
    folder.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:  # the same page, narrowed: the layout must reflow, not scroll
        tab.set_viewport_size({"width": width, "height": 900})
        check_direction(tab, lang)
        overflow = sideways_overflow(tab)
        if overflow:
            problems.append(f"scrolls sideways at {width}px: {overflow}")
        tab.screenshot(path=str(folder / f"{entry.name}-{lang}-{width}.png"), full_page=True)
    assert not problems, f"{url}:\n" + "\n".join(problems)


COURSE = load_course(REAL_COURSE)
MODULES = [(slug, lang) for slug in COURSE.slugs for lang in LANGUAGES if COURSE.module(slug, lang)]


@pytest.mark.parametrize(("slug", "lang"), MODULES, ids=[f"{slug}-{lang}" for slug, lang in MODULES])
def test_every_lesson_page_is_accessible_and_fits_a_phone(role_pages, site, slug, lang):
    """All the course's pages, not one of each kind: what the content writers wrote is audited too."""
    _, base, _ = site
    tab = role_pages["learner"]
    module = COURSE.module(slug, lang)
    urls = [f"/{lang}/modules/{slug}/{page.id}" for page in module.pages]
    if module.job_aid:
        urls.append(f"/{lang}/job-aids/{slug}")
    if COURSE.quiz(slug, lang):
        urls.append(f"/{lang}/quizzes/{slug}")
    problems = []
    for url in urls:
        tab.set_viewport_size({"width": 1280, "height": 900})
        assert tab.goto(base + url).status == 200, url
        problems += [f"{url}: {v}" for v in axe_violations(tab)]
        tab.set_viewport_size({"width": 360, "height": 800})
        overflow = sideways_overflow(tab)
        if overflow:
            problems.append(f"{url}: scrolls sideways at 360px: {overflow}")
    assert not problems, "\n".join(problems)
