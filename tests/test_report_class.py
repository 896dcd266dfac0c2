"""The class report on a generated class: 48 real notebooks of the sigmoid exercise, graded once.

Each group of notebooks plants one mistake of a known kind in one function (the other functions stay
right and independent of it), so every count of ``report.json`` follows from the plan below and is
asserted exactly: statuses, scores, per-check failures and their kinds, the top mistakes and who made
them, the submissions that need a look. Grading the class takes a minute or two, once per session;
the kernel-free tests of the report are in test_report.py.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from test_grading import NOTEBOOK_LIMIT_S

from nncourse.__main__ import main
from nncourse.exercises import load_exercise
from nncourse.grading import GradingOptions, Limits, grade

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "exercises" / "solutions" / "sigmoid.ipynb"
EXERCISE = load_exercise("sigmoid")
HOSTILE = "<img src=x onerror=alert(1)>"

# sigmoid_grad and neuron_probability call this private copy, so that a wrong sigmoid stays in sigmoid.
GOOD = """import numpy as np


def _good(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))"""
INDEPENDENT = {
    "sigmoid_grad": "def sigmoid_grad(x):\n    return _good(x) * _good(-np.asarray(x, dtype=float))",
    "neuron_probability": "def neuron_probability(X, w, b):\n    return _good(X @ w + b)",
}


def body(function: str, line: str) -> dict[str, str]:
    args = "x" if function in ("sigmoid", "sigmoid_grad") else "X, w, b"
    return {function: f"def {function}({args}):\n    {line}"}


# name: (how many, the function cells replaced, cells put first, what the grader records)
GROUPS = {
    "correct": (13, {}, []),
    "sign": (5, body("neuron_probability", "return -_good(X @ w + b)"), []),
    "factor": (4, body("neuron_probability", "return 0.5 * _good(X @ w + b)"), []),
    "column": (3, body("neuron_probability", "return _good(X @ w + b).reshape(-1, 1)"), []),
    "transposed": (2, body("sigmoid", "return _good(x).T"), []),
    "overflow": (4, body("sigmoid", "return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))"), []),
    "raises": (3, body("neuron_predict", "raise ValueError('no idea')"), []),
    "unfinished": (3, body("neuron_predict", "raise NotImplementedError"), []),
    "loops": (2, body("neuron_predict", "while True:\n        pass"), []),
    "exits": (1, body("neuron_predict", "import os; os._exit(3)"), []),
    "reference": (2, body("sigmoid_grad", "import nncourse as nn; return nn.sigmoid_grad(x)"), []),
    "reference_cell": (1, {}, ["import nncourse as nn\nnn.sigmoid(0.0)"]),
    "top_loop": (1, {}, ["while True:\n    pass"]),
}
# Besides the groups: 1 notebook without neuron_predict, 2 files that are not JSON, 1 hostile name.
N = sum(n for n, _, _ in GROUPS.values()) + 1 + 2 + 1


def write(folder: Path, name: str, replace: dict[str, str], prepend: list[str]) -> None:
    """The solutions notebook, with ``_good`` first, ``INDEPENDENT`` and ``replace`` applied."""
    nb = nbformat.read(SOLUTIONS, as_version=4)
    replace = {**INDEPENDENT, **replace}
    cells = [nbformat.v4.new_code_cell(src) for src in [GOOD, *prepend]]
    for cell in nb.cells:
        defined = next((f for f in replace if cell.source.startswith(f"def {f}(")), None)
        if cell.source.startswith("def neuron_predict(") and name.startswith("missing"):
            continue
        if defined:
            cell.source = replace[defined]
        cells.append(cell)
    nb.cells = cells
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The class graded once with the real grader, and its report written by `nncourse report`."""
    folder = tmp_path_factory.mktemp("class")
    out = tmp_path_factory.mktemp("class-out")
    for group, (n, replace, prepend) in GROUPS.items():
        for i in range(n):
            write(folder, f"{group}-{i}", replace, prepend)
    write(folder, "missing-0", {}, [])
    write(folder, HOSTILE, {}, [])
    (folder / "broken-0.ipynb").write_text('{"cells": [')
    (folder / "broken-1.ipynb").write_text("not json at all")
    options = GradingOptions(Limits(NOTEBOOK_LIMIT_S, 1.5), jobs=2, secret="report-test-secret")
    grade("sigmoid", [folder], out, options)
    assert main(["report", str(out), "--book-url", "book"]) == 0
    return json.loads((out / "report.json").read_text()), out


def group_of(key: str) -> str:
    return "correct" if key.startswith("<img") else key.rsplit("-", 1)[0]


def check_points(function: str) -> dict[str, float]:
    return {c.name: c.points for c in EXERCISE.question(function).checks}


def lost(function: str, names: list[str] | None = None) -> float:
    points = check_points(function)
    return sum(points[n] for n in (names or points))


SIGMOID_OVERFLOW = [
    "inputs of ±1000 give 0 and 1 without an overflow warning",
    "hidden: very large inputs without overflow",
]
SIGMOID_SHAPES = [
    "a matrix keeps its shape",
    "hidden: odd shapes (scalars, empty arrays, 3-D arrays)",
]
# group -> {(function, check or None for all its checks): kind}
PLANTED = {
    "sign": {("neuron_probability", None): "sign"},
    "factor": {
        ("neuron_probability", "two examples, two features"): "factor",
        ("neuron_probability", "the result is flat, shape (n,)"): "factor",
        ("neuron_probability", "hidden: random neurons"): "factor",
        ("neuron_probability", "hidden: one example and one feature"): "values",  # one value
    },
    "column": {
        ("neuron_probability", "two examples, two features"): "column",
        ("neuron_probability", "the result is flat, shape (n,)"): "column",
        ("neuron_probability", "hidden: random neurons"): "column",
        ("neuron_probability", "hidden: one example and one feature"): "shape",  # (1, 1): a row
    },
    "transposed": {("sigmoid", c): "transposed" for c in SIGMOID_SHAPES},
    "overflow": {("sigmoid", c): "overflow" for c in SIGMOID_OVERFLOW},
    "raises": {("neuron_predict", None): "exception"},
    "unfinished": {("neuron_predict", None): "not_implemented"},
    "loops": {("neuron_predict", None): "timeout"},
    "exits": {("neuron_predict", None): "crashed"},
    "reference": {("sigmoid_grad", None): "reference"},
    "missing": {("neuron_predict", None): "missing"},
    "top_loop": {(q.function, None): "no_result" for q in EXERCISE.questions},
    "broken": {(q.function, None): "no_result" for q in EXERCISE.questions},
}
SIZES = {**{g: n for g, (n, _, _) in GROUPS.items()}, "missing": 1, "broken": 2}
SIZES["correct"] += 1  # the hostile name


def expected_failures() -> dict[tuple[str, str], Counter]:
    """(function, check) -> the kinds of its failures, from the plan."""
    failures: dict[tuple[str, str], Counter] = {
        (q.function, c.name): Counter() for q in EXERCISE.questions for c in q.checks
    }
    for group, planted in PLANTED.items():
        for (function, check), kind in planted.items():
            names = [check] if check else list(check_points(function))
            for name in names:
                failures[(function, name)][kind] += SIZES[group]
    return failures


def test_the_class_has_every_submission_and_status(graded_class):
    report, _ = graded_class
    assert report["submissions"] == N == 48
    assert report["statuses"] == {"ok": 43, "error": 2, "timeout": 1, "crashed": 0, "invalid": 2}


def test_every_check_counts_its_failures_and_their_kinds(graded_class):
    report, _ = graded_class
    expected = expected_failures()
    for q in report["questions"]:
        for c in q["checks"]:
            kinds = expected[(q["function"], c["name"])]
            assert c["kinds"] == dict(kinds), (q["function"], c["name"])
            assert c["failed"] == sum(kinds.values()) and c["passed"] == N - c["failed"]


def test_every_question_counts_the_submissions_that_failed_it(graded_class):
    report, _ = graded_class
    by_function = {q["function"]: q for q in report["questions"]}
    wrong = {"sigmoid": 2 + 4, "sigmoid_grad": 2, "neuron_probability": 5 + 4 + 3}
    wrong["neuron_predict"] = 3 + 3 + 2 + 1 + 1
    for function, n in wrong.items():
        assert by_function[function]["passed"] == N - n - 3, function  # + 3 that never ran
    assert by_function["neuron_probability"]["kinds"] == {
        "sign": 5, "factor": 4, "values": 4, "column": 3, "shape": 3, "no_result": 3,
    }  # fmt: skip
    assert by_function["sigmoid"]["kinds"] == {"overflow": 4, "no_result": 3, "transposed": 2}


def test_top_five_mistakes_with_hint_students_and_link(graded_class):
    report, _ = graded_class
    top = [(m["function"], m["kind"], m["count"]) for m in report["top_mistakes"]]
    assert top == [
        ("neuron_probability", "sign", 5),
        ("sigmoid", "overflow", 4),  # ties: in the order of the questions, then of the kinds
        ("neuron_probability", "factor", 4),
        ("neuron_probability", "values", 4),
        ("neuron_probability", "column", 3),
    ]
    first = report["top_mistakes"][0]
    assert first["students"] == [f"sign-{i}" for i in range(5)]
    assert first["hint"] and first["link"].startswith("book/sigmoid.html")
    overflow = report["top_mistakes"][1]
    assert "exp(-|x|)" in overflow["hint"]  # the check's own hint, as the notebook shows it


def test_submissions_that_need_a_look(graded_class):
    report, _ = graded_class
    look = {s["submission"]: s for s in report["needs_a_look"]}
    assert sorted(look) == sorted(
        ["top_loop-0.ipynb", "broken-0.ipynb", "broken-1.ipynb", "missing-0.ipynb",
         "reference-0.ipynb", "reference-1.ipynb", "reference_cell-0.ipynb"]
    )  # fmt: skip
    assert [k for k, s in look.items() if s["reference"]] == [
        "reference-0.ipynb", "reference-1.ipynb", "reference_cell-0.ipynb"
    ]  # fmt: skip
    assert look["top_loop-0.ipynb"]["status"] == "timeout"
    assert "called nncourse's own answer in sigmoid_grad" in look["reference-0.ipynb"]["reason"]
    assert look["reference_cell-0.ipynb"]["status"] == "error"


def test_scores_follow_the_lost_checks(graded_class):
    report, _ = graded_class
    full = EXERCISE.points
    lose = {
        "correct": 0, "sign": lost("neuron_probability"), "factor": lost("neuron_probability"),
        "column": lost("neuron_probability"), "transposed": sum(check_points("sigmoid")[c] for c in
        SIGMOID_SHAPES), "overflow": sum(check_points("sigmoid")[c] for c in SIGMOID_OVERFLOW),
        "raises": lost("neuron_predict"), "unfinished": lost("neuron_predict"),
        "loops": lost("neuron_predict"), "exits": lost("neuron_predict"),
        "reference": lost("sigmoid_grad"), "reference_cell": 0, "top_loop": full, "broken": full,
        "missing": lost("neuron_predict"),
    }  # fmt: skip
    scores = [full - lose[g] for g, n in SIZES.items() for _ in range(n)]
    counts = Counter(min(9, int(s / (full / 10))) for s in scores)
    assert [b["count"] for b in report["scores"]["histogram"]] == [counts[i] for i in range(10)]
    assert report["scores"]["max"] == full and report["scores"]["min"] == 0


def test_time_and_the_html_page(graded_class):
    report, out = graded_class
    assert report["time"]["measured"] == N and len(report["time"]["slowest"]) == 5
    slowest = [s["submission"] for s in report["time"]["slowest"]]
    assert "top_loop-0.ipynb" in slowest  # it ran out of its time (not a timing assertion)
    html = (out / "report.html").read_text()
    assert "<img" not in html and "<script" not in html
