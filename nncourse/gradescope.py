"""Grade on Gradescope: ``nncourse gradescope EXERCISE -o autograder.zip`` writes an autograder bundle.

The bundle holds ``setup.sh`` (installs Python, bubblewrap and this package), ``run_autograder`` (runs
:func:`run_autograder`, the same grader as ``nncourse grade``), ``config.json`` (exercise and time limit),
``secret.txt`` (the seed of the hidden inputs: keep the zip away from students) and ``package/`` (this
package's source). Gradescope unpacks it into ``/autograder/source``, puts the student's files in
``/autograder/submission`` and reads ``/autograder/results/results.json``. The root ``/autograder`` can be
moved with ``$AUTOGRADER_ROOT`` (the tests use a temporary folder), the Python with ``$NNCOURSE_PYTHON``.

Taught in: the instructor guide (book/instructors.md), section "Grading on Gradescope".
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import nncourse
from nncourse.exercises import load_exercise
from nncourse.gradebook import results_name

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
exec "$PYTHON" -m nncourse.gradescope --root "$ROOT"
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
    config = {"exercise": exercise_id, "timeout": timeout}
    package = Path(nncourse.__file__).parent
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text, mode in (
            ("setup.sh", SETUP_SH, 0o755),
            ("run_autograder", RUN_AUTOGRADER, 0o755),
            ("config.json", json.dumps(config, indent=1) + "\n", 0o644),
            ("secret.txt", (secret or secrets.token_hex(16)) + "\n", 0o600),
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
    notebooks = sorted(
        p for p in submission.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    named = [p for p in notebooks if p.name == f"{exercise_id}.ipynb"]
    if named:
        return named[0]
    return notebooks[0] if len(notebooks) == 1 else None


def run_autograder(root: Path | str = "/autograder") -> dict:
    """Grade ``root/submission`` as Gradescope lays it out; write and return ``root/results/results.json``."""
    from nncourse.grading import grade

    root = Path(root)
    config = json.loads((root / "source" / "config.json").read_text())
    secret = (root / "source" / "secret.txt").read_text().strip()
    exercise_id = config["exercise"]
    (root / "results").mkdir(parents=True, exist_ok=True)
    notebook = find_notebook(root / "submission", exercise_id)
    if notebook is None:
        results = {
            "score": 0,
            "output": f"No notebook to grade: submit {exercise_id}.ipynb (one notebook).",
            "tests": [],
        }
    else:
        work = Path(tempfile.mkdtemp(prefix="nncourse-gradescope-"))
        try:
            rows = grade(exercise_id, [notebook], work, timeout=config["timeout"], secret=secret)
            results = json.loads(
                (work / "results" / results_name(rows[0]["submission"])).read_text()
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    (root / "results" / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    return results


def main_gradescope(args: argparse.Namespace) -> int:
    """``nncourse gradescope EXERCISE -o ZIP``."""
    try:
        path = write_bundle(args.exercise, args.output, timeout=args.timeout, secret=args.secret)
    except ValueError as error:
        print(f"nncourse gradescope: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}: upload it as the autograder of a Gradescope programming assignment")
    return 0


if __name__ == "__main__":  # what run_autograder calls
    parser = argparse.ArgumentParser(prog="python -m nncourse.gradescope")
    parser.add_argument("--root", type=Path, default=Path("/autograder"))
    run_autograder(parser.parse_args().root)
