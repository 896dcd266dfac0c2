"""Feedback in the learner's notebook: run an exercise's public checks on the learner's function.

In an exercise notebook::

    from nncourse.checks import exercise
    check = exercise("sigmoid")
    ...
    check(sigmoid)        # prints which public checks pass, and for a failure: input, expected,
                          # received, what differs and a hint
    check.summary()       # one line per question

Only the public checks run here. When every one passes the feedback says "public checks passed": the
hidden checks, with inputs drawn from the instructor's secret seed, run when the work is graded
(see :mod:`nncourse.grading`). An unfinished function that still raises ``NotImplementedError`` is
reported as "not implemented yet", and nothing here raises, so a notebook always runs top to bottom.
In a grading kernel (``NNCOURSE_GRADING=1``) the checks do nothing: the grader calls the functions itself,
each call under its own time limit.

Taught in: the page "How the checks work" (book/checks.md).
"""

from __future__ import annotations

import copy
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nncourse.exercises import load_exercise
from nncourse.exercises.compare import (
    WARN_ON,
    as_parts,
    assess,
    describe_error,
    diagnose,
    format_value,
    is_structured,
    reductions_without_keepdims,
)
from nncourse.exercises.spec import Call, Check, Question
from nncourse.gradcheck import numerical_gradient
from nncourse.grading.harness import watched_call

PASSED, FAILED, NOT_IMPLEMENTED = "passed", "failed", "not implemented yet"
GRADING_ENV = (
    "NNCOURSE_GRADING"  # set to "1" in grading kernels, which call the functions themselves
)


@dataclass
class CheckFeedback:
    """The outcome of one public check; for a failure, the first failing call and what went wrong."""

    name: str
    passed: bool
    inputs: str = ""
    expected: str = ""
    received: str = ""
    problem: str = ""
    hint: str = ""


@dataclass
class QuestionFeedback:
    """The outcome of all public checks of one question."""

    function: str
    status: str  # PASSED, FAILED or NOT_IMPLEMENTED
    checks: list[CheckFeedback] = field(default_factory=list)

    @property
    def n_passed(self) -> int:
        return sum(c.passed for c in self.checks)

    def text(self) -> str:
        """The feedback as the learner reads it under their cell."""
        if self.status == NOT_IMPLEMENTED:
            return (
                f"{self.function}: not implemented yet. Replace `raise NotImplementedError` with your"
                " code, then run this cell again."
            )
        n = len(self.checks)
        if self.status == PASSED:
            return (
                f"{self.function}: public checks passed ({n} of {n}). Hidden checks with other inputs"
                " run when your work is graded."
            )
        lines = [f"{self.function}: {self.n_passed} of {n} public checks passed."]
        for c in self.checks:
            if c.passed:
                lines.append(f"  ✓ {c.name}")
                continue
            lines.append(f"  ✗ {c.name}")
            rows = [
                ("input", c.inputs),
                ("expected", c.expected),
                ("received", c.received),
                ("problem", c.problem),
                ("hint", c.hint),
            ]
            for label, value in rows:
                if value:
                    first, *more = str(value).split("\n")
                    lines.append(f"      {label + ':':<10}{first}")
                    lines += [f"      {'':<10}{line}" for line in more]
        return "\n".join(lines)


def run_public_checks(question: Question, function: Callable) -> QuestionFeedback:
    """Run every public check of ``question`` on the learner's ``function``; never raises."""
    results = []
    for check in question.public_checks:
        try:
            results.append(_run_check(question, check, function))
        except NotImplementedError:
            return QuestionFeedback(question.function, NOT_IMPLEMENTED)
    status = PASSED if all(c.passed for c in results) else FAILED
    return QuestionFeedback(question.function, status, results)


def _run_check(question: Question, check: Check, function: Callable) -> CheckFeedback:
    for c in check.calls():
        expected_value = question.reference(*copy.deepcopy(c.args), **copy.deepcopy(c.kwargs))
        structured = is_structured(expected_value)
        expected = as_parts(expected_value, structured)
        fail = _failure_factory(
            question, check, _format_call(function, c), expected_value, function
        )
        args, kwargs = copy.deepcopy(c.args), copy.deepcopy(c.kwargs)
        try:
            received_value, warned = watched_call(function, args, kwargs, WARN_ON)
        except NotImplementedError:
            raise
        except (
            Exception
        ) as error:  # the learner's code may raise anything; report it, never re-raise
            return fail("", describe_error(error))
        try:
            received = as_parts(received_value, structured)
        except TypeError as error:
            return fail(format_value(received_value), str(error))
        problem = assess(
            expected,
            received,
            rtol=check.rtol,
            atol=check.atol,
            names=question.parts,
            floats=question.floats,
            warned=warned,
            forbid_warnings=check.forbid_warnings,
            before=(*c.args, *c.kwargs.values()),
            after=(*args, *kwargs.values()),
            arg_names=_parameter_names(function, c),
        )
        if problem is not None:
            return fail(format_value(received_value), problem)
    return CheckFeedback(check.name, passed=True)


def _failure_factory(
    question: Question, check: Check, inputs: str, expected: object, function: Callable
) -> Callable[[str, str], CheckFeedback]:
    def fail(received: str, problem: str) -> CheckFeedback:
        hint = _keepdims_hint(check, problem, function) or question.hint_for(check, problem)
        return CheckFeedback(
            check.name, False, inputs, format_value(expected), received, problem, hint
        )

    return fail


KEEPDIMS_KINDS = {"values", "shape", "row", "column", "flat", "broadcast", "nonfinite"}


def _keepdims_hint(check: Check, problem: str, function: Callable) -> str:
    """The check's ``"keepdims"`` hint, naming the learner's reductions that drop their axis."""
    if "keepdims" not in check.hints or not KEEPDIMS_KINDS & set(getattr(problem, "kinds", ())):
        return ""
    try:
        found = reductions_without_keepdims(inspect.getsource(function))
    except (OSError, TypeError):
        return ""
    return check.hints["keepdims"].format(reductions=", ".join(found)) if found else ""


def _parameter_names(function: Callable, c: Call) -> list[str]:
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        names = []
    return names[: len(c.args)] + [f"{k}" for k in c.kwargs]


def _format_call(function: Callable, c: Call) -> str:
    names = _parameter_names(function, c)
    parts = [
        f"{names[i] if i < len(names) else f'arg{i + 1}'} = {format_value(a)}"
        for i, a in enumerate(c.args)
    ]
    parts += [f"{k} = {format_value(v)}" for k, v in c.kwargs.items()]
    return ", ".join(parts)


class ExerciseChecker:
    """Checks the learner's functions for one exercise; call it with a function to check it."""

    def __init__(self, exercise_id: str) -> None:
        self.exercise = load_exercise(exercise_id)
        self.feedback: dict[str, QuestionFeedback] = {}

    def __call__(self, function: Callable, name: str | None = None) -> None:
        """Run the public checks of ``function`` (found by its name, or ``name``) and print feedback."""
        if os.environ.get(GRADING_ENV) == "1":
            print("(public checks are skipped while the grader runs this notebook)")
            return
        name = name or getattr(function, "__name__", "")
        try:
            question = self.exercise.question(name)
        except ValueError as error:
            print(f"Cannot check this function: {error}. Pass name='...' if you renamed it.")
            return
        if not callable(function):
            print(f"{name}: expected a function, got {format_value(function)}.")
            return
        feedback = run_public_checks(question, function)
        self.feedback[name] = feedback
        print(feedback.text())

    def summary(self) -> None:
        """Print one line per question with the state of its public checks."""
        lines = [f"Exercise {self.exercise.id!r}: {self.exercise.title}"]
        for q in self.exercise.questions:
            fb = self.feedback.get(q.function)
            state = "not checked yet (run its check cell)" if fb is None else _summary_state(fb)
            lines.append(f"  {q.function}: {state}")
        lines.append("Hidden checks with other inputs run when your work is graded.")
        print("\n".join(lines))

    def __repr__(self) -> str:
        return f"<checks for exercise {self.exercise.id!r}: call with a function, e.g. check(f)>"


def _summary_state(feedback: QuestionFeedback) -> str:
    if feedback.status == FAILED:
        return f"{feedback.n_passed} of {len(feedback.checks)} public checks passed"
    if feedback.status == PASSED:
        return "public checks passed"
    return feedback.status


def finite_difference_report(
    loss: Callable[..., float],
    params: list,
    gradients: Callable[..., tuple] | tuple | list,
    names: list[str] | None = None,
    eps: float = 1e-6,
) -> list[str]:
    """Compare gradients with central differences of ``loss``, shapes first; print one line each.

    ``loss(*params)`` is the scalar loss; ``gradients`` holds one array per parameter, or is the
    function computing them from ``*params`` (an error it raises is reported, not raised). A gradient
    whose shape is not its parameter's is reported as such, without a difference: broadcasting would
    make a difference look small. Returns the printed lines.

    Taught in: the backprop exercise (book/exercises/backprop.ipynb), section "Check your gradients".
    """
    names = names or [f"parameter {i + 1}" for i in range(len(params))]
    if callable(gradients):
        try:
            gradients = gradients(*params)
        except NotImplementedError:
            raise
        except Exception as error:  # the learner's code may raise anything
            lines = [f"your gradients {describe_error(error)}"]
            print("\n".join(lines))
            return lines
    lines = []
    for i, (name, param, grad) in enumerate(zip(names, params, gradients, strict=False)):
        param, grad = np.asarray(param, dtype=float), np.asarray(grad)
        if grad.shape != param.shape:
            words = _shape_words(param.shape, grad.shape)
            lines.append(f"{name}: shape {grad.shape}, but the parameter's is {param.shape}{words}")
            continue

        def of(value, i=i):
            return loss(*params[:i], value, *params[i + 1 :])

        numeric = numerical_gradient(of, param, eps=eps)
        difference = float(np.max(np.abs(grad - numeric), initial=0.0))
        lines.append(f"{name}: largest difference from finite differences {difference:.1e}")
    print("\n".join(lines))
    return lines


def _shape_words(expected: tuple, received: tuple) -> str:
    problem = diagnose([np.zeros(expected)], [np.zeros(received)], rtol=0.0, atol=0.0)
    text = str(problem).split(": ", 1)
    return f": {text[1]}" if len(text) == 2 else ""


def exercise(exercise_id: str) -> ExerciseChecker:
    """The checker of one exercise: ``check = exercise("sigmoid")`` then ``check(sigmoid)``."""
    return ExerciseChecker(exercise_id)
