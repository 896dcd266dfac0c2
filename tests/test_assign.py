"""Tests of nncourse.assign: student and solutions notebooks from one source."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nncourse.__main__ import main
from nncourse.assign import assign, generate

ROOT = Path(__file__).resolve().parents[1]

SOURCE = new_notebook(
    cells=[
        new_markdown_cell("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
        new_code_cell(
            "def f(x):\n    y = 2\n    ### BEGIN SOLUTION\n    return x * y\n    ### END SOLUTION\n"
            "f  # after"
        ),
    ]
)


def test_student_notebook_replaces_solutions():
    nb = generate(SOURCE, student=True)
    assert nb.cells[1].source == "def f(x):\n    y = 2\n    raise NotImplementedError\nf  # after"
    assert nb.cells[0].source == "Why?\n*Your answer here.*"


def test_solutions_notebook_drops_only_the_markers():
    nb = generate(SOURCE, student=False)
    assert nb.cells[1].source == "def f(x):\n    y = 2\n    return x * y\nf  # after"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "inside a function body"),
        ("def f():\n    ### BEGIN SOLUTION\n    pass", "without END"),
        ("def f():\n    ### END SOLUTION", "without its pair"),
    ],
)
def test_bad_markers_are_clear_errors(source, message):
    with pytest.raises(ValueError, match=message):
        generate(new_notebook(cells=[new_code_cell(source)]), student=True)


def test_assign_writes_then_check_finds_nothing_stale(tmp_path):
    (tmp_path / "exercises").mkdir()
    nbformat.write(SOURCE, tmp_path / "exercises" / "demo.ipynb")
    written = assign(root=tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        "book/exercises/demo.ipynb",
        "exercises/solutions/demo.ipynb",
    }
    assert assign(root=tmp_path, check=True) == []
    (tmp_path / "book/exercises/demo.ipynb").write_text("{}")
    assert main(["assign", "--root", str(tmp_path), "--check"]) == 1


def test_committed_notebooks_are_up_to_date():
    assert assign(root=ROOT, check=True) == []


def test_generated_notebooks_have_no_outputs():
    for path in (ROOT / "book/exercises").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None


def test_python_dash_m_nncourse_checks_the_committed_notebooks():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "nncourse", "assign", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_missing_source_notebooks_are_named(tmp_path):
    with pytest.raises(ValueError, match=r"root: expected source notebooks in .*, got none"):
        assign(root=tmp_path)
    with pytest.raises(
        ValueError, match=r"exercise_ids: expected exercises with a source notebook, got 'nope'"
    ):
        assign(["nope"], root=tmp_path)
