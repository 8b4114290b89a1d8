"""Numbers with separators in right-to-left text, as Chromium draws them: the law and article
numbers (27-14, 448-1), year ranges (2023-2030), bracketed references ((6-3)) and the hotline
(0800 00 47 47) of the Arabic course must read left to right and stay on one line, in lessons,
quizzes, job aids (on screen and printed), the glossary and the module pages.

Positions are measured per character with Range.getClientRects(), not read from the HTML: the
Unicode bidi algorithm lays "27-14" out as "14-27" after Arabic letters, which the DOM never shows."""

import io
import re

import pytest

from course.content import load_course
from tests.e2e.site import REAL_COURSE

pytestmark = pytest.mark.browser

# The test's own idea of a number with separators, written apart from the engine's.
NUMBER = r"[0-9]+(?:[-‐‑–/.:][0-9]+)+|[0-9]{2,4}(?: [0-9]{2,3})+(?![0-9])"

MISDRAWN = """(pattern) => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const re = new RegExp(pattern, 'g');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const bad = [];
    let checked = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.data;
        for (const match of text.matchAll(re)) {
            const boxes = [];
            for (let i = match.index; i < match.index + match[0].length; i++) {
                if (/\\s/.test(text[i])) continue;
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const rects = [...range.getClientRects()].filter(r => r.width > 0);
                if (!rects.length) { boxes.length = 0; break; }  // not drawn (a closed select's option)
                boxes.push(rects[0]);
            }
            if (boxes.length < 2) continue;
            checked++;
            const inOrder = boxes.every((box, k) => k === 0 || box.left > boxes[k - 1].left);
            const oneLine = boxes.every(box => Math.abs(box.top - boxes[0].top) < 3);
            if (!inOrder || !oneLine) {
                const context = text.slice(Math.max(0, match.index - 25), match.index + match[0].length + 5).trim();
                bad.push(`${match[0]} ${inOrder ? 'cut across lines' : 'drawn out of order'} in “${context}”`);
            }
        }
    }
    return {checked, bad};
}"""


def arabic_urls() -> list[str]:
    course = load_course(REAL_COURSE)
    urls = ["/ar/", "/ar/glossary"]
    for slug in course.slugs:
        module = course.modules[slug]["ar"]
        urls.append(f"/ar/modules/{slug}/")
        urls += [f"/ar/modules/{slug}/{page.id}" for page in module.pages]
        if module.job_aid:
            urls.append(f"/ar/job-aids/{slug}")
        if slug in course.quizzes:
            urls.append(f"/ar/quizzes/{slug}")
    return urls


def misdrawn(tab) -> tuple[int, list[str]]:
    found = tab.evaluate(MISDRAWN, NUMBER)
    return found["checked"], found["bad"]


@pytest.mark.parametrize("width", [1280, 360])
def test_numbers_in_arabic_pages_are_drawn_left_to_right_on_one_line(role_pages, site, width):
    _, base, values = site
    tab = role_pages["learner"]
    tab.set_viewport_size({"width": width, "height": 900})
    problems, checked = [], 0
    urls = [*arabic_urls(), f"/ar/quizzes/{values['module']}/attempts/{values['attempt']}", "/ar/progress", "/ar/certificate"]
    for url in urls:
        assert tab.goto(base + url).status == 200, url
        count, bad = misdrawn(tab)
        checked += count
        problems += [f"{url}: {b}" for b in bad]
    tab.set_viewport_size({"width": 1280, "height": 900})
    assert checked > 150, f"only {checked} numbers measured: the pages did not show the course"
    assert not problems, f"{len(problems)} of {checked} numbers misdrawn at {width}px:\n" + "\n".join(problems)


def test_the_hotline_reads_in_order_in_the_printed_arabic_job_aid(role_pages, site):
    """The job aid as the browser prints it (A4, print styles): the characters of each line, read
    left to right as they are drawn on the sheet, show the number as it is dialled."""
    import pdfplumber

    _, base, _ = site
    tab = role_pages["learner"]
    course = load_course(REAL_COURSE)
    printed = 0
    for slug in course.slugs:
        module = course.modules[slug]["ar"]
        if not module.job_aid or "0800" not in module.page(module.job_aid).html:
            continue
        tab.goto(f"{base}/ar/job-aids/{slug}")
        tab.emulate_media(media="print")
        pdf = tab.pdf(format="A4", prefer_css_page_size=True)
        tab.emulate_media(media="screen")
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            drawn = " ".join(page.extract_text() for page in document.pages)  # left to right, as on paper
        digits = re.findall(r"[0-9]+(?: [0-9]+)+", drawn)
        assert "0800 00 47 47" in digits, (slug, digits)
        printed += 1
    assert printed, "no Arabic job aid shows the hotline any more"
