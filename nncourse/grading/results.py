"""What came back from a kernel: the grading cell's results, checked before anything is believed.

Only display data of type :data:`~nncourse.grading.harness.RESULT_MIME`, sent by the grading cell and
carrying this submission's token, is read at all, and only up to ``MAX_RESULTS_BYTES`` in total. A record
that is not exactly what the harness sends (wrong types, unknown status, arrays that are not plain numbers
or larger than they claim) becomes a :class:`CallResult` with status ``no_result`` and a reason; two
records for one call cancel each other. A ``mutated`` record (the call changed an argument in place)
carries only the argument's position, a small integer: like every status other than ``returned`` it can
only fail its own check, so a forged one gains nothing.

Taught in: the instructor guide (book/instructors.md), section "What the grader trusts".
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field

import numpy as np

from nncourse.grading.harness import CallStatus, RunStatus, decode_array
from nncourse.grading.options import MAX_RESULT_BYTES, MAX_RESULTS_BYTES

NOT_READABLE = "the grader could not read the result of this call"
MAX_ARGUMENTS = 64  # a mutated record's argument position is below this


@dataclass(frozen=True)
class CallResult:
    """One call's outcome as the grader accepted it."""

    status: CallStatus
    parts: list[np.ndarray] | None = None
    error: str = ""
    warnings: tuple[str, ...] = ()
    returned_tuple: bool = False
    argument: int | None = None  # mutated: which argument (positional ones, then keyword ones)


NO_RESULT = CallResult(
    CallStatus.NO_RESULT, error="no result: the notebook stopped before this call"
)


def _text(value: object, limit: int = 300) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _parts(record: dict) -> list[np.ndarray]:
    """The arrays of a returned record; raises ValueError for anything but plain numbers in bounds."""
    parts = record.get("parts")
    if not isinstance(parts, list) or len(parts) > 64:
        raise ValueError("no list of arrays")
    arrays = [decode_array(p, MAX_RESULT_BYTES) for p in parts]
    if sum(a.nbytes for a in arrays) > MAX_RESULT_BYTES:
        raise ValueError("too large")
    return arrays


def call_result(record: object) -> CallResult:
    """The :class:`CallResult` of one record as the harness sends it; never raises."""
    if not isinstance(record, dict):
        return CallResult(CallStatus.NO_RESULT, error=NOT_READABLE)
    try:
        status = CallStatus(record.get("status"))
    except (ValueError, TypeError):
        return CallResult(CallStatus.NO_RESULT, error=NOT_READABLE)
    if status is CallStatus.MUTATED:
        return _mutated(record)
    if status is not CallStatus.RETURNED:
        return CallResult(status, error=_text(record.get("error")))
    warnings = record.get("warnings", [])
    if not isinstance(warnings, list) or not isinstance(record.get("tuple", False), bool):
        return CallResult(CallStatus.NO_RESULT, error=NOT_READABLE)
    try:
        parts = _parts(record)
    except (ValueError, TypeError, OverflowError):
        return CallResult(CallStatus.NO_RESULT, error=NOT_READABLE)
    shown = tuple(_text(w, 200) for w in warnings[:3])
    return CallResult(status, parts, warnings=shown, returned_tuple=record.get("tuple", False))


def _mutated(record: dict) -> CallResult:
    """A ``mutated`` record's result: its argument must be a position, a small integer."""
    argument = record.get("argument")
    if type(argument) is not int or not 0 <= argument < MAX_ARGUMENTS:
        return CallResult(CallStatus.NO_RESULT, error=NOT_READABLE)
    return CallResult(CallStatus.MUTATED, argument=argument)


@dataclass
class ResultInbox:
    """Collects the grading cell's records for one submission: right token, known call, once each."""

    token: str
    ids: frozenset[str]
    received_bytes: int = 0
    rejected: int = 0
    records: dict[str, object] = field(default_factory=dict)
    doubled: set[str] = field(default_factory=set)

    def offer(self, text: object) -> None:
        """Take one display-data payload; anything not a valid record for this run is dropped."""
        if not isinstance(text, str) or self.received_bytes + len(text) > MAX_RESULTS_BYTES:
            self.rejected += 1
            return
        self.received_bytes += len(text)
        try:
            record = json.loads(text)
        except (ValueError, RecursionError):
            record = None
        token = record.get("token") if isinstance(record, dict) else None
        call_id = record.get("id") if isinstance(record, dict) else None
        if not isinstance(token, str) or not hmac.compare_digest(token, self.token):
            self.rejected += 1
        elif not isinstance(call_id, str) or call_id not in self.ids:
            self.rejected += 1
        elif call_id in self.records:
            self.doubled.add(call_id)
        else:
            self.records[call_id] = record

    def results(self) -> dict[str, CallResult]:
        """Every call's result; calls with no record, or two, are ``no_result``."""
        results = {}
        for call_id in self.ids:
            if call_id in self.doubled:
                results[call_id] = CallResult(CallStatus.NO_RESULT, error=NOT_READABLE)
            elif call_id in self.records:
                results[call_id] = call_result(self.records[call_id])
            else:
                results[call_id] = NO_RESULT
        return results


@dataclass(frozen=True)
class KernelRun:
    """What running one submission produced, before scoring."""

    status: RunStatus
    reasons: tuple[str, ...] = ()
    results: dict[str, CallResult] = field(default_factory=dict)
    seconds: float = 0.0
