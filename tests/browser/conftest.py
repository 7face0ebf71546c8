"""Shared fixtures for browser tests: Playwright driving Debian's Chromium.

Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
inside one unless told it is safe, which it is here (the test thread owns its connection).
The permission lives exactly as long as the browser, one module at a time, so no other
test runs beside an event loop or with the permission set.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (Debian's chromium package).")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class ConsoleWatch:
    """Collects console errors, page errors and any request that leaves the test server."""

    def __init__(self, page, origin):
        self.errors, self.foreign = [], []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "request",
            lambda req: (
                None
                if req.url.startswith((origin, "data:", "about:"))
                else self.foreign.append(req.url)
            ),
        )

    def assert_clean(self):
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign


def _page(browser, live_server, viewport, javascript=True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.watch = ConsoleWatch(page, live_server.url)
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _page(browser, live_server, PHONE)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context, page = _page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser, live_server):
    context, page = _page(browser, live_server, PHONE, javascript=False)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "name") writes test-artifacts/name.png for a reviewer to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def site_content(transactional_db):
    """Guides (and the knowledge base, when its loader exists) for a live server test."""
    from django.core.management import call_command, get_commands

    call_command("import_articles", verbosity=0)
    if "load_knowledge" in get_commands():
        call_command("load_knowledge", verbosity=0)
