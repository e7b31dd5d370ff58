"""The course's live controls in a real browser: notebook 01's temperature slider and the
explorers of notebooks 03, 05, 06 and 08.

Starts one JupyterLab on 127.0.0.1 (a free port, no token) over a temporary copy of notebooks/,
opens notebooks in Debian's headless `chromium` driven by Playwright (no browser download),
runs all cells, moves the controls with the keyboard and the mouse and checks that the page
shows what helpers.widgets computes for the values read back from the page.

Notebook 01 runs whole. The four explorers are built, with the notebooks' constructors, in one
generated notebook (EXPLORERS below; the shipped models, no training), so that one kernel serves
them all; the test process builds the same explorers to know what the page must show.

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

import numpy as np
import pytest

import headless_chromium
from helpers.widgets import compute, format_readout, format_temperature, parse_logits

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = "01_softmax_temperature.ipynb"
SEED, N_SAMPLES = 0, 10  # as notebook 01 builds its TemperatureExplorer
# JupyterLab user settings for the run: render every cell (so every prompt can be read),
# no news or update checks (there is no network, and their pop-up covers the page).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}
READOUT = ".temperature-readout"
HANDLE = ".temperature-slider .noUi-handle"


@pytest.fixture(scope="module")
def chromium():
    return headless_chromium.find("REQUIRE_BROWSER", "requirements-test.txt")


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
        _write_explorers_notebook(root / EXPLORERS_NOTEBOOK)
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
    with headless_chromium.launched(chromium) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        yield page


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


# the prompts of the notebook on show (a tab restored from an earlier test stays in the page, hidden)
PROMPTS_JS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')).map(e => e.innerText.trim())"""


def _run_notebook_and_drive_slider(page, url):
    n_code = sum(c["cell_type"] == "code"
                 for c in json.loads((REPO / "notebooks" / NOTEBOOK).read_text())["cells"])
    _run_all(page, url, NOTEBOOK, n_code)

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
    with headless_chromium.screenshot_on_failure(page, "browser_failure.png"):
        _run_notebook_and_drive_slider(page, lab_url)


# ---------------------------------------------------------------- the explorers of 03, 05, 06, 08

EXPLORERS_NOTEBOOK = "explorers_under_test.ipynb"
# One cell per explorer, built as notebooks 03, 05, 06 and 08 build theirs (from shipped files).
EXPLORERS = [
    """import numpy as np
from helpers import recall
from helpers import seq2seq as s2s
from helpers.cells import get_cell
from helpers.snapshot import load_snapshot
from helpers.text import data_path, load_text
from helpers.widgets import AttentionExplorer, GradientExplorer, SamplingExplorer, UnitExplorer

params, vocab, _ = load_snapshot(data_path("char_rnn_shakespeare.npz"))
macbeth = load_text("shakespeare", "valid.txt")[:20000]""",
    """sampler = SamplingExplorer(params, vocab, "MACBETH:\\nSo foul and fair a day ", k=10, n=120)
sampler""",
    """units = UnitExplorer(params, vocab, macbeth, (5000, 5400), {"97: line position": 97, "92: name line": 92},
                     {"five newline units": [67, 145, 92, 17, 158], "three units": [1, 2, 3]})
units""",
    """names = AttentionExplorer(*(s2s.Seq2Seq.load(data_path(f"seq2seq_{m}.npz"), dtype=np.float32)
                             for m in ("plain", "attention")))
names""",
    """x, y, _ = recall.make_batch(200, 42, np.random.default_rng(2))
gradient = GradientExplorer({n: get_cell(n).init_params(len(recall.vocabulary()), 32, seed=0)
                             for n in ("rnn", "lstm", "gru")}, x, y[:, -1])
gradient""",
]


def _write_explorers_notebook(path):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in EXPLORERS]
    nb.metadata = nbformat.read(REPO / "notebooks" / NOTEBOOK, as_version=4).metadata  # kernel, language
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def twins():
    """The same explorers in the test process: set a control to the value read back from the
    page, and `format(result)` is what the page must show."""
    ns = {}
    for src in EXPLORERS:
        exec(src, ns)
    return ns


@pytest.fixture(scope="module")
def explorers_page(lab_url, chromium):
    with headless_chromium.launched(chromium) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        with headless_chromium.screenshot_on_failure(page, "explorers_failure.png"):
            _run_all(page, lab_url, EXPLORERS_NOTEBOOK, len(EXPLORERS))
        yield page


def _run_all(page, url, notebook, n_code):
    """Open the notebook, run all cells in a fresh kernel, check that none shows an error."""
    # ?reset: open this notebook alone; JupyterLab would otherwise restore an earlier test's tab,
    # which may become the current one after our click and take the Run All
    page.goto(f"{url}/lab/tree/{notebook}?reset")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")
    _wait_kernel_idle(page)
    want = [f"[{i}]:" for i in range(1, n_code + 1)]  # a fresh kernel numbers them 1..n

    def run_all():
        page.click(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt >> nth=0")  # focus it
        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item:has-text('Run All Cells')")
        return time.monotonic()

    clicked = [run_all()]

    def all_ran():
        prompts = page.evaluate(PROMPTS_JS)
        if all(p == "[ ]:" for p in prompts) and time.monotonic() - clicked[0] > 30:
            clicked[0] = run_all()   # nothing started (the click went elsewhere): once more
        return prompts == want, prompts

    _wait_for("all cells to run", all_ran, timeout=180)
    _wait_kernel_idle(page)
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    tracebacks = [t for t in stderr.all_inner_texts() if "Traceback" in t]
    errors = [t for t in page.locator(".jp-RenderedText").all_inner_texts() if "Error" in t]
    assert not tracebacks and not errors, (tracebacks, errors)


def _readout(page, css):
    return _text(page.locator(f".{css}-readout").inner_text())


def _image_src(page, css):
    """The picture's blob URL: a new one for every new PNG the kernel sends."""
    return page.locator(f".{css}-image").get_attribute("src")


def _new_image(page, css, old):
    """Wait for a new picture (the readout is updated first, the PNG right after it)."""
    return _wait_for(f"a new {css} picture", lambda: (_image_src(page, css) != old, _image_src(page, css)))


def _shows(page, css, explorer):
    """(ok, (shown, expected)): the page's readout is what the twin explorer computes."""
    shown = _readout(page, css)
    expected = _text(explorer.format(explorer.result)) if explorer.error is None else _text(explorer.error)
    return shown == expected, (shown, expected)


def _submit(box, text, key="Enter"):
    """Type into a text box (the explorers apply it as typed), then press `key` as a learner might."""
    box.fill(text)
    box.press(key)


def _press(page, handle, key, times):
    page.locator(handle).focus()
    for _ in range(times):
        page.keyboard.press(key)


def _slider_value(page, css):
    return float(page.locator(f".{css} .widget-readout").inner_text())


def _drive_sampling(page, e):
    page.locator(".sampling-readout").scroll_into_view_if_needed()
    _wait_for("the first readout", lambda: _shows(page, "sampling", e))
    text0, src0 = page.locator(".sampling-text").inner_text(), _image_src(page, "sampling")

    # temperature: 3 x ArrowLeft = 10 ** -0.3; the text and the bars change; back: the same text
    _press(page, ".sampling-temperature .noUi-handle", "ArrowLeft", 3)
    t = 10 ** float(page.locator(".sampling-temperature .noUi-handle").get_attribute("aria-valuetext"))
    assert t == pytest.approx(10 ** -0.3)
    e.temperature.value = t
    _wait_for("the readout at tau = 0.5", lambda: _shows(page, "sampling", e))
    assert page.locator(".sampling-text").inner_text() != text0
    _new_image(page, "sampling", src0)
    _press(page, ".sampling-temperature .noUi-handle", "ArrowRight", 3)
    e.temperature.value = 1.0
    _wait_for("the readout back at tau = 1", lambda: _shows(page, "sampling", e))
    assert page.locator(".sampling-text").inner_text() == text0, "tau back at 1: the same text"

    # top-k from 10 down to 4: four bars kept; top-p; the step; a prompt with an unknown character
    _press(page, ".sampling-k .noUi-handle", "ArrowLeft", 6)
    e.k.value = int(_slider_value(page, "sampling-k"))
    assert e.k.value == 4
    shown, _ = _wait_for("the readout at k = 4", lambda: _shows(page, "sampling", e))
    assert "kept 4 of 63" in shown and shown.count(" cut") == 4, "4 bars kept, the other 4 listed cut"
    _press(page, ".sampling-mass .noUi-handle", "ArrowLeft", 10)       # 1.0 -> 0.5
    e.mass.value = _slider_value(page, "sampling-mass")
    assert e.mass.value == pytest.approx(0.5)
    _wait_for("the readout at p = 0.5", lambda: _shows(page, "sampling", e))
    _press(page, ".sampling-step .noUi-handle", "ArrowRight", 5)
    e.step.value = int(_slider_value(page, "sampling-step"))
    assert e.step.value == 5
    _wait_for("the readout at step 5", lambda: _shows(page, "sampling", e))
    assert page.locator(".sampling-text b").inner_text() == e.result["text"][5]
    _submit(page.locator(".sampling-prompt input"), "Hello ~")
    _wait_for("the message about '~'", lambda: ("not in the vocabulary" in _readout(page, "sampling"),
                                               _readout(page, "sampling")))


def _select(select, label):
    """Choose an option of a dropdown by its label. Some ipywidgets versions
    (8.1.0, the floor) write the labels with non-breaking spaces, so match them spaces-insensitively."""
    index = select.evaluate("(s, label) => Array.from(s.options).findIndex("
                            "o => o.textContent.replace(/\\u00a0/g, ' ') === label)", label)
    assert index >= 0, f"no option {label!r} in the dropdown"
    select.select_option(index=index)


def _drive_unit(page, e):
    page.locator(".unit-readout").scroll_into_view_if_needed()
    _wait_for("the first readout", lambda: _shows(page, "unit", e))
    passage0, src0 = page.locator(".unit-passage-view").inner_html(), _image_src(page, "unit")

    page.locator(".unit-ablated input").click()                        # the switch, by mouse
    e.ablated.value = True
    shown, _ = _wait_for("the readout with the units off", lambda: _shows(page, "unit", e))
    assert "switched off: five newline units" in shown
    _new_image(page, "unit", src0)
    assert e.result["stats"]["p_newline_speaker"] < e.result["intact"]["p_newline_speaker"]

    _select(page.locator(".unit-units-off select"), "three units")
    e.units_off.value = (1, 2, 3)
    _wait_for("the readout with three units off", lambda: _shows(page, "unit", e))

    _submit(page.locator(".unit-unit input"), "92")                    # type a unit
    e.unit.value = 92
    _wait_for("the passage of unit 92", lambda: ("unit 92" in page.locator(".unit-passage-view").inner_text(),
                                                 page.locator(".unit-passage-view").inner_text()[:80]))
    assert page.locator(".unit-passage-view").inner_html() != passage0
    _wait_for("the readout for unit 92", lambda: _shows(page, "unit", e))
    _select(page.locator(".unit-preset select"), "97: line position")   # a found unit
    _wait_for("the unit box set by the preset",
              lambda: (page.locator(".unit-unit input").input_value() == "97",
                       page.locator(".unit-unit input").input_value()))
    page.locator(".unit-ablated input").click()
    e.ablated.value, e.unit.value = False, 97
    _wait_for("the trained model again", lambda: _shows(page, "unit", e))
    assert page.locator(".unit-passage-view").inner_html() == passage0


def _drive_attention(page, e):
    page.locator(".attention-readout").scroll_into_view_if_needed()
    _wait_for("the first readout", lambda: _shows(page, "attention", e))
    src0 = _image_src(page, "attention")
    for word in ("mckinley", "Mans", "anna"):
        _submit(page.locator(".attention-word input"), word)
        e.word.value = word
        shown, _ = _wait_for(f"the readout for {word!r}", lambda: _shows(page, "attention", e))
        if word == "Mans":
            assert "outside the vocabulary: ['M']" in shown and "Traceback" not in shown
    assert "attention anna -> anna (right)" in shown
    _new_image(page, "attention", src0)          # the attention map is redrawn for a new name


def _drive_gradient(page, e):
    page.locator(".gradient-readout").scroll_into_view_if_needed()
    _wait_for("the first readout", lambda: _shows(page, "gradient", e))
    src0 = _image_src(page, "gradient")
    curve = e.result["mean"]

    _press(page, ".gradient-scale .noUi-handle", "ArrowLeft", 10)      # 1.00 -> 0.50
    e.scale.value = _slider_value(page, "gradient-scale")
    assert e.scale.value == pytest.approx(0.5)
    _wait_for("the curve at 0.5", lambda: _shows(page, "gradient", e))
    assert np.all(e.result["mean"][1:] < curve[1:])
    _new_image(page, "gradient", src0)

    _select(page.locator(".gradient-cell select"), "gru")
    e.cell.value = "gru"
    shown, _ = _wait_for("the GRU's curve", lambda: _shows(page, "gradient", e))
    assert shown.startswith("gru, recurrent weights x 0.50")


DRIVERS = {"sampling": (_drive_sampling, "sampler"), "unit": (_drive_unit, "units"),
           "attention": (_drive_attention, "names"), "gradient": (_drive_gradient, "gradient")}


@pytest.mark.parametrize("css", list(DRIVERS))
def test_explorer_in_jupyterlab(explorers_page, twins, css):
    """Each explorer: move its controls on the page, check what the page shows."""
    drive, name = DRIVERS[css]
    with headless_chromium.screenshot_on_failure(explorers_page, f"explorer_{css}_failure.png"):
        drive(explorers_page, twins[name])
