"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

- Never downloads a browser (``playwright install`` is not used): it launches /usr/bin/chromium,
  from Debian's ``chromium`` package. Without it the tests are skipped, or fail in strict mode
  (``KOFFIETAFEL_STRICT=1``, set by ``scripts/test --strict`` and CI).
- The live server shares the test database. Browser tests are transactional (the server thread
  must see committed data) and use serialized rollback, so each test starts from the migrated
  database (Wagtail's root page, locale and default site) rather than from an emptied one.
- Wagtail serves the live server's ``localhost:<random port>`` through the default site
  (``Site.find_for_request`` falls back to ``is_default_site``), so no hostname needs patching.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

CHROMIUM = Path(os.environ.get("KOFFIETAFEL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we run as root in CI containers; Chromium's sandbox refuses root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STRICT = os.environ.get("KOFFIETAFEL_STRICT") == "1"
TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ is a browser test (``-m "not browser"`` deselects them)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(request):
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)"
        if STRICT:
            pytest.fail(f"strict mode: {message}", pytrace=False)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    # One patience for page actions and for expect(): 5 s (Playwright's default for expect) is
    # too little on a busy two-core CI machine running two passes side by side.
    expect.set_options(timeout=TIMEOUT_MS)

    # Between its calls, Playwright's sync API leaves its asyncio loop marked as running in this
    # thread (playwright/_impl/_greenlets.py). Django then (1) refuses ORM calls from the test with
    # SynchronousOnlyOperation, including pytest-django's teardown, and (2) looks connections up in
    # a separate async-context store (asgiref Local), so the test would get new connection objects
    # without the test database's serialized contents. Hence: allow the calls (no coroutine
    # shares these connections) and pin the connection objects the test database was set up on.
    request.getfixturevalue("django_db_setup")
    pinned = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    for alias, connection in pinned.items():
        connections[alias] = connection
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_site(live_server, django_db_serialized_rollback):
    """The live server with the demo content (seed_demo) in its database; returns the server."""
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


@pytest.fixture
def page(browser, demo_site):
    """A fresh browser tab (own cookies) on the demo site; relative URLs go to the live server."""
    context = browser.new_context(base_url=demo_site.url, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def log_in_as(page, demo_site):
    """``log_in_as("member")``: a logged-in session for the tab, without going through the login form.

    ``log_in_as("lotte", context=other_context)`` logs in a second browser context instead, for a
    test in which two people take turns.
    """

    def log_in(username: str, *, context=None):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookie = client.cookies["sessionid"]
        (context or page.context).add_cookies([{"name": "sessionid", "value": cookie.value, "url": demo_site.url}])

    return log_in


class AxeChecker:
    """axe-core (bundled with axe-playwright-python) limited to WCAG 2.1 level A and AA rules."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self._axe = Axe()

    def violations(self, page) -> list[dict]:
        options = {"runOnly": {"type": "tag", "values": WCAG_21_AA_TAGS}, "resultTypes": ["violations"]}
        return self._axe.run(page, options=options).response["violations"]

    def assert_no_violations(self, page) -> None:
        violations = self.violations(page)
        if violations:
            pytest.fail(format_violations(page.url, violations), pytrace=False)

    __call__ = assert_no_violations


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary}")
            lines.append(f"      {node['html'][:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe(browser):
    """``axe(page)`` fails the test with a readable list of WCAG 2.1 A/AA violations on the page."""
    return AxeChecker()
