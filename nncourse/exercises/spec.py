"""What an exercise is: questions, each a function the learner writes, checked against a reference.

An :class:`Exercise` holds :class:`Question` objects. A question names the function the learner defines,
the reference that computes the right answer (nncourse's own implementation) and a list of
:class:`Check` objects. A check with a fixed list of inputs is *public*: the learner runs it in the
notebook with :mod:`nncourse.checks`. A check whose inputs come from a function of a random generator is
*hidden*: the grader draws its inputs from a seed derived from the instructor's secret, so learners never
see them. Both kinds carry points; the grade is the sum of the points of the checks passed.

The format is described for exercise authors in ``nncourse/exercises/README.md``.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nncourse.exercises.compare import as_parts, is_structured


@dataclass(frozen=True)
class Call:
    """Arguments for one call of the learner's function: ``function(*args, **kwargs)``."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


def call(*args: Any, **kwargs: Any) -> Call:
    """Arguments of one call, for inputs that need keyword arguments: ``call(y, p, reduction="sum")``."""
    return Call(args, kwargs)


def as_call(inputs: Call | tuple) -> Call:
    """A :class:`Call` from a tuple of positional arguments or a :class:`Call`."""
    if isinstance(inputs, Call):
        return inputs
    if isinstance(inputs, tuple):
        return Call(inputs)
    raise TypeError(
        f"inputs must be tuples of arguments or call(...) objects, got {type(inputs).__name__}"
    )


# Where a kind of problem looks for its hint when a check has none for the kind itself.
KIND_FAMILY = {
    "overflow": "nonfinite",
    "divide": "nonfinite",
    "invalid": "nonfinite",
    "warned": "nonfinite",
    "broadcast": "raised",
    "row": "shape",
    "column": "shape",
    "flat": "shape",
    "transposed": "shape",
    "scalar": "shape",
}

# Kinds of an inf or nan result, or of a warning.
WARNING_KINDS = {"nonfinite", "overflow", "divide", "invalid", "warned"}
# Kinds whose problem text says what to change: without a hint of their own, no hint is shown.
SELF_EXPLAINED = {"mutated", "dtype", "length"}


@dataclass(frozen=True)
class Check:
    """One named check of a function: inputs, points and the hint shown when it fails.

    Parameters
    ----------
    name : str
        What the check tests, written for the learner: ``"large negative inputs do not overflow"``.
    inputs : list or callable
        A list of argument tuples (or :func:`call` objects) makes a public check. A function
        ``inputs(rng) -> list`` of a :class:`numpy.random.Generator` makes a hidden check.
    points : float
        Points earned when every call of the check matches the reference.
    hint : str
        Shown under a failed check: the usual mistake behind it and how to fix it. The fallback when
        ``hints`` has nothing for the problem found.
    forbid_warnings : bool
        Fail the check when the learner's function emits a warning (e.g. overflow in ``exp``) even if
        the values come out right.
    rtol, atol : float
        Tolerances of the comparison with the reference (:func:`numpy.allclose`).
    hints : dict
        Hints keyed by the kind of problem found (:data:`nncourse.exercises.compare.KINDS`: ``"nonfinite"``,
        ``"overflow"``, ``"values"``, ``"row"``, ``"dtype"``, ``"mutated"``...), so that the hint follows
        from what the function returned; see :meth:`hint_for`. The key ``"keepdims"`` is a template
        (``{reductions}``) used when the learner's code has a reduction along an axis without
        ``keepdims=True`` and the result is wrong.
    """

    name: str
    inputs: Sequence[Call | tuple] | Callable[[np.random.Generator], Sequence[Call | tuple]]
    points: float = 1.0
    hint: str = ""
    forbid_warnings: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9
    hints: dict[str, str] = field(default_factory=dict)

    def hint_for(self, problem: object = None) -> str:
        """The hints for a problem of :func:`~nncourse.exercises.compare.diagnose`, else ``hint``.

        Each kind in ``problem.kinds`` (one per failing part) looks for its own key, then its family's
        (``"overflow"`` then ``"nonfinite"``, ``"row"`` then ``"shape"``, ``"broadcast"`` then
        ``"raised"``); the distinct hints found are joined. A problem of a kind in
        :data:`SELF_EXPLAINED` with no hint of its own gets none.
        """
        found = []
        for kind in getattr(problem, "kinds", ()):
            for key in (kind, KIND_FAMILY.get(kind)):
                if key in self.hints:
                    found.append(self.hints[key])
                    break
        kinds = set(getattr(problem, "kinds", ()))
        if not found and kinds and kinds <= SELF_EXPLAINED:
            return ""  # the problem already says what to change; the generic hint may mislead
        return " ".join(dict.fromkeys(found)) if found else self.hint

    @property
    def hidden(self) -> bool:
        """True when the inputs are drawn at grading time from the secret seed."""
        return callable(self.inputs)

    def calls(self, rng: np.random.Generator | None = None) -> list[Call]:
        """The calls of this check; a hidden check needs ``rng``."""
        if self.hidden:
            if rng is None:
                raise ValueError(
                    f"check {self.name!r} is hidden: its inputs need a random generator"
                )
            return [as_call(c) for c in self.inputs(rng)]
        return [as_call(c) for c in self.inputs]


@dataclass(frozen=True)
class Expected:
    """The reference's answer to one call: the value, its arrays ("parts"), and whether it is a tuple."""

    value: object
    parts: list[np.ndarray]
    returns_tuple: bool


@dataclass(frozen=True)
class Question:
    """One function the learner writes, its reference implementation and its checks.

    ``parts`` names the parts of a tuple result as the question does (``("dW", "db")``), for the
    feedback; ``floats`` makes integer or boolean results fail where the reference returns floats.
    ``section`` is the heading of the exercise's chapter that teaches what the question needs, as its
    anchor on the built page (``"the-fix-subtract-the-largest-score-first"``, or a MyST label): the
    class report links a mistake to it. ``answer_in_chapter`` is true when the chapter prints the
    answer (the package's own source of the function): such a question is practice in typing, not in
    reasoning, and at most half of an exercise's points may come from such questions.
    """

    function: str
    reference: Callable[..., Any]
    checks: Sequence[Check]
    parts: tuple[str, ...] = ()
    floats: bool = False
    section: str = ""
    answer_in_chapter: bool = False

    def hint_for(self, check: Check, problem: object = None) -> str:
        """The hint under a failed ``check``: :meth:`Check.hint_for`, except for a check about warnings.

        A ``forbid_warnings`` check's own hint is about overflow; when its problem is a finite wrong
        value (no inf, nan or warning) and it has no hint keyed for it, the hint of the question's
        first public check, about the formula, is shown instead.
        """
        kinds = set(getattr(problem, "kinds", ()))
        about_warnings = not kinds or kinds & WARNING_KINDS or kinds & set(check.hints)
        first = self.public_checks[0] if self.public_checks else check
        if check.forbid_warnings and not about_warnings and first is not check:
            return first.hint_for(problem)
        return check.hint_for(problem)

    @property
    def public_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.hidden]

    @property
    def hidden_checks(self) -> list[Check]:
        return [c for c in self.checks if c.hidden]

    @property
    def points(self) -> float:
        return float(sum(c.points for c in self.checks))

    def expected(self, c: Call) -> Expected:
        """The reference's answer to ``c`` (called on copies, so the inputs stay as they were)."""
        value = self.reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs))
        structured = is_structured(value)
        return Expected(value, as_parts(value, structured), structured)


@dataclass(frozen=True)
class Exercise:
    """An exercise: an id (the notebook's name), a title, the chapter it follows and its questions."""

    id: str
    title: str
    chapter: str
    questions: Sequence[Question]

    def question(self, function: str) -> Question:
        """The question whose function is called ``function``."""
        for q in self.questions:
            if q.function == function:
                return q
        names = ", ".join(q.function for q in self.questions)
        raise ValueError(f"exercise {self.id!r} has no function {function!r}; it asks for: {names}")

    @property
    def points(self) -> float:
        return float(sum(q.points for q in self.questions))


def check_rng(secret: str, exercise_id: str, function: str, check_name: str) -> np.random.Generator:
    """The random generator of one hidden check, derived from the instructor's secret.

    Hashing the names in keeps each check's inputs the same when other checks are added or reordered.
    """
    text = f"{secret}\0{exercise_id}\0{function}\0{check_name}".encode()
    seed = int.from_bytes(hashlib.sha256(text).digest()[:16], "little")
    return np.random.default_rng(seed)
