"""Compare a learner's result with the reference and say what is wrong, in words a learner can act on.

Used twice: by :mod:`nncourse.checks` in the learner's notebook and by :mod:`nncourse.grading` in the
instructor's grading process. A result is a list of arrays ("parts"): one for a function returning an
array, several for a function returning a tuple such as ``(dW, db)``.

:func:`diagnose` returns a :class:`Problem`: the text shown to the learner, which is a ``str``, and the
*kinds* of mistake it found (one per failing part, see :data:`KINDS`), from which a check picks its hint
(:meth:`nncourse.exercises.spec.Check.hint_for`).
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import numpy as np

NUMERIC_KINDS = "biuf"  # bool, signed and unsigned integers, floats
# Floating-point events that signal a wrong result; underflow to 0 (e.g. exp(-1000)) is harmless.
# The checks and the grader (which sends it to the kernel) both call the learner's code under it.
WARN_ON = {"over": "warn", "divide": "warn", "invalid": "warn", "under": "ignore"}


class Problem(str):
    """What is wrong with a result: the text for the learner, and ``kinds``, one per failing part."""

    kinds: tuple[str, ...]

    def __new__(cls, text: str, *kinds: str) -> Problem:
        problem = super().__new__(cls, text)
        problem.kinds = kinds
        return problem

    @property
    def kind(self) -> str:
        """The kind of the first failing part."""
        return self.kinds[0] if self.kinds else "values"


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
        # Every option explicit: the learner's (or a chapter's) np.set_printoptions must not change it.
        text = np.array2string(
            value,
            precision=6,
            threshold=12,
            edgeitems=3,
            max_line_width=10_000,
            suppress_small=False,
            floatmode="maxprec",
            sign="-",
        )
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
    names: list[str] | tuple[str, ...] | None = None,
    floats: bool = False,
) -> Problem | None:
    """None when ``received`` matches ``expected``; otherwise what differs and the likely cause.

    Every failing part of a tuple is reported, each on its own line under its name (``names``, e.g.
    ``("dW", "db")``, or "part 1", ...). With ``floats``, integer or boolean arrays fail where the
    reference returns floats, even when the values are equal.
    """
    if len(received) != len(expected):
        want = "one array" if len(expected) == 1 else f"a tuple of {len(expected)} arrays"
        got = "one array" if len(received) == 1 else f"{len(received)} arrays"
        if names and len(expected) > 1:
            want += f" ({', '.join(names)})"
        return Problem(f"expected {want}, received {got}", "length")
    lines, kinds = [], []
    for i, (e, r) in enumerate(zip(expected, received, strict=True)):
        found = _diagnose_array(e, r, rtol=rtol, atol=atol, floats=floats)
        if found is not None:
            kinds.append(found[0])
            if len(expected) > 1:
                label = names[i] if names and i < len(names) else f"part {i + 1}"
                lines.append(f"{label}: {found[1]}")
            else:
                lines.append(found[1])
    return Problem("\n".join(lines), *kinds) if lines else None


def _diagnose_array(
    e: np.ndarray, r: np.ndarray, *, rtol: float, atol: float, floats: bool
) -> tuple[str, str] | None:
    if r.shape != e.shape:
        return _shape_message(e.shape, r.shape)
    if floats and e.dtype.kind == "f" and r.dtype.kind in "biu":
        return (
            "dtype",
            f"received an array of {r.dtype} where floats are expected: the values may be right, "
            "but the question asks for a float array",
        )
    labels = e.dtype.kind in "biu"  # class labels and counts: a ratio of them means nothing
    e, r = e.astype(float), r.astype(float)
    bad_finite = np.isfinite(e) & ~np.isfinite(r)
    if bad_finite.any():
        index = _first_index(bad_finite)
        count = f"{int(bad_finite.sum())} of {e.size} values" if e.size > 1 else "the value"
        return (
            "nonfinite",
            f"received {format_value(r[index])} at index {index} where {format_value(e[index])} is"
            f" expected ({count} not finite)",
        )
    if np.allclose(r, e, rtol=rtol, atol=atol, equal_nan=True):
        return None
    if np.abs(e).max(initial=0) > atol and np.allclose(r, -e, rtol=rtol, atol=atol):
        return "sign", "every value has the wrong sign: check the sign in your formula"
    factor = _constant_factor(e, r)
    if factor is not None:
        return (
            "factor",
            f"every value is {factor:.6g} times the expected one: a missing or extra factor"
            " (mean or sum?)",
        )
    wrong = ~np.isclose(r, e, rtol=rtol, atol=atol, equal_nan=True)
    index = _first_index(wrong)
    where = f" at index {index}" if e.ndim else ""
    error = np.abs(r - e)[np.isfinite(e) & np.isfinite(r)].max(initial=0.0)
    return "values", (
        f"values differ{where}: expected {format_value(e[index])}, received {format_value(r[index])}"
        f" ({int(wrong.sum())} of {e.size} values wrong, largest difference {error:.3g}"
        f"{'' if labels else _whole_ratio(e, r)})"
    )


def _whole_ratio(e: np.ndarray, r: np.ndarray) -> str:
    """For one value, ", n times the expected one" when the ratio is a whole number n or 1/n."""
    if e.size != 1 or not (np.isfinite(r).all() and np.abs(e).min() > 1e-12):
        return ""
    c = float(r.flat[0] / e.flat[0])
    n = abs(c) if abs(c) >= 1 else 1 / abs(c) if c else 0.0
    if n < 1.5 or not np.isclose(n, round(n), rtol=1e-9):
        return ""
    return f", {c:.6g} times the expected one"


def _shape_message(expected: tuple, received: tuple) -> tuple[str, str]:
    text = f"received shape {received}, expected {expected}"
    if len(expected) == 1 and received == (1, expected[0]):
        return "row", (
            f"{text}: a row with an extra leading axis where a flat array is expected; drop that"
            " axis (a keepdims=True that is not wanted?)"
        )
    if len(expected) == 1 and received == (expected[0], 1):
        return "column", (
            f"{text}: a column where a flat array is expected; drop the extra axis (keepdims?)"
        )
    if len(received) == 1 and len(expected) == 2 and received[0] in expected and 1 in expected:
        what = "a column" if expected[1] == 1 else "a row"
        return (
            "flat",
            f"{text}: a flat array where {what} is expected; keep the axis (keepdims=True)",
        )
    if received == expected[::-1]:
        return "transposed", f"{text}: the result looks transposed"
    if received == ():
        return (
            "scalar",
            f"{text}: a single number where an array is expected; did you sum over everything?",
        )
    return "shape", text


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


# -- warnings, exceptions, arguments changed in place, reductions --------------------------------


def warning_kind(message: object) -> str:
    """The kind of a floating-point warning's message: ``overflow``, ``divide``, ``invalid`` or ``warned``."""
    text = str(message)
    for kind, words in (
        ("overflow", "overflow"),
        ("divide", "divide by zero"),
        ("invalid", "invalid"),
    ):
        if words in text:
            return kind
    return "warned"


def warning_problem(message: object) -> Problem:
    """The problem of a result that is right but came with a warning."""
    return Problem(
        f"the values are right but your function warned: {message}", warning_kind(message)
    )


_PACKAGE = Path(__file__).resolve().parents[1]


def _learner_frames(error: BaseException) -> list[traceback.FrameSummary]:
    """The frames of ``error``'s traceback in the learner's code (not NumPy's, Python's or nncourse's)."""
    library = {Path(np.__file__).resolve().parents[1], Path(traceback.__file__).resolve().parent}
    frames = []
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_PACKAGE) or any(path.is_relative_to(p) for p in library):
            continue
        frames.append(frame)
    return frames


def error_kind(message: str) -> str:
    """The kind of a raised error from its message: ``broadcast`` for shapes that do not line up
    (NumPy's "could not be broadcast"), ``raised`` for any other."""
    return "broadcast" if "could not be broadcast" in message else "raised"


def describe_error(error: BaseException) -> Problem:
    """What the learner's function raised, and where: the learner's function and line.

    A function called from the checked one is named with its caller, e.g. "in hidden_delta, line 3
    (`...`), called from gradients". A broadcasting error names the reductions on that line that
    dropped their axis.
    """
    text = f"raised {type(error).__name__}: {error}"
    kind = error_kind(str(error))
    frames = _learner_frames(error)
    if not frames:
        return Problem(text, kind)
    last = frames[-1]
    cell = " of its cell" if "ipykernel_" in last.filename else ""  # a notebook cell's own file
    where = f"in {last.name}, line {last.lineno}{cell}"
    if last.line:
        where += f" (`{last.line.strip()}`)"
    callers = [f.name for f in frames[:-1] if f.name != last.name and f.name != "<module>"]
    if callers:
        where += f", called from {callers[-1]}"
    text = f"{text}\n{where}"
    dropped = reductions_without_keepdims(last.line or "")
    if kind == "broadcast" and dropped:
        text += f"\n{', '.join(dropped)} drops the axis it reduces: add keepdims=True"
    return Problem(text, kind)


_REDUCTION = re.compile(r"(?:\bnp\.|\.)(?:max|min|sum|mean|amax|amin)\(")


def reductions_without_keepdims(source: str) -> list[str]:
    """The reductions along an axis in ``source`` that do not keep it, e.g. ``["z.max(axis=1)"]``."""
    found = []
    for match in _REDUCTION.finditer(source):
        end = _closing(source, match.end() - 1)
        start = (
            match.start() if match.group().startswith("np") else _receiver(source, match.start())
        )
        call = source[start:end]
        if "axis" in call and "keepdims" not in call and call not in found:
            found.append(call)
    return found


def _closing(text: str, open_at: int) -> int:
    """The index after the bracket that closes the one at ``open_at``."""
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


def _receiver(text: str, dot: int) -> int:
    """Where the expression before ``text[dot] == "."`` starts: ``np.exp(s)`` in ``np.exp(s).sum(...)``."""
    i, depth = dot, 0
    while i > 0:
        c = text[i - 1]
        if c in ")]":
            depth += 1
        elif c in "([":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and not (c.isalnum() or c in "_."):
            break
        i -= 1
    return i


def changed_inputs(before: tuple, after: tuple, names: list[str] | None = None) -> Problem | None:
    """A problem when an argument is not the same after the call as before it (changed in place)."""
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        same = _same(b, a)
        if not same:
            name = names[i] if names and i < len(names) else f"number {i + 1}"
            return Problem(
                f"your function changed its argument {name} in place: it is"
                f" {format_value(a)} after the call, {format_value(b)} before. Work on a copy"
                " (x = x.copy(), or x = x - ... instead of x -= ...).",
                "mutated",
            )
    return None


def _same(b: object, a: object) -> bool:
    if isinstance(b, np.ndarray) or isinstance(a, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        )
    if isinstance(b, (list, tuple)) and isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(b, a, strict=True))
    try:
        return bool(a == b)
    except Exception:  # objects without a usable ==, such as the autodiff exercise's
        return True


def assess(
    expected: list[np.ndarray],
    received: list[np.ndarray],
    *,
    rtol: float,
    atol: float,
    names: tuple[str, ...] = (),
    floats: bool = False,
    warned: list | tuple = (),
    forbid_warnings: bool = False,
    before: tuple = (),
    after: tuple = (),
    arg_names: list[str] | None = None,
) -> Problem | None:
    """Everything wrong with one call: :func:`diagnose`, then the warnings, then changed arguments.

    ``warned`` holds the messages of the warnings the call emitted: an inf or nan result names the
    first one (its kind, e.g. ``"overflow"``, picks the hint), and with ``forbid_warnings`` a right
    result that warned fails. ``before`` and ``after`` are the arguments before and after the call.
    """
    problem = diagnose(
        expected, received, rtol=rtol, atol=atol, names=list(names) or None, floats=floats
    )
    if problem is not None and warned and "nonfinite" in problem.kinds:
        cause = warning_kind(warned[0])
        kinds = [cause if k == "nonfinite" else k for k in problem.kinds]
        return Problem(f"{problem}\nyour function warned: {warned[0]}", *kinds)
    if problem is None and forbid_warnings and warned:
        return warning_problem(warned[0])
    if problem is None and before:
        return changed_inputs(before, after, arg_names)
    return problem
