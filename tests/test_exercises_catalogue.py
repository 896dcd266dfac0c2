"""The exercises table the book shows is read from the specs: every exercise, its functions and points."""

import re
from pathlib import Path

from nncourse.exercises import EXERCISE_IDS, load_exercise
from nncourse.exercises.catalogue import exercise_table

ROOT = Path(__file__).resolve().parent.parent


def test_table_has_one_row_per_exercise_with_its_points_and_functions():
    rows = exercise_table().splitlines()[2:]
    assert len(rows) == len(EXERCISE_IDS) == 9
    for exercise_id, row in zip(EXERCISE_IDS, rows, strict=True):
        exercise = load_exercise(exercise_id)
        assert f"]({exercise_id}.ipynb)" in row
        assert row.rstrip(" |").endswith(f"{exercise.points:g}")
        assert re.findall(r"`(\w+)`(?: †)? \(", row) == [q.function for q in exercise.questions]
        beyond = [q.function for q in exercise.questions if not q.answer_in_chapter]
        assert re.findall(r"`(\w+)` † \(", row) == beyond


def test_links_resolve_from_where_the_table_is_shown():
    assert "](exercises/maths.ipynb)" in exercise_table("exercises/")
    assert "{doc}`maths`" in exercise_table("exercises/")
    assert "{doc}`../maths`" in exercise_table()


def test_every_exercise_page_is_in_the_table_of_contents_and_the_index_glues_the_table():
    toc = (ROOT / "_toc.yml").read_text()
    for exercise_id in EXERCISE_IDS:
        assert f"book/exercises/{exercise_id}\n" in toc
        assert (ROOT / "book" / "exercises" / f"{exercise_id}.ipynb").exists()
    index = (ROOT / "book" / "exercises" / "index.md").read_text()
    assert "exercise_table()" in index and "{glue:md} exercise_table" in index
