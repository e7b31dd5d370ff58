"""nbgrader end to end on one small notebook (01): generate_assignment from notebooks/ in a
fresh course directory, then autograde four submissions and check each score:

    correct         both exercises solved                                   2 of 2
    one wrong       01.1 multiplies by the temperature, 01.2 right          1 of 2
    unsolved        the released notebook as it is (stubs)                  0 of 2
    monkeypatched   01.1 returns zeros and rebinds check.softmax_temperature
                    to print the success line; 01.2 right                   1 of 2

The last one is why a graded check cell loads helpers.check afresh from disk: a check rebound
in the kernel must not earn the point. The unsolved one shows that the raises-exception tag,
which lets Run All go past an unsolved check, does not let nbgrader score it.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "01_softmax_temperature.ipynb"
ASSIGNMENT = "ps1"

WRONG_SOFTMAX = '''def softmax_t(logits, temperature):
    # Exercise 01.1: softmax with temperature
    z = np.asarray(logits, dtype=np.float64) * temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
'''
MONKEYPATCH = '''def softmax_t(logits, temperature):
    # Exercise 01.1: softmax with temperature
    return 0


check.softmax_temperature = lambda f: print("softmax with temperature: all 8 checks passed")
'''


def nbgrader(course, *args):
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--force"], cwd=course,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout + run.stderr


def answer_cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def submit(course, student, nb):
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / NOTEBOOK)


@pytest.fixture(scope="module")
def grades(tmp_path_factory):
    pytest.importorskip("nbgrader")
    course = tmp_path_factory.mktemp("course")
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "rnn-course"\n'
        'c.ExecutePreprocessor.timeout = 300\n', encoding="utf-8")
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, source / NOTEBOOK)
    nbgrader(course, "generate_assignment", ASSIGNMENT)

    solution = nbformat.read(source / NOTEBOOK, as_version=4)
    released = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    submit(course, "correct", solution)
    wrong = nbformat.read(source / NOTEBOOK, as_version=4)
    answer_cell(wrong, "ex01_1").source = WRONG_SOFTMAX
    submit(course, "wrong", wrong)
    submit(course, "unsolved", released)
    patched = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    answer_cell(patched, "ex01_1").source = MONKEYPATCH
    answer_cell(patched, "ex01_2").source = answer_cell(solution, "ex01_2").source
    submit(course, "monkeypatched", patched)
    nbgrader(course, "autograde", ASSIGNMENT)

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {student: {cell: gb.find_grade(cell, NOTEBOOK[:-6], ASSIGNMENT, student).score
                          for cell in ("check01_1", "check01_2")}
                for student in ("correct", "wrong", "unsolved", "monkeypatched")}


@pytest.mark.parametrize("student, want", [
    ("correct", {"check01_1": 1, "check01_2": 1}),
    ("wrong", {"check01_1": 0, "check01_2": 1}),
    ("unsolved", {"check01_1": 0, "check01_2": 0}),
    ("monkeypatched", {"check01_1": 0, "check01_2": 1}),
])
def test_autograde_scores(grades, student, want):
    assert grades[student] == want


def test_the_release_has_stubs_and_keeps_the_tags():
    """What a student receives from generate_assignment: stubs, and check cells that let Run All
    go on (the tag survives nbgrader's pipeline)."""
    from nbgrader.preprocessors import ClearSolutions, LockCells
    nb = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    for step in (LockCells(), ClearSolutions()):
        nb, _ = step.preprocess(nb, {})
    checks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert checks and all("raises-exception" in c.metadata.get("tags", []) for c in checks)
    assert "raise NotImplementedError" in "".join(c.source for c in nb.cells)
