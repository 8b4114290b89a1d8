"""Fixtures for the audits: the real course on a populated database, served over HTTP, and one
signed-in browser context per role. `browser` comes from tests/conftest.py."""

import threading
from pathlib import Path

import pytest

from course import store
from tests.e2e.site import ACCOUNTS, PASSWORD, make_app, populate

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The app on the real course with a populated database, served on 127.0.0.1, and its URL values."""
    from werkzeug.serving import make_server

    app = make_app(tmp_path_factory.mktemp("site") / "site.db")
    values = populate(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", values
    server.shutdown()
    thread.join()
    store.close_connection()


@pytest.fixture(scope="session")
def role_pages(browser, site):
    """A browser tab per role, signed in through the sign-in form (the visitor stays signed out)."""
    _, base, _ = site
    tabs = {}
    for role in ("visitor", *ACCOUNTS):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # lets axe-core be injected
        tab = context.new_page()
        if role != "visitor":
            tab.goto(f"{base}/en/signin")
            tab.fill("#email", ACCOUNTS[role][0])
            tab.fill("#password", PASSWORD)
            tab.click("main form button[type=submit]")
            tab.wait_for_load_state()
            assert "/signin" not in tab.url, f"{role} could not sign in"
        tabs[role] = tab
    yield tabs
    for tab in tabs.values():
        tab.context.close()


def axe_violations(tab, impacts=("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2.1 A/AA and best-practice rules on the open page: the violations of these impacts."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make audit-deps does)")
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
              resultTypes: ['violations']})"""
    )
    return [
        f"{v['id']} [{v['impact']}] {v['help']}: " + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                                                          for node in v["nodes"][:5])
        for v in result["violations"] if v["impact"] in impacts
    ]


def sideways_overflow(tab) -> dict | None:
    """None when the page does not scroll sideways; else the page width and the widest elements."""
    return tab.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return null;
            const wide = [];
            for (const el of document.querySelectorAll('body *')) {
                const box = el.getBoundingClientRect();
                if (box.right > width + 1 || box.left < -1) {
                    wide.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
                              + ' [' + Math.round(box.left) + ', ' + Math.round(box.right) + ']');
                }
            }
            return {page: document.documentElement.scrollWidth, viewport: width, elements: wide.slice(0, 8)};
        }"""
    )
