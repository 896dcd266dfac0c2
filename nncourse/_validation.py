"""Input checks shared by the public functions.

Every check names the argument it looks at, so an error tells the learner which input to fix.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a floating-point array: floats keep their precision, integers become float64.

    Raises ``TypeError`` for anything that is not real numbers (strings, objects, complex numbers).
    """
    array = np.asarray(x)
    # Tested by dtype.kind, floats first: this runs on every layer of every training step, and
    # np.issubdtype costs microseconds. Same meaning: "f" floating, "b" bool, "i"/"u" integers.
    if array.dtype.kind == "f":
        return array
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    raise TypeError(f"{name} must contain real numbers, got an array of dtype {array.dtype}")


def check_no_nan(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` when ``x`` holds a NaN."""
    if np.isnan(x).any():
        raise ValueError(f"{name} contains NaN; expected real numbers")


def check_finite(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` when ``x`` holds a NaN or an infinity."""
    check_no_nan(x, name)
    if np.isinf(x).any():
        raise ValueError(f"{name} contains an infinite value; expected finite numbers")


def check_probabilities(p: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every entry of ``p`` is a number in [0, 1]."""
    check_no_nan(p, name)
    if p.size and (p.min() < 0 or p.max() > 1):
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values from {p.min():g} to {p.max():g}"
        )


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have exactly the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_reduction(reduction: str) -> None:
    """Raise ``ValueError`` unless ``reduction`` is one of ``"mean"``, ``"sum"``, ``"none"``."""
    if reduction not in _REDUCERS:
        raise ValueError(f"reduction must be one of {tuple(_REDUCERS)}, got {reduction!r}")


def check_real_number(value, name: str) -> float:
    """Return ``value`` as a float, raising ``TypeError`` unless it is a real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def as_integer_labels(labels, name: str) -> np.ndarray:
    """Return ``labels`` as an int64 array, refusing negative or non-integer values.

    Integer-valued floats such as ``1.0`` are accepted, since labels are often loaded as floats;
    ``1.5`` is refused rather than rounded.
    """
    array = np.asarray(labels)
    if array.dtype == bool or np.issubdtype(array.dtype, np.integer):
        array = array.astype(np.int64)
    elif np.issubdtype(array.dtype, np.floating):
        check_finite(array, name)
        if not np.array_equal(array, np.round(array)):
            raise ValueError(f"{name} must hold whole numbers (class indices), got {array}")
        array = array.astype(np.int64)
    else:
        raise TypeError(f"{name} must hold integer class labels, got dtype {array.dtype}")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must hold non-negative class labels, got {array.min()}")
    return array


_REDUCERS = {
    "mean": lambda values: np.asarray(values.mean()),
    "sum": lambda values: np.asarray(values.sum()),
    "none": lambda values: values,
}


def reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    """Reduce per-element or per-example losses by ``"mean"``, ``"sum"`` or ``"none"``."""
    return _REDUCERS[reduction](values)


def reduction_scale(count: int, reduction: str) -> float:
    """The factor a reduction multiplies each term's derivative by: ``1/count`` for the mean."""
    return 1.0 / count if reduction == "mean" and count else 1.0
