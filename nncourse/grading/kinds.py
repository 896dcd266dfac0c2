"""The kinds of mistake the class report counts: one documented list, and where each kind comes from.

Every failed check's Gradescope test entry carries ``extra_data.kind``, one of :data:`KINDS`, chosen
from what went wrong with the check's first failing call: the kind :func:`~nncourse.exercises.compare.
assess` found in a returned value (:data:`FROM_COMPARE`), or how the call ended
(:data:`FROM_STATUS`, the statuses of :class:`~nncourse.grading.harness.CallStatus`). A call that raised
the grading kernel's ``Withheld`` error used nncourse's own implementation of the answer: ``reference``.

The kinds:

================  ==========================================================================
kind              the likely mistake
================  ==========================================================================
sign              every value has the wrong sign
factor            every value is a constant times the expected one (a missing 1/n, mean or sum)
column            a column ``(n, 1)`` where a flat array ``(n,)`` is expected
transposed        the result's shape is the expected one reversed
shape             any other shape: a row, a flat array, a single number, a tuple of the wrong length
values            the values differ, with no simpler pattern
dtype             integers or booleans where floats are expected
overflow          inf or nan from an overflow, or an overflow warning (naive ``exp``)
nonfinite         inf or nan otherwise, or a divide-by-zero or invalid-value warning
warned            right values, with a warning of the student's own code
exception         the call raised an exception (a broadcasting error included)
not_implemented   the function still raises ``NotImplementedError``
timeout           a call ran out of time (or was skipped after one that did)
missing           the function is not defined in the notebook
crashed           the call ended its process (``os._exit``, a crash, too much memory)
invalid           the function returned something that is not numbers
no_result         no result came back: the notebook stopped before the call, or took over grading
mutated           the function changed an argument in place
reference         the function called nncourse's own answer, withheld while grading
other             a call status this version does not know
================  ==========================================================================

Taught in: the instructor guide (book/instructors.md), section "The class report".
"""

from __future__ import annotations

KINDS = {
    "sign": "every value has the wrong sign",
    "factor": "every value is a constant times the expected one (a missing or extra factor)",
    "column": "a column (n, 1) where a flat array (n,) is expected",
    "transposed": "the result looks transposed",
    "shape": "the result has another shape (a row, a flat array, a single number, a wrong tuple)",
    "values": "the values differ",
    "dtype": "integers or booleans where floats are expected",
    "overflow": "inf or nan from an overflow, or an overflow warning",
    "nonfinite": "inf or nan, or a divide-by-zero or invalid-value warning",
    "warned": "right values, but the function warned",
    "exception": "the call raised an exception",
    "not_implemented": "not implemented yet (raises NotImplementedError)",
    "timeout": "a call ran out of time",
    "missing": "the function is not defined",
    "crashed": "the call ended its process",
    "invalid": "returned something that is not numbers",
    "no_result": "no result: the notebook stopped before the call",
    "mutated": "changed an argument in place",
    "reference": "called nncourse's own answer, which is withheld while grading",
    "other": "an outcome this version of nncourse does not know",
}

# compare.assess's kinds (of a returned value) -> report kind.
FROM_COMPARE = {
    "sign": "sign",
    "factor": "factor",
    "column": "column",
    "transposed": "transposed",
    "shape": "shape",
    "row": "shape",
    "flat": "shape",
    "scalar": "shape",
    "length": "shape",
    "values": "values",
    "dtype": "dtype",
    "overflow": "overflow",
    "nonfinite": "nonfinite",
    "divide": "nonfinite",
    "invalid": "nonfinite",
    "warned": "warned",
    "raised": "exception",
    "broadcast": "exception",
    "mutated": "mutated",
    "reference": "reference",
}

# CallStatus values (how a call ended, when it returned no value to compare) -> report kind.
FROM_STATUS = {
    "raised": "exception",
    "not_implemented": "not_implemented",
    "missing": "missing",
    "too_slow": "timeout",
    "skipped": "timeout",
    "crashed": "crashed",
    "bad_result": "invalid",
    "no_result": "no_result",
    "mutated": "mutated",
}

WITHHELD = "Withheld"  # the class name of the kernel package's error (nncourse.grading.package)


def compare_kind(kind: str) -> str:
    """The report kind of a kind of :func:`~nncourse.exercises.compare.assess` (``other`` if unknown)."""
    return FROM_COMPARE.get(kind, "other")


def status_kind(status: str) -> str:
    """The report kind of a call's status (``"too_slow"`` -> ``"timeout"``; ``other`` if unknown)."""
    return FROM_STATUS.get(status, "other")


def raised_kind(error: str) -> str:
    """The kind of a call that raised, from its ``"Name: message"`` text: ``reference`` for the
    kernel package's ``Withheld`` (whose message names ``nncourse.``), ``exception`` otherwise. Only
    the kind is recorded, never the text."""
    name, _, message = error.partition(":")
    withheld = name.strip() == WITHHELD and message.strip().startswith("nncourse.")
    return "reference" if withheld else "exception"
