"""The grading output: ``grades.csv`` written row by row (so a stopped run resumes) and one Gradescope-format
``results/NAME.json`` per submission.

Taught in: the instructor guide (book/instructors.md), section "Reading the gradebook".
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

BASE_COLUMNS = ["submission", "student", "exercise", "score", "max_score", "status", "reason"]
STATUSES = ("ok", "error", "timeout", "crashed", "invalid")


def columns_for(functions: list[str]) -> list[str]:
    """The CSV header: the base columns, then the points of each question (``points_sigmoid``, ...)."""
    return BASE_COLUMNS + [f"points_{f}" for f in functions]


def results_name(submission: str) -> str:
    """A file name for a submission's ``results.json``: ``alice/sigmoid.ipynb`` -> ``alice__sigmoid.json``."""
    stem = submission[: -len(".ipynb")] if submission.endswith(".ipynb") else submission
    return re.sub(r"[^A-Za-z0-9._-]+", "__", stem).strip("_") + ".json"


class Gradebook:
    """``DIR/grades.csv`` and ``DIR/results/``: reads the rows of an earlier run, appends new ones."""

    def __init__(self, folder: Path | str, columns: list[str]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "grades.csv"
        self.columns = columns
        self.rows: dict[str, dict[str, str]] = {}
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "results").mkdir(exist_ok=True)
        if self.path.exists():
            self._read()
        else:
            self._rewrite()

    def _read(self) -> None:
        text = self.path.read_text(encoding="utf-8")
        if text and not text.endswith("\n"):  # a run stopped mid-row: drop the partial row
            text = text[: text.rfind("\n") + 1]
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is not None and reader.fieldnames != self.columns:
            raise ValueError(
                f"{self.path} has the columns {reader.fieldnames}, not {self.columns}: it belongs to another"
                " exercise or version; choose another --out folder"
            )
        self.rows = {row["submission"]: row for row in reader}
        self._rewrite()

    def _rewrite(self) -> None:
        tmp = self.path.with_suffix(".csv.tmp")
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            for key in sorted(self.rows):
                writer.writerow(self.rows[key])
        os.replace(tmp, self.path)

    def __contains__(self, submission: str) -> bool:
        return submission in self.rows

    def forget(self, submissions: list[str]) -> None:
        """Drop rows to grade them again."""
        for s in submissions:
            self.rows.pop(s, None)
        self._rewrite()

    def add(self, row: dict[str, object], results: dict) -> None:
        """Append one submission's row to grades.csv (flushed to disk) and write its results.json."""
        row = {k: _cell(row.get(k, "")) for k in self.columns}
        results_path = self.folder / "results" / results_name(row["submission"])
        results_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        with open(self.path, "a", newline="", encoding="utf-8") as f:
            csv.DictWriter(f, fieldnames=self.columns).writerow(row)
            f.flush()
            os.fsync(f.fileno())
        self.rows[row["submission"]] = row

    def finish(self) -> None:
        """Rewrite grades.csv sorted by submission, from the rows held in memory."""
        self._rewrite()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return " ".join(str(value).split())  # one line per row
