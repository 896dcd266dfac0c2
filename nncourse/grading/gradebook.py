"""Step 5 of grading: ``DIR/grades.csv`` written row by row (so a stopped run resumes) and one
Gradescope-format ``DIR/results/NAME.json`` per submission.

Every field is one line of at most ``MAX_FIELD_CHARS`` characters (Python's csv module refuses fields
over 128 kB, which would break every later run); a text field that a spreadsheet would read as a formula
(starting with ``= + - @``, a tab or a carriage return, or a quote) gets a leading ``'``, undone when the
gradebook is read back. Only one grader at a time writes to a folder: a second one is refused with a
clear message (``DIR/.grading.lock``).

Taught in: the instructor guide (book/instructors.md), section "Reading the gradebook".
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import re
from pathlib import Path

from nncourse.grading.options import MAX_FIELD_CHARS

BASE_COLUMNS = [
    "submission",
    "student",
    "exercise",
    "score",
    "max_score",
    "status",
    "reason",
    "sandbox",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def columns_for(functions: list[str]) -> list[str]:
    """The CSV header: the base columns, then the points of each question (``points_sigmoid``, ...)."""
    return BASE_COLUMNS + [f"points_{f}" for f in functions]


def results_name(submission: str) -> str:
    """A file name for a submission's results.json, different for different submissions:
    ``alice/sigmoid.ipynb`` -> ``alice__sigmoid-1a2b3c4d.json``."""
    stem = submission[: -len(".ipynb")] if submission.endswith(".ipynb") else submission
    readable = re.sub(r"[^A-Za-z0-9._-]+", "__", stem).strip("_.")[:80] or "submission"
    digest = hashlib.sha256(submission.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{readable}-{digest}.json"


def to_cell(value: object, limit: int | None = MAX_FIELD_CHARS) -> str:
    """A CSV field: numbers as ``%g``, text on one line, capped, and never a spreadsheet formula."""
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value).replace("\r", " ").replace("\n", " ")
    if limit is not None and len(text) > limit:
        text = text[: MAX_FIELD_CHARS - 10] + " [...cut]"
    return "'" + text if text.startswith(FORMULA_START) else text


def to_row(row: dict[str, object]) -> dict[str, str]:
    """Every field of a row as :func:`to_cell` writes it; the key (``submission``) is never cut."""
    return {k: to_cell(v, None if k == "submission" else MAX_FIELD_CHARS) for k, v in row.items()}


def from_cell(text: str) -> str:
    """The value :func:`to_cell` wrote (the leading ``'`` of a neutralised formula removed)."""
    return text[1:] if text.startswith("'") else text


def read_rows(path: Path) -> tuple[list[str] | None, list[dict[str, str]]]:
    """The header and the rows of a grades.csv: a partial last row (a run stopped mid-row) dropped,
    every field as :func:`from_cell` reads it back, fields beyond the header left out."""
    text = path.read_text(encoding="utf-8")
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    old_limit = csv.field_size_limit(1 << 30)  # read back gradebooks of any earlier version
    try:
        reader = csv.DictReader(io.StringIO(text))
        rows = [{k: from_cell(v or "") for k, v in row.items() if k} for row in reader]
        return reader.fieldnames, rows
    finally:
        csv.field_size_limit(old_limit)


class GradebookLocked(ValueError):
    """Another grader is writing to the same output folder."""


class Gradebook:
    """``DIR/grades.csv`` and ``DIR/results/``: reads the rows of an earlier run, appends new ones.

    Use it as a context manager: it holds ``DIR/.grading.lock`` from the start to the end.
    """

    def __init__(self, folder: Path | str, columns: list[str]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "grades.csv"
        self.columns = columns
        self.rows: dict[str, dict[str, str]] = {}
        self._lock: int | None = None

    def __enter__(self) -> Gradebook:
        """Take the lock (or refuse), read the rows of an earlier run."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.folder / ".grading.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            raise GradebookLocked(
                f"another `nncourse grade` is writing to {self.folder} now: wait until it has finished,"
                " or choose another --out folder"
            ) from None
        (self.folder / "results").mkdir(exist_ok=True)
        if self.path.exists():
            self._read()
        self._rewrite()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._rewrite()
        finally:
            os.close(self._lock)

    def _read(self) -> None:
        """The rows of grades.csv as written before (see :func:`read_rows`)."""
        fieldnames, rows = read_rows(self.path)
        if fieldnames is not None and fieldnames != self.columns:
            raise ValueError(
                f"{self.path} has the columns {fieldnames}, not {self.columns}: it belongs to"
                " another exercise or version; choose another --out folder"
            )
        self.rows = {row["submission"]: row for row in rows}

    def _rewrite(self) -> None:
        """grades.csv from the rows in memory, sorted, replaced atomically."""
        tmp = self.path.with_suffix(".csv.tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            for key in sorted(self.rows):
                writer.writerow(to_row(self.rows[key]))
        os.replace(tmp, self.path)

    def __contains__(self, submission: str) -> bool:
        return submission in self.rows

    def forget(self, submissions: list[str]) -> None:
        """Drop rows to grade them again."""
        for s in submissions:
            self.rows.pop(s, None)
        self._rewrite()

    def add(self, row: dict[str, object], results: dict) -> Path:
        """Append one submission's row to grades.csv (flushed to disk), write its results.json there."""
        row = {k: row.get(k, "") for k in self.columns}
        results_path = self.folder / "results" / results_name(str(row["submission"]))
        results_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        with open(self.path, "a", newline="", encoding="utf-8") as f:
            csv.DictWriter(f, fieldnames=self.columns).writerow(to_row(row))
            f.flush()
            os.fsync(f.fileno())
        self.rows[str(row["submission"])] = {k: from_cell(v) for k, v in to_row(row).items()}
        return results_path
