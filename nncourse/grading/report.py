"""The class report as plain data: what ``nncourse report`` writes to ``report.json``; pure functions.

From the merged results of a class (:class:`~nncourse.grading.classresults.ClassResults`) and its
exercise: the score distribution and status counts; per question and per check the pass rate and the
mistake kinds (:mod:`nncourse.grading.kinds`) among the failures; the most common mistakes, each with its
hint, the students who made it and the chapter section that teaches the fix; the submissions that need a
look; the time per submission. Every text that came from a submission (names, keys, reasons) is cut to
a bound and cleaned of control characters here (:func:`clean`); the HTML page escapes it again.

Taught in: the instructor guide (book/instructors.md), section "The class report".
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict

from nncourse.exercises.spec import Exercise
from nncourse.grading.classresults import ClassResults
from nncourse.grading.kinds import KINDS

FORMAT = 1
STATUSES = ("ok", "error", "timeout", "crashed", "invalid")
LOOK_STATUSES = {"error", "timeout", "crashed", "invalid"}
# Not counted among the most common mistakes: nothing was learned about the function (no_result: the
# run needs a look), or the learner has not written it yet (the per-check counts still show them).
NOT_A_MISTAKE = {"no_result", "not_implemented", "missing"}
TOP = 5
SLOWEST = 5
BINS = 10
MAX_NAME = 120
MAX_REASON = 400
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# More than two combining marks in a row stack into a tall smear over the lines around them.
STACKED = re.compile(
    r"([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{2})[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
DEFAULT_BOOK_URL = "https://nncourse.github.io/nncourse/book"


def clean(text: object, limit: int = MAX_NAME) -> str:
    """``text`` on one line without control or direction-changing characters, at most two combining
    marks in a row, cut to ``limit``."""
    value = STACKED.sub(r"\1", CONTROL.sub(" ", str(text)))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _number(text: object) -> float | None:
    """A float from a CSV field or a JSON value; None for anything else (or not finite)."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float("inf") else None


def _tests(results: dict) -> list[dict]:
    """The test entries of one results.json, each with the report's ``extra_data``. An entry written
    before extra_data existed gets it from its name (``"function: check"``) and its score: kind
    ``other`` when it lost points."""
    tests = results.get("tests")
    if not isinstance(tests, list):
        return []
    found = []
    for t in tests:
        if not isinstance(t, dict):
            continue
        if not isinstance(t.get("extra_data"), dict):
            function, _, check = str(t.get("name", "")).partition(": ")
            lost = _number(t.get("score")) != _number(t.get("max_score"))
            t = {**t, "extra_data": {"function": function, "check": check, "hint": "",
                                     "kind": "other" if lost else None}}  # fmt: skip
        found.append(t)
    return found


def histogram(scores: list[float], max_score: float, bins: int = BINS) -> list[dict]:
    """``bins`` equal bins from 0 to ``max_score``, each ``[low, high)``, the last one closed."""
    width = max_score / bins if max_score > 0 else 1.0
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, max(0, int(s / width)))] += 1
    return [
        {"low": round(i * width, 6), "high": round((i + 1) * width, 6), "count": c}
        for i, c in enumerate(counts)
    ]


def score_summary(rows: list[dict[str, str]], max_score: float) -> dict:
    """Mean, median, lowest and highest score, and the histogram."""
    scores = [s for s in (_number(r.get("score")) for r in rows) if s is not None]
    if not scores:
        return {"mean": None, "median": None, "min": None, "max": None,
                "max_score": max_score, "histogram": histogram([], max_score)}  # fmt: skip
    return {
        "mean": round(statistics.fmean(scores), 4),
        "median": round(statistics.median(scores), 4),
        "min": min(scores),
        "max": max(scores),
        "max_score": max_score,
        "histogram": histogram(scores, max_score),
    }


def status_counts(rows: list[dict[str, str]]) -> dict[str, int]:
    """How many submissions ended with each status (the five always, any other as found)."""
    counts = Counter(clean(r.get("status", ""), 40) for r in rows)
    return {**{s: counts.pop(s, 0) for s in STATUSES}, **dict(sorted(counts.items()))}


def link(book_url: str, chapter: str, section: str) -> str:
    """The chapter section that teaches a question: ``{book_url}/{chapter}.html#{section}``."""
    page = f"{book_url.rstrip('/')}/{chapter}.html"
    return f"{page}#{section}" if section else page


def _failures(cls: ClassResults) -> dict[tuple[str, str], dict[str, str]]:
    """(function, check) -> {submission key: kind} of every failed check of the class."""
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for key, results in cls.results.items():
        for t in _tests(results):
            extra = t["extra_data"]
            if extra.get("kind") is not None:
                kind = extra["kind"] if extra["kind"] in KINDS else "other"
                found[(str(extra.get("function")), str(extra.get("check")))][key] = kind
    return found


def _rate(passed: int, n: int) -> float | None:
    return round(passed / n, 4) if n else None


def question_stats(exercise: Exercise, cls: ClassResults, book_url: str) -> list[dict]:
    """Per question: its pass rate (every check passed), its checks' and its mistake kinds."""
    failures, n = _failures(cls), len(cls.rows)
    questions = []
    for q in exercise.questions:
        checks, failed_any, kinds = [], set(), Counter()
        for c in q.checks:
            failed = failures.get((q.function, c.name), {})
            failed_any |= set(failed)
            checks.append({
                "name": c.name, "hidden": c.hidden, "points": c.points,
                "passed": n - len(failed), "failed": len(failed),
                "pass_rate": _rate(n - len(failed), n),
                "kinds": dict(Counter(failed.values()).most_common()),
            })  # fmt: skip
        for key in failed_any:
            kinds.update({failures[(q.function, c.name)].get(key) for c in q.checks} - {None})
        questions.append({
            "function": q.function, "points": q.points, "section": q.section,
            "link": link(book_url, exercise.chapter, q.section),
            "passed": n - len(failed_any), "pass_rate": _rate(n - len(failed_any), n),
            "kinds": dict(kinds.most_common()), "checks": checks,
        })  # fmt: skip
    return questions


def _student(row: dict[str, str]) -> str:
    return clean(row.get("student") or row.get("submission", ""))


def _mistake_hints(cls: ClassResults) -> dict[tuple[str, str], Counter]:
    """(function, kind) -> the hints recorded for it, counted."""
    hints: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for results in cls.results.values():
        for t in _tests(results):
            extra = t["extra_data"]
            if extra.get("kind") is not None:
                hints[(str(extra.get("function")), extra["kind"])][str(extra.get("hint", ""))] += 1
    return hints


def top_mistakes(exercise: Exercise, cls: ClassResults, book_url: str, top: int = TOP) -> list:
    """The ``top`` most common (function, kind) pairs, by the number of submissions that made them."""
    made: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (function, _), failed in _failures(cls).items():
        for key, kind in failed.items():
            if kind not in NOT_A_MISTAKE:
                made[(function, kind)].add(key)
    order = {q.function: i for i, q in enumerate(exercise.questions)}
    kind_order = {k: i for i, k in enumerate(KINDS)}
    ranked = sorted(
        made, key=lambda fk: (-len(made[fk]), order.get(fk[0], 99), kind_order.get(fk[1], 99))
    )
    rows = {r["submission"]: r for r in cls.rows}
    hints, mistakes = _mistake_hints(cls), []
    for function, kind in ranked[:top]:
        keys = sorted(made[(function, kind)])
        section = _section(exercise, function)
        mistakes.append({
            "function": clean(function), "kind": kind, "description": KINDS[kind],
            "count": len(keys), "hint": hints[(function, kind)].most_common(1)[0][0],
            "students": [_student(rows[k]) for k in keys],
            "submissions": [clean(k, MAX_NAME) for k in keys],
            "section": section, "link": link(book_url, exercise.chapter, section),
        })  # fmt: skip
    return mistakes


def _section(exercise: Exercise, function: str) -> str:
    for q in exercise.questions:
        if q.function == function:
            return q.section
    return ""


def reference_functions(results: dict) -> list[str]:
    """The functions of one submission that raised the kernel's ``Withheld`` (called nncourse's own
    answer), in the exercise's order."""
    found = [t["extra_data"].get("function") for t in _tests(results)]
    kinds = [t["extra_data"].get("kind") for t in _tests(results)]
    return list(
        dict.fromkeys(str(f) for f, k in zip(found, kinds, strict=True) if k == "reference")
    )


def needs_a_look(cls: ClassResults) -> list[dict]:
    """The submissions whose status is not ``ok`` or that used nncourse's reference (a function, or a
    cell that raised ``Withheld``), with why."""
    found = []
    for row in cls.rows:
        functions = reference_functions(cls.results.get(row["submission"], {}))
        in_cell = "raised Withheld: nncourse." in row.get("reason", "")
        reason = row.get("reason", "")
        if functions:
            reason = f"{reason}; " if reason else ""
            reason += f"called nncourse's own answer in {', '.join(functions)}"
        status = row.get("status", "")
        if status in LOOK_STATUSES or functions or in_cell or status not in STATUSES:
            found.append({
                "submission": clean(row["submission"]), "student": _student(row),
                "status": clean(status, 40), "reason": clean(reason, MAX_REASON),
                "reference": bool(functions) or in_cell,
            })  # fmt: skip
    return found


def timing(cls: ClassResults, slowest: int = SLOWEST) -> dict:
    """Seconds per submission (results.json's ``execution_time``): median, max, the slowest few."""
    times = {}
    for row in cls.rows:
        seconds = _number(cls.results.get(row["submission"], {}).get("execution_time"))
        if seconds is not None:
            times[row["submission"]] = seconds
    ranked = sorted(times, key=lambda k: (-times[k], k))[:slowest]
    rows = {r["submission"]: r for r in cls.rows}
    return {
        "measured": len(times),
        "median": round(statistics.median(times.values()), 3) if times else None,
        "max": max(times.values()) if times else None,
        "total": round(sum(times.values()), 3),
        "slowest": [
            {"submission": clean(k), "student": _student(rows[k]), "seconds": times[k]}
            for k in ranked
        ],
    }


def parts_summary(cls: ClassResults) -> list[dict]:
    """Each folder merged: its path, shard and number of submissions."""
    return [
        {
            "folder": clean(str(p.folder), MAX_REASON),
            "shard": list(p.info.shard) if p.info and p.info.shard else None,
            "submissions": len(p.rows),
        }
        for p in cls.parts
    ]


def build_report(
    exercise: Exercise, cls: ClassResults, book_url: str = DEFAULT_BOOK_URL, lms: dict | None = None
) -> dict:
    """The whole report as JSON-able data (the fields are documented in the instructor guide)."""
    return {
        "format": FORMAT,
        "exercise": {"id": exercise.id, "title": exercise.title, "chapter": exercise.chapter},
        "parts": parts_summary(cls),
        "missing_parts": cls.missing_parts,
        "submissions": len(cls.rows),
        "scores": score_summary(cls.rows, exercise.points),
        "statuses": status_counts(cls.rows),
        "questions": question_stats(exercise, cls, book_url),
        "top_mistakes": top_mistakes(exercise, cls, book_url),
        "needs_a_look": needs_a_look(cls),
        "time": timing(cls),
        "lms": lms,
    }
