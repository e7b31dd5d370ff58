"""Strip per-run metadata from the course's notebooks, keeping outputs, counts and cell ids.

    python scripts/clean_notebooks.py            # clean notebooks/ and exercises/ in place
    python scripts/clean_notebooks.py --verify   # exit 1 if any notebook still needs cleaning

Run it after re-executing a notebook and before committing: execution timestamps, widget state
and the Python patch version change on every run and would otherwise fill each diff. Consecutive
prints of one cell are joined into one stream output (how a kernel splits them varies run to run),
and a widget's view reference is dropped (its random model id changes every run, and without the
kernel the page shows the widget's text form anyway).
"""
import subprocess
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

ROOT = Path(__file__).resolve().parents[1]
NBSTRIPOUT_FLAGS = ["--keep-output", "--keep-count", "--keep-id", "--unix-newlines",
                    "--extra-keys", "metadata.language_info.version"]


def notebooks():
    return sorted(p for folder in ("notebooks", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def needs_tidying(nb):
    """True if a cell has two stream outputs of one name in a row, or a widget view reference."""
    for cell in nb.cells:
        outs = cell.get("outputs", [])
        if any(WIDGET_VIEW in o.get("data", {}) for o in outs):
            return True
        if any(a.output_type == b.output_type == "stream" and a.name == b.name
               for a, b in zip(outs, outs[1:])):
            return True
    return False


def tidy(nb):
    CoalesceStreamsPreprocessor().preprocess(nb, {})
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            o.get("data", {}).pop(WIDGET_VIEW, None)


def main(argv):
    unknown = [a for a in argv if a != "--verify"]
    if unknown:
        print(f"error: unknown argument(s) {unknown}; allowed: --verify", file=sys.stderr)
        return 2
    paths = notebooks()
    if "--verify" in argv:
        split = [p for p in paths if needs_tidying(nbformat.read(p, as_version=4))]
        for p in split:
            print(f"would join split stream outputs or drop a widget view in {p}")
        run = subprocess.run([sys.executable, "-m", "nbstripout", *NBSTRIPOUT_FLAGS, "--verify",
                              *map(str, paths)])
        return 1 if split or run.returncode else 0
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        if needs_tidying(nb):
            tidy(nb)
            nbformat.write(nb, p)
    return subprocess.run([sys.executable, "-m", "nbstripout", *NBSTRIPOUT_FLAGS, *map(str, paths)]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
