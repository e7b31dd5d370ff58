"""Strip per-run metadata from the course's notebooks, keeping outputs, counts and cell ids.

    python scripts/clean_notebooks.py            # clean notebooks/ (and exercises/) in place
    python scripts/clean_notebooks.py --verify   # exit 1 if any notebook still needs cleaning

Run it after re-executing a notebook and before committing: execution timestamps, widget state
and the Python patch version change on every run and would otherwise fill each diff.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBSTRIPOUT_FLAGS = ["--keep-output", "--keep-count", "--keep-id", "--unix-newlines",
                    "--extra-keys", "metadata.language_info.version"]


def notebooks():
    return sorted(p for folder in ("notebooks", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


def main(argv):
    extra = ["--verify"] if "--verify" in argv else []
    unknown = [a for a in argv if a != "--verify"]
    if unknown:
        print(f"error: unknown argument(s) {unknown}; allowed: --verify", file=sys.stderr)
        return 2
    cmd = [sys.executable, "-m", "nbstripout", *NBSTRIPOUT_FLAGS, *extra, *map(str, notebooks())]
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
