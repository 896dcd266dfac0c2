"""The grading pipeline of ``nncourse grade`` (the steps are described in :mod:`nncourse.grading`).

Taught in: the instructor guide (book/instructors.md), section "Grading".
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nncourse
from nncourse.exercises import load_exercise
from nncourse.exercises.spec import Exercise
from nncourse.grading import sandbox
from nncourse.grading.gradebook import Gradebook, columns_for, results_name
from nncourse.grading.kernel import KernelSetup
from nncourse.grading.options import SECRET_ENV, GradingOptions
from nncourse.grading.package import build_kernel_package
from nncourse.grading.plan import payload, plan_calls
from nncourse.grading.run import Batch, run_in_thread
from nncourse.grading.runinfo import RunInfo, read_run_info, run_info, write_run_info
from nncourse.grading.submissions import (
    Submission,
    collect_submissions,
    resolve_secret,
    select_shard,
)


@dataclass(frozen=True)
class GradingReport:
    """What a grading run did: the rows it wrote, the submissions still without a row, where."""

    rows: list[dict]
    ungraded: list[str]
    gradebook: Path
    isolation: sandbox.Isolation
    results: dict[str, Path]  # submission key -> its results.json


@contextmanager
def kernel_package(exercise: Exercise):
    """A temporary folder holding the kernels' copy of nncourse, readable by every kernel user."""
    folder = Path(tempfile.mkdtemp(prefix="nncourse-kernel-package-"))
    try:
        build_kernel_package(exercise, folder)
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _announce(
    say, isolation: sandbox.Isolation, n: int, exercise_id: str, secret_source: str
) -> None:
    """The first progress line, and a warning on every run when the isolation is weaker than bwrap."""
    say(
        f"grading {n} submissions of {exercise_id!r}; hidden inputs from {secret_source}; "
        f"sandbox: {isolation.summary()}"
    )
    if isolation.warning:
        say(f"WARNING: {isolation.warning}")


def _announce_part(say, shard: tuple[int, int] | None, n: int, total: int, secret_source: str):
    """Which part this run grades, and a warning when its secret is the folder's own."""
    if shard is None:
        return
    say(f"part {shard[0]} of {shard[1]}: {n} of {total} submissions")
    if secret_source.endswith("secret.txt"):
        say(
            f"WARNING: the hidden inputs come from {secret_source}, this folder's own secret; parts"
            " graded with different secrets cannot be merged: give every part the same --secret or"
            f" ${SECRET_ENV} (or copy one secret.txt into every part's folder first)"
        )


def grade(
    exercise_id: str,
    submissions: list[Path | str],
    out: Path | str,
    options: GradingOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> GradingReport:
    """Grade ``submissions`` into ``out`` (see the module docstring); the report of this run."""
    options = options or GradingOptions()
    say = progress or (lambda text: None)
    exercise = load_exercise(exercise_id)
    found = collect_submissions([Path(s) for s in submissions])
    isolation = sandbox.resolve(options.sandbox)
    sandbox.protect_grader()  # no kernel of this user can read the grader's memory or environment
    for line in sandbox.cleanup_leftovers():  # of graders killed outright
        say(line)
    out = Path(out)
    part = select_shard(found, options.shard)
    with Gradebook(out, columns_for([q.function for q in exercise.questions])) as book:
        before = read_run_info(out)
        secret, secret_source = resolve_secret(options.secret, out, create=before is None)
        _record_run(out, before, run_info(exercise, secret, options.shard), options.regrade)
        _announce_part(say, options.shard, len(part), len(found), secret_source)
        todo = _todo(part, book, options.regrade, say)
        _announce(say, isolation, len(todo), exercise_id, secret_source)
        planned = plan_calls(exercise, secret)
        with kernel_package(exercise) as package:
            setup = KernelSetup(isolation, options.limits, package, _hidden(out, found, options))
            calls = payload(planned)
            batch = Batch(exercise, planned, calls, todo, book, setup, options.jobs, say)
            rows = run_in_thread(batch)
    return GradingReport(
        rows,
        [s.key for s in part if s.key not in book],
        book.path,
        isolation,
        {s.key: out / "results" / results_name(s.key) for s in part},
    )


def _described(info: RunInfo) -> str:
    """``'sigmoid', part 2 of 4`` or ``'sigmoid', the whole class``."""
    part = f"part {info.shard[0]} of {info.shard[1]}" if info.shard else "the whole class"
    return f"{info.exercise!r}, {part}"


def _record_run(out: Path, before: RunInfo | None, info: RunInfo, regrade: bool) -> None:
    """Write ``out/grading.json``, or refuse a folder graded for another exercise, secret or part.

    Other checks (the exercise's spec changed) are refused too, unless ``regrade``. A folder graded
    before ``grading.json`` existed (``before`` is None) gets one.
    """
    if before is not None:
        same = (before.exercise, before.shard) == (info.exercise, info.shard)
        if not same or before.secret_id != info.secret_id:
            secret = "" if before.secret_id == info.secret_id else ", with another secret"
            raise ValueError(
                f"{out} holds grades of {_described(before)}{secret}; this run grades "
                f"{_described(info)}: give each exercise and each part its own --out folder, and "
                "every part the same secret"
            )
        if before.checks_id != info.checks_id and not regrade:
            raise ValueError(
                f"{out} was graded with other checks of {info.exercise!r} (the exercise changed): "
                "grade again with --regrade, or choose another --out folder"
            )
    write_run_info(out, info)


def _todo(found: list[Submission], book: Gradebook, regrade: bool, say) -> list[Submission]:
    """The submissions without a row yet (all of them with ``regrade``)."""
    if regrade:
        book.forget([s.key for s in found])
    todo = [s for s in found if s.key not in book]
    if len(todo) < len(found):
        n = len(found) - len(todo)
        say(f"{n} submissions already in {book.path}: not graded again (--regrade to)")
    return todo


def _hidden(out: Path, found: list[Submission], options: GradingOptions) -> tuple[Path, ...]:
    """What no kernel may see: the output, the submissions' folders, the grader's own package."""
    package = Path(nncourse.__file__).resolve().parent  # the real one, references included
    hidden = (out, *(s.path.parent for s in found), package, *options.hidden)
    return tuple(dict.fromkeys(hidden))
