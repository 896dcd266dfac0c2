"""Gradebook import files for Canvas and Moodle (:mod:`nncourse.grading.lms`), joined to a roster.

The rosters are written here as each LMS exports them (Canvas's gradebook export with its
``Points Possible`` row; Moodle's columns), with students who did not submit, submissions from no one on
the roster, an email address in another case, a name that a spreadsheet would run as a formula.
"""

import csv
from pathlib import Path

import pytest

from nncourse.grading.lms import LMS_SYSTEMS, LmsExport, export_grades, match_key

CANVAS_ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,Sigmoid (4411),Current Score
,,,,,Manual Posting,
    Points Possible,,,,,16,(read only)
"Lovelace, Ada",101,u101,ada,Section A,,
"=HYPERLINK(""http://x"")",102,u102,bob,Section A,,
"Curie, Marie",103,u103,marie,Section B,,
"Turing, Alan",104,u104, alan ,Section B,,
"""

MOODLE_ROSTER = """First name,Last name,ID number,Institution,Department,Email address
Ada,Lovelace,101,,,Ada@Example.org
@SUM(1+1),Evil,102,,,bob@example.org
Marie,Curie,103,,,marie@example.org
"""


def _row(student, score, status="ok", submission=None):
    return {
        "submission": submission or f"{student}.ipynb",
        "student": student,
        "exercise": "sigmoid",
        "score": score,
        "max_score": "16",
        "status": status,
        "reason": "",
    }


ROWS = [
    _row("ada", "16"),
    _row("bob", "7.5", "error"),
    _row("alan", "0", "invalid"),
    _row("zoe", "12"),  # on no roster
]
MOODLE_ROWS = [
    _row("ada@example.org", "16", submission="ada/sigmoid.ipynb"),
    _row("BOB@example.org ", "3", "timeout", submission="bob/sigmoid.ipynb"),
    _row("zoe@example.org", "12", submission="zoe/sigmoid.ipynb"),
]


def _write(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_canvas_file_is_canvas_import_format(tmp_path):
    roster = _write(tmp_path, CANVAS_ROSTER)
    done = export_grades("canvas", ROWS, roster, "SIS Login ID", tmp_path / "out", "Sigmoid (4411)")
    assert done == LmsExport(tmp_path / "out" / "canvas-import.csv", 3, ["marie"], ["zoe.ipynb"])
    lines = _read(done.path)
    assert lines[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Sigmoid (4411)"]
    assert lines[1] == ["Points Possible", "", "", "", "", "16"]
    assert lines[2:] == [
        ["Lovelace, Ada", "101", "u101", "ada", "Section A", "16"],
        ['\'=HYPERLINK("http://x")', "102", "u102", "bob", "Section A", "7.5"],
        ["Curie, Marie", "103", "u103", "marie", "Section B", ""],
        ["Turing, Alan", "104", "u104", " alan ", "Section B", "0"],
    ]


def test_moodle_file_maps_from_the_identifier_column(tmp_path):
    roster = _write(tmp_path, MOODLE_ROSTER)
    done = export_grades("moodle", MOODLE_ROWS, roster, "Email address", tmp_path, "Sigmoid")
    assert done.path == tmp_path / "moodle-import.csv"
    assert (done.graded, done.missing, done.unmatched) == (
        2,
        ["marie@example.org"],
        ["zoe/sigmoid.ipynb"],
    )
    assert _read(done.path) == [
        ["First name", "Last name", "Email address", "Sigmoid"],
        ["Ada", "Lovelace", "Ada@Example.org", "16"],  # the roster's own spelling
        ["'@SUM(1+1)", "Evil", "bob@example.org", "3"],
        ["Marie", "Curie", "marie@example.org", ""],
    ]


def test_moodle_by_id_number_keeps_case_of_plain_identifiers(tmp_path):
    roster = _write(tmp_path, "First name,Last name,ID number\nAda,L,ab1\nBo,M,AB1x\n")
    rows = [_row("ab1", "4"), _row("ab1X", "5")]
    done = export_grades("moodle", rows, roster, "ID number", tmp_path, "Sigmoid")
    assert (done.graded, done.missing, done.unmatched) == (1, ["AB1x"], ["ab1X.ipynb"])


def test_matching_rules():
    assert match_key("  alan\t") == "alan"
    assert match_key(" Ada@Example.ORG ") == "ada@example.org"
    assert match_key("Ada") != match_key("ada")  # a login is compared as written


CASES = {  # system: roster, column, rows, students on the roster
    "canvas": (CANVAS_ROSTER, "SIS Login ID", ROWS, 4),
    "moodle": (MOODLE_ROSTER, "Email address", MOODLE_ROWS, 3),
}


@pytest.mark.parametrize("system", LMS_SYSTEMS)
def test_no_one_is_dropped_silently(tmp_path, system):
    text, column, rows, students = CASES[system]
    done = export_grades(system, rows, _write(tmp_path, text), column, tmp_path, "Sigmoid")
    assert done.graded + len(done.missing) == students
    assert done.graded + len(done.unmatched) == len(rows)
    body = _read(done.path)[2 if system == "canvas" else 1 :]
    assert len(body) == students and sum(1 for line in body if line[-1] == "") == len(done.missing)


def test_a_roster_row_without_identifier_gets_an_empty_grade(tmp_path):
    roster = _write(tmp_path, "First name,Last name,Email address\nAda,L,\nBo,M,\n")
    done = export_grades("moodle", [_row("bo", "1")], roster, "Email address", tmp_path, "S")
    assert done.missing == ["roster row 1 (no Email address)", "roster row 2 (no Email address)"]
    assert done.unmatched == ["bo.ipynb"]


def test_clear_errors(tmp_path):
    roster = _write(tmp_path, CANVAS_ROSTER)
    with pytest.raises(ValueError, match=r"system must be one of canvas, moodle; got 'blackboard'"):
        export_grades("blackboard", ROWS, roster, "SIS Login ID", tmp_path, "S")
    with pytest.raises(
        ValueError, match=r"column must be a column of the roster; got 'Login'.*'SIS Login ID'"
    ):
        export_grades("canvas", ROWS, roster, "Login", tmp_path, "S")
    with pytest.raises(ValueError, match="assignment must be"):
        export_grades("canvas", ROWS, roster, "SIS Login ID", tmp_path, " ")
    with pytest.raises(
        ValueError, match=r"two submissions of student 'ada ': 'ada\.ipynb' and 'ada2\.ipynb'"
    ):
        export_grades(
            "canvas",
            [*ROWS, _row("ada ", "3", submission="ada2.ipynb")],
            roster,
            "SIS Login ID",
            tmp_path,
            "S",
        )
    with pytest.raises(ValueError, match="has no 'score'"):
        export_grades("canvas", [{"submission": "a", "student": "a"}], roster, "ID", tmp_path, "S")
    with pytest.raises(ValueError, match="no numeric score"):
        export_grades("canvas", [_row("ada", "")], roster, "ID", tmp_path, "S")
    with pytest.raises(ValueError, match="different max_score"):
        export_grades(
            "canvas",
            [_row("ada", "1"), {**_row("bob", "1"), "max_score": "9"}],
            roster,
            "ID",
            tmp_path,
            "S",
        )


def test_bad_rosters_are_refused(tmp_path):
    twice = _write(tmp_path, MOODLE_ROSTER + "Ada,Again,105,,,ada@EXAMPLE.org\n", "twice.csv")
    with pytest.raises(
        ValueError,
        match=r"two students with Email address 'Ada@Example\.org' and 'ada@EXAMPLE\.org'",
    ):
        export_grades("moodle", MOODLE_ROWS, twice, "Email address", tmp_path, "S")
    with pytest.raises(ValueError, match="no header row"):
        export_grades("moodle", MOODLE_ROWS, _write(tmp_path, "", "empty.csv"), "x", tmp_path, "S")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Email address\nJos\xe9@x.org\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        export_grades("moodle", MOODLE_ROWS, latin, "Email address", tmp_path, "S")
    with pytest.raises(ValueError, match="cannot be read"):
        export_grades("moodle", MOODLE_ROWS, tmp_path / "absent.csv", "x", tmp_path, "S")
    moodle = _write(tmp_path, MOODLE_ROSTER, "moodle.csv")
    with pytest.raises(ValueError, match="a Canvas roster is Canvas's gradebook export"):
        export_grades("canvas", MOODLE_ROWS, moodle, "Email address", tmp_path, "S")


def test_a_bom_from_a_spreadsheet_is_read(tmp_path):
    roster = tmp_path / "bom.csv"
    roster.write_bytes("\ufeffEmail address\nada@example.org\n".encode())
    done = export_grades("moodle", MOODLE_ROWS[:1], roster, "Email address", Path(tmp_path), "S")
    assert done.graded == 1 and _read(done.path)[0] == ["Email address", "S"]
