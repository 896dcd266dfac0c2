"""A class's grading results read back: ``grades.csv``, ``results/*.json`` and ``grading.json`` of one
or more grading folders, merged into one.

Several folders are the parts of one class graded apart (``nncourse grade --shard K/N`` on several
machines); they merge only when every one has a ``grading.json`` naming the same exercise, the same
checks and the same secret, and no submission is in two of them. A gap in the parts (3 of 4 given) is
not an error: :attr:`ClassResults.missing_parts` says which are missing, and the report says so.

Taught in: the instructor guide (book/instructors.md), section "The class report".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nncourse.grading.gradebook import read_rows, results_name
from nncourse.grading.runinfo import RunInfo, read_run_info

MAX_RESULTS_FILE_BYTES = (
    20_000_000  # a larger results.json is not read (the grader caps its fields)
)


@dataclass(frozen=True)
class Part:
    """One grading folder: its run info (None for a folder graded before grading.json existed), its
    grades.csv rows and each submission's results.json (``{}`` when missing or unreadable)."""

    folder: Path
    info: RunInfo | None
    rows: list[dict[str, str]]
    results: dict[str, dict]


@dataclass(frozen=True)
class ClassResults:
    """The merged parts: one row and one results.json per submission, sorted by submission key."""

    exercise: str
    parts: list[Part]
    rows: list[dict[str, str]]
    results: dict[str, dict]
    missing_parts: list[int]  # the k of the shards k/n not given (empty when none is missing)


def read_grades(path: Path) -> list[dict[str, str]]:
    """The rows of a grades.csv as :class:`~nncourse.grading.gradebook.Gradebook` reads them
    (:func:`~nncourse.grading.gradebook.read_rows`), without rows that name no submission."""
    return [row for row in read_rows(path)[1] if row.get("submission")]


def read_results(path: Path) -> dict:
    """A results.json as a dict, or ``{}`` when it is missing, too large or not a JSON object."""
    try:
        if path.stat().st_size > MAX_RESULTS_FILE_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def read_part(folder: Path | str) -> Part:
    """One grading folder as written by ``nncourse grade``.

    Raises
    ------
    ValueError
        When ``folder`` has no ``grades.csv``, or an unreadable ``grading.json``.
    """
    folder = Path(folder)
    grades = folder / "grades.csv"
    if not grades.is_file():
        raise ValueError(f"{folder} has no grades.csv: give the --out folder of `nncourse grade`")
    info = read_run_info(folder)
    rows = read_grades(grades)
    results = {
        row["submission"]: read_results(folder / "results" / results_name(row["submission"]))
        for row in rows
    }
    return Part(folder, info, rows, results)


def _exercise_of(part: Part) -> str:
    """The exercise a part was graded for: its grading.json's, else its rows' (all the same)."""
    if part.info is not None:
        return part.info.exercise
    found = {row.get("exercise", "") for row in part.rows}
    if not found:
        raise ValueError(f"{part.folder} has no graded submission yet, and no grading.json")
    if len(found) != 1:
        raise ValueError(
            f"{part.folder} has no grading.json and its rows name {len(found)} exercises:"
            " cannot tell which exercise it is"
        )
    return found.pop()


def check_compatible(parts: list[Part]) -> None:
    """Refuse parts that cannot be one class: see the module docstring.

    Raises
    ------
    ValueError
        Naming the folders and what differs.
    """
    if len(parts) < 2:
        return
    lacking = [str(p.folder) for p in parts if p.info is None]
    if lacking:
        raise ValueError(
            f"cannot merge folders without a grading.json ({', '.join(lacking)}): grade them again"
            " with this version of nncourse, or report on each folder alone"
        )
    first = parts[0]
    for field, what in (
        ("exercise", "exercises"),
        ("checks_id", "checks"),
        ("secret_id", "secrets"),
    ):
        for part in parts[1:]:
            if getattr(part.info, field) != getattr(first.info, field):
                raise ValueError(
                    f"{first.folder} and {part.folder} were graded with different {what}"
                    f" ({field} {getattr(first.info, field)} and {getattr(part.info, field)}):"
                    " they are not parts of one grading run"
                )


def missing_shards(parts: list[Part]) -> list[int]:
    """The k of the parts k/n not among ``parts`` (their shards must agree on n and not repeat).

    Raises
    ------
    ValueError
        When the parts' shards have different n, or one shard is given twice.
    """
    shards = [p.info.shard for p in parts if p.info is not None and p.info.shard is not None]
    if not shards:
        return []
    totals = {n for _, n in shards}
    if len(totals) > 1:
        raise ValueError(
            f"the parts split the class in different numbers of shards: {sorted(totals)}"
        )
    given = [k for k, _ in shards]
    doubled = sorted({k for k in given if given.count(k) > 1})
    if doubled:
        raise ValueError(f"shard {doubled[0]}/{totals.pop()} is given twice")
    return sorted(set(range(1, totals.pop() + 1)) - set(given))


def merge(parts: list[Part]) -> ClassResults:
    """One class from its parts (see :func:`check_compatible`); refuses a submission in two parts.

    Raises
    ------
    ValueError
        When the parts do not belong together, or a submission key is in two of them.
    """
    if not parts:
        raise ValueError("give at least one grading folder")
    check_compatible(parts)
    rows: dict[str, dict[str, str]] = {}
    results: dict[str, dict] = {}
    where: dict[str, Path] = {}
    for part in parts:
        for row in part.rows:
            key = row["submission"]
            if key in rows:
                raise ValueError(
                    f"submission {key!r} is in both {where[key]} and {part.folder}:"
                    " the parts overlap"
                )
            rows[key], results[key], where[key] = row, part.results.get(key, {}), part.folder
    ordered = sorted(rows)
    return ClassResults(
        _exercise_of(parts[0]),
        parts,
        [rows[k] for k in ordered],
        {k: results[k] for k in ordered},
        missing_shards(parts),
    )


def load_class(folders: list[Path | str]) -> ClassResults:
    """Read and merge grading folders (:func:`read_part`, :func:`merge`)."""
    return merge([read_part(f) for f in folders])
