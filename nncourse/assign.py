"""Generate the student and solutions notebooks of an exercise from its one source notebook.

The source ``exercises/ID.ipynb`` (outside the book, so the solutions are not published) contains the
solution code between marker lines::

    def sigmoid(x):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

The student notebook ``book/exercises/ID.ipynb`` replaces each marked block by ``raise
NotImplementedError`` at the marker's indentation (in a Markdown cell, by "*Your answer here.*"); the
solutions notebook ``exercises/solutions/ID.ipynb`` only drops the marker lines. Both are written without
outputs. ``nncourse assign --check`` exits non-zero when a generated notebook is out of date (for CI).

Taught in: the instructor guide (book/instructors.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from nncourse._validation import expected

STUDENT_CODE = "raise NotImplementedError"
STUDENT_MARKDOWN = "*Your answer here.*"
_MARKER = re.compile(r"^(?P<indent>[ \t]*)### (?P<kind>BEGIN|END) SOLUTION\s*$")


@dataclass(frozen=True)
class Layout:
    """Where the source, student and solutions notebooks live, relative to the course's root folder."""

    source: Path = Path("exercises")
    student: Path = Path("book/exercises")
    solutions: Path = Path("exercises/solutions")


def _replace_solutions(source: str, replacement: str | None, code: bool, where: str) -> str:
    """``source`` with every marked block replaced (``replacement=None`` keeps the solution)."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        match = _MARKER.match(line)
        if match is None:
            if not inside or replacement is None:
                out.append(line)
            continue
        opening = match["kind"] == "BEGIN"
        if opening == inside:
            raise ValueError(f"{where}, line {number}: {match['kind']} SOLUTION without its pair")
        inside = opening
        if opening and replacement is not None:
            if code and not match["indent"]:
                raise ValueError(
                    f"{where}, line {number}: put solution markers inside a function body, so the"
                    " student notebook still runs top to bottom"
                )
            out.append(match["indent"] + replacement)
    if inside:
        raise ValueError(f"{where}: BEGIN SOLUTION without END SOLUTION")
    return "\n".join(out)


def generate(source_nb: nbformat.NotebookNode, student: bool) -> nbformat.NotebookNode:
    """The student (``student=True``) or solutions notebook made from a source notebook."""
    nb = nbformat.from_dict(source_nb)
    for index, cell in enumerate(nb.cells):
        code = cell.cell_type == "code"
        replacement = (STUDENT_CODE if code else STUDENT_MARKDOWN) if student else None
        cell.source = _replace_solutions(cell.source, replacement, code, f"cell {index}")
        if code:
            cell.outputs = []
            cell.execution_count = None
    return nb


def _text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def assign(
    exercise_ids: list[str] | None = None,
    root: Path | str = ".",
    layout: Layout | None = None,
    check: bool = False,
) -> list[Path]:
    """Write the student and solutions notebooks; return the paths that changed (or would change).

    Parameters
    ----------
    exercise_ids : list of str, optional
        The exercises to generate; by default every source notebook in ``root / layout.source``.
    root : path
        The course's root folder (the repository).
    check : bool
        Only compare: write nothing and return the out-of-date paths.
    """
    root = Path(root)
    layout = layout or Layout()
    source_dir = root / layout.source
    if exercise_ids is None:
        exercise_ids = sorted(p.stem for p in source_dir.glob("*.ipynb"))
    if not exercise_ids:
        raise ValueError(expected("root", f"source notebooks in {source_dir}", "none"))
    changed = []
    for exercise_id in exercise_ids:
        source_path = source_dir / f"{exercise_id}.ipynb"
        if not source_path.is_file():
            got = f"{exercise_id!r} ({source_path} is missing)"
            raise ValueError(expected("exercise_ids", "exercises with a source notebook", got))
        source_nb = nbformat.read(source_path, as_version=4)
        targets = {
            root / layout.student / f"{exercise_id}.ipynb": generate(source_nb, student=True),
            root / layout.solutions / f"{exercise_id}.ipynb": generate(source_nb, student=False),
        }
        for path, nb in targets.items():
            text = _text(nb)
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                continue
            changed.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return changed
