"""Generate the students' exercise notebooks from the course's solution notebooks.

    python scripts/make_exercises.py            # write exercises/NN_*.ipynb from notebooks/
    python scripts/make_exercises.py --check    # exit 1 if exercises/ is out of date
    python scripts/make_exercises.py --source DIR --out DIR    # other folders (tests use this)

A notebook in notebooks/ holds exercises as nbgrader solution regions, each named by the
comment line just above its BEGIN marker and inside a function, so that the cell only
defines things:

    def softmax_t(logits, temperature):
        # Exercise 01.1: softmax with temperature
        ### BEGIN SOLUTION
        z = (logits - logits.max(axis=-1, keepdims=True)) / temperature
        ...
        ### END SOLUTION

The next code cell is its check cell: it loads helpers.check afresh from disk and calls one
check, e.g. `...softmax_temperature(softmax_t)` (see helpers/check/), and is tagged
`raises-exception` so that Run All goes past an unsolved exercise (nbgrader still scores the
cell's error 0). The generated exercises/01_softmax_temperature.ipynb has the region replaced
by a stub that names the exercise,

        # Exercise 01.1: softmax with temperature
        # YOUR CODE HERE
        raise NotImplementedError("Exercise 01.1: softmax with temperature")

all outputs and execution counts cleared, per-run metadata stripped (cell tags and ids are
kept), a note on top, and each prompt's sentence about the two versions ("In this notebook the
solution is filled in; in the exercise version ... you write it.") rewritten for the student. Only notebooks with solution regions produce an exercise file; a file
in the output folder whose notebook no longer has any is removed. The same input always gives
a byte-identical output, so tests/test_exercises.py can regenerate and compare.

The stripping is nbgrader's ClearSolutions preprocessor (the same one `nbgrader
generate_assignment` runs, so a teacher who uses nbgrader can take notebooks/ as it is) and
nbconvert's ClearOutput/ClearMetadata preprocessors. nbgrader is heavy, so it is in
requirements-test.txt, not in the students' requirements.txt.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor
from nbgrader.preprocessors import ClearSolutions

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NAME_LINE = re.compile(r"^\s*# (Exercise (\d{2})\.(\d+): \S.*?)\s*$")
PLACEHOLDER = "@@EXERCISE@@"
NOTE_ID = "exercise-note"
NOTE = """\
**Your exercise notebook.** Each exercise is a function whose body says `# YOUR CODE HERE`
and raises `NotImplementedError` until you write it. Run the check cell right after it: it
tests your function by its properties and either prints `... all N checks passed` or says
what is wrong, without giving the answer away. The rest of the notebook never uses your
functions, so Run All goes from top to bottom at any time: a check cell whose exercise is not
done yet shows its error and the notebook carries on. Stuck? The solution is the same cell of
`{name}` in the course's `notebooks/` folder."""
# the prompt's sentence about the two versions (whitespace as wrapped), and what a student reads
TWO_VERSIONS = re.compile(r"In\s+this\s+notebook\s+the\s+solution\s+is\s+filled\s+in;\s+in\s+the\s+"
                          r"exercise\s+version(?:\s+\(`exercises/`,\s+generated\s+by\s+"
                          r"`python\s+scripts/make_exercises\.py`\))?\s+you\s+write\s+it\.")
FOR_STUDENT = "Write it in the cell below."


# a graded check cell: helpers.check loaded afresh from disk (not whatever the kernel's `check`
# or sys.modules hold, so a check rebound in an answer cell cannot fake a pass), one check called
GRADED_CHECK = ('import importlib, sys   # graded: the checks as shipped, read afresh from disk\n'
                '[sys.modules.pop(m) for m in list(sys.modules) if m.startswith("helpers.check")]\n'
                'importlib.import_module("helpers.check").{call}')
GRADED_CALL = re.compile(re.escape(GRADED_CHECK).replace(re.escape("{call}"), r"(\w+)\((.*)\)") + "$")


class ExerciseFormatError(ValueError):
    """A solution region breaks the conventions above; the message says where and how."""


def exercise_regions(nb, notebook_name):
    """[(cell_index, 'Exercise NN.k: title'), ...] in order, after checking the conventions:
    every BEGIN marker is in a code cell, has the name line just above it and an END marker
    after it; NN is the notebook's two-digit prefix; exercise numbers are unique."""
    prefix = notebook_name[:2]
    found, seen = [], set()
    for index, cell in enumerate(nb.cells):
        lines = cell.source.split("\n")
        for k, line in enumerate(lines):
            if BEGIN not in line:
                continue
            where = f"{notebook_name}, cell {index}"
            if cell.cell_type != "code":
                raise ExerciseFormatError(f"{where}: solution regions belong in code cells")
            match = NAME_LINE.match(lines[k - 1]) if k > 0 else None
            if not match:
                raise ExerciseFormatError(f"{where}: the line above '{BEGIN}' must name the "
                                          f"exercise, e.g. '# Exercise {prefix}.1: softmax with "
                                          f"temperature'")
            title, nn, _ = match.groups()
            if nn != prefix:
                raise ExerciseFormatError(f"{where}: '{title}' should be numbered {prefix}.k in "
                                          f"notebook {notebook_name}")
            number = title.split(":")[0]
            if number in seen:
                raise ExerciseFormatError(f"{where}: {number} is used twice")
            if not any(END in rest for rest in lines[k + 1:]):
                raise ExerciseFormatError(f"{where}: '{title}' has no '{END}' after it")
            seen.add(number)
            found.append((index, title))
    return found


def check_cells(nb, notebook_name):
    """[(cell_index, check name)] of the check cell after each exercise, after checking that it
    is graded (GRADED_CHECK) and tagged raises-exception (Run All goes past an unsolved one)."""
    cells = []
    for index, title in exercise_regions(nb, notebook_name):
        j = next((k for k in range(index + 1, len(nb.cells)) if nb.cells[k].cell_type == "code"), None)
        match = GRADED_CALL.match(nb.cells[j].source) if j is not None else None
        if not match:
            raise ExerciseFormatError(f"{notebook_name}: the code cell after '{title}' must be its "
                                      f"check cell, exactly: " + GRADED_CHECK.format(
                                          call="NAME(your_function)").replace("\n", " | "))
        if "raises-exception" not in nb.cells[j].metadata.get("tags", []):
            raise ExerciseFormatError(f"{notebook_name}, cell {j}: the check cell of '{title}' "
                                      "needs the tag raises-exception, so that Run All goes past it")
        cells.append((j, match.group(1)))
    return cells


class NamedClearSolutions(ClearSolutions):
    """nbgrader's ClearSolutions, with a stub that raises NotImplementedError naming the exercise
    (taken from the '# Exercise NN.k: title' line above each region) instead of a bare one."""

    def _replace_solution_region(self, cell, language):
        titles = [NAME_LINE.match(prev).group(1)
                  for prev, line in zip([""] + cell.source.split("\n"), cell.source.split("\n"))
                  if BEGIN in line and NAME_LINE.match(prev)]
        replaced = super()._replace_solution_region(cell, language)
        for title in titles:
            cell.source = cell.source.replace(PLACEHOLDER, repr(title).replace("'", '"'), 1)
        return replaced


def make_exercise(path):
    """The exercise version of the notebook at `path` (a NotebookNode), or None if it has no
    solution regions."""
    nb = nbformat.read(path, as_version=4)
    if not check_cells(nb, path.name):
        return None
    resources = {}
    stub = f"# YOUR CODE HERE\nraise NotImplementedError({PLACEHOLDER})"
    # enforce_metadata=False: the course's cells need no nbgrader metadata to be cleared
    nb, resources = NamedClearSolutions(code_stub={"python": stub}, enforce_metadata=False
                                        ).preprocess(nb, resources)
    nb, resources = ClearOutputPreprocessor().preprocess(nb, resources)
    nb, resources = ClearMetadataPreprocessor(
        preserve_cell_metadata_mask={"tags"},
        preserve_nb_metadata_mask={"kernelspec", "language_info"}).preprocess(nb, resources)
    nb.metadata.get("language_info", {}).pop("version", None)   # per-run: the Python patch version
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.metadata = {}
            cell.source = TWO_VERSIONS.sub(FOR_STUDENT, cell.source)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(NOTE.format(name=path.name), id=NOTE_ID))
    return nb


def render(nb):
    """The exact bytes written for a notebook (what nbformat.write would produce)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def build(source, out):
    """{output path: text} for every notebook of `source` that has exercises."""
    result = {}
    for path in sorted(Path(source).glob("*.ipynb")):
        nb = make_exercise(path)
        if nb is not None:
            result[Path(out) / path.name] = render(nb)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the output folder is out of date")
    parser.add_argument("--source", type=Path, default=ROOT / "notebooks",
                        help="folder of solution notebooks (default: notebooks/)")
    parser.add_argument("--out", type=Path, default=ROOT / "exercises",
                        help="folder of exercise notebooks (default: exercises/)")
    args = parser.parse_args(argv)
    try:
        wanted = build(args.source, args.out)
    except ExerciseFormatError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    existing = set(args.out.glob("*.ipynb")) if args.out.is_dir() else set()
    stale = sorted(existing - set(wanted))
    changed = sorted(p for p, text in wanted.items()
                     if not p.exists() or p.read_text(encoding="utf-8") != text)
    if args.check:
        for p in changed:
            print(f"out of date: {p.relative_to(args.out.parent) if args.out.parent in p.parents else p}")
        for p in stale:
            print(f"no longer has exercises: {p}")
        if changed or stale:
            print("run: python scripts/make_exercises.py", file=sys.stderr)
            return 1
        print(f"{len(wanted)} exercise notebook(s) up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for p in changed:
        p.write_text(wanted[p], encoding="utf-8", newline="\n")
    for p in stale:
        p.unlink()
    print(f"{len(wanted)} exercise notebook(s) in {args.out}: {len(changed)} written, "
          f"{len(stale)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
