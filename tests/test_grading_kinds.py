"""Mistakes as data: every failed check's test entry carries a kind from one documented list
(:mod:`nncourse.grading.kinds`), the hint the notebook would show, and nothing of a hidden input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from nncourse.exercises import load_exercise
from nncourse.exercises.compare import Problem
from nncourse.grading import kinds
from nncourse.grading.harness import CallStatus, encode_array
from nncourse.grading.plan import plan_calls
from nncourse.grading.results import CallResult, call_result
from nncourse.grading.score import score

SIGMOID = load_exercise("sigmoid")
PLANNED = plan_calls(SIGMOID, "kinds")
COMPARE = Path(kinds.__file__).resolve().parents[1] / "exercises" / "compare.py"
ISSUE_KINDS = {"sign", "factor", "column", "transposed", "overflow", "exception"}
ISSUE_KINDS |= {"not_implemented", "timeout", "shape", "values", "missing", "crashed", "invalid"}


def returned(parts, warnings=()):
    record = {"status": "returned", "parts": [encode_array(np.asarray(p)) for p in parts]}
    return call_result({**record, "warnings": list(warnings)})


def compare_kinds() -> set[str]:
    """The kinds compare.py can emit, read from its source (so a new kind is not missed)."""
    source = COMPARE.read_text()
    found = set(re.findall(r'return "([a-z_]+)", ', source))
    found |= set(re.findall(r'^\s+"([a-z_]+)",\n\s+(?:f"|\))', source, flags=re.M))
    found |= set(re.findall(r'\("([a-z]+)", "[a-z ]+"\)', source))
    found |= set(re.findall(r'(?:Problem\([^()]*?|kind = |else |return )"([a-z_]+)"', source))
    return found - {"values are right"}


def test_the_list_holds_the_issues_kinds_and_documents_each():
    assert ISSUE_KINDS <= set(kinds.KINDS)
    table = kinds.__doc__.split("================  =")[2]
    assert [line.split()[0] for line in table.strip().splitlines()[1:]] == list(kinds.KINDS)


def test_every_kind_of_compare_and_every_call_status_has_a_report_kind():
    emitted = compare_kinds()
    assert {"sign", "factor", "row", "column", "flat", "transposed", "scalar", "shape", "length",
            "dtype", "nonfinite", "values", "overflow", "divide", "invalid", "broadcast", "raised",
            "mutated"} <= emitted  # fmt: skip
    for kind in emitted | {"warned"}:
        assert kinds.compare_kind(kind) in kinds.KINDS and kinds.compare_kind(kind) != "other"
    for status in CallStatus:
        if status is not CallStatus.RETURNED:
            assert kinds.status_kind(status.value) in kinds.KINDS
            assert kinds.status_kind(status.value) != "other", status
    assert (
        kinds.status_kind("too_slow") == "timeout" and kinds.status_kind("bad_result") == "invalid"
    )
    assert kinds.status_kind("mutated") == "mutated"  # the harness's next status
    assert kinds.status_kind("a status of 2030") == "other"
    assert kinds.raised_kind("Withheld: nncourse.sigmoid is not available") == "reference"
    assert kinds.raised_kind("ValueError: Withheld") == "exception"
    assert kinds.raised_kind("Withheld: a class of the notebook's own") == "exception"


def entries(results) -> dict[str, dict]:
    return {t["name"]: t for t in score(SIGMOID, PLANNED, results).tests}


def test_failed_checks_record_their_kind_and_passed_ones_none():
    results = {}
    for p in PLANNED:
        value = np.asarray(p.expected[0])
        results[p.id] = returned([-value if p.question.function == "sigmoid" else value])
    tests = entries(results)
    for name, t in tests.items():
        extra = t["extra_data"]
        assert extra["function"] == name.split(":")[0] and extra["check"] in name
        if name.startswith("sigmoid:"):
            assert (extra["kind"], extra["kinds"], extra["detail"]) == ("sign", ["sign"], ["sign"])
        else:
            assert extra["kind"] is None and "hint" not in extra
    json.dumps(tests)  # plain JSON


@pytest.mark.parametrize(
    "result, kind",
    [
        (CallResult(CallStatus.NOT_IMPLEMENTED), "not_implemented"),
        (CallResult(CallStatus.MISSING), "missing"),
        (CallResult(CallStatus.TOO_SLOW), "timeout"),
        (CallResult(CallStatus.SKIPPED), "timeout"),
        (CallResult(CallStatus.CRASHED), "crashed"),
        (CallResult(CallStatus.BAD_RESULT), "invalid"),
        (CallResult(CallStatus.NO_RESULT), "no_result"),
        (CallResult(CallStatus.RAISED, error="ValueError: x"), "exception"),
        (CallResult(CallStatus.RAISED, error="ValueError: could not be broadcast"), "exception"),
        (
            CallResult(CallStatus.RAISED, error="Withheld: nncourse.sigmoid is withheld"),
            "reference",
        ),
    ],
)
def test_how_a_call_ended_is_its_kind(result, kind):
    tests = entries({p.id: result for p in PLANNED})
    assert {t["extra_data"]["kind"] for t in tests.values()} == {kind}


def test_hidden_checks_record_the_kind_but_no_input_and_the_notebooks_hint():
    results = {}
    for p in PLANNED:
        value = np.asarray(p.expected[0], dtype=float)
        results[p.id] = returned([np.full(value.shape, 0.123456789)])
    tests = entries(results)
    hidden = [t for t in tests.values() if t["extra_data"]["hidden"]]
    assert hidden and all(t["extra_data"]["kind"] in kinds.KINDS for t in hidden)
    for t in hidden:
        text = json.dumps(t)
        assert "0.123456" not in text and "input:" not in text
    for q in SIGMOID.questions:
        for c in q.checks:
            extra = tests[f"{q.function}: {c.name}"]["extra_data"]
            problem = Problem("x", *extra["detail"])
            assert extra["hint"] == q.hint_for(c, problem)


def test_an_overflow_warning_on_right_values_is_kind_overflow_with_its_hint():
    warned = ["overflow encountered in exp"]
    tests = entries({p.id: returned(p.expected, warned) for p in PLANNED})
    t = tests["sigmoid: inputs of ±1000 give 0 and 1 without an overflow warning"]
    assert t["extra_data"]["kind"] == "overflow" and "exp(-|x|)" in t["extra_data"]["hint"]
    assert tests["sigmoid: sigmoid(0) is one half"]["extra_data"]["kind"] is None
