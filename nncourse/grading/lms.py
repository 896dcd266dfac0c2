"""Grades for a learning management system: a gradebook import file for Canvas or Moodle.

:func:`export_grades` joins the rows of ``grades.csv`` to the roster the LMS exports, by a column the
instructor names, and writes the file that LMS imports:

- **Canvas** (*Grades → Import*): the columns ``Student, ID, SIS User ID, SIS Login ID, Section`` in this
  order, copied from the roster (Canvas's gradebook export), then one column headed with the
  assignment's name, ``Name (ID)`` with Canvas's assignment ID for an existing assignment (a new name
  makes Canvas create one). The second row is Canvas's ``Points Possible`` row, as in its own export:
  ``Points Possible`` in the first column, the exercise's points under the assignment.
- **Moodle** (*Grades → Import → CSV file*): ``First name``, ``Last name`` (when the roster has them),
  the identifier column, and one grade column named after the assignment. On import, map *from* the
  identifier column (e.g. ``Email address`` to ``useremail``, ``ID number`` to ``useridnumber``) and the
  grade column to the grade item.

Matching: the roster's value in ``column`` equals a submission's ``student`` after stripping whitespace
at both ends; values containing ``@`` (email addresses) are compared without regard to case. The file
holds the roster's own value, as the LMS knows it. A roster row whose first cell is ``Points Possible``
is not a student, nor, in a Canvas roster, a row without ``ID``, ``SIS User ID`` and ``SIS Login ID``
(Canvas's export adds such rows for the points and for assignments posted manually). Every roster
student is in the file: without a submission, with an empty grade (listed in ``missing``). A submission
that matches no one is listed in ``unmatched``, never dropped silently. Two roster rows with one identifier, or two submissions of one student, are refused:
which grade to upload is the instructor's decision.

The grade is the row's ``score``, whatever its ``status``: a notebook that raised, timed out or crashed
keeps the points of the checks that ran, and an invalid file scores 0. Every cell is written as
:func:`~nncourse.grading.gradebook.to_cell` writes grades.csv, never as a spreadsheet formula.

Taught in: the instructor guide (book/instructors.md), section "Exporting to Canvas or Moodle".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nncourse.grading.gradebook import to_cell

LMS_SYSTEMS = ("canvas", "moodle")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_NAMES = ("First name", "Last name")
POINTS_POSSIBLE = "Points Possible"
ROW_FIELDS = ("submission", "student", "score", "max_score")


@dataclass(frozen=True)
class LmsExport:
    """What :func:`export_grades` wrote: the file, how many roster students got a grade, the roster
    identifiers without a submission (``missing``) and the submissions matching no one (``unmatched``).
    """

    path: Path
    graded: int
    missing: list[str]
    unmatched: list[str]


def match_key(value: str) -> str:
    """The form in which identifiers are compared: stripped, and case-folded when it holds ``@``."""
    value = value.strip()
    return value.casefold() if "@" in value else value


def read_roster(roster: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The roster's columns and its student rows (Canvas's ``Points Possible`` row left out)."""
    try:
        with open(roster, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            columns = list(reader.fieldnames or [])
    except UnicodeDecodeError:
        raise ValueError(f"roster {str(roster)!r} is not UTF-8 text") from None
    except OSError as error:
        raise ValueError(f"roster {str(roster)!r} cannot be read: {error.strerror}") from None
    if not columns:
        raise ValueError(f"roster {str(roster)!r} has no header row")
    students = [
        {c: (r.get(c) or "") for c in columns}
        for r in rows
        if (r.get(columns[0]) or "").strip() != POINTS_POSSIBLE
    ]
    return columns, students


def _by_student(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The grades.csv rows by :func:`match_key` of ``student``; refuses two submissions of one student."""
    found: dict[str, dict[str, str]] = {}
    for i, row in enumerate(rows):
        absent = [f for f in ROW_FIELDS if f not in row]
        if absent:
            raise ValueError(f"rows must be rows of grades.csv; row {i} has no {absent[0]!r}")
        try:
            float(row["score"])
        except ValueError:
            raise ValueError(f"row {row['submission']!r} has no numeric score") from None
        key = match_key(row["student"])
        if key in found:
            raise ValueError(
                f"two submissions of student {row['student']!r}: {found[key]['submission']!r} and "
                f"{row['submission']!r}; grade only the one that counts"
            )
        found[key] = row
    return found


def _check_roster(students: list[dict[str, str]], column: str) -> None:
    """Refuse two roster rows with one identifier (an empty one is no identifier)."""
    seen: dict[str, str] = {}
    for student in students:
        value = student[column]
        key = match_key(value)
        if key and key in seen:
            raise ValueError(
                f"the roster has two students with {column} {seen[key]!r} and {value!r}: "
                "choose a column that tells every student apart"
            )
        seen[key] = value


def _check_arguments(system: str, columns: list[str], column: str, assignment: str) -> None:
    if system not in LMS_SYSTEMS:
        raise ValueError(f"system must be one of {', '.join(LMS_SYSTEMS)}; got {system!r}")
    if column not in columns:
        raise ValueError(
            f"column must be a column of the roster; got {column!r}, the roster's columns are "
            + ", ".join(repr(c) for c in columns)
        )
    if not isinstance(assignment, str) or not assignment.strip():
        raise ValueError(f"assignment must be the name of the LMS assignment; got {assignment!r}")
    if system == "canvas" and not any(c in columns for c in CANVAS_IDENTITY[1:4]):
        raise ValueError(
            "a Canvas roster is Canvas's gradebook export, with an ID, SIS User ID or SIS Login ID "
            "column; this one has " + ", ".join(repr(c) for c in columns)
        )


def _points_possible(rows: list[dict[str, str]]) -> str:
    """The exercise's points (one value for every row), or ``""`` without rows."""
    points = {row["max_score"] for row in rows}
    if len(points) > 1:
        raise ValueError(
            f"the rows have different max_score values ({sorted(points)}): one exercise?"
        )
    return points.pop() if points else ""


def _name(student: dict[str, str], column: str, i: int) -> str:
    """How ``missing`` names a roster student: its identifier, or its row when it has none."""
    return student[column] or f"roster row {i + 1} (no {column})"


def _table(system, columns, students, column, assignment, grades, points):
    """The header and rows of the import file (grades: one per student, ``""`` for none)."""
    if system == "canvas":
        header = [*CANVAS_IDENTITY, assignment]
        first = [[POINTS_POSSIBLE, "", "", "", "", points]]
    else:
        names = [c for c in MOODLE_NAMES if c in columns and c != column]
        header = [*names, column, assignment]
        first = []
    body = [
        [s.get(c, "") for c in header[:-1]] + [g] for s, g in zip(students, grades, strict=True)
    ]
    return header, first + body


def export_grades(
    system: str,
    rows: list[dict[str, str]],
    roster: Path,
    column: str,
    out: Path,
    assignment: str,
) -> LmsExport:
    """Write ``out/SYSTEM-import.csv``, the grades of ``rows`` for the students of ``roster``.

    Parameters
    ----------
    system : {"canvas", "moodle"}
        The LMS whose import format to write (see the module docstring).
    rows : list of dict
        Rows of grades.csv (``submission``, ``student``, ``score``, ``max_score``, ...).
    roster : Path
        The CSV the LMS exports (Canvas: the gradebook export; Moodle: a grade export or participants).
    column : str
        The roster column whose values are the submissions' ``student`` (``"SIS Login ID"``,
        ``"Email address"``, ...).
    out : Path
        The folder to write into (made if needed).
    assignment : str
        The grade column's header: the LMS assignment or grade item.

    Raises
    ------
    ValueError
        An unknown system, a column the roster does not have, an unreadable roster, two roster rows
        with one identifier, two submissions of one student, rows that are not grades.csv rows.
    """
    columns, students = read_roster(Path(roster))
    _check_arguments(system, columns, column, assignment)
    if system == "canvas":
        students = [s for s in students if any(s.get(c, "") for c in CANVAS_IDENTITY[1:4])]
    _check_roster(students, column)
    by_student = _by_student(rows)
    keys = [match_key(s[column]) for s in students]
    grades = [by_student[k]["score"] if k in by_student else "" for k in keys]
    header, table = _table(
        system, columns, students, column, assignment, grades, _points_possible(rows)
    )
    path = Path(out) / f"{system}-import.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([to_cell(c) for c in header])
        writer.writerows([to_cell(c) for c in line] for line in table)
    on_roster = set(keys)
    return LmsExport(
        path,
        sum(1 for k in keys if k in by_student),
        [
            _name(s, column, i)
            for i, (s, k) in enumerate(zip(students, keys, strict=True))
            if k not in by_student
        ],
        [row["submission"] for key, row in by_student.items() if key not in on_roster],
    )
