"""Notebook 01's temperature slider in a real browser.

Starts JupyterLab on 127.0.0.1 (a free port, no token) over a temporary copy of notebooks/,
opens notebook 01 in Debian's headless `chromium` driven by Playwright (no browser download),
runs all cells, moves the slider with the arrow keys and checks that the readout on the page
shows what helpers.widgets computes for the slider value read back from the page.

Skipped without chromium or playwright, except with REQUIRE_BROWSER=1 (CI), where it fails.
On failure a screenshot goes to tests/artifacts/ (gitignored). The server and the browser
are always shut down.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from helpers.widgets import compute, format_readout, format_temperature, parse_logits

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = "01_softmax_temperature.ipynb"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SEED, N_SAMPLES = 0, 10  # as notebook 01 builds its TemperatureExplorer
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# JupyterLab user settings for the run: render every cell (so every prompt can be read),
# no news or update checks (there is no network, and their pop-up covers the page).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}
READOUT = ".temperature-readout"
HANDLE = ".temperature-slider .noUi-handle"


def _unavailable(reason):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; REQUIRE_BROWSER=1 requires the browser test to run")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium")
    if path is None:
        _unavailable("no `chromium` on PATH (Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -r requirements-test.txt)")
    return path


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_url(chromium):
    """A JupyterLab server on a temporary copy of notebooks/; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="rnn-course-lab-") as tmp:
        tmp = Path(tmp)
        root = tmp / "notebooks"
        shutil.copytree(REPO / "notebooks", root)  # running cells never touches tracked files
        for name, settings in LAB_SETTINGS.items():
            f = tmp / "lab-settings" / name
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(settings))
        env = dict(os.environ,
                   JUPYTERLAB_SETTINGS_DIR=str(tmp / "lab-settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(tmp / "lab-workspaces"),
                   JUPYTER_CONFIG_DIR=str(tmp / "config"),    # ignore the user's config,
                   JUPYTER_DATA_DIR=str(tmp / "data"),        # kernels
                   JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))  # and runtime files
        port = _free_port()
        log_path = tmp / "server.log"
        with open(log_path, "w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                 "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                 "--IdentityProvider.token=", "--PasswordIdentityProvider.hashed_password=",
                 f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
                 "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                 "--LabApp.extension_manager=readonly"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=tmp)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited with code {server.returncode}:\n"
                                + log_path.read_text()[-3000:])
                try:
                    with urllib.request.urlopen(f"{url}/api/status", timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within 90 s:\n" + log_path.read_text()[-3000:])
                time.sleep(0.5)
            yield url
        finally:
            server.terminate()  # on SIGTERM the server shuts its kernels down, then exits
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=30)


@pytest.fixture
def page(chromium):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()
    finally:
        pw.stop()


def _text(s):
    return " ".join(s.split())


def _wait_for(what, probe, timeout=45):
    """Poll probe() until it returns (True, info); fail with the last info after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        ok, info = probe()
        if ok:
            return info
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; last seen: {info!r}")
        time.sleep(0.2)


def _wait_kernel_idle(page):
    # the status bar reads 'Python 3 (ipykernel) | Idle' once a kernel is connected and idle
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText ?? '')",
        timeout=120_000)


def _slider_temperature(page):
    """T read back from the page: the handle's exponent (log10 T) and the slider's readout."""
    exponent = float(page.locator(HANDLE).get_attribute("aria-valuetext"))
    t = 10.0 ** exponent
    shown = float(page.locator(".temperature-slider .widget-readout").inner_text())
    assert shown == pytest.approx(t, rel=5e-3), (shown, t)  # 3 significant digits
    return t


def _expected_readout(t, logits_text):
    return _text(format_readout(compute(parse_logits(logits_text), t, SEED, N_SAMPLES)))


def _readout_matches_slider(page, t_want=None):
    """(ok, (T, shown, expected)): ok when the readout shows what compute() gives for the
    slider's T and the logits in the text box (and T is t_want, if given)."""
    t = _slider_temperature(page)
    logits = page.locator(".temperature-logits input").input_value()
    shown, expected = _text(page.locator(READOUT).inner_text()), _expected_readout(t, logits)
    ok = shown == expected and (t_want is None or t == pytest.approx(t_want))
    return ok, (t, shown, expected)


def _readout_contains(page, part):
    shown = _text(page.locator(READOUT).inner_text())
    return part in shown, shown


PROMPTS_JS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')).map(e => e.innerText.trim())"""


def _run_notebook_and_drive_slider(page, url):
    n_code = sum(c["cell_type"] == "code"
                 for c in json.loads((REPO / "notebooks" / NOTEBOOK).read_text())["cells"])
    page.goto(f"{url}/lab/tree/{NOTEBOOK}")
    page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell")
    _wait_kernel_idle(page)

    page.click(".lm-MenuBar-item:has-text('Run')")
    page.click(".lm-Menu-item:has-text('Run All Cells')")
    want_prompts = [f"[{i}]:" for i in range(1, n_code + 1)]  # a fresh kernel numbers them 1..n

    def all_ran():
        prompts = page.evaluate(PROMPTS_JS)
        return prompts == want_prompts, prompts

    _wait_for("all cells to run", all_ran, timeout=120)
    _wait_kernel_idle(page)

    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    tracebacks = [t for t in stderr.all_inner_texts() if "Traceback" in t]
    errors = [t for t in page.locator(".jp-RenderedText").all_inner_texts() if "Error" in t]
    assert not tracebacks and not errors, (tracebacks, errors)

    page.locator(READOUT).scroll_into_view_if_needed()
    page.wait_for_selector(HANDLE)
    start = _wait_for("the first readout", lambda: _readout_matches_slider(page))
    assert start[0] == pytest.approx(1.0)

    # one arrow key is one slider step of 0.1 in log10(T)
    page.locator(HANDLE).focus()
    for key, presses, t_want in [("ArrowRight", 3, 10 ** 0.3), ("ArrowLeft", 5, 10 ** -0.2)]:
        before = _text(page.locator(READOUT).inner_text())
        for _ in range(presses):
            page.keyboard.press(key)
        t, shown, _ = _wait_for(f"the readout after {presses} x {key}",
                                lambda: _readout_matches_slider(page, t_want))
        assert shown != before and f"T = {format_temperature(t)}" in shown

    # typed logits are applied on Enter; bad text shows a message in the readout
    box = page.locator(".temperature-logits input")
    box.fill("0, 0, 5, 5")
    box.press("Enter")
    _, shown, _ = _wait_for("the readout for new logits", lambda: _readout_matches_slider(page))
    assert "ln 4 = 1.3863" in shown
    box.fill("1, two")
    box.press("Enter")
    _wait_for("the message about bad logits",
              lambda: _readout_contains(page, "could not read 'two' as a number"))


def test_temperature_slider_in_jupyterlab(lab_url, page):
    try:
        _run_notebook_and_drive_slider(page, lab_url)
    except BaseException:
        try:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "browser_failure.png"), full_page=True)
        except Exception as e:  # the browser itself may be gone; keep the original error
            print(f"no screenshot: {e}")
        raise
