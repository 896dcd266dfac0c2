"""The list of exercises as the book shows it: functions and points read from the specs, never typed.

Used by the exercises index (book/exercises/index.md), the page on the checks (book/checks.md) and the
instructor guide (book/instructors.md), which glue the table this module writes.
"""

from __future__ import annotations

from nncourse.exercises import EXERCISE_IDS, load_exercise
from nncourse.exercises.spec import Exercise


def _points(value: float) -> str:
    return f"{value:g}"


BEYOND_THE_CHAPTER = "†"  # marks a question whose answer the chapter does not print


def _functions(exercise: Exercise) -> str:
    """Each function the learner writes with its points, public + hidden, and † when the chapter does
    not print its answer: `softmax` (2 + 5), `logsumexp` † (2 + 6)."""
    parts = []
    for q in exercise.questions:
        public = sum(c.points for c in q.public_checks)
        hidden = sum(c.points for c in q.hidden_checks)
        mark = "" if q.answer_in_chapter else f" {BEYOND_THE_CHAPTER}"
        parts.append(f"`{q.function}`{mark} ({_points(public)} + {_points(hidden)})")
    return ", ".join(parts)


def exercise_table(folder: str = "") -> str:
    """A Markdown table of every exercise, in course order, for a page in ``folder`` of book/.

    ``folder`` is the path from the page to ``book/exercises/`` ("" for a page in that folder,
    "exercises/" for a page in book/), so that the links resolve from where the table is shown.

    Columns: the exercise (a link to its page), the chapter it follows, the functions the learner
    writes with their public + hidden points (``†``: the chapter does not print the answer), and the
    exercise's total points.
    """
    up = "../" if folder == "" else ""
    rows = [
        "| exercise | after | you write (public + hidden points) | points |",
        "|---|---|---|---|",
    ]
    for exercise_id in EXERCISE_IDS:
        exercise = load_exercise(exercise_id)
        rows.append(
            f"| [{exercise.title}]({folder}{exercise_id}.ipynb) "
            f"| {{doc}}`{up}{exercise.chapter}` "
            f"| {_functions(exercise)} "
            f"| {_points(exercise.points)} |"
        )
    return "\n".join(rows)
