"""The class report as one self-contained HTML page: ``report.html``, drawn from ``report.json``'s data.

No script, no font, no stylesheet and no image is fetched: the charts are inline SVG, each with a text
alternative (``role="img"`` and ``aria-label``), and every number they show is also in a table. Colours
are the Okabe-Ito palette (as in :mod:`nncourse.figures.palette`); headings go in order; tables have headers
with ``scope``; the page reflows down to a phone's 390 px, and prints (``@media print``). Every text is
HTML-escaped here, whatever :mod:`nncourse.grading.report` already cleaned.

Taught in: the instructor guide (book/instructors.md), section "The class report".
"""

from __future__ import annotations

from html import escape

from nncourse.grading.report_text import submissions

# The Okabe-Ito colours of nncourse.figures.palette (a test holds them equal), written out here so that
# the report does not import matplotlib.
BLUE, GREEN, ORANGE, SKY, VERMILLION = "#0072B2", "#009E73", "#E69F00", "#56B4E9", "#D55E00"
PURPLE = "#CC79A7"  # Okabe-Ito's reddish purple
STATUS_COLOURS = {"ok": GREEN, "error": VERMILLION, "timeout": ORANGE, "crashed": PURPLE}
MAX_LISTED = 40  # students named under a mistake; report.json lists them all

CSS = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111;
  background: #fff; margin: 0; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1rem; }
a { color: #0054a3; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; min-width: 60%; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td { overflow-wrap: break-word; } li, p, td.long { overflow-wrap: anywhere; }
td.long { min-width: 12rem; }
ol { padding-left: 1.5rem; }
svg { width: 100%; max-width: 40rem; height: auto; display: block; }
.warning { border-left: 4px solid #D55E00; padding: 0.25rem 0.75rem; background: #fff3ec; }
.mistake { border: 1px solid #ccc; border-radius: 4px; padding: 0 0.75rem; margin: 1rem 0; }
@media (max-width: 600px) {
  main { padding: 0.75rem; } table { font-size: 0.875rem; } th, td { padding: 0.2rem 0.3rem; }
}
@media print {
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  a { color: #000; } a::after { content: " (" attr(href) ")"; font-size: 9pt; }
  .scroll { overflow: visible; } .mistake, table, svg { break-inside: avoid; }
}
"""


def e(value: object) -> str:
    """``value`` as HTML text, quotes escaped too."""
    return escape(str(value), quote=True)


def _number(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.0f}%"


def bar_chart(bars: list[tuple[str, int, str]], label: str) -> str:
    """An SVG bar chart of ``(name, count, colour)``; ``label`` is its text alternative's opening."""
    width, height, top, bottom = 480, 200, 20, 40
    peak = max([count for _, count, _ in bars] + [1])
    step = width / max(1, len(bars))
    alt = f"{label}: " + "; ".join(f"{name}: {count}" for name, count, _ in bars)
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{e(alt)}">']
    for i, (name, count, colour) in enumerate(bars):
        h = (height - top - bottom) * count / peak
        x, y = i * step + step * 0.1, height - bottom - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}"'
            f' fill="{colour}"/>'
            f'<text x="{x + step * 0.4:.1f}" y="{y - 4:.1f}" font-size="15" text-anchor="middle"'
            f' fill="#111">{count}</text>'
            f'<text x="{x + step * 0.4:.1f}" y="{height - bottom + 18}" font-size="14"'
            f' text-anchor="middle" fill="#111">{e(name)}</text>'
        )
    parts.append(
        f'<line x1="0" x2="{width}" y1="{height - bottom}" y2="{height - bottom}" stroke="#111"/>'
    )
    return "".join(parts) + "</svg>"


def table(caption: str, header: list[str], rows: list[list[str]], row_headers: bool = True) -> str:
    """A table of already escaped cells; the first cell of a row is its header when ``row_headers``.

    The table scrolls sideways in its own box, which the keyboard can reach (``tabindex``)."""
    head = "".join(f'<th scope="col">{h}</th>' for h in header)
    body = []
    for cells in rows:
        first, *rest = cells
        first = f'<th scope="row">{first}</th>' if row_headers else f"<td>{first}</td>"
        numeric = [
            '<td class="n">' if c[:1].isdigit() or c[:1] == "–" else
            '<td class="long">' if len(c) > 40 else "<td>"
            for c in rest
        ]  # fmt: skip
        cells = "".join(f"{o}{c}</td>" for o, c in zip(numeric, rest, strict=True))
        body.append(f"<tr>{first}{cells}</tr>")
    return (
        f'<div class="scroll" tabindex="0" role="region" aria-label="{caption}"><table>'
        f"<caption>{caption}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _kinds(counts: dict[str, int]) -> str:
    return e(", ".join(f"{k} {n}" for k, n in counts.items())) or "–"


def scores_section(report: dict) -> str:
    """The score histogram, the mean and median, and the status counts."""
    scores, statuses = report["scores"], report["statuses"]
    bins = [(f"{b['low']:g}", b["count"], BLUE) for b in scores["histogram"]]
    status_bars = [(s, n, STATUS_COLOURS.get(s, SKY)) for s, n in statuses.items()]
    rows = [[e(s), str(n)] for s, n in statuses.items()]
    last = len(scores["histogram"]) - 1
    ranges = [
        [f"{b['low']:g} to {b['high']:g}" + (" (included)" if i == last else ""), str(b["count"])]
        for i, b in enumerate(scores["histogram"])
    ]
    return (
        "<h2>Scores and statuses</h2><h3>Scores</h3>"
        f"<p>Mean score {_number(scores['mean'])}, median {_number(scores['median'])}, lowest"
        f" {_number(scores['min'])}, highest {_number(scores['max'])}, out of"
        f" {_number(scores['max_score'])}.</p>"
        + bar_chart(bins, "Histogram of the scores, submissions per score range (from)")
        + "<p>Each bar counts the scores from its label up to the next bar's (the last one"
        f" includes {_number(scores['max_score'])}).</p>"
        + table("Submissions per score range", ["scores", "submissions"], ranges)
        + "<h3>Statuses</h3>"
        + bar_chart(status_bars, "Submissions per status")
        + table("Submissions per status", ["status", "submissions"], rows)
    )


def _students(names: list[str]) -> str:
    shown = ", ".join(e(n) for n in names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return shown + (f" and {more} more (report.json lists them all)" if more > 0 else "")


def mistakes_section(report: dict) -> str:
    """The most common mistakes, each with its hint, its students and where the chapter teaches it."""
    items = []
    for m in report["top_mistakes"]:
        hint = f"<p><strong>Hint:</strong> {e(m['hint'])}</p>" if m["hint"] else ""
        items.append(
            f'<li class="mistake"><h3>{e(m["function"])}: {e(m["kind"])}</h3>'
            f"<p>{e(m['description'])}: {submissions(m['count'])}.</p>{hint}"
            f'<p><a href="{e(m["link"])}">Where the chapter teaches the fix</a></p>'
            f"<p>Made by: {_students(m['students'])}</p></li>"
        )
    body = f"<ol>{''.join(items)}</ol>" if items else "<p>No mistakes: every check passed.</p>"
    return "<h2>The most common mistakes</h2>" + body


def questions_section(report: dict) -> str:
    """Per question, a table of its checks: pass rate and the kinds of the failures."""
    parts = ["<h2>Questions and checks</h2>"]
    for q in report["questions"]:
        rows = [
            [e(c["name"]), "hidden" if c["hidden"] else "public", _percent(c["pass_rate"]),
             str(c["failed"]), _kinds(c["kinds"])]
            for c in q["checks"]
        ]  # fmt: skip
        parts.append(
            f"<h3>{e(q['function'])}</h3><p>Every check passed by {q['passed']} submissions"
            f" ({_percent(q['pass_rate'])}); mistakes: {_kinds(q['kinds'])}."
            f' <a href="{e(q["link"])}">The chapter section</a>.</p>'
            + table(
                f"Checks of {e(q['function'])}",
                ["check", "kind", "pass rate", "failed", "mistake kinds among failures"],
                rows,
            )
        )
    return "".join(parts)


def look_section(report: dict) -> str:
    """The submissions that need a look, with why."""
    rows = [
        [e(s["submission"]), e(s["student"]), e(s["status"]),
         "yes" if s["reference"] else "no", e(s["reason"])]
        for s in report["needs_a_look"]
    ]  # fmt: skip
    if not rows:
        return "<h2>Submissions that need a look</h2><p>None: every submission ran.</p>"
    return "<h2>Submissions that need a look</h2>" + table(
        f"{len(rows)} submissions: an error, a timeout, a crash, an invalid file, or nncourse's"
        " reference used",
        ["submission", "student", "status", "uses the reference", "reason"],
        rows,
    )


def time_section(report: dict) -> str:
    """The median and longest time per submission, and the slowest ones."""
    t = report["time"]
    rows = [[e(s["submission"]), e(s["student"]), f"{s['seconds']:.2f}"] for s in t["slowest"]]
    return (
        "<h2>Time per submission</h2>"
        f"<p>Median {_number(t['median'])} s, longest {_number(t['max'])} s, all together"
        f" {_number(t['total'])} s ({t['measured']} submissions timed).</p>"
        + table("The slowest submissions", ["submission", "student", "seconds"], rows)
    )


def lms_section(report: dict) -> str:
    """The gradebook export, with the roster's students without a submission and the unmatched."""
    lms = report.get("lms")
    if not lms:
        return ""
    return (
        f"<h2>Gradebook export ({e(lms['system'])})</h2>"
        f"<p>{lms['graded']} grades written to {e(lms['path'])}.</p>"
        f"<p>On the roster without a submission ({len(lms['missing'])}):"
        f" {_students(lms['missing']) or 'none'}.</p>"
        f"<p>Submissions matching no one on the roster ({len(lms['unmatched'])}):"
        f" {_students(lms['unmatched']) or 'none'}.</p>"
    )


def intro(report: dict) -> str:
    """What was graded, from which folders, and a warning when parts are missing."""
    ex = report["exercise"]
    folders = ", ".join(
        e(p["folder"]) + (f" (part {p['shard'][0]} of {p['shard'][1]})" if p["shard"] else "")
        for p in report["parts"]
    )
    text = (
        f"<h1>Class report: {e(ex['title'])}</h1><p>{submissions(report['submissions'])} of the"
        f" exercise <code>{e(ex['id'])}</code>, read from {folders}.</p>"
    )
    if report["missing_parts"]:
        missing = ", ".join(str(k) for k in report["missing_parts"])
        text += (
            f'<p class="warning">Parts missing: {missing}. This report covers the others only.</p>'
        )
    return text


def render(report: dict) -> str:
    """The whole page."""
    body = "".join(
        section(report)
        for section in (
            intro,
            scores_section,
            mistakes_section,
            questions_section,
            look_section,
            time_section,
            lms_section,
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Class report: {e(report['exercise']['title'])}</title><style>{CSS}</style>"
        f"</head><body><main>{body}</main></body></html>\n"
    )
