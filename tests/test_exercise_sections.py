"""Every question's ``section`` names a heading of its chapter, so the class report's links resolve."""

import json
import re
from pathlib import Path

import pytest

from nncourse.exercises import EXERCISE_IDS, load_exercise

# docutils comes with Jupyter Book (the book's build), not with the package's own dependencies
make_id = pytest.importorskip("docutils.nodes", reason="docutils builds the book's anchors").make_id

BOOK = Path(__file__).resolve().parents[1] / "book"
LABEL = re.compile(r"^\((?P<label>[\w.:-]+)\)=\s*$")
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*$")


def heading_anchors(chapter: str) -> set[str]:
    """The anchors of a chapter's headings as Sphinx writes them, and its MyST labels."""
    notebook = json.loads((BOOK / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    anchors = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if m := LABEL.match(line):
                anchors.add(m["label"])
            elif m := HEADING.match(line):
                text = re.sub(r"[`*]|\$[^$]*\$", "", m["title"])
                anchors.add(make_id(text))
    return anchors


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_each_section_is_a_heading_of_the_chapter(exercise_id):
    exercise = load_exercise(exercise_id)
    anchors = heading_anchors(exercise.chapter)
    for q in exercise.questions:
        assert not q.section or q.section in anchors, (q.function, q.section, sorted(anchors))
