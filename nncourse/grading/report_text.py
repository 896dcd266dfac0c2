"""The class report's one-screen summary for the terminal, from ``report.json``'s data.

Every text that came from a submission was cleaned of control characters by
:func:`nncourse.grading.report.clean`; what is printed here is cleaned again and cut, so that no name can
move the cursor, clear the screen or fill it.

Taught in: the instructor guide (book/instructors.md), section "The class report".
"""

from __future__ import annotations

from nncourse.grading.report import clean

LISTED = 10  # names printed per list; report.html and report.json have them all


def _names(names: list[str]) -> str:
    shown = ", ".join(clean(n, 60) for n in names[:LISTED])
    more = len(names) - LISTED
    return (shown + (f" and {more} more" if more > 0 else "")) or "none"


def submissions(n: int) -> str:
    """``"1 submission"``, ``"2 submissions"``."""
    return f"{n} submission" + ("" if n == 1 else "s")


def _num(value: object) -> str:
    return "-" if value is None else f"{value:g}"


def summary_lines(report: dict) -> list[str]:
    """The summary: submissions, mean and median score, statuses, top mistakes, what needs a look."""
    s, t = report["scores"], report["time"]
    lines = [
        f"{submissions(report['submissions'])} of {report['exercise']['id']!r}"
        f" from {len(report['parts'])} folder(s)",
        f"score: mean {_num(s['mean'])}, median {_num(s['median'])} of {_num(s['max_score'])}",
        "status: " + ", ".join(f"{clean(k, 20)} {n}" for k, n in report["statuses"].items()),
    ]
    if report["missing_parts"]:
        lines.append("WARNING: parts missing: " + ", ".join(map(str, report["missing_parts"])))
    lines.append("most common mistakes:" if report["top_mistakes"] else "no mistakes")
    for i, m in enumerate(report["top_mistakes"], 1):
        lines.append(f"  {i}. {clean(m['function'], 40)}: {m['kind']} ({submissions(m['count'])})")
    look = report["needs_a_look"]
    if look:
        lines.append(f"need a look: {len(look)}: " + _names([x["submission"] for x in look]))
    lines.append(f"time per submission: median {_num(t['median'])} s, longest {_num(t['max'])} s")
    lms = report.get("lms")
    if lms:
        lines.append(
            f"{clean(lms['system'], 20)}: {lms['graded']} grades in {clean(lms['path'], 300)}"
        )
        lines.append(f"  on the roster without a submission: {_names(lms['missing'])}")
        lines.append(f"  submissions matching no one on the roster: {_names(lms['unmatched'])}")
    return lines
