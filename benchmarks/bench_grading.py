"""Benchmark ``nncourse grade``: 40 generated submissions, graded two at a time.

Prints the wall-clock seconds per submission, amortised over the whole command (its start-up included),
and the ratio to a reference measured in the same run: executing the same notebooks one after the other
with nbclient's defaults (a TCP kernel per notebook, no grading at all), which is what a simple
"run every notebook" grader costs. Target: at most 0.7 s per submission with --jobs 2 on a 2-core machine.

What isolation costs on top of a plain kernel (issue #12): a launcher process per submission (about 0.1 s
of CPU), bubblewrap's start, one forked child process per function called (a few milliseconds each,
more on a loaded machine), and building the kernels' copy of nncourse once per run. It buys results the
notebook cannot forge, references it cannot import, and limits on all of its processes together.

Run: python benchmarks/bench_grading.py [--n 40] [--jobs 2] [--sandbox auto|bwrap|user|none]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "exercises" / "solutions" / "sigmoid.ipynb"
VARIANTS = {  # how each generated submission's sigmoid is written; the rest is the solution
    "correct": None,
    "naive": "def sigmoid(x):\n    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))",
    "wrong": "def sigmoid(x):\n    return np.tanh(np.asarray(x, dtype=float))",
    "stub": "def sigmoid(x):\n    raise NotImplementedError",
}


def make_submissions(folder: Path, n: int) -> list[Path]:
    """``n`` notebooks cycling through the variants."""
    paths = []
    for i in range(n):
        name, source = list(VARIANTS.items())[i % len(VARIANTS)]
        nb = nbformat.read(SOLUTIONS, as_version=4)
        for cell in nb.cells:
            if source and cell.source.startswith("def sigmoid("):
                cell.source = source
        path = folder / f"student{i:03d}_{name}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def time_grader(folder: Path, out: Path, jobs: int, sandbox: str) -> float:
    command = [sys.executable, "-m", "nncourse", "grade", "sigmoid", str(folder), "--out", str(out)]
    command += ["--jobs", str(jobs), "--sandbox", sandbox, "--secret", "bench", "--quiet"]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def time_reference(paths: list[Path]) -> float:
    """Seconds per notebook to execute notebooks one by one with nbclient's defaults."""
    start = time.perf_counter()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    return (time.perf_counter() - start) / len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sandbox", default="auto", choices=("auto", "bwrap", "user", "none"))
    parser.add_argument(
        "--reference-n", type=int, default=6, help="notebooks timed for the reference"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        paths = make_submissions(folder, args.n)
        reference = time_reference(paths[: args.reference_n])
        total = time_grader(folder, Path(tmp) / "grades", args.jobs, args.sandbox)
        rows = (Path(tmp) / "grades" / "grades.csv").read_text().strip().splitlines()[1:]
    per = total / args.n
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work slows kernels down)")
    print(
        f"graded {len(rows)} submissions in {total:.1f} s with --jobs {args.jobs} --sandbox {args.sandbox}"
    )
    print(f"nncourse grade:  {per:.3f} s per submission (amortised, command start-up included)")
    print(f"reference:       {reference:.3f} s per notebook (nbclient, one at a time, no grading)")
    print(
        f"ratio:           {per / reference:.2f} x the reference   (target: <= 0.7 s per submission)"
    )


if __name__ == "__main__":
    main()
