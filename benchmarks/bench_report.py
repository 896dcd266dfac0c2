"""Benchmark ``nncourse report``: 1,000 graded submissions of a 30-check exercise.

Generates a grading folder as ``nncourse grade`` writes it (``grades.csv``, one ``results/NAME.json`` per
submission, ``grading.json``), from an exercise of 5 questions with 6 checks each (3 public, 3 hidden),
and submissions with a planted mistake in one question (a sign, a factor, an exception, not
implemented) or none, scored by the grader's own :func:`~nncourse.grading.score.grade_one`. Then times
the report's work (:func:`~nncourse.grading.reporting.write_report`: read and merge, the statistics,
``report.json`` and ``report.html``), best of ``--repeat`` runs, and prints it with two ratios: to the
goal of 5 s, and to a reference measured in the same run, reading the same files with plain
``json.load`` and ``csv.DictReader`` (the least any report must do).

Run: python benchmarks/bench_report.py [--n 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from nncourse.exercises.spec import Check, Exercise, Question
from nncourse.grading.gradebook import Gradebook, columns_for
from nncourse.grading.harness import CallStatus, RunStatus, encode_array
from nncourse.grading.plan import plan_calls
from nncourse.grading.reporting import write_report
from nncourse.grading.results import CallResult, KernelRun, call_result
from nncourse.grading.runinfo import run_info, write_run_info
from nncourse.grading.score import grade_one
from nncourse.grading.submissions import Submission

GOAL_S = 5.0
MISTAKES = ("none", "none", "sign", "factor", "raised", "not_implemented")


def _question(i: int) -> Question:
    public = [
        Check(f"public {j}", [(np.linspace(-1, 1, 8) + j,)], hint=f"hint {j}") for j in range(3)
    ]
    hidden = [
        Check(f"hidden {j}", lambda rng: [(rng.normal(size=8),) for _ in range(2)], points=2)
        for j in range(3)
    ]
    return Question(f"f{i}", lambda x, i=i: (i + 1) * np.asarray(x), [*public, *hidden])


EXERCISE = Exercise("bench", "A 30-check exercise", "sigmoid", [_question(i) for i in range(5)])


def _result(expected: np.ndarray, mistake: str) -> CallResult:
    if mistake == "raised":
        return CallResult(CallStatus.RAISED, error="ValueError: no")
    if mistake == "not_implemented":
        return CallResult(CallStatus.NOT_IMPLEMENTED)
    value = {"sign": -expected, "factor": 0.5 * expected}.get(mistake, expected)
    return call_result({"status": "returned", "parts": [encode_array(value)]})


def make_class(folder: Path, n: int) -> None:
    """``n`` graded submissions in ``folder``; submission i has its mistake in question i % 5."""
    planned = plan_calls(EXERCISE, "bench")
    with Gradebook(folder, columns_for([q.function for q in EXERCISE.questions])) as book:
        for i in range(n):
            mistake, wrong = MISTAKES[i % len(MISTAKES)], f"f{i % 5}"
            results = {
                p.id: _result(p.expected[0], mistake if p.question.function == wrong else "none")
                for p in planned
            }
            run = KernelRun(RunStatus.OK, (), results, 1.0 + (i % 17) / 10)
            key = f"student{i:04d}/bench.ipynb"
            row, data = grade_one(
                EXERCISE, planned, Submission(key, f"student{i:04d}", Path(key)), run, "bwrap"
            )
            book.add(row, data)
    write_run_info(folder, run_info(EXERCISE, "bench"))


def plain_read(folder: Path) -> int:
    """The reference: every row of grades.csv and every results.json, read and parsed."""
    with open(folder / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tests = 0
    for path in sorted((folder / "results").glob("*.json")):
        tests += len(json.loads(path.read_text(encoding="utf-8"))["tests"])
    return len(rows) + tests


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "out"
        start = time.perf_counter()
        make_class(folder, args.n)
        print(
            f"generated {args.n} graded submissions of 30 checks in {time.perf_counter() - start:.1f} s"
        )
        reference = best_of(args.repeat, lambda: plain_read(folder))
        report = best_of(args.repeat, lambda: write_report([folder], exercise=EXERCISE))
        html = (folder / "report.html").stat().st_size
        print(f"plain json.load of every file (reference): {reference:.3f} s")
        print(f"nncourse report: {report:.3f} s = {report / reference:.1f} × the reference")
        print(
            f"goal {GOAL_S:g} s: report / goal = {report / GOAL_S:.3f} ({'met' if report < GOAL_S else 'NOT met'})"
        )
        print(
            f"report.html: {html / 1e3:.0f} kB, report.json: {(folder / 'report.json').stat().st_size / 1e3:.0f} kB"
        )


if __name__ == "__main__":
    main()
