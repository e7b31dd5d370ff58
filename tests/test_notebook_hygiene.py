"""Committed notebooks carry outputs but no per-run metadata, so re-running one is a small diff."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PER_RUN_CELL_KEYS = {"execution", "ExecuteTime"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_per_run_metadata(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"], f"{path.name} stores widget state; run scripts/clean_notebooks.py"
    assert "version" not in nb["metadata"].get("language_info", {}), \
        f"{path.name} records the Python version it last ran on; run scripts/clean_notebooks.py"
    for i, cell in enumerate(nb["cells"]):
        stale = PER_RUN_CELL_KEYS & set(cell.get("metadata", {}))
        assert not stale, f"{path.name} cell {i} carries {sorted(stale)}; run scripts/clean_notebooks.py"


def test_clean_command_finds_nothing_to_strip():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "clean_notebooks.py"), "--verify"],
                         capture_output=True, text=True)
    assert run.returncode == 0, f"notebooks need cleaning:\n{run.stdout}{run.stderr}"


def test_notebooks_keep_their_outputs():
    # Students read the outputs on the web, and strict nbval compares against them.
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert any(c["outputs"] for c in code), f"{path.name} was committed without outputs"
        assert all(c["execution_count"] is not None for c in code if c["outputs"]), \
            f"{path.name} has outputs without execution counts"
