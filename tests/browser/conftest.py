"""Playwright drives Debian's Chromium against pytest-django's live server.

The live server runs in a thread of this process; Playwright's sync API runs an event loop here,
so Django must be told that its sync ORM calls from this thread are fine.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.cache import cache

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# CHROMIUM_PATH points elsewhere (a test of the skip path points it at a missing file).
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ENABLE = "sudo apt-get install -y chromium"
_skipped = []


def _browser_required() -> bool:
    """CI must run the browser tests, never skip them."""
    return (os.environ.get("CI", "").lower() in ("1", "true", "yes")
            or bool(os.environ.get("STEPCRAFT_REQUIRE_BROWSER")))


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not browser_items or Path(CHROMIUM).exists():
        return
    if _browser_required():
        raise pytest.UsageError(
            f"{len(browser_items)} browser tests need Chromium at {CHROMIUM}, and CI (CI or "
            f"STEPCRAFT_REQUIRE_BROWSER is set) must not skip them. Install it: {ENABLE}")
    # Without Chromium the rest of the suite still runs; the summary says what was left out.
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in browser_items:
        item.add_marker(skip)
    _skipped.extend(item.nodeid for item in browser_items)


def pytest_unconfigure(config):
    """The run's very last line, after the counts, so nobody mistakes it for a full run."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if _skipped and reporter:
        reporter.write_sep(
            "!", f"{len(_skipped)} BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM}. "
            f"Enable them with: {ENABLE} (or run make test as root)", red=True, bold=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every browser visitor comes from 127.0.0.1: start each test with the per-IP rate limits
    (entries/guards.py) at zero, or a long run trips them and pages stop answering."""
    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser(live_server, _doorman, browser):
    """pytest-playwright's Chromium, closed while the live server still runs.

    Each connection Chromium keeps open holds a server thread that shares the test database;
    one ending after the server stopped sharing it prints a thread-sharing traceback."""
    yield browser
    browser.close()
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=5)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under var/screenshots/ for a person to look at."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
