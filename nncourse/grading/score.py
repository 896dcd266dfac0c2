"""Step 4 of grading: points, status and feedback from the accepted results; pure functions, no kernel.

Each check passed earns its points; a check passes when every one of its calls returned the reference's
values within its tolerances (and, for ``forbid_warnings`` checks, without a warning). A public check's
feedback shows its input; a hidden check's feedback never shows its input, the expected values, or
anything the student's code wrote (an exception's message could carry the hidden input): only what kind
of failure it was, and the hint. The run's status is ``error`` when a cell raised or a function is
missing (the checks that ran still count), else the kernel's.

Taught in: the instructor guide (book/instructors.md), section "Reading the gradebook".
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass

from nncourse.exercises.compare import Problem, assess, error_kind, format_value
from nncourse.exercises.spec import Call, Check, Exercise, Question
from nncourse.grading import kinds
from nncourse.grading.harness import TAMPERED, CallStatus, RunStatus
from nncourse.grading.options import MAX_FIELD_CHARS
from nncourse.grading.plan import PlannedCall
from nncourse.grading.results import NO_RESULT, CallResult, KernelRun
from nncourse.grading.submissions import Submission

MESSAGES = {
    CallStatus.NOT_IMPLEMENTED: "not implemented yet (raises NotImplementedError)",
    CallStatus.MISSING: "the function is not defined in the notebook",
    CallStatus.TOO_SLOW: "did not finish within the time limit of one call",
    CallStatus.SKIPPED: "not called: an earlier call of this function ran out of time",
    CallStatus.CRASHED: "the call ended its process (os._exit, a crash, or too much memory)",
    CallStatus.RAISED: "raised an exception",
    CallStatus.BAD_RESULT: "returned something that is not a number or an array of numbers",
    CallStatus.NO_RESULT: "no result: the notebook stopped before this call, or took over the grading",
    CallStatus.MUTATED: "changed an argument in place: work on a copy (z = z - ...), not z -= ...",
}


@dataclass(frozen=True)
class Scored:
    """Points per question and one Gradescope test entry per check."""

    points: dict[str, float]
    tests: list[dict]


def cap(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying so."""
    return text if len(text) <= limit else text[: limit - 14] + " [... cut]"


def _format_args(c: Call) -> str:
    parts = [format_value(a) for a in c.args]
    parts += [f"{k}={format_value(v)}" for k, v in c.kwargs.items()]
    return ", ".join(parts)


# NumPy's floating-point warnings, the only warning texts shown back: any other text came from the
# student's code, which may have written a hidden input into it.
FLOATING_POINT_WARNING = re.compile(
    r"(overflow|divide by zero|invalid value|underflow) encountered in [\w ]{1,40}"
)


def safe_warning(text: str) -> str:
    """``text`` if it is one of NumPy's floating-point warnings (or the harness's own
    :data:`~nncourse.grading.harness.TAMPERED`), else a neutral word for it."""
    known = FLOATING_POINT_WARNING.fullmatch(text) or text == TAMPERED
    return text if known else "a warning of its own"


def call_problem(p: PlannedCall, result: CallResult) -> str | None:
    """What is wrong with one call's result, or None when it is right, in words the student may read.

    Nothing the student's code wrote is repeated: of an exception, only a built-in class name; of a
    warning, only NumPy's floating-point ones (a function could raise, on a public check, a message
    holding the hidden inputs it saw on earlier calls).
    """
    if result.status is CallStatus.RAISED:
        return f"raised {builtin_exception(result.error.split(':', 1)[0])}"
    if result.status is CallStatus.MUTATED:
        head, fix = MESSAGES[CallStatus.MUTATED].split(": ", 1)
        return f"{head} (argument {changed_argument(p.call, result)}): {fix}"
    if result.status is not CallStatus.RETURNED or result.parts is None:
        return MESSAGES.get(result.status, result.status.value)
    return assess(  # the same rules as the checks in the notebook
        p.expected,
        result.parts,
        rtol=p.check.rtol,
        atol=p.check.atol,
        names=p.question.parts,
        floats=p.question.floats,
        warned=[safe_warning(w) for w in result.warnings],
        forbid_warnings=p.check.forbid_warnings,
    )


def changed_argument(c: Call, result: CallResult) -> str:
    """The argument a call changed in place, by position ("number 1") or keyword, never its value."""
    names = [f"number {i + 1}" for i in range(len(c.args))] + list(c.kwargs)
    i = result.argument
    return names[i] if i is not None and 0 <= i < len(names) else "unknown"


def builtin_exception(name: str) -> str:
    """``name`` if it is one of Python's exceptions, else "an exception": a class name of the
    notebook's own could spell out a hidden input."""
    known = getattr(builtins, name, None) if name.isidentifier() else None
    return name if isinstance(known, type) and issubclass(known, BaseException) else "an exception"


def hidden_problem(result: CallResult) -> str:
    """What a student may read about a failed hidden call: the kind of failure only."""
    if result.status is CallStatus.RETURNED:
        if result.warnings:
            return "wrong on a hidden input, or the function warned"
        return "the result differs from the expected one on a hidden input"
    if result.status is CallStatus.RAISED:
        name = result.error.split(":", 1)[0]
        return f"raised {builtin_exception(name)} on a hidden input"
    return MESSAGES.get(result.status, "no result")


def public_problem(problem: str) -> str:
    """A failed public call as the student reads it in the grade report: the kinds of difference only.

    The values the function returned are not repeated: on a public call a function could return the
    hidden inputs it saw on earlier calls. The notebook's own checks show the values, before hand-in.
    """
    kinds = getattr(problem, "kinds", ())
    if not kinds or problem.startswith("the values are right"):
        return (
            problem  # a status, a built-in exception name, or a (NumPy) warning: no returned value
        )
    return f"the result differs from the expected one ({', '.join(dict.fromkeys(kinds))})"


@dataclass(frozen=True)
class Failure:
    """A failed check: the text the student may read, and what the class report records of it.

    ``problem`` is what the hint is chosen from (:meth:`Question.hint_for`, as in the notebook);
    ``detail`` the kinds of :func:`~nncourse.exercises.compare.assess`, or the call's status; ``kinds``
    the same as report kinds (:mod:`nncourse.grading.kinds`). None of them holds the student's text.
    """

    text: str
    problem: str
    detail: tuple[str, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The report kinds of ``detail``, each once, in order."""
        status = self.detail[0] if len(self.detail) == 1 else ""
        if status in kinds.FROM_STATUS and status not in ("raised", "mutated"):
            return (kinds.status_kind(status),)
        return tuple(dict.fromkeys(kinds.compare_kind(k) for k in self.detail)) or ("other",)


def failure_detail(problem: str, result: CallResult) -> tuple[tuple[str, ...], str]:
    """The raw kinds of a failed call and the problem its hint is chosen from (no student text)."""
    if result.status is CallStatus.RAISED:
        kind = kinds.raised_kind(result.error)
        if kind == "exception":
            kind = error_kind(result.error)
        return (kind,), Problem(str(problem), kind)
    if result.status is CallStatus.RETURNED and getattr(problem, "kinds", ()):
        return tuple(problem.kinds), problem
    if result.status is CallStatus.MUTATED:
        return ("mutated",), Problem(str(problem), "mutated")
    return (result.status.value,), str(problem)


def check_problems(planned: list[PlannedCall], results: dict[str, CallResult]) -> dict:
    """The first failure of each (function, check), as a :class:`Failure`; None: passed."""
    problems: dict[tuple[str, str], Failure | None] = {}
    for p in planned:
        key = (p.question.function, p.check.name)
        if key in problems and problems[key] is not None:
            continue  # the first failure of a check is the one reported
        result = results.get(p.id, NO_RESULT)
        problem = call_problem(p, result)
        if problem is None:
            problems[key] = None
            continue
        detail, for_hint = failure_detail(problem, result)
        if p.check.hidden:
            text = hidden_problem(result)
        else:  # public inputs may be shown, the returned values are not
            text = f"input: {_format_args(p.call)}\n{public_problem(problem)}"
        problems[key] = Failure(text, for_hint, detail)
    return problems


NOT_RUN = Failure("not run", "not run", ("no_result",))


def _test_entry(q: Question, check: Check, failure: Failure | None) -> dict:
    """One check's Gradescope test entry, with the report's fields in ``extra_data``."""
    extra: dict = {"function": q.function, "check": check.name, "hidden": check.hidden}
    output = "passed"
    if failure is not None:
        hint = q.hint_for(check, failure.problem)
        output = failure.text + (f"\nHint: {hint}" if hint else "")
        found = failure.kinds
        extra.update(kind=found[0], kinds=list(found), detail=list(failure.detail), hint=cap(hint))
    else:
        extra.update(kind=None)
    return {
        "name": f"{q.function}: {check.name}",
        "score": check.points if failure is None else 0.0,
        "max_score": check.points,
        "visibility": "after_published" if check.hidden else "visible",
        "output": cap(output),
        "extra_data": extra,
    }


def score(exercise: Exercise, planned: list[PlannedCall], results: dict[str, CallResult]) -> Scored:
    """Points per question and Gradescope test entries, from the accepted results."""
    problems = check_problems(planned, results)
    points: dict[str, float] = {}
    tests = []
    for q in exercise.questions:
        points[q.function] = 0.0
        for check in q.checks:
            failure = problems.get((q.function, check.name), NOT_RUN)
            tests.append(_test_entry(q, check, failure))
            points[q.function] += tests[-1]["score"]
    return Scored(points, tests)


def functions_with(
    exercise: Exercise, planned: list[PlannedCall], results: dict, status: CallStatus
) -> list[str]:
    """The functions for which every call ended with ``status`` (e.g. missing)."""
    found = []
    for q in exercise.questions:
        statuses = {results.get(p.id, NO_RESULT).status for p in planned if p.question is q}
        if statuses == {status}:
            found.append(q.function)
    return found


def final_status(kernel_status: RunStatus, missing: list[str], silent: int = 0) -> RunStatus:
    """The run's status: ``error`` when a notebook that otherwise ran lacks a function, or left calls
    without a result (its code took over the grading cell)."""
    wrong = missing or silent
    return RunStatus.ERROR if wrong and kernel_status is RunStatus.OK else kernel_status


def silent_calls(planned: list[PlannedCall], run: KernelRun) -> int:
    """How many planned calls sent back no valid result."""
    return sum(run.results.get(p.id, NO_RESULT).status is CallStatus.NO_RESULT for p in planned)


def _reasons(exercise: Exercise, planned: list[PlannedCall], run: KernelRun) -> tuple[list, list]:
    """The run's reasons with the missing and unfinished functions; and the missing ones."""
    missing = functions_with(exercise, planned, run.results, CallStatus.MISSING)
    unfinished = functions_with(exercise, planned, run.results, CallStatus.NOT_IMPLEMENTED)
    reasons = [*run.reasons, *(f"{f} is not defined" for f in missing)]
    if unfinished:
        reasons.append(f"not implemented yet: {', '.join(unfinished)}")
    silent = silent_calls(planned, run)
    if silent and run.status is RunStatus.OK:
        reasons.append(f"{silent} of {len(planned)} calls sent no result")
    return reasons, missing


def grade_one(
    exercise: Exercise,
    planned: list[PlannedCall],
    submission: Submission,
    run: KernelRun,
    sandbox_level: str,
) -> tuple[dict, dict]:
    """The grades.csv row and the Gradescope results.json of one run submission."""
    scored = score(exercise, planned, run.results)
    reasons, missing = _reasons(exercise, planned, run)
    status = final_status(run.status, missing, silent_calls(planned, run))
    reason = cap("; ".join(reasons))
    total = float(sum(scored.points.values()))
    row = {
        "submission": submission.key,
        "student": submission.student,
        "exercise": exercise.id,
        "score": total,
        "max_score": exercise.points,
        "status": status.value,
        "reason": reason,
        "sandbox": sandbox_level,
        **{f"points_{f}": v for f, v in scored.points.items()},
    }
    results = {
        "score": total,
        "execution_time": round(run.seconds, 2),
        "output": cap(f"Status: {status.value}." + (f" {reason}" if reason else "")),
        "stdout_visibility": "hidden",
        "tests": scored.tests,
    }
    return row, results


def grader_error(error: BaseException) -> KernelRun:
    """The run of a submission on which the grader itself failed: status error, no results."""
    return KernelRun(
        RunStatus.ERROR, (f"the grader failed on this notebook ({type(error).__name__})",)
    )
