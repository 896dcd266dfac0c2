"""Tests of the Gradescope bundle: its run_autograder grades a directory laid out as Gradescope lays it out."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from nncourse.__main__ import main
from nncourse.exercises import load_exercise
from nncourse.grading.gradescope import find_notebook, write_bundle

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "exercises" / "solutions" / "sigmoid.ipynb"


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """An /autograder folder with the bundle unpacked in source/, as Gradescope does."""
    root = tmp_path_factory.mktemp("autograder")
    bundle = write_bundle("sigmoid", root / "autograder.zip", timeout=60, secret="bundle-secret")
    with zipfile.ZipFile(bundle) as z:
        z.extractall(root / "source")
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in z.infolist()}
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    for name in ("run_autograder", "setup.sh"):
        os.chmod(root / "source" / name, 0o755)
    return root


def run(root):
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "NNCOURSE_PYTHON": sys.executable}
    subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], env=env, check=True, timeout=300
    )
    return json.loads((root / "results" / "results.json").read_text())


def test_bundle_contents(autograder):
    source = autograder / "source"
    assert json.loads((source / "config.json").read_text()) == {
        "exercise": "sigmoid",
        "timeout": 60,
        "sandbox": "auto",
    }
    assert (source / "secret.txt").read_text().strip() == "bundle-secret"
    assert (source / "package" / "nncourse" / "grading" / "__init__.py").is_file()
    assert "dependencies" in (source / "package" / "pyproject.toml").read_text()
    assert "pip install /autograder/source/package" in (source / "setup.sh").read_text()


def test_run_autograder_grades_a_submission(autograder):
    submission = autograder / "submission"
    submission.mkdir()
    shutil.copy(SOLUTIONS, submission / "sigmoid.ipynb")
    results = run(autograder)
    assert results["score"] == load_exercise("sigmoid").points
    assert results["tests"] and all(t["score"] == t["max_score"] for t in results["tests"])


def test_run_autograder_without_a_notebook(autograder, tmp_path):
    root = tmp_path / "autograder"
    shutil.copytree(autograder / "source", root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "notes.txt").write_text("forgot the notebook")
    results = run(root)
    assert results["score"] == 0 and "No notebook" in results["output"]


def test_find_notebook_prefers_the_exercise_name(tmp_path):
    for name in ("a.ipynb", "sigmoid.ipynb"):
        (tmp_path / name).write_text("{}")
    assert find_notebook(tmp_path, "sigmoid").name == "sigmoid.ipynb"
    (tmp_path / "sigmoid.ipynb").unlink()
    assert find_notebook(tmp_path, "sigmoid").name == "a.ipynb"
    (tmp_path / "b.ipynb").write_text("{}")
    assert find_notebook(tmp_path, "sigmoid") is None


def test_command_line_writes_the_zip(tmp_path, capsys):
    assert main(["gradescope", "sigmoid", "-o", str(tmp_path / "ag.zip")]) == 0
    assert zipfile.is_zipfile(tmp_path / "ag.zip")
    assert "wrote" in capsys.readouterr().out
    assert main(["gradescope", "sigmoid", "-o", str(tmp_path / "x.zip"), "--timeout", "0"]) == 2


def test_bundled_package_is_importable_on_its_own(autograder):
    package = autograder / "source" / "package"
    code = "import nncourse, nncourse.grading, nncourse.exercises.sigmoid; print(nncourse.__file__)"
    env = {**os.environ, "PYTHONPATH": str(package)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=package,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().startswith(str(package))
