"""The class report on synthetic grading folders (no kernel): merging parts, refusals, hostile text,
the summary, the LMS wiring. The report on a class graded for real is in test_report_class.py."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from nncourse.__main__ import main
from nncourse.exercises import load_exercise
from nncourse.grading.classresults import load_class
from nncourse.grading.gradebook import Gradebook, columns_for
from nncourse.grading.harness import CallStatus, RunStatus, encode_array
from nncourse.grading.plan import plan_calls
from nncourse.grading.report import build_report, clean
from nncourse.grading.report_html import render
from nncourse.grading.report_text import summary_lines
from nncourse.grading.results import CallResult, KernelRun, call_result
from nncourse.grading.runinfo import run_info, write_run_info
from nncourse.grading.score import grade_one
from nncourse.grading.submissions import Submission

SIGMOID = load_exercise("sigmoid")
SECRET = "unit-report"
PLANNED = plan_calls(SIGMOID, SECRET)


def returned(parts):
    return call_result(
        {"status": "returned", "parts": [encode_array(np.asarray(p)) for p in parts]}
    )


def results_for(mistake: str) -> dict[str, CallResult]:
    """Every call right, except sigmoid's: a sign error, an exception or nothing at all."""
    results = {}
    for p in PLANNED:
        right = returned(p.expected)
        if p.question.function != "sigmoid" or mistake == "none":
            results[p.id] = right
        elif mistake == "sign":
            results[p.id] = returned([-np.asarray(p.expected[0])])
        elif mistake == "withheld":
            results[p.id] = CallResult(CallStatus.RAISED, error="Withheld: nncourse.sigmoid is not")
        elif mistake == "unfinished":
            results[p.id] = CallResult(CallStatus.NOT_IMPLEMENTED)
    return results


def write_folder(folder: Path, students: dict[str, str], shard=None, secret=SECRET, reason=""):
    """A grading folder as `nncourse grade` writes it: student key -> the mistake of sigmoid."""
    with Gradebook(folder, columns_for([q.function for q in SIGMOID.questions])) as book:
        for key, mistake in students.items():
            run = KernelRun(RunStatus.OK, (reason,) if reason else (), results_for(mistake), 1.5)
            sub = Submission(key, key.removesuffix(".ipynb"), Path(key))
            row, results = grade_one(SIGMOID, PLANNED, sub, run, "none")
            book.add(row, results)
    write_run_info(folder, run_info(SIGMOID, secret, shard))
    return folder


CLASS = {f"s{i}.ipynb": ("sign" if i % 3 == 0 else "none") for i in range(9)}


def report_of(*folders) -> dict:
    cls = load_class(list(folders))
    return build_report(SIGMOID, cls, "book")


def test_one_folder_counts_the_planted_mistakes(tmp_path):
    report = report_of(write_folder(tmp_path / "a", CLASS))
    assert report["submissions"] == 9 and report["statuses"]["ok"] == 9
    (top,) = report["top_mistakes"]
    assert (top["function"], top["kind"], top["count"]) == ("sigmoid", "sign", 3)
    assert top["students"] == ["s0", "s3", "s6"]
    assert top["link"] == f"book/sigmoid.html#{SIGMOID.question('sigmoid').section}"
    sigmoid = report["questions"][0]
    assert sigmoid["passed"] == 6 and all(c["kinds"] == {"sign": 3} for c in sigmoid["checks"])
    assert report["time"]["median"] == 1.5 and report["needs_a_look"] == []


def test_two_shards_merge_to_the_same_report_as_one_folder(tmp_path):
    whole = report_of(write_folder(tmp_path / "whole", CLASS))
    keys = sorted(CLASS)
    one = write_folder(tmp_path / "p1", {k: CLASS[k] for k in keys[:4]}, (1, 2))
    two = write_folder(tmp_path / "p2", {k: CLASS[k] for k in keys[4:]}, (2, 2))
    merged = report_of(two, one)
    assert merged["missing_parts"] == []
    assert {k: v for k, v in merged.items() if k != "parts"} == {
        k: v for k, v in whole.items() if k != "parts"
    }
    assert [p["shard"] for p in merged["parts"]] == [[2, 2], [1, 2]]


def test_a_gap_in_the_shards_is_reported(tmp_path, capsys):
    one = write_folder(tmp_path / "p1", {"a.ipynb": "none"}, (1, 3))
    three = write_folder(tmp_path / "p3", {"c.ipynb": "sign"}, (3, 3))
    assert report_of(one, three)["missing_parts"] == [2]
    assert main(["report", str(one), str(three), "--out", str(tmp_path / "r")]) == 0
    assert "parts missing: 2" in capsys.readouterr().out
    assert "Parts missing: 2" in (tmp_path / "r" / "report.html").read_text()


@pytest.mark.parametrize(
    "second, message",
    [
        ({"secret": "another"}, "different secrets"),
        ({"students": {"s0.ipynb": "none"}}, "is in both"),
        ({"info": "exercise"}, "different exercises"),
        ({"info": "checks_id"}, "different checks"),
        ({"info": "none"}, "without a grading.json"),
        ({"shard": (1, 3)}, "different numbers of shards"),
        ({"shard": (1, 2)}, "given twice"),
    ],
)
def test_parts_that_are_not_one_class_are_refused(tmp_path, capsys, second, message):
    first = write_folder(tmp_path / "p1", {"s0.ipynb": "none"}, (1, 2))
    students = second.get("students", {"other.ipynb": "sign"})
    other = write_folder(
        tmp_path / "p2", students, second.get("shard", (2, 2)), second.get("secret", SECRET)
    )
    info = json.loads((other / "grading.json").read_text())
    if second.get("info") == "none":
        (other / "grading.json").unlink()
    elif "info" in second:
        info[second["info"]] = "0123456789abcdef"
        (other / "grading.json").write_text(json.dumps(info))
    with pytest.raises(ValueError, match=message):
        load_class([first, other])
    assert main(["report", str(first), str(other)]) == 2
    assert message in capsys.readouterr().err
    assert not (first / "report.json").exists()


def test_one_folder_without_grading_json_is_read_from_its_rows(tmp_path):
    folder = write_folder(tmp_path / "old", CLASS)
    (folder / "grading.json").unlink()
    assert report_of(folder)["submissions"] == 9
    with pytest.raises(ValueError, match=r"no grades\.csv"):
        load_class([tmp_path / "nothing"])


HOSTILE = "<script>alert(1)</script>\x1b[2J\x07" + "é" * 1_000_000


def test_hostile_names_and_reasons_are_escaped_bounded_and_cleaned(tmp_path, capsys):
    key = f"{HOSTILE}.ipynb"
    folder = write_folder(tmp_path / "h", {key: "withheld"}, reason=f"cell raised {HOSTILE}")
    assert main(["report", str(folder)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x07" not in printed and len(printed) < 5_000
    assert printed.startswith("1 submission of 'sigmoid'")
    html = (folder / "report.html").read_text()
    assert "<script" not in html and "&lt;script&gt;" in html and len(html) < 100_000
    report = json.loads((folder / "report.json").read_text())
    (look,) = report["needs_a_look"]
    assert look["reference"] and len(look["submission"]) <= 120 and "\x1b" not in look["student"]
    assert report["top_mistakes"][0]["kind"] == "reference"


def test_clean_strips_control_and_direction_characters():
    assert clean("a\x1b[31mb\u202ec\nd", 100) == "a [31mb c d"
    assert len(clean("x" * 500)) == 120
    assert clean("e" + "\u0301" * 50) == "e\u0301\u0301"  # no tower of accents over the page


def test_summary_says_the_number_of_submissions_and_fits_a_screen(tmp_path):
    report = report_of(write_folder(tmp_path / "a", CLASS))
    lines = summary_lines(report)
    assert lines[0].startswith("9 submissions of 'sigmoid'")
    sign_score = report["scores"]["min"]  # the three sign mistakes score the least, six score full
    mean = (3 * sign_score + 6 * SIGMOID.points) / 9
    assert lines[1].startswith(
        f"score: mean {mean:g}, median {SIGMOID.points:g} of {SIGMOID.points:g}"
    )
    assert len(lines) <= 24 and all(len(line) < 400 for line in lines)


def test_html_is_one_page_that_fetches_nothing(tmp_path):
    html = render(report_of(write_folder(tmp_path / "a", CLASS)))
    assert "<script" not in html and "http://" not in html
    for attribute in ('src="', "@import", "url("):
        assert attribute not in html
    assert html.count('role="img" aria-label=') == 2
    assert 'scope="col"' in html and 'scope="row"' in html and "@media print" in html


def test_lms_export_is_called_with_the_merged_rows_and_its_lists_reported(
    tmp_path, monkeypatch, capsys
):
    calls = []

    def export_grades(system, rows, roster, column, out, assignment):
        calls.append((system, [r["submission"] for r in rows], roster, column, out, assignment))
        path = out / "canvas-import.csv"
        path.write_text("x")
        return types.SimpleNamespace(
            path=path, graded=2, missing=["zoe@example.org"], unmatched=["<b>s1</b>"]
        )

    monkeypatch.setitem(
        sys.modules, "nncourse.grading.lms", types.SimpleNamespace(export_grades=export_grades)
    )
    folder = write_folder(tmp_path / "a", {"s0.ipynb": "none", "s1.ipynb": "sign"})
    roster = tmp_path / "roster.csv"
    argv = ["report", str(folder), "--roster", str(roster), "--lms", "canvas", "--match", "Email"]
    assert main(argv) == 0
    assert calls == [("canvas", ["s0.ipynb", "s1.ipynb"], roster, "Email", folder, "sigmoid")]
    printed = capsys.readouterr().out
    assert "zoe@example.org" in printed and "<b>s1</b>" in printed
    report = json.loads((folder / "report.json").read_text())
    assert report["lms"]["missing"] == ["zoe@example.org"] and report["lms"]["graded"] == 2
    assert "&lt;b&gt;s1&lt;/b&gt;" in (folder / "report.html").read_text()
    assert main(["report", str(folder), "--lms", "canvas"]) == 2  # the three go together


def test_the_real_lms_module_when_there(tmp_path):
    lms = pytest.importorskip("nncourse.grading.lms")
    folder = write_folder(tmp_path / "a", {"alice.ipynb": "none", "bob.ipynb": "sign"})
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section\nAlice,1,1,alice,A\nCy,3,3,cy,A\n"
    )
    argv = ["report", str(folder), "--roster", str(roster), "--lms", "canvas"]
    assert main([*argv, "--match", "SIS Login ID"]) == 0, lms
    report = json.loads((folder / "report.json").read_text())
    assert report["lms"]["missing"] == ["cy"] and report["lms"]["unmatched"] == ["bob.ipynb"]


def test_the_page_uses_the_books_okabe_ito_colours():
    from nncourse.figures import palette
    from nncourse.grading import report_html

    for name in ("BLUE", "GREEN", "ORANGE", "SKY", "VERMILLION"):
        assert getattr(report_html, name) == getattr(palette, name)


def test_a_cell_that_called_the_withheld_reference_needs_a_look(tmp_path):
    reason = "code cell 3 raised Withheld: nncourse.sigmoid is not available while grading"
    folder = write_folder(tmp_path / "c", {"a.ipynb": "none"}, reason=reason)
    (look,) = report_of(folder)["needs_a_look"]
    assert look["reference"] and look["reason"] == reason
    fake = write_folder(
        tmp_path / "f", {"b.ipynb": "none"}, reason="code cell 1 raised Withheld: x"
    )
    assert report_of(fake)["needs_a_look"] == []


def test_a_function_that_called_the_reference_is_named_in_the_reason(tmp_path):
    (look,) = report_of(write_folder(tmp_path / "w", {"a.ipynb": "withheld"}))["needs_a_look"]
    assert look["reason"] == "called nncourse's own answer in sigmoid" and look["status"] == "ok"


def test_results_written_before_extra_data_still_count_their_failures(tmp_path):
    folder = write_folder(tmp_path / "old", {"a.ipynb": "sign", "b.ipynb": "none"})
    for path in (folder / "results").glob("*.json"):
        data = json.loads(path.read_text())
        for t in data["tests"]:
            del t["extra_data"]
        path.write_text(json.dumps(data))
    sigmoid = report_of(folder)["questions"][0]
    assert sigmoid["passed"] == 1 and sigmoid["kinds"] == {"other": 1}


def test_an_unwritten_function_is_not_a_common_mistake(tmp_path):
    """not_implemented shows in the per-check counts, but the top mistakes are mistakes."""
    report = report_of(write_folder(tmp_path / "a", {"a.ipynb": "unfinished", "b.ipynb": "sign"}))
    assert [(m["function"], m["kind"]) for m in report["top_mistakes"]] == [("sigmoid", "sign")]
    assert report["questions"][0]["checks"][0]["kinds"].get("not_implemented") == 1
