"""Grade on Gradescope: ``nncourse gradescope EXERCISE -o autograder.zip`` writes an autograder bundle.

The bundle holds ``setup.sh`` (installs Python, bubblewrap and this package), ``run_autograder`` (runs
:func:`run_autograder`, the same grader as ``nncourse grade``), ``config.json`` (exercise, time limit and
sandbox level: ``auto`` by default),
``secret.txt`` (the seed of the hidden inputs: keep the zip away from students) and ``package/`` (this
package's source). Gradescope unpacks it into ``/autograder/source``, puts the student's files in
``/autograder/submission`` and reads ``/autograder/results/results.json``. The root ``/autograder`` can be
moved with ``$AUTOGRADER_ROOT`` (the tests use a temporary folder), the Python with ``$NNCOURSE_PYTHON``.

The bundle never grades without isolation: when neither bubblewrap nor an unprivileged user is available
(sandbox level ``none``), it writes a ``results.json`` that says so, with no score, instead of grading.

Taught in: the instructor guide (book/instructors.md), section "Grading on Gradescope".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import nncourse
from nncourse.exercises import load_exercise
from nncourse.grading import sandbox
from nncourse.grading.options import GradingOptions, Limits
from nncourse.grading.submissions import new_secret, notebooks_under

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
apt-get update
apt-get install -y python3 python3-venv python3-pip bubblewrap
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install /autograder/source/package
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${NNCOURSE_PYTHON:-/autograder/venv/bin/python}"
exec "$PYTHON" -m nncourse.grading.gradescope --root "$ROOT"
"""


def _pyproject() -> str:
    """A minimal pyproject.toml for the bundled package, with this installation's dependencies."""
    requires = [r for r in (metadata.requires("nncourse") or []) if "extra ==" not in r]
    deps = "".join(f"    {json.dumps(r)},\n" for r in requires)
    return (
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "nncourse"\nversion = "{nncourse.__version__}"\n'
        f'requires-python = ">=3.10"\ndependencies = [\n{deps}]\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["nncourse*"]\n\n'
        '[tool.setuptools.package-data]\nnncourse = ["**/*.ipynb", "**/*.json", "**/*.js", "**/*.css"]\n'
    )


def write_bundle(
    exercise_id: str, output: Path | str, timeout: float = 120.0, secret: str | None = None
) -> Path:
    """Write the Gradescope autograder zip for ``exercise_id``; return its path."""
    load_exercise(exercise_id)  # fails early for an unknown exercise
    if timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    output = Path(output)
    config = {"exercise": exercise_id, "timeout": timeout, "sandbox": "auto"}
    package = Path(nncourse.__file__).parent
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text, mode in (
            ("setup.sh", SETUP_SH, 0o755),
            ("run_autograder", RUN_AUTOGRADER, 0o755),
            ("config.json", json.dumps(config, indent=1) + "\n", 0o644),
            ("secret.txt", (secret or new_secret()) + "\n", 0o600),
            ("package/pyproject.toml", _pyproject(), 0o644),
        ):
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                z.write(path, f"package/nncourse/{path.relative_to(package).as_posix()}")
    return output


def find_notebook(submission: Path, exercise_id: str) -> Path | None:
    """The notebook to grade: ``ID.ipynb`` if it was submitted, else the only notebook, else None."""
    notebooks = notebooks_under(submission)
    named = [p for p in notebooks if p.name == f"{exercise_id}.ipynb"]
    if named:
        return named[0]
    return notebooks[0] if len(notebooks) == 1 else None


def _write(root: Path, results: dict) -> dict:
    (root / "results").mkdir(parents=True, exist_ok=True)
    (root / "results" / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    return results


def _refusal(isolation: sandbox.Isolation) -> dict:
    """The results.json of a submission not graded because nothing can isolate it here."""
    return {
        "score": 0,
        "output": (
            "Not graded: this autograder cannot isolate submissions here "
            f"(sandbox: {isolation.summary()}). It refuses to grade without isolation, so that no "
            "submission can read the hidden inputs or change its grade. Please tell your instructor."
        ),
        "tests": [],
    }


def _lock_away(root: Path) -> None:
    """As root, make the bundle (the secret) and the installed references readable by root only: at level
    user without namespaces the kernel's user sees the file system as far as permissions allow."""
    if os.geteuid() != 0:
        return
    installed = Path(nncourse.__file__).resolve().parent  # by setup.sh, into the venv
    folders = [root / "source"] + (
        [installed / "exercises"] if "site-packages" in installed.parts else []
    )
    for folder in folders:
        try:
            folder.chmod(0o700)
        except OSError:
            pass


def run_autograder(root: Path | str = "/autograder") -> dict:
    """Grade ``root/submission`` as Gradescope lays it out; write and return ``root/results/results.json``."""
    from nncourse.grading import grade

    root = Path(root)
    config = json.loads((root / "source" / "config.json").read_text())
    secret = (root / "source" / "secret.txt").read_text().strip()
    exercise_id = config["exercise"]
    isolation = sandbox.resolve(config.get("sandbox", "auto"))
    if isolation.level == "none":
        return _write(root, _refusal(isolation))
    _lock_away(root)
    notebook = find_notebook(root / "submission", exercise_id)
    if notebook is None:
        text = f"No notebook to grade: submit {exercise_id}.ipynb (one notebook)."
        return _write(root, {"score": 0, "output": text, "tests": []})
    work = Path(tempfile.mkdtemp(prefix="nncourse-gradescope-"))
    try:
        limits = Limits(config["timeout"])
        hidden = (root / "source",)  # the secret and the package's references
        options = GradingOptions(limits, secret=secret, sandbox=isolation.level, hidden=hidden)
        report = grade(exercise_id, [notebook], work, options)
        results = json.loads(next(iter(report.results.values())).read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _write(root, results)


if __name__ == "__main__":  # what run_autograder calls
    parser = argparse.ArgumentParser(prog="python -m nncourse.grading.gradescope")
    parser.add_argument("--root", type=Path, default=Path("/autograder"))
    run_autograder(parser.parse_args().root)
