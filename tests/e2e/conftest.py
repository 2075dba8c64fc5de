"""Browser tests: Playwright drives Debian's Chromium against Django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium floods a closed network at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright runs an event loop in the test thread; Django's ORM calls there are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords and not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def admin_page(page, live_server, django_user_model):
    """A browser page logged in to the Wagtail admin as a superuser."""
    from tests.conftest import one_time_code

    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-e2e")
    code = one_time_code(admin)  # sets up the admin's authenticator app
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw-e2e")
    page.click("button[type=submit]")
    page.wait_for_url("**/two-factor/verify/**")  # superusers give a second factor
    page.fill("#id_code", code)
    page.click(".login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page
