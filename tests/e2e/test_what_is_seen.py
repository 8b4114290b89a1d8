"""Contrast, focus, tables, charts and the QR code as Chromium renders them on the real course:
computed colours and layout boxes, at 360 px and 1280 px, in normal and in forced colours."""

import io

import pytest

from course.content import load_course
from tests.e2e.seen import COLOUR_TOOLS, FOCUS_RING, LOW_CONTRAST_TEXT, TABLE_COLUMNS
from tests.e2e.site import REAL_COURSE

pytestmark = pytest.mark.browser
COURSE = load_course(REAL_COURSE)


def course_pages(lang: str) -> list[str]:
    urls = [f"/{lang}/", f"/{lang}/glossary", f"/{lang}/progress", f"/{lang}/certificate"]
    for slug in COURSE.slugs:
        module = COURSE.module(slug, lang)
        urls += [f"/{lang}/modules/{slug}/", *(f"/{lang}/modules/{slug}/{page.id}" for page in module.pages)]
        if COURSE.quiz(slug, lang):
            urls.append(f"/{lang}/quizzes/{slug}")
    return urls


def at_1280(tab):
    """The role's tab at 1280 px: the audits share it and may leave it narrowed."""
    tab.set_viewport_size({"width": 1280, "height": 900})
    return tab


def low_contrast(tab) -> tuple[int, list[str]]:
    tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    found = tab.evaluate(LOW_CONTRAST_TEXT)
    return found["checked"], found["found"]


def test_the_contrast_check_sees_arabic_text_that_axe_core_skips(role_pages, site):
    """The check itself: a pale Arabic paragraph, which axe-core passes, is caught."""
    _, base, _ = site
    tab = at_1280(role_pages["learner"])
    tab.goto(f"{base}/ar/")
    tab.evaluate("""() => { const p = document.createElement('p'); p.style.color = '#b0b0b0';
                            p.textContent = 'مكافحة الاتجار بالبشر'; document.querySelector('main').append(p); }""")
    _, found = low_contrast(tab)
    assert any("مكافحة الاتجار بالبشر" in line for line in found), found


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_every_text_of_the_course_has_enough_contrast_as_rendered(role_pages, site, lang):
    _, base, _ = site
    tab = at_1280(role_pages["learner"])
    problems, checked = [], 0
    for url in course_pages(lang):
        assert tab.goto(base + url).status == 200, url
        count, found = low_contrast(tab)
        checked += count
        problems += [f"{url}: {line}" for line in found]
    assert checked > 2000, checked
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("url", ["/ar/modules/{module}/{page}", "/fr/modules/02-identification/why-indicators", "/en/quizzes/{module}"])
def test_the_focus_ring_stands_out_three_to_one_from_what_surrounds_it(role_pages, site, url):
    _, base, values = site
    tab = at_1280(role_pages["learner"])
    tab.goto(base + url.format(**values))
    tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    weak, seen = [], 0
    for _ in range(60):
        tab.keyboard.press("Tab")
        ring = tab.evaluate(FOCUS_RING)
        seen += 1
        if ring["contrast"] < 3:
            weak.append(f"{ring['contrast']:.2f}:1 {ring['what']}")
    assert seen == 60 and not weak, "\n".join(weak)


def test_my_progress_shows_every_column_on_a_phone(role_pages, site):
    _, base, _ = site
    tab = at_1280(role_pages["learner"])
    tab.set_viewport_size({"width": 360, "height": 800})
    try:
        for lang in ("ar", "fr", "en"):
            tab.goto(f"{base}/{lang}/progress")
            for table in tab.locator("main table").all():
                hidden = [c["name"] for c in table.evaluate(TABLE_COLUMNS) if not c["shown"]]
                assert not hidden, f"/{lang}/progress at 360px hides {hidden}"
    finally:
        tab.set_viewport_size({"width": 1280, "height": 900})


def test_the_dashboard_shows_its_last_column_at_1280_px(role_pages, site):
    _, base, values = site
    tab = at_1280(role_pages["trainer"])
    for lang in ("ar", "fr", "en"):
        tab.goto(f"{base}/{lang}/trainer/cohorts/{values['cohort']}/")
        columns = tab.locator("table.dashboard").evaluate(TABLE_COLUMNS)
        assert all(c["shown"] for c in columns), [c["name"] for c in columns if not c["shown"]]


def test_lesson_tables_have_captions_row_headers_and_say_when_they_scroll(role_pages, site):
    _, base, _ = site
    tab = at_1280(role_pages["learner"])
    problems, tables = [], 0
    tab.set_viewport_size({"width": 360, "height": 800})
    try:
        for lang in ("ar", "fr", "en"):
            for url in course_pages(lang):
                if "/modules/" not in url or url.endswith("/"):
                    continue
                tab.goto(base + url)
                for region in tab.locator("article.lesson .table-scroll").all():
                    tables += 1
                    facts = region.evaluate("""r => ({
                        name: r.getAttribute('aria-label'), caption: (r.querySelector('caption') || {}).textContent || '',
                        rows: [...r.querySelectorAll('tbody tr')].map(tr => tr.cells[0].tagName + (tr.cells[0].getAttribute('scope') || '')),
                        emptyHeaders: [...r.querySelectorAll('th')].filter(th => !th.textContent.trim()).length,
                        scrolls: r.scrollWidth > r.clientWidth + 1,
                        note: (() => { const n = r.querySelector('.scroll-note'); return !!n && n.getBoundingClientRect().height > 0; })(),
                    })""")
                    if not facts["caption"].strip() or facts["name"] in ("Table", "Tableau", "جدول"):
                        problems.append(f"{url}: a table named only “{facts['name']}”")
                    if any(row != "THrow" for row in facts["rows"]):
                        problems.append(f"{url}: rows without a row header: {facts['rows']}")
                    if facts["emptyHeaders"]:
                        problems.append(f"{url}: {facts['emptyHeaders']} empty header cell(s)")
                    if facts["scrolls"] and not facts["note"]:
                        problems.append(f"{url} ({facts['name']}): scrolls sideways at 360px without saying so")
    finally:
        tab.set_viewport_size({"width": 1280, "height": 900})
    assert tables >= 20, tables
    assert not problems, "\n".join(problems)


def test_chart_text_stays_visible_in_forced_colours(role_pages, site):
    _, base, values = site
    tab = at_1280(role_pages["trainer"])
    contrast = "() => {" + COLOUR_TOOLS + """
        return [...document.querySelectorAll('svg.chart text')].map(t => ratio(parse(getComputedStyle(t).fill), background(t.closest('figure'))));
    }"""
    for scheme in ("dark", "light"):
        tab.emulate_media(forced_colors="active", color_scheme=scheme)
        try:
            for url in (f"/en/trainer/cohorts/{values['cohort']}/", f"/ar/trainer/cohorts/{values['cohort']}/questions"):
                tab.goto(base + url)
                ratios = tab.evaluate(contrast)
                assert ratios and min(ratios) >= 4.5, (scheme, url, ratios)
        finally:
            tab.emulate_media(forced_colors="none", color_scheme="light")


def test_the_qr_code_keeps_its_light_background_in_a_dark_high_contrast_theme(role_pages, site):
    from PIL import Image

    _, base, _ = site
    tab = at_1280(role_pages["learner"])
    tab.emulate_media(forced_colors="active", color_scheme="dark")
    try:
        tab.goto(f"{base}/ar/certificate")
        shot = Image.open(io.BytesIO(tab.locator(".certificate-qr").screenshot())).convert("L")
    finally:
        tab.emulate_media(forced_colors="none", color_scheme="light")
    pixels = list(shot.tobytes())
    light = sum(p > 200 for p in pixels) / len(pixels)
    dark = sum(p < 60 for p in pixels) / len(pixels)
    assert light > 0.3 and dark > 0.2, f"QR code drawn {light:.0%} light, {dark:.0%} dark"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_arabic_words_in_french_and_english_pages_are_marked_as_arabic(role_pages, site, lang):
    """WCAG 3.1.2: a screen reader reads العربية in a French table with an Arabic voice only if
    the words carry lang="ar"; the nearest lang of every Arabic-script text must be ar. (People's
    and cohorts' names, which the audit's accounts write in both scripts, are names: no language.)"""
    _, base, _ = site
    names = ("أمينة", "الدفعة")
    tab = at_1280(role_pages["learner"])
    unmarked, seen = [], 0
    for url in [*course_pages(lang), f"/{lang}/trainer/", f"/{lang}/profile"]:
        tab.goto(base + url)
        found = tab.evaluate("""() => {
            const arabic = /[\\u0600-\\u06ff]/, bad = [];
            let seen = 0;
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (!arabic.test(node.data)) continue;
                seen++;
                const owner = node.parentElement.closest('[lang]');
                if (!owner || owner.lang.split('-')[0] !== 'ar') bad.push(node.data.trim().slice(0, 50));
            }
            return {seen, bad};
        }""")
        seen += found["seen"]
        unmarked += [f"{url}: {text}" for text in found["bad"] if not any(name in text for name in names)]
    assert seen, "no Arabic text found in these pages"
    assert not unmarked, "\n".join(unmarked)
