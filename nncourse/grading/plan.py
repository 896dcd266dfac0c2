"""Step 2 of grading: every call the grader will make, the reference's answer, and the cell that asks.

The inputs (public ones as written, hidden ones drawn from the secret) and the reference's results are
computed once per run, in the grader. They reach a kernel only inside :func:`grading_cell`, the cell that
runs after the notebook's own cells, together with a per-submission random token: nothing about them is on
disk before then.

Taught in: the instructor guide (book/instructors.md), section "What the grader trusts".
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nncourse.exercises.spec import Call, Check, Exercise, Question, check_rng
from nncourse.grading import harness
from nncourse.grading.options import kernel_settings

HARNESS_SOURCE = Path(harness.__file__).read_text(encoding="utf-8")


@dataclass(frozen=True)
class PlannedCall:
    """One call of a student function at grading time, with the reference's result."""

    id: str
    question: Question
    check: Check
    call: Call
    expected: list[np.ndarray]
    structured: bool


def plan_calls(exercise: Exercise, secret: str) -> list[PlannedCall]:
    """Every call of every check (public inputs as written, hidden ones drawn from the secret)."""
    planned = []
    for qi, q in enumerate(exercise.questions):
        for ci, check in enumerate(q.checks):
            rng = check_rng(secret, exercise.id, q.function, check.name) if check.hidden else None
            for k, c in enumerate(check.calls(rng)):
                expected = q.expected(c)
                planned.append(
                    PlannedCall(
                        f"{qi}-{ci}-{k}", q, check, c, expected.parts, expected.returns_tuple
                    )
                )
    return planned


def _encode(value: object, arrays: dict[str, dict]) -> dict:
    """One argument in the JSON form :func:`~nncourse.grading.harness.decode_value` reads."""
    if isinstance(value, (np.ndarray, np.generic)):
        key = f"a{len(arrays)}"
        arrays[key] = harness.encode_array(np.asarray(value))
        return {"array": key}
    if isinstance(value, list):
        return {"list": [_encode(v, arrays) for v in value]}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v, arrays) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"value": value}
    raise TypeError(
        f"check inputs must be arrays, numbers, strings or lists of them; got {type(value).__name__}"
    )


def payload(planned: list[PlannedCall]) -> str:
    """The calls and their inputs as JSON text, for :func:`nncourse.grading.harness.run_calls`."""
    arrays: dict[str, dict] = {}
    calls = [
        {
            "id": p.id,
            "function": p.question.function,
            "args": [_encode(a, arrays) for a in p.call.args],
            "kwargs": {k: _encode(v, arrays) for k, v in p.call.kwargs.items()},
            "structured": p.structured,
        }
        for p in planned
    ]
    return json.dumps({"calls": calls, "arrays": arrays})


def new_token() -> str:
    """The per-submission token that the grading cell's results must carry."""
    return secrets.token_hex(16)


def grading_cell(calls: str, token: str, call_limit: float) -> str:
    """The source of the last cell: define the harness in a fresh namespace, then run the calls."""
    return (
        f"_nncourse_harness = {{}}\n__import__('builtins').exec({HARNESS_SOURCE!r}, _nncourse_harness)\n"
        f"_nncourse_harness['run_calls'](globals(), {calls!r}, {token!r}, {call_limit!r}, "
        f"{kernel_settings()!r})"
    )
