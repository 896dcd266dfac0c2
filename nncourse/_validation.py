"""The vocabulary of argument checks: one function per kind of input, one message style.

Every public function of the numerics checks its input with these, so that an error names the
argument, says what was expected and shows what came, always in the same words::

    lr: expected a real number in (0, inf), got 0
    sizes: expected an integer >= 1, got 2.5
    p: expected probabilities in [0, 1], got values from -0.1 to 1
    loss: expected one of 'binary_cross_entropy', 'categorical_cross_entropy', 'mse', got 'ce'

Two kinds of function:

- ``as_*`` checks an argument and returns it converted (a Python ``int`` or ``float``, a NumPy
  array or dtype), ready to use: ``epochs = as_int(epochs, "epochs")``.
- ``check_*`` only checks an array that is already converted, and returns nothing.

A wrong value raises ``ValueError``. A wrong type raises `ArgumentTypeError`, which is a
``TypeError`` and also a ``ValueError`` (as NumPy's ``AxisError`` is both a ``ValueError`` and an
``IndexError``): the package raised ``ValueError`` for every bad argument before, and code that
catches it keeps working. For a message of another shape, build it with `expected`.

The exercises, ``nncourse.checks`` and the grader may use these too; this module imports only NumPy.
Documented in: the course's conventions (``CONTRACT.md``, "Bad input"); not taught in a chapter.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection

import numpy as np

__all__ = [
    "FLOAT_DTYPES",
    "REDUCTIONS",
    "ArgumentTypeError",
    "as_choice",
    "as_float_array",
    "as_float_dtype",
    "as_int",
    "as_integer_labels",
    "as_real",
    "check_finite",
    "check_no_nan",
    "check_probabilities",
    "check_same_shape",
    "expected",
    "reduce",
    "reduction_scale",
]

FLOAT_DTYPES = ("float64", "float32")
"""The data types a network (and the digits data set) may use."""


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type: a ``TypeError`` that ``except ValueError`` also catches."""


def expected(name: str, what: str, got: object) -> str:
    """The one message style: ``"name: expected what, got got"``.

    >>> expected("lr", "a real number in (0, inf)", 0)
    'lr: expected a real number in (0, inf), got 0'
    """
    return f"{name}: expected {what}, got {got}"


def as_int(value: object, name: str, *, minimum: int = 0) -> int:
    """Return ``value`` as a Python int, refusing bools, floats and anything below ``minimum``."""
    what = f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(expected(name, what, repr(value)))
    if value < minimum:
        raise ValueError(expected(name, what, repr(value)))
    return int(value)


def as_real(value: object, name: str, within: str | None = None) -> float:
    """Return ``value`` as a Python float, refusing bools and non-numbers.

    ``within`` is an interval written as in maths, such as ``"(0, inf)"``, ``"[0, 1)"`` or
    ``"[0, inf)"``: round brackets exclude the end, square ones include it. NaN is in no interval.
    Without ``within`` every real number passes, NaN and infinities included.

    A Python float, not a NumPy scalar: a float64 scalar would turn float32 arithmetic into float64.
    """
    what = "a real number" + (f" in {within}" if within else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(expected(name, what, repr(value)))
    number = float(value)
    if within is not None and not _in_interval(number, within):
        raise ValueError(expected(name, what, repr(value)))
    return number


def _in_interval(number: float, interval: str) -> bool:
    """Whether ``number`` lies in ``interval``, written like ``"(0, inf)"`` or ``"[0, 1)"``."""
    low, high = (float(end) for end in interval[1:-1].split(","))
    above = number >= low if interval[0] == "[" else number > low
    below = number <= high if interval[-1] == "]" else number < high
    return above and below


def as_choice(value: object, allowed: Collection[str], name: str) -> str:
    """Return ``value`` if it is one of the names in ``allowed``; ``ValueError`` otherwise."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(expected(name, "one of " + ", ".join(map(repr, allowed)), repr(value)))
    return value


def as_float_dtype(dtype: object, name: str = "dtype") -> np.dtype:
    """Return ``"float64"``/``"float32"`` (or the equivalent NumPy dtype) as a NumPy dtype."""
    try:
        dtype_name = None if dtype is None else np.dtype(dtype).name
    except TypeError:
        dtype_name = None
    if dtype_name not in FLOAT_DTYPES:
        raise ValueError(expected(name, " or ".join(map(repr, FLOAT_DTYPES)), repr(dtype)))
    return np.dtype(dtype_name)


def as_float_array(x: object, name: str) -> np.ndarray:
    """Return ``x`` as a floating-point array: floats keep their precision, integers become float64.

    Raises `ArgumentTypeError` for anything that is not real numbers (strings, objects, complex).
    """
    array = np.asarray(x)
    # Tested by dtype.kind, floats first: this runs on every layer of every training step, and
    # np.issubdtype costs microseconds. Same meaning: "f" floating, "b" bool, "i"/"u" integers.
    if array.dtype.kind == "f":
        return array
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    raise ArgumentTypeError(expected(name, "real numbers", f"an array of dtype {array.dtype}"))


def as_integer_labels(labels: object, name: str) -> np.ndarray:
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
            raise ValueError(expected(name, "whole numbers (class indices)", array))
        array = array.astype(np.int64)
    else:
        raise ArgumentTypeError(
            expected(name, "integer class labels", f"an array of dtype {array.dtype}")
        )
    if array.size and array.min() < 0:
        raise ValueError(expected(name, "non-negative class labels", array.min()))
    return array


def check_no_nan(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` when ``x`` holds a NaN."""
    if np.isnan(x).any():
        raise ValueError(expected(name, "real numbers", "NaN"))


def check_finite(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` when ``x`` holds a NaN or an infinity."""
    check_no_nan(x, name)
    if np.isinf(x).any():
        raise ValueError(expected(name, "finite numbers", "an infinity"))


def check_probabilities(p: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every entry of ``p`` is a number in [0, 1]."""
    check_no_nan(p, name)
    if p.size and (p.min() < 0 or p.max() > 1):
        got = f"values from {p.min():g} to {p.max():g}"
        raise ValueError(expected(name, "probabilities in [0, 1]", got))


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless ``b`` has exactly the shape of ``a`` (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(expected(name_b, f"the shape of {name_a}, {a.shape}", b.shape))


_REDUCERS = {
    "mean": lambda values: np.asarray(values.mean()),
    "sum": lambda values: np.asarray(values.sum()),
    "none": lambda values: values,
}

REDUCTIONS = tuple(_REDUCERS)
"""The values of a loss's ``reduction`` argument, with PyTorch's meaning."""


def reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    """Reduce per-element or per-example losses by ``"mean"``, ``"sum"`` or ``"none"``."""
    return _REDUCERS[as_choice(reduction, REDUCTIONS, "reduction")](values)


def reduction_scale(count: int, reduction: str) -> float:
    """The factor a reduction multiplies each term's derivative by: ``1/count`` for the mean."""
    as_choice(reduction, REDUCTIONS, "reduction")
    return 1.0 / count if reduction == "mean" and count else 1.0
