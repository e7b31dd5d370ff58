"""The exercise notebooks: generated from notebooks/ by scripts/make_exercises.py, in sync with
them, stopping only at their NotImplementedError stubs, each exercise followed by a check cell.

Every test runs on each notebook of notebooks/ that has solution regions AND on the fixture
notebook(s) in tests/fixtures/, so the machinery is proven even before the course has exercises.
"""
import ast
import re
import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import check

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SCRIPT = ROOT / "scripts" / "make_exercises.py"

spec = importlib.util.spec_from_file_location("make_exercises", SCRIPT)
mx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mx)


def has_regions(path):
    return mx.BEGIN in path.read_text(encoding="utf-8")


SOURCES = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if has_regions(p)) + \
    sorted(FIXTURES.glob("*.ipynb"))
ids = [p.relative_to(ROOT).as_posix() for p in SOURCES]


def read(path):
    return nbformat.read(path, as_version=4)


def check_calls(source):
    """[(check name, first argument's name)] for every call check.NAME(arg, ...),
    helpers.check.NAME(arg, ...) or importlib.import_module("helpers.check").NAME(arg, ...)
    in a cell."""
    calls = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            fresh = isinstance(owner, ast.Call) and owner.args and \
                isinstance(owner.args[0], ast.Constant) and owner.args[0].value == "helpers.check"
            if (isinstance(owner, ast.Name) and owner.id == "check") or fresh or \
                    (isinstance(owner, ast.Attribute) and owner.attr == "check"):
                first = node.args[0].id if node.args and isinstance(node.args[0], ast.Name) else None
                calls.append((node.func.attr, first))
    return calls


def functions_with_regions(source):
    """Names of the functions of a cell whose body holds a BEGIN SOLUTION line."""
    lines = source.split("\n")
    begins = [k + 1 for k, line in enumerate(lines) if mx.BEGIN in line]
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and \
                any(node.lineno < b <= node.end_lineno for b in begins):
            names.append(node.name)
    return names, begins


def next_code_cell(nb, index):
    return next((j for j in range(index + 1, len(nb.cells)) if nb.cells[j].cell_type == "code"), None)


# ---------------------------------------------------------------- (a) in sync

def test_exercises_folder_is_in_sync_with_notebooks():
    wanted = mx.build(ROOT / "notebooks", ROOT / "exercises")
    present = set((ROOT / "exercises").glob("*.ipynb"))
    assert present == set(wanted), ("exercises/ does not match the notebooks with exercises; "
                                    "run: python scripts/make_exercises.py")
    for path, text in wanted.items():
        assert path.read_text(encoding="utf-8") == text, \
            f"{path.name} is out of date; run: python scripts/make_exercises.py"


def test_check_command_agrees():
    run = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("path", SOURCES, ids=ids)
def test_generation_is_deterministic_and_check_mode_sees_changes(path, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    args = ["--source", str(src), "--out", str(out)]
    assert mx.main(args) == 0
    first = (out / path.name).read_bytes()
    assert mx.main(args) == 0
    assert (out / path.name).read_bytes() == first
    assert first == mx.render(mx.make_exercise(path)).encode("utf-8")
    assert mx.main(args + ["--check"]) == 0
    # what scripts/clean_notebooks.py would strip is already gone (the hygiene test covers exercises/)
    clean = importlib.util.spec_from_file_location("clean_notebooks", ROOT / "scripts" / "clean_notebooks.py")
    flags = importlib.util.module_from_spec(clean)
    clean.loader.exec_module(flags)
    verify = subprocess.run([sys.executable, "-m", "nbstripout", *flags.NBSTRIPOUT_FLAGS, "--verify",
                             str(out / path.name)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    (out / path.name).write_bytes(first.replace(b"YOUR CODE HERE", b"an edited copy"))
    assert mx.main(args + ["--check"]) == 1
    (out / path.name).write_bytes(first)
    (out / "99_stale.ipynb").write_bytes(first)
    assert mx.main(args + ["--check"]) == 1
    assert mx.main(args) == 0
    assert not (out / "99_stale.ipynb").exists()


@pytest.mark.parametrize("path", SOURCES, ids=ids)
def test_exercise_has_stubs_no_solutions_and_no_outputs(path):
    nb = mx.make_exercise(path)
    titles = [t for _, t in mx.exercise_regions(read(path), path.name)]
    text = "\n".join(c.source for c in nb.cells)
    assert mx.BEGIN not in text and mx.END not in text
    for title in titles:
        assert f'raise NotImplementedError("{title}")' in text
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert set(cell.metadata) <= {"tags"}, cell.metadata
    assert "version" not in nb.metadata.get("language_info", {})
    # the solution lines themselves are gone
    solution = read(path)
    for index, _ in mx.exercise_regions(solution, path.name):
        lines = solution.cells[index].source.split("\n")
        b = next(k for k, line in enumerate(lines) if mx.BEGIN in line)
        e = next(k for k, line in enumerate(lines) if mx.END in line and k > b)
        outside = set(lines[:b] + lines[e + 1:])
        hidden = [line for line in lines[b + 1:e] if line.strip() and line not in outside]
        exercise_cell = next(c for c in nb.cells if c.get("id") == solution.cells[index].get("id"))
        for line in hidden:
            assert line not in exercise_cell.source.split("\n"), f"solution line left in: {line}"


# ---------------------------------------------------------------- (b) runs into the stubs only

def execute(nb, tmp_path, allow_errors=True):
    """Run nb from a fresh kernel. allow_errors=False is Run All as JupyterLab does it: the run
    stops at the first error, except in a cell tagged raises-exception."""
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()
    return nb


def stub_problems(solution, name, executed):
    """What is wrong with an executed exercise notebook: any error that is not an exercise
    stub's NotImplementedError, a stub reached outside a check cell, a check cell that did not
    reach its exercise's stub. [] when all is well."""
    regions = mx.exercise_regions(solution, name)
    check_cells = {solution.cells[next_code_cell(solution, i)].id: t for i, t in regions}
    errors = {}
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                errors[cell.id] = (out.ename, out.evalue)
    problems = []
    for cell_id, (ename, evalue) in errors.items():
        if ename != "NotImplementedError" or not evalue.startswith("Exercise "):
            problems.append(f"cell {cell_id} failed with {ename}: {evalue} (only the exercise "
                            f"stubs may raise)")
        elif cell_id not in check_cells:
            problems.append(f"cell {cell_id} reached a stub ({evalue}) but is not a check cell: "
                            f"after an exercise, the notebook must go on with the helpers version")
    for cell_id, title in check_cells.items():
        if errors.get(cell_id) != ("NotImplementedError", title):
            problems.append(f"check cell {cell_id} should stop at the stub of '{title}', "
                            f"got {errors.get(cell_id)}")
    return problems


@pytest.mark.parametrize("path", SOURCES, ids=ids)
def test_exercise_notebook_runs_to_the_end_stopping_only_at_its_stubs(path, tmp_path):
    """Run All on the untouched exercise notebook reaches the last cell (each check cell is
    tagged raises-exception), and the only errors are the stubs', in their check cells."""
    executed = execute(mx.make_exercise(path), tmp_path, allow_errors=False)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code[-1].execution_count is not None, "Run All stopped before the last cell"
    assert stub_problems(read(path), path.name, executed) == []


def test_without_the_tag_run_all_would_stop_at_the_first_unsolved_check(tmp_path):
    from nbclient.exceptions import CellExecutionError
    nb = mx.make_exercise(sorted(FIXTURES.glob("*.ipynb"))[0])
    for cell in nb.cells:
        cell.metadata.get("tags", []).clear()
    with pytest.raises(CellExecutionError, match="Exercise 00.1"):
        execute(nb, tmp_path, allow_errors=False)


def test_a_cell_that_uses_the_learners_function_is_caught(tmp_path):
    path = sorted(FIXTURES.glob("*.ipynb"))[0]
    bad = read(path)
    after = next(c for c in bad.cells if c.id == "fx-after-1")
    after.source = "p = softmax_t([1.0, 2.0, 3.0], 0.5)\nq = p + 1"   # the learner's function
    nbformat.write(bad, tmp_path / path.name)
    executed = execute(mx.make_exercise(tmp_path / path.name), tmp_path)
    problems = stub_problems(bad, path.name, executed)
    assert len(problems) == 1 and "fx-after-1" in problems[0] and "not a check cell" in problems[0]


def test_fixture_solution_passes_its_checks(tmp_path):
    for path in sorted(FIXTURES.glob("*.ipynb")):
        nb = read(path)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        nb = execute(nb, tmp_path)
        text = []
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                assert out.output_type != "error", f"{path.name}: {out.ename}: {out.evalue}"
                text.append(out.get("text", ""))
        passed = [line for line in "".join(text).splitlines() if "checks passed" in line]
        assert len(passed) == len(mx.exercise_regions(nb, path.name)), passed


# ---------------------------------------------------------------- (c) a check cell after each exercise

@pytest.mark.parametrize("path", SOURCES, ids=ids)
def test_every_exercise_is_followed_by_its_check_cell(path):
    nb = read(path)
    regions = mx.exercise_regions(nb, path.name)
    assert regions
    for index, title in regions:
        functions, begins = functions_with_regions(nb.cells[index].source)
        assert len(functions) == len(begins), \
            f"{title}: every solution region must lie inside a function (cell {index})"
        j = next_code_cell(nb, index)
        assert j is not None, f"{title}: no cell after the exercise"
        assert mx.GRADED_CALL.match(nb.cells[j].source), f"{title}: cell {j} is not a graded check cell"
        assert "raises-exception" in nb.cells[j].metadata.get("tags", []), f"{title}: cell {j}"
        calls = check_calls(nb.cells[j].source)
        assert calls, f"{title}: the next code cell (cell {j}) must call helpers.check"
        for name, arg in calls:
            assert name in check.CHECKS, f"cell {j}: helpers.check has no check named {name!r}"
        tested = {arg for _, arg in calls}
        for fn in functions:
            assert fn in tested, f"{title}: cell {j} does not check the function {fn!r}"


@pytest.mark.parametrize("path", SOURCES, ids=ids)
def test_nbgrader_takes_the_notebook_as_it_is(path):
    """One exercise per cell, marked as an nbgrader solution cell (grade_id exNN_k), and its
    check cell as a locked, graded test cell (grade_id checkNN_k): then nbgrader's own
    pipeline (generate_assignment, autograde) accepts notebooks/ unchanged."""
    from nbgrader.preprocessors import CheckCellMetadata, ClearSolutions, LockCells
    nb = read(path)
    regions = mx.exercise_regions(nb, path.name)
    cells = [i for i, _ in regions]
    assert len(cells) == len(set(cells)), "one exercise per cell (nbgrader grades cells)"
    for index, title in regions:
        nn, k = title.split(":")[0].split()[1].split(".")
        meta = nb.cells[index].metadata.get("nbgrader", {})
        assert meta.get("solution") is True and meta.get("grade") is False and \
            meta.get("grade_id") == f"ex{nn}_{k}", f"{title}: nbgrader solution metadata {meta}"
        meta = nb.cells[next_code_cell(nb, index)].metadata.get("nbgrader", {})
        assert meta.get("grade") is True and meta.get("locked") is True and \
            meta.get("solution") is False and meta.get("points", 0) > 0 and \
            meta.get("grade_id") == f"check{nn}_{k}", f"{title}: nbgrader check-cell metadata {meta}"
    for step in (CheckCellMetadata(), LockCells(), ClearSolutions()):   # nbgrader's defaults
        nb, _ = step.preprocess(nb, {})
    assert mx.BEGIN not in "".join(c.source for c in nb.cells)


# ---------------------------------------------------------------- the conventions are enforced

def nb_with(source, name="01_x.ipynb"):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), name


@pytest.mark.parametrize("source, message", [
    ("def f():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION", "must name the exercise"),
    ("def f():\n    # Exercise 02.1: f\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION",
     "numbered 01.k"),
    ("def f():\n    # Exercise 01.1: f\n    ### BEGIN SOLUTION\n    pass\n", "no '### END SOLUTION'"),
    ("def f():\n    # Exercise 01.1: f\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\n"
     "def g():\n    # Exercise 01.1: g\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION",
     "used twice"),
])
def test_format_errors_say_what_is_wrong(source, message):
    with pytest.raises(mx.ExerciseFormatError, match=message):
        mx.exercise_regions(*nb_with(source))


def graded_check_cell(call="softmax_temperature(f)"):
    return nbformat.v4.new_code_cell(mx.GRADED_CHECK.format(call=call),
                                     metadata={"tags": ["raises-exception"]})


def test_two_regions_in_one_cell_get_their_own_stubs(tmp_path):
    source = ("def f():\n    # Exercise 01.1: first\n    ### BEGIN SOLUTION\n    return 1\n"
              "    ### END SOLUTION\n\n\ndef g():\n    # Exercise 01.2: second\n"
              "    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION")
    nb, name = nb_with(source)
    nb.cells.append(graded_check_cell())
    nbformat.write(nb, tmp_path / name)
    out = mx.make_exercise(tmp_path / name).cells[1].source
    assert out.index('NotImplementedError("Exercise 01.1: first")') < \
        out.index('NotImplementedError("Exercise 01.2: second")')
    assert "return 1" not in out and "return 2" not in out


def test_a_notebook_without_regions_makes_no_exercise(tmp_path):
    nb, name = nb_with("print('no exercise here')")
    nbformat.write(nb, tmp_path / name)
    assert mx.make_exercise(tmp_path / name) is None
    assert mx.build(tmp_path, tmp_path / "out") == {}


@pytest.mark.parametrize("check_cell, message", [
    (nbformat.v4.new_code_cell("check.softmax_temperature(f)", metadata={"tags": ["raises-exception"]}),
     "must be its check cell, exactly"),
    (nbformat.v4.new_code_cell(mx.GRADED_CHECK.format(call="softmax_temperature(f)")),
     "needs the tag raises-exception"),
], ids=["not_graded", "no_tag"])
def test_a_check_cell_must_be_graded_and_tagged(check_cell, message, tmp_path):
    nb, name = nb_with("def f():\n    # Exercise 01.1: f\n    ### BEGIN SOLUTION\n    pass\n"
                       "    ### END SOLUTION")
    nb.cells.append(check_cell)
    with pytest.raises(mx.ExerciseFormatError, match=message):
        mx.check_cells(nb, name)


@pytest.mark.parametrize("path", SOURCES, ids=ids)
def test_exercise_text_speaks_to_the_student(path):
    """The prompts' sentence about the two versions is rewritten; nothing in the exercise
    version still says the solution is filled in."""
    nb = mx.make_exercise(path)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not mx.TWO_VERSIONS.search(text)
    phrases = ("solution is filled in", "exercise version") if FIXTURES not in path.parents else ()
    for phrase in phrases:          # (the fixture's own title speaks of the machinery)
        assert phrase not in text, f"{path.name}: '{phrase}' left in the exercise version"
    if mx.TWO_VERSIONS.search("\n".join(c.source for c in read(path).cells)):
        assert mx.FOR_STUDENT in text


@pytest.mark.parametrize("path", SOURCES, ids=ids)
def test_exercises_are_numbered_in_reading_order(path):
    numbers = [int(t.split(":")[0].split(".")[1]) for _, t in mx.exercise_regions(read(path), path.name)]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    nb = read(path)
    prompts = [int(m) for c in nb.cells if c.cell_type == "markdown"
               for m in re.findall(r"\*\*Exercise \d\d\.(\d+)\.\*\*", c.source)]
    assert prompts in ([], numbers), f"{path.name}: prompts {prompts}, exercises {numbers}"
