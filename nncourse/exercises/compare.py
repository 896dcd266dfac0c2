"""Compare a learner's result with the reference and say what is wrong, in words a learner can act on.

Used twice: by :mod:`nncourse.checks` in the learner's notebook and by :mod:`nncourse.grading` in the
instructor's grading process. A result is a list of arrays ("parts"): one for a function returning an
array, several for a function returning a tuple such as ``(dW, db)``.
"""

from __future__ import annotations

import numpy as np

NUMERIC_KINDS = "biuf"  # bool, signed and unsigned integers, floats
# Floating-point events that signal a wrong result; underflow to 0 (e.g. exp(-1000)) is harmless.
# The checks and the grader (which sends it to the kernel) both call the learner's code under it.
WARN_ON = {"over": "warn", "divide": "warn", "invalid": "warn", "under": "ignore"}


def warned_problem(forbid_warnings: bool, warnings: list, who: str = "the function") -> str | None:
    """The problem of right values computed with a warning, when the check forbids warnings; else None.

    The checks (``who="your function"``) and the grader apply this same rule.
    """
    if forbid_warnings and warnings:
        return f"the values are right but {who} warned: {str(warnings[0])[:200]}"
    return None


def as_parts(value: object, structured: bool) -> list[np.ndarray]:
    """The arrays in a result; a tuple or list is split into parts when ``structured`` is true.

    Raises
    ------
    TypeError
        When a part is not an array of real numbers (e.g. a ragged list, a string or ``None``).
    """
    items = list(value) if structured and isinstance(value, (tuple, list)) else [value]
    parts = []
    for item in items:
        try:
            array = np.asarray(item)
        except ValueError as error:  # ragged nested lists
            raise TypeError(
                f"returned something that is not an array of numbers ({error})"
            ) from None
        if array.dtype.kind not in NUMERIC_KINDS:
            raise TypeError(
                f"returned {_type_name(item)}, which is not a number or an array of numbers"
            )
        parts.append(array)
    return parts


def is_structured(value: object) -> bool:
    """True when a reference result is a tuple or list of several arrays, e.g. ``(dW, db)``."""
    return isinstance(value, (tuple, list))


def format_value(value: object) -> str:
    """A short, readable text for an input or a result (long arrays are elided)."""
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        value = value.item()
    if isinstance(value, float):
        text = f"{value:.8g}"
        return text if any(c in text for c in ".enia") else text + ".0"  # 0.0 stays a float
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=12, edgeitems=3, max_line_width=10_000)
        text = " ".join(text.split())  # one line: rows follow each other
        return text if value.size <= 12 else f"{text} (shape {value.shape})"
    if isinstance(value, (tuple, list)) and any(isinstance(v, np.ndarray) for v in value):
        inner = ", ".join(format_value(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    return repr(value)


def diagnose(
    expected: list[np.ndarray],
    received: list[np.ndarray],
    *,
    rtol: float,
    atol: float,
    names: list[str] | None = None,
) -> str | None:
    """None when ``received`` matches ``expected``; otherwise what differs and the likely cause."""
    if len(received) != len(expected):
        want = "one array" if len(expected) == 1 else f"a tuple of {len(expected)} arrays"
        got = "one array" if len(received) == 1 else f"{len(received)} arrays"
        return f"expected {want}, received {got}"
    for i, (e, r) in enumerate(zip(expected, received, strict=True)):
        message = _diagnose_array(e, r, rtol=rtol, atol=atol)
        if message is not None:
            if len(expected) > 1:
                label = names[i] if names else f"part {i + 1}"
                return f"{label}: {message}"
            return message
    return None


def _diagnose_array(e: np.ndarray, r: np.ndarray, *, rtol: float, atol: float) -> str | None:
    if r.shape != e.shape:
        return _shape_message(e.shape, r.shape)
    e = e.astype(float)
    r = r.astype(float)
    bad_finite = np.isfinite(e) & ~np.isfinite(r)
    if bad_finite.any():
        index = _first_index(bad_finite)
        return (
            f"received {format_value(r[index])} at index {index} where {format_value(e[index])} is"
            " expected: an overflow (exp of a large number) or a log of 0 produced inf or nan"
        )
    if np.allclose(r, e, rtol=rtol, atol=atol, equal_nan=True):
        return None
    if np.abs(e).max(initial=0) > atol and np.allclose(r, -e, rtol=rtol, atol=atol):
        return "every value has the wrong sign: check the sign in your formula"
    factor = _constant_factor(e, r)
    if factor is not None:
        return f"every value is {factor:.6g} times the expected one: a missing or extra factor (mean or sum?)"
    wrong = ~np.isclose(r, e, rtol=rtol, atol=atol, equal_nan=True)
    index = _first_index(wrong)
    where = f" at index {index}" if e.ndim else ""
    error = np.abs(r - e)[np.isfinite(e) & np.isfinite(r)].max(initial=0.0)
    return (
        f"values differ{where}: expected {format_value(e[index])}, received {format_value(r[index])}"
        f" ({int(wrong.sum())} of {e.size} values wrong, largest difference {error:.3g})"
    )


def _shape_message(expected: tuple, received: tuple) -> str:
    text = f"received shape {received}, expected {expected}"
    if len(expected) == 1 and received in ((expected[0], 1), (1, expected[0])):
        return f"{text}: a column where a flat array is expected; drop the extra axis (keepdims?)"
    if len(received) == 1 and expected in ((received[0], 1), (1, received[0])):
        return f"{text}: a flat array where a column is expected; keep the axis (keepdims=True)"
    if received == expected[::-1]:
        return f"{text}: the result looks transposed"
    if received == ():
        return f"{text}: a single number where an array is expected; did you sum over everything?"
    return text


def _constant_factor(e: np.ndarray, r: np.ndarray) -> float | None:
    """The constant c with r = c e, when there is one and it is not 1 (nor -1, reported as a sign)."""
    mask = np.abs(e) > 1e-12
    if e.size < 2 or mask.sum() < 2 or not np.all(np.isfinite(r)):
        return None
    ratios = r[mask] / e[mask]
    c = float(np.median(ratios))
    if (
        abs(c) < 1e-12
        or np.isclose(abs(c), 1.0)
        or not np.allclose(r, c * e, rtol=1e-6, atol=1e-12)
    ):
        return None
    return c


def _first_index(mask: np.ndarray) -> tuple | int:
    index = tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()
    return index[0] if len(index) == 1 else index


def _type_name(value: object) -> str:
    return "None" if value is None else f"a {type(value).__name__}"
