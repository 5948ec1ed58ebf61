"""`make test` on a machine without Chromium: every other test runs, the browser tests are skipped
and the run's last line says so loudly; CI refuses to skip them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL_BROWSER_FILE = "tests/browser/test_accounts_browser.py"


def _pytest_without_chromium(**env: str) -> subprocess.CompletedProcess:
    # Not this run's CI settings: each case sets what it tests.
    clean = {k: v for k, v in os.environ.items()
             if k not in ("CI", "STEPCRAFT_REQUIRE_BROWSER", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", SMALL_BROWSER_FILE, "-q"],
        cwd=ROOT, env={**clean, "CHROMIUM_PATH": "/nonexistent/chromium", **env},
        capture_output=True, text=True, timeout=120, check=False)


def test_without_chromium_browser_tests_are_skipped_and_the_last_line_says_how_to_enable_them():
    result = _pytest_without_chromium()
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert "BROWSER TESTS SKIPPED" in last
    assert "apt-get install -y chromium" in last
    count = int(last.strip("! ").split()[0])
    assert count >= 1
    assert f"{count} skipped" in result.stdout


def test_ci_refuses_to_skip_the_browser_tests():
    for env in ({"CI": "true"}, {"STEPCRAFT_REQUIRE_BROWSER": "1"}):
        result = _pytest_without_chromium(**env)
        assert result.returncode != 0, result.stdout
        assert "must not skip them" in result.stdout + result.stderr
