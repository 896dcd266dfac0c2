"""The work of ``nncourse report OUT [OUT ...]``: read the folders, build the report, export the grades
to an LMS when asked, write ``report.json`` and ``report.html``.

Taught in: the instructor guide (book/instructors.md), section "The class report".
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from nncourse.exercises import load_exercise
from nncourse.exercises.spec import Exercise
from nncourse.grading.classresults import ClassResults, load_class
from nncourse.grading.report import DEFAULT_BOOK_URL, build_report, clean
from nncourse.grading.report_html import render


@dataclass(frozen=True)
class LmsRequest:
    """``--roster ROSTER.csv --lms SYSTEM --match COLUMN [--assignment NAME]``."""

    system: str
    roster: Path
    column: str
    assignment: str = ""


@dataclass(frozen=True)
class Written:
    """What :func:`write_report` produced: the report's data and the two files."""

    report: dict
    json_path: Path
    html_path: Path


def export_to_lms(request: LmsRequest, cls: ClassResults, out: Path) -> dict:
    """The LMS file (:func:`nncourse.grading.lms.export_grades`) and what the report says of it."""
    try:
        from nncourse.grading.lms import export_grades
    except ImportError:  # pragma: no cover (a partial install)
        raise ValueError(
            "this nncourse cannot export to an LMS (no nncourse.grading.lms)"
        ) from None

    assignment = request.assignment or cls.exercise
    export = export_grades(
        request.system, cls.rows, request.roster, request.column, out, assignment
    )
    return {
        "system": request.system,
        "path": clean(str(export.path), 400),
        "graded": int(export.graded),
        "missing": [clean(s) for s in export.missing],
        "unmatched": [clean(s) for s in export.unmatched],
    }


def _write_text(path: Path, text: str) -> Path:
    """Write ``path`` atomically."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_report(
    folders: list[Path],
    out: Path | None = None,
    book_url: str = DEFAULT_BOOK_URL,
    lms: LmsRequest | None = None,
    exercise: Exercise | None = None,
) -> Written:
    """Read ``folders``, write ``report.json`` and ``report.html`` into ``out`` (default: the first).

    ``exercise`` is the one the folders were graded for (default: loaded by the id they name).

    Raises
    ------
    ValueError
        When a folder is not a grading folder, the folders cannot be merged, or the LMS export fails.
    """
    cls = load_class(folders)
    exercise = exercise or load_exercise(cls.exercise)
    out = Path(out) if out is not None else Path(folders[0])
    out.mkdir(parents=True, exist_ok=True)
    exported = export_to_lms(lms, cls, out) if lms is not None else None
    report = build_report(exercise, cls, book_url, exported)
    json_path = _write_text(out / "report.json", json.dumps(report, indent=1) + "\n")
    html_path = _write_text(out / "report.html", render(report))
    return Written(report, json_path, html_path)
