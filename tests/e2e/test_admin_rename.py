"""An administrator corrects a name in a real headless Chromium: the form opens from its summary
(a details element, no script), passes axe-core once open, fits 360 px in Arabic, and saves."""

import pytest

from course import store
from tests.e2e.conftest import SCREENSHOTS, axe_violations, sideways_overflow

pytestmark = pytest.mark.browser


def test_the_name_correction_opens_fits_and_saves(role_pages, site):
    app, base, _ = site
    tab = role_pages["admin"]
    tab.set_viewport_size({"width": 360, "height": 900})
    try:
        tab.goto(f"{base}/ar/admin/users")
        # The admin's own row: saving the same name again changes nothing the other audits read.
        row = tab.locator("tbody tr", has_text="admin@example.org")
        name = row.locator("input[name=name]")
        assert not name.is_visible()
        row.locator("summary").click()
        assert name.is_visible() and name.input_value() == "Nadia Admin"
        assert tab.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        problems = axe_violations(tab)
        overflow = sideways_overflow(tab)
        assert not problems and overflow is None, (problems, overflow)
        tab.screenshot(path=str(SCREENSHOTS / "admin" / "users-name-open-ar-360.png"), full_page=True)
        name.fill("  Nadia Admin ")
        with tab.expect_navigation():
            row.locator("button[type=submit]", has_text="حفظ الاسم").click()
        assert tab.url.endswith("/ar/admin/users")
        assert "أصبح اسم admin@example.org الآن Nadia Admin." in tab.locator(".notice-success").inner_text()
        assert store.user_by_email(store.connection(app.config["DATABASE"]), "admin@example.org")["name"] == "Nadia Admin"
    finally:
        tab.set_viewport_size({"width": 1280, "height": 900})
