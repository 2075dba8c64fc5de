"""The Content-Security-Policy in a real browser: every page type of the portal, the library
and archives, the scan page and the tablet app run under the real header (no 'unsafe-inline')
without a single `securitypolicyviolation` event or console error."""

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.test_portal import page_urls, portal  # noqa: F401 (fixture)
from tests.e2e.test_portal_library import documentation  # noqa: F401 (fixture)
from tests.e2e.test_tablet import (  # noqa: F401 (fixtures)
    PHOTO,
    TABLET,
    download,
    log_in,
    registrar,
    scan_place,
    scan_work,
    store,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Added by the DevTools protocol before any script of the page: the page's policy does not apply.
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile || location.pathname}:${event.lineNumber} ${event.sample}`.trim());
});
"""
# Violation events are dispatched asynchronously: let the queued ones arrive first.
COLLECT = "() => new Promise((resolve) => setTimeout(() => resolve(window.cspViolations), 100))"


class Watcher:
    """The violations and console errors seen on one browser page, by page name."""

    def __init__(self, page):
        self.page = page
        self.name = "start"
        self.problems: dict[str, list[str]] = {}
        page.add_init_script(LISTEN)
        page.on("console", lambda message: self.console(message))
        page.on("pageerror", lambda error: self.add(f"uncaught {error}"))
        page.on("response", lambda response: self.response(response))

    def response(self, response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.add(f"{response.status} {response.url}")

    def console(self, message):
        # Browsers ask for /favicon.ico by themselves; the portal has none (a 404, not a policy).
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            self.add(f"console: {message.text}")

    def add(self, problem: str):
        self.problems.setdefault(self.name, []).append(problem)

    def visit(self, name: str, url: str):
        self.name = name
        response = self.page.goto(url)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, (name, policy)
        self.page.wait_for_load_state("networkidle")
        self.collect()
        return response

    def report(self) -> str:
        return "\n".join(
            f"{name}: {problem}" for name, found in self.problems.items() for problem in found
        )

    def collect(self):
        for violation in self.page.evaluate(COLLECT):
            self.add(violation)
        self.page.evaluate("() => { window.cspViolations = []; }")


def test_no_violation_on_any_portal_page_type(portal, documentation, page, live_server):  # noqa: F811
    watcher = Watcher(page)
    urls = {
        **page_urls(portal),
        "print": f"/collections/{portal.joconde_ref}/?print=1",
        **documentation,
    }
    for name, url in urls.items():
        assert watcher.visit(name, live_server.url + url).status == 200, url

    # The work page with its zoom viewer open: OpenSeadragon and the IIIF tiles.
    watcher.visit("zoom", f"{live_server.url}/collections/{portal.joconde_ref}/")
    page.click("a.zoom")
    page.wait_for_selector(".zoom-viewer .openseadragon-container canvas")
    page.wait_for_load_state("networkidle")
    watcher.collect()
    assert watcher.problems == {}, watcher.report()


def log_in_as(page, live_server, user):
    """The browser carries a session opened by Django's test client."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_no_violation_on_the_scan_page(page, live_server, make_user):
    log_in_as(page, live_server, make_user("Photographer"))  # sees locations
    watcher = Watcher(page)
    watcher.visit("scan", f"{live_server.url}/scan/")  # the form to type a code by hand
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "576px"  # scan.css
    assert watcher.problems == {}, watcher.report()


def test_no_violation_for_staff_with_the_wagtail_userbar(portal, page, live_server, make_user):  # noqa: F811
    log_in_as(page, live_server, make_user("Curator"))
    watcher = Watcher(page)
    watcher.visit("home", f"{live_server.url}/")
    page.locator("wagtail-userbar").wait_for(state="attached")
    page.wait_for_function("document.querySelector('wagtail-userbar').shadowRoot !== null")
    watcher.collect()
    assert watcher.problems == {}, watcher.report()


def test_no_violation_in_the_tablet_app(browser, live_server, store, registrar):  # noqa: F811
    context = browser.new_context(**TABLET)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watcher = Watcher(page)
    watcher.visit("login", f"{live_server.url}/tablet/")
    page.locator("html[data-state=login]").wait_for(state="attached")
    log_in(page, "Tablette CSP")
    # The service worker installs, the slice and its thumbnails are downloaded.
    download(page, store["campaign"], "R2")
    watcher.name = "record"
    scan_place(page, store["box"])
    scan_work(page, store["in_box"][0])
    page.set_input_files("#card-photo", str(PHOTO))  # shown from a blob: URL until sent
    page.locator("#card-photos .photo[data-state=pending] img").wait_for(state="attached")
    watcher.collect()
    watcher.visit("reload", f"{live_server.url}/tablet/")  # served by the service worker
    page.locator("html[data-state=work]").wait_for(state="attached")
    watcher.collect()
    context.close()
    assert watcher.problems == {}, watcher.report()
