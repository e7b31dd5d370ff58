"""Headless Chromium for the browser tests (test_browser.py, test_site.py): Debian's `chromium`
driven by Playwright (no browser download, no background traffic), one place for how it is found,
launched and photographed on failure."""
import contextlib
import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"   # screenshots on failure (gitignored)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def unavailable(reason, require):
    """Skip, or fail if the environment variable `require` is 1 (CI must run the test)."""
    if os.environ.get(require) == "1":
        pytest.fail(f"{reason}; {require}=1 requires this test to run")
    pytest.skip(reason)


def find(require, requirements):
    """-> the path of `chromium`, once Playwright is known to import; otherwise unavailable()."""
    path = shutil.which("chromium")
    if path is None:
        unavailable("no `chromium` on PATH (Debian: apt-get install chromium)", require)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable(f"Playwright for Python is not installed (pip install -r {requirements})", require)
    return path


@contextlib.contextmanager
def launched(path, extra_args=()):
    """A Playwright browser on the chromium at `path`; closed, with Playwright, on exit."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=path, args=ARGS + list(extra_args),
                                     timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


@contextlib.contextmanager
def screenshot_on_failure(page, name):
    """On any failure inside, save the whole page to tests/artifacts/name (if the browser is
    still there to ask), then let the failure go on."""
    try:
        yield
    except BaseException:
        try:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        except Exception as e:  # the browser itself may be gone; keep the original error
            print(f"no screenshot: {e}")
        raise
