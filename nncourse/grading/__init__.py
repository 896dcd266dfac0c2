"""Grade submitted notebooks: ``nncourse grade EXERCISE SUBMISSION... --out DIR``, as a pipeline.

1. **collect** (:mod:`~nncourse.grading.submissions`): the notebooks, their keys and student names, the
   secret that seeds the hidden inputs (``--secret``, else ``$NNCOURSE_GRADING_SECRET``, else
   ``DIR/secret.txt``, made on the first run);
2. **plan** (:mod:`~nncourse.grading.plan`): every call of every check, with the reference's answer,
   computed here; the inputs reach a kernel only in the grading cell, after the notebook ran;
3. **run** each submission (:mod:`~nncourse.grading.kernel`) in its own kernel, isolated by
   :mod:`nncourse.grading.sandbox` and importing a copy of nncourse without the answers
   (:mod:`~nncourse.grading.package`); in the kernel, :mod:`~nncourse.grading.harness` calls each
   function in a fresh child process; only results carrying the run's token are accepted
   (:mod:`~nncourse.grading.results`);
4. **score** (:mod:`~nncourse.grading.score`): pure functions from accepted results to points, status and
   feedback;
5. **record** (:mod:`~nncourse.grading.gradebook`): one row per submission in ``DIR/grades.csv``, one
   Gradescope ``DIR/results/NAME.json``; :mod:`~nncourse.grading.gradescope` does the same on Gradescope.

Every run writes ``DIR/grading.json`` (:mod:`~nncourse.grading.runinfo`): the exercise, its checks, a
keyed hash of the secret and the part (``--shard K/N``, :func:`~nncourse.grading.submissions.shard_of`).
A run into a folder graded for another exercise, with another secret or for another part is refused:
its rows would silently mix with rows that were graded differently.

Taught in: the instructor guide (book/instructors.md), sections "Grading" and "Grading on several
machines".
"""

from __future__ import annotations

import importlib

__all__ = ["GradingOptions", "GradingReport", "Limits", "Submission", "grade", "plan_calls"]
# Where each public name lives. They are imported on first use, so that ``nncourse report`` (which
# reads folders) does not load the kernel machinery (nbclient, nbformat's validator: about 1.5 s).
_HOMES = {
    "GradingOptions": "options",
    "Limits": "options",
    "Submission": "submissions",
    "plan_calls": "plan",
    "GradingReport": "pipeline",
    "grade": "pipeline",
}


def __getattr__(name: str) -> object:
    """A public name of the pipeline, imported from its module on first use (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"nncourse.grading.{_HOMES[name]}"), name)
