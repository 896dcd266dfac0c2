"""The course's exercises: one module per exercise, each defining ``EXERCISE`` (see ``spec.py``).

How to write one is described in ``nncourse/exercises/README.md``.
"""

from __future__ import annotations

import importlib
import importlib.util

from nncourse.exercises.spec import Exercise

EXERCISE_IDS = (
    "maths",
    "sigmoid",
    "softmax",
    "cross_entropy",
    "gradient_descent",
    "softmax_regression",
    "backprop",
    "autodiff",
    "training",
)


def available_exercises() -> list[str]:
    """The ids of the exercises whose module exists, in course order."""
    return [
        i for i in EXERCISE_IDS if importlib.util.find_spec(f"nncourse.exercises.{i}") is not None
    ]


def load_exercise(exercise_id: str) -> Exercise:
    """The :class:`~nncourse.exercises.spec.Exercise` called ``exercise_id``.

    Raises
    ------
    ValueError
        When ``exercise_id`` is not one of :data:`EXERCISE_IDS` or its module is not written yet.
    """
    if exercise_id not in EXERCISE_IDS:
        raise ValueError(
            f"exercise_id must be one of {', '.join(EXERCISE_IDS)}; got {exercise_id!r}"
        )
    if exercise_id not in available_exercises():
        raise ValueError(f"exercise {exercise_id!r} is not written yet")
    return importlib.import_module(f"nncourse.exercises.{exercise_id}").EXERCISE
