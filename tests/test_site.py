"""The browser site (scripts/build_site.py) in headless Chromium: every notebook runs to the end.

Serves site/ on 127.0.0.1 (a free port), opens each notebook in Debian's `chromium` driven by
Playwright (no browser download) with every other host blocked, runs all cells in the Pyodide
kernel, checks that no cell shows an error and prints each notebook's time. In notebook 01 it then
moves the temperature slider with the arrow keys and with the mouse and checks the readout,
computed by the kernel in the page, follows it.

    pip install -r requirements-test.txt -r requirements-site.txt
    python scripts/build_site.py && SITE_NOTEBOOKS=all pytest tests/test_site.py -s  # all eight
    SITE_NOTEBOOKS=1,3,6 pytest tests/test_site.py -s                   # 01, 03 and 06, as CI does

It runs in CI's leg of its own (.ci/run), so it is skipped unless SITE_NOTEBOOKS names the notebooks
to run (comma-separated numbers, or "all"); the README's test command skips it. It is also skipped
without a built site/, chromium or playwright, except with REQUIRE_SITE=1 (CI), where it fails.
On failure a screenshot goes to tests/artifacts/ (gitignored).
"""
import functools
import http.server
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

import headless_chromium

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "site"
NOTEBOOKS = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
# no other host resolves, whoever asks (page, worker or service worker)
ONLY_LOCALHOST = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
RUN_TIMEOUT_S = 900  # one notebook, kernel start included
READOUT = ".temperature-readout"
HANDLE = ".temperature-slider .noUi-handle"


def _selected():
    wanted = os.environ.get("SITE_NOTEBOOKS", "all")
    if wanted == "all":
        return NOTEBOOKS
    numbers = [n.strip().zfill(2) for n in wanted.split(",") if n.strip()]
    bad = [n for n in numbers if not any(nb.startswith(n + "_") for nb in NOTEBOOKS)]
    if bad:
        raise ValueError(f"SITE_NOTEBOOKS: no notebook numbered {bad}; "
                         f"use numbers of {NOTEBOOKS} or 'all'")
    return [nb for nb in NOTEBOOKS if nb[:2] in numbers]


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
                      ".json": "application/json", ".ipynb": "application/json"}

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture(scope="module")
def site_url():
    if "SITE_NOTEBOOKS" not in os.environ:
        pytest.skip("the browser site test runs in a CI leg of its own: "
                    "python scripts/build_site.py && SITE_NOTEBOOKS=all pytest tests/test_site.py")
    if not (SITE / "index.html").exists():
        headless_chromium.unavailable(f"no built site in {SITE} (python scripts/build_site.py)",
                                      "REQUIRE_SITE")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    path = headless_chromium.find("REQUIRE_SITE", "requirements-test.txt")
    with headless_chromium.launched(path, ONLY_LOCALHOST) as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh browser context (empty browser storage) whose requests may only reach 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host == "127.0.0.1" or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    assert not outside, f"the site asked for other hosts: {outside[:10]}"


def _kernel_idle(page, timeout_s):
    # the status bar reads 'Python (Pyodide) | Idle' once the kernel has started and is idle
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText ?? '')",
        timeout=timeout_s * 1000)


PROMPTS_JS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')).map(e => e.innerText.trim())"""


def _run_all(page, url, folder, name):
    """Open folder/name, run every cell; (seconds to start the kernel, seconds to run all cells)."""
    n_code = sum(c["cell_type"] == "code"
                 for c in json.loads((REPO / folder / name).read_text())["cells"])
    t0 = time.monotonic()
    page.goto(f"{url}/lab/index.html?path={folder}/{name}")
    page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=120_000)
    _kernel_idle(page, 300)
    t1 = time.monotonic()
    page.click(".lm-MenuBar-item:has-text('Run')")
    page.click(".lm-Menu-item:has-text('Run All Cells')")
    want = [f"[{i}]:" for i in range(1, n_code + 1)]  # a fresh kernel numbers them 1..n
    deadline = t1 + RUN_TIMEOUT_S
    while True:
        prompts = page.evaluate(PROMPTS_JS)
        if prompts == want:
            break
        errors = _errors(page)
        assert not errors, f"{name}: {errors}"
        assert time.monotonic() < deadline, f"{name}: not done after {RUN_TIMEOUT_S} s: {prompts}"
        time.sleep(1)
    _kernel_idle(page, 60)
    return t1 - t0, time.monotonic() - t1


def _errors(page):
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    return [t for t in stderr.all_inner_texts() if re.search(r"Traceback|Error\b", t)]


@pytest.mark.parametrize("name", _selected())
def test_notebook_runs_in_the_browser(site_url, page, name):
    with headless_chromium.screenshot_on_failure(page, f"site_{name[:2]}.png"):
        start, run = _run_all(page, site_url, "notebooks", name)
        print(f"\n{name}: kernel start {start:.0f} s, all cells {run:.0f} s")
        assert not _errors(page)
        if name.startswith("01_"):
            _drive_slider(page)


def _slider(page):
    """(T on the slider, T in the readout): the handle's log10(T) and the readout's 'T = ...'."""
    t = 10.0 ** float(page.locator(HANDLE).get_attribute("aria-valuetext"))
    m = re.search(r"T = (\S+)", page.locator(READOUT).inner_text())
    return t, float(m.group(1)) if m else None


def _wait_readout(page, what, ok, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while True:
        t, shown = _slider(page)
        if shown is not None and shown == pytest.approx(t, rel=5e-3) and ok(t):
            return t
        assert time.monotonic() < deadline, f"{what}: slider T = {t}, readout {shown}"
        time.sleep(0.2)


def _drive_slider(page):
    page.locator(READOUT).scroll_into_view_if_needed()
    assert _wait_readout(page, "the first readout", lambda t: True) == pytest.approx(1.0)
    # keyboard: one arrow key is one step of 0.1 in log10(T)
    page.locator(HANDLE).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    _wait_readout(page, "3 x ArrowRight", lambda t: t == pytest.approx(10 ** 0.3))
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    _wait_readout(page, "5 x ArrowLeft", lambda t: t == pytest.approx(10 ** -0.2))
    # mouse: drag the handle to the right end of the track: T = 100
    handle = page.locator(HANDLE).bounding_box()
    track = page.locator(".temperature-slider .noUi-target").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 50, handle["y"] + handle["height"] / 2, steps=10)
    page.mouse.up()
    _wait_readout(page, "dragging the handle to the right end", lambda t: t == pytest.approx(100.0))
