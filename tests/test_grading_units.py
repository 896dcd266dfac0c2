"""Kernel-free tests of the grading pipeline: names, reading, result records, scoring, gradebook, copy.

Each attack of issue #12 that does not need a running kernel is tested here, fast: forged and malformed
result records, notebooks the grader could choke on, names that used to share a row, spreadsheet
formulas, a second grader on one folder, the kernel's copy of nncourse.
"""

import base64
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from nncourse.exercises import EXERCISE_IDS, load_exercise
from nncourse.grading import gradescope
from nncourse.grading.gradebook import Gradebook, columns_for, from_cell, results_name, to_cell
from nncourse.grading.harness import CallStatus, RunStatus, decode_array, encode_array, run_calls
from nncourse.grading.kernel import GradingClient, grading_notebook
from nncourse.grading.options import (
    MAX_FIELD_CHARS,
    MAX_RESULT_BYTES,
    GradingOptions,
    Limits,
    kernel_settings,
)
from nncourse.grading.package import build_kernel_package, strip_definitions
from nncourse.grading.plan import payload, plan_calls
from nncourse.grading.results import NO_RESULT, CallResult, KernelRun, ResultInbox, call_result
from nncourse.grading.score import final_status, grade_one, score
from nncourse.grading.submissions import Submission, collect_submissions, read_code_cells

SIGMOID = load_exercise("sigmoid")
PLANNED = plan_calls(SIGMOID, "unit")


def returned(parts, **extra):
    return {"status": "returned", "parts": [encode_array(np.asarray(p)) for p in parts], **extra}


def right_results(planned=PLANNED):
    return {p.id: call_result(returned(p.expected)) for p in planned}


def graded_sigmoid(results):
    """The grades.csv row and results.json of one sigmoid submission whose notebook ran."""
    submission = Submission("a.ipynb", "a", Path("a"))
    return grade_one(SIGMOID, PLANNED, submission, KernelRun(RunStatus.OK, (), results), "bwrap")


# -- scoring: a pure function of the accepted results ----------------------------------------------


def test_right_results_score_full_marks_and_none_score_zero():
    assert sum(score(SIGMOID, PLANNED, right_results()).points.values()) == SIGMOID.points
    assert sum(score(SIGMOID, PLANNED, {}).points.values()) == 0


def test_warned_right_values_lose_only_forbid_warnings_checks():
    results = {
        p.id: call_result(returned(p.expected, warnings=["overflow encountered in exp"]))
        for p in PLANNED
    }
    scored = score(SIGMOID, PLANNED, results)
    lost = sum(c.points for q in SIGMOID.questions for c in q.checks if c.forbid_warnings)
    assert 0 < lost and sum(scored.points.values()) == SIGMOID.points - lost


def test_missing_function_gives_status_error_and_says_so():
    results = right_results()
    for p in PLANNED:
        if p.question.function == "neuron_predict":
            results[p.id] = CallResult(CallStatus.MISSING)
    row, _ = graded_sigmoid(results)
    assert row["status"] == "error" and "neuron_predict is not defined" in row["reason"]
    assert row["score"] == SIGMOID.points - SIGMOID.question("neuron_predict").points
    assert final_status(RunStatus.TIMEOUT, ["f"]) is RunStatus.TIMEOUT


def test_public_input_shown_hidden_input_and_student_text_never():
    secret_text = "HIDDEN-INPUT-0.123456789"
    results = {
        p.id: CallResult(CallStatus.RAISED, error=f"ValueError: {secret_text}") for p in PLANNED
    }
    tests = score(SIGMOID, PLANNED, results).tests
    public = [t for t in tests if t["visibility"] == "visible"]
    hidden = [t for t in tests if t["visibility"] == "after_published"]
    assert public and hidden
    assert all("input:" in t["output"] for t in public)
    assert all(secret_text not in t["output"] and "input:" not in t["output"] for t in hidden)
    assert all("raised ValueError on a hidden input" in t["output"] for t in hidden)
    own = {p.id: CallResult(CallStatus.RAISED, error="x_0_123: ") for p in PLANNED}  # its own name
    for t in score(SIGMOID, PLANNED, own).tests:
        if t["visibility"] == "after_published":
            assert "x_0_123" not in t["output"] and "raised an exception" in t["output"]
    wrong = {p.id: call_result(returned([np.asarray(p.expected[0]) + 1])) for p in PLANNED}
    for t in score(SIGMOID, PLANNED, wrong).tests:
        if t["visibility"] == "after_published":
            shown = t["output"].split("\nHint:")[0]
            assert shown == "the result differs from the expected one on a hidden input"


# -- result records: only the grading cell's, with the token, exactly as the harness sends them -----


def inbox():
    return ResultInbox("t" * 32, frozenset(p.id for p in PLANNED))


@pytest.mark.parametrize(
    "forged",
    [
        {"status": ["returned"]},  # a JSON list as status
        {"status": "returned", "parts": [[[[[[]]]]]]},
        {"status": "returned", "parts": [{"dtype": "|O", "shape": [1], "data": ""}]},
        {
            "status": "returned",
            "parts": [{"dtype": "<f8", "shape": [10**11], "data": ""}],
        },  # 745 GiB
        {"status": "returned", "parts": [{"dtype": "<f8", "shape": [2], "data": "AAAA"}]},
        {"status": "returned", "parts": [{"dtype": "<f8", "shape": [True], "data": ""}]},
        {"status": "returned", "parts": "x", "tuple": "yes"},
        {"status": "returned", "parts": [], "warnings": {"a": 1}},
        {"status": 3},
        {"status": "no such status"},
    ],
)
def test_malformed_records_become_no_result(forged):
    result = call_result(forged)
    assert result.status in (CallStatus.NO_RESULT, CallStatus.RETURNED)
    if result.status is CallStatus.RETURNED:
        assert result.parts == []  # an empty result: scores nothing
    else:
        assert result.parts is None and "could not read" in result.error


def test_inbox_takes_only_token_bearing_records_of_known_calls_once():
    box = inbox()
    call_id = PLANNED[0].id
    good = {**returned(PLANNED[0].expected), "token": "t" * 32, "id": call_id}
    box.offer(json.dumps({**good, "token": "guess"}))
    box.offer(json.dumps({**good, "id": "not-a-call"}))
    box.offer("[" * 100_000)  # deep nesting: RecursionError or ValueError, never raised here
    box.offer(["not text"])
    assert box.rejected == 4 and box.results()[call_id] == NO_RESULT
    box.offer(json.dumps(good))
    assert box.results()[call_id].status is CallStatus.RETURNED
    box.offer(json.dumps(good))  # a second record for the same call: neither is believed
    assert box.results()[call_id].status is CallStatus.NO_RESULT


def test_inbox_bounds_what_it_accepts():
    box = inbox()
    for _ in range(50):
        box.offer("x" * 1_000_000)
    assert box.received_bytes <= 40_000_000 and box.rejected == 50


def test_array_codec_round_trips_and_refuses_objects():
    for value in (np.float64(0.5), np.arange(6).reshape(2, 3), np.zeros((0, 3)), np.array(True)):
        back = decode_array(encode_array(value), MAX_RESULT_BYTES)
        assert back.shape == np.shape(value) and back.dtype == np.asarray(value).dtype
        assert (back == value).all()
    with pytest.raises(ValueError):
        decode_array(encode_array(np.array(["a"])), MAX_RESULT_BYTES)


# -- the in-kernel harness, run here in-process (it forks one child per call) -----------------------


def test_harness_calls_each_function_in_a_child_and_publishes_token_records(monkeypatch):
    from nncourse.exercises.spec import Call, Check, Question
    from nncourse.grading import harness
    from nncourse.grading.plan import PlannedCall

    class SlowArray:
        def __array__(self, dtype=None, copy=None):
            time.sleep(30)

    def not_yet(x):
        raise NotImplementedError

    namespace = {
        "good": lambda x: x * 2,
        "pair": lambda x: (x, [1, 2]),
        "raises": lambda x: 1 / 0,
        "not_yet": not_yet,
        "text": lambda x: "two",
        "huge": lambda x: np.zeros(MAX_RESULT_BYTES // 8 + 1),
        "slow": lambda x: time.sleep(30),
        "slow_array": lambda x: SlowArray(),
        "exits": lambda x: os._exit(3),
        "mutates_parent": lambda x: (namespace.clear(), x)[1],
    }
    names = [*namespace, "absent"]
    check = Check("c", [(np.ones(3),)])
    planned = [
        PlannedCall(
            n,
            Question(n, lambda x: x, [check]),
            check,
            Call((np.ones(3),)),
            [np.ones(3)],
            n == "pair",
        )
        for n in names
    ]
    published = []
    monkeypatch.setattr(harness, "_publish", published.append)
    start = time.monotonic()
    run_calls(namespace, payload(planned), "tok", 0.5, kernel_settings())
    assert time.monotonic() - start < 10  # the slow calls were stopped at 0.5 s each
    assert all(r["token"] == "tok" for r in published)
    status = {r["id"]: r["status"] for r in published}
    assert status == {
        "good": "returned",
        "pair": "returned",
        "raises": "raised",
        "not_yet": "not_implemented",
        "text": "bad_result",
        "huge": "bad_result",
        "slow": "too_slow",
        "slow_array": "too_slow",  # converting the value counts against the call's limit
        "exits": "crashed",
        "mutates_parent": "returned",  # it ran in a child: the kernel's namespace is intact
        "absent": "missing",
    }
    assert "good" in namespace
    pair = call_result(next(r for r in published if r["id"] == "pair"))
    assert pair.returned_tuple and [p.tolist() for p in pair.parts] == [[1.0, 1.0, 1.0], [1, 2]]


# -- what the grader reads from a notebook, and how much that costs ---------------------------------


def write_nb(path, cells, **extra):
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5, **extra}
    path.write_text(json.dumps(nb))
    return path


def code(source):
    return {
        "cell_type": "code",
        "source": source,
        "metadata": {},
        "outputs": [],
        "execution_count": None,
    }


def test_reading_is_bounded_and_never_parses_the_code(tmp_path):
    terms = write_nb(tmp_path / "terms.ipynb", [code("x = " + "+".join(["1"] * 3000))])
    assert read_code_cells(terms)[0].startswith("x = 1+1")  # no RecursionError in the grader
    lines = [code(["x = 1\n"] * 1_500_000)]  # 9 MB of short lines
    big = write_nb(tmp_path / "big.ipynb", lines)
    start = time.perf_counter()
    with pytest.raises(ValueError, match="lines of text"):
        read_code_cells(big)
    assert time.perf_counter() - start < 1
    few_long = write_nb(tmp_path / "long.ipynb", [code("x = 1  # " + "y" * 3_000_000)])
    with pytest.raises(ValueError, match="MB of code"):
        read_code_cells(few_long)
    deep = tmp_path / "deep.ipynb"
    deep.write_text('{"cells": [' + "[" * 100_000 + "]" * 100_000 + "]}")
    with pytest.raises(ValueError, match="not a notebook"):
        read_code_cells(deep)
    for text, match in [("{", "not valid JSON"), ("[]", "no list of cells"), (b"\xff", "UTF-8")]:
        bad = tmp_path / "bad.ipynb"
        (bad.write_bytes if isinstance(text, bytes) else bad.write_text)(text)
        with pytest.raises(ValueError, match=match):
            read_code_cells(bad)


def test_symlinked_submission_is_not_followed_and_leaks_nothing(tmp_path):
    target = tmp_path / "private.txt"
    target.write_text('{"cells": "TOP SECRET CONTENT"}')
    (tmp_path / "s.ipynb").symlink_to(target)
    with pytest.raises(ValueError, match="symbolic link") as error:
        read_code_cells(tmp_path / "s.ipynb")
    assert "TOP SECRET" not in str(error.value) and "private" not in str(error.value)


def test_grader_keeps_no_output_whatever_the_kind():
    """20 messages of 20 MB each of every output kind: nothing of them stays in the grader."""
    nb = grading_notebook(["x = 1"], payload(PLANNED[:1]), "t", 1.0)
    client = GradingClient(nb, inbox(), km=None, store_widget_state=False)
    big = "x" * 20_000_000
    cell = nb.cells[0]
    kinds = [
        ("stream", {"name": "stdout", "text": big}),
        ("error", {"ename": "E" * 140_000, "evalue": big, "traceback": [big]}),
        (
            "display_data",
            {"data": {"text/plain": big}, "metadata": {}, "transient": {"display_id": "d"}},
        ),
        (
            "update_display_data",
            {"data": {"text/plain": big}, "metadata": {}, "transient": {"display_id": "d"}},
        ),
        ("execute_result", {"data": {"text/plain": big}, "metadata": {}, "execution_count": 1}),
        (
            "comm_open",
            {"comm_id": "c", "target_name": "jupyter.widget", "data": {"state": {"v": big}}},
        ),
        ("comm_msg", {"comm_id": "c", "data": {"state": {"v": big}, "method": "update"}}),
    ]
    for _ in range(3):
        for kind, content in kinds:
            msg = {
                "msg_type": kind,
                "content": content,
                "header": {"msg_type": kind},
                "parent_header": {},
            }
            client.process_message(msg, cell, 0)
    assert cell.outputs == [] and not client.widget_state and not client._display_id_map
    assert len(client.errors) == 3 and all(len(e) < 400 for e in client.errors)
    assert client.output_bytes > 1_000_000


# -- names: one row and one results file per file, sensible students, no formulas ------------------


def test_every_file_its_own_key_and_results_file(tmp_path):
    names = [
        "a b.ipynb",
        "a  b.ipynb",
        "a\tb.ipynb",
        "a\nb.ipynb",
        "\u00e9.ipynb",
        "e\u0301.ipynb",  # the same letter, composed and not
        "=1+1.ipynb",
    ]
    for name in names:
        (tmp_path / name).write_text("{}")
    subs = collect_submissions([tmp_path])
    keys = [s.key for s in subs]
    assert len(set(keys)) == len(names) and all("\n" not in k and "\t" not in k for k in keys)
    assert "a\\tb.ipynb" in keys and "a\\nb.ipynb" in keys and "a b.ipynb" in keys
    assert len({results_name(k) for k in keys}) == len(names)


def test_student_names_for_nested_and_repeated_folders(tmp_path):
    for folder in ("sec1/alice", "sec1/bob", "sec2/alice"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "sigmoid.ipynb").write_text("{}")
    subs = collect_submissions([tmp_path / "sec1", tmp_path / "sec2"])
    assert {s.key: s.student for s in subs} == {
        (tmp_path / "sec1/alice/sigmoid.ipynb").as_posix(): "alice",
        "bob/sigmoid.ipynb": "bob",
        (tmp_path / "sec2/alice/sigmoid.ipynb").as_posix(): "alice",
    }
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "s.ipynb").write_text("{}")
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "s.ipynb").write_text("{}")
    students = {s.student for s in collect_submissions([tmp_path / "x", tmp_path / "y"])}
    assert students == {"x", "y"}


def test_csv_cells_are_capped_one_line_and_never_formulas():
    for text in ("=HYPERLINK(1)", "+1", "-1", "@SUM", "\tx", "'quoted"):
        assert to_cell(text).startswith("'") and from_cell(to_cell(text)) == text
    assert len(to_cell("x" * 200_000)) <= MAX_FIELD_CHARS and "\n" not in to_cell("a\nb")


def test_gradebook_survives_huge_fields_and_a_second_grader_is_refused(tmp_path):
    columns = columns_for(["f"])
    row = {"submission": "=evil.ipynb", "student": "x", "reason": "E" * 300_000, "score": 1.0}
    with Gradebook(tmp_path, columns) as book:
        book.add(row, {"score": 1})
        with (
            pytest.raises(ValueError, match="another `nncourse grade`"),
            Gradebook(tmp_path, columns),
        ):
            pass
    with Gradebook(tmp_path, columns) as book:  # the next run reads it back
        assert "=evil.ipynb" in book
    with open(tmp_path / "grades.csv", newline="") as f:
        (stored,) = list(csv.DictReader(f))
    assert stored["submission"] == "'=evil.ipynb" and len(stored["reason"]) <= MAX_FIELD_CHARS


# -- the kernel's copy of nncourse ----------------------------------------------------------------


def test_strip_definitions_replaces_whole_definitions():
    source = "import x\n\n@deco\ndef f(a):\n    return 1\n\n\nclass C:\n    y = 2\n\n\ndef g():\n    return f(1)\n"
    stripped = strip_definitions(source, {"f", "C"}, "ex")
    assert "return 1" not in stripped and "y = 2" not in stripped and "return f(1)" in stripped
    namespace = {}
    exec(stripped.replace("@deco\n", "").replace("import x\n", ""), namespace)
    with pytest.raises(namespace["Withheld"]):
        namespace["f"]()


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_kernel_copy_withholds_the_answers_and_keeps_the_helpers(tmp_path, exercise_id):
    exercise = load_exercise(exercise_id)
    build_kernel_package(exercise, tmp_path)
    extra = ' + ["nncourse.autodiff"]' if exercise_id == "autodiff" else ""
    probe = f"""
import importlib, json, nncourse, nncourse.checks
nncourse.checks.exercise({exercise_id!r})(print)
found = {{}}
for name in {[q.function for q in exercise.questions] + ["MLP", "gradient_descent", "sigmoid"]!r}:
    obj = getattr(nncourse, name, None)
    try:
        obj() if isinstance(obj, type) else obj(0.0) if obj else None
        found[name] = "works"
    except Exception as error:
        found[name] = type(error).__name__
for module in ["nncourse.exercises", "nncourse.exercises.{exercise_id}", "nncourse.grading", "nncourse.assign"]{extra}:
    try:
        importlib.import_module(module)
        found[module] = "imported"
    except ImportError:
        found[module] = "ImportError"
print(json.dumps(found))
"""
    env = {"PYTHONPATH": str(tmp_path), "PATH": os.environ["PATH"]}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0] == "(public checks are skipped while the grader runs this notebook)"
    found = json.loads(out[-1])
    for q in exercise.questions:
        if hasattr(__import__("nncourse"), q.function):
            assert found[q.function] == "Withheld", q.function
    assert all(found[m] == "ImportError" for m in found if m.startswith("nncourse."))
    withheld = {"backprop": ["MLP"], "gradient_descent": ["gradient_descent"]}.get(exercise_id, [])
    for name in withheld:
        assert found[name] == "Withheld"
    if exercise_id in ("backprop", "gradient_descent"):
        assert found["sigmoid"] == "works"  # the helper these exercises allow


# -- options and Gradescope ------------------------------------------------------------------------


def test_options_are_checked():
    with pytest.raises(ValueError, match="timeout"):
        Limits(0)
    with pytest.raises(ValueError, match="call_timeout"):
        Limits(10, -1)
    with pytest.raises(ValueError, match="jobs"):
        GradingOptions(jobs=0)
    with pytest.raises(ValueError, match="sandbox"):
        GradingOptions(sandbox="chroot")
    assert (
        Limits(60).per_call_s == 10 and Limits(2).per_call_s == 1 and Limits(8, 3).per_call_s == 3
    )


def test_gradescope_refuses_to_grade_without_isolation(tmp_path, monkeypatch):
    from nncourse.grading import sandbox

    gradescope.write_bundle("sigmoid", tmp_path / "a.zip", secret="s")
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        z.extractall(tmp_path / "source")
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "sigmoid.ipynb").write_text("{}")
    none = sandbox.Isolation("none", "auto", None, sandbox.WEAKER["none"])
    monkeypatch.setattr(sandbox, "resolve", lambda choice="auto": none)
    results = gradescope.run_autograder(tmp_path)
    assert results["score"] == 0 and results["tests"] == []
    assert "Not graded" in results["output"] and "isolate" in results["output"]
    assert json.loads((tmp_path / "results" / "results.json").read_text()) == results


def test_b64_payload_is_plain_json():
    text = payload(PLANNED)
    data = json.loads(text)
    assert {c["id"] for c in data["calls"]} == {p.id for p in PLANNED}
    first = next(iter(data["arrays"].values()))
    base64.b64decode(first["data"], validate=True)


def test_harness_restarts_after_a_crash_and_skips_after_a_slow_call(monkeypatch):
    from nncourse.exercises.spec import Call, Check, Question
    from nncourse.grading import harness
    from nncourse.grading.plan import PlannedCall

    def flaky(x):
        if x == 2:
            os._exit(1)
        return x

    def slow(x):
        if x == 2:
            time.sleep(30)
        return x

    namespace = {"flaky": flaky, "slow": slow}
    planned = []
    for name in namespace:
        check = Check("c", [(1.0,), (2.0,), (3.0,)])
        question = Question(name, lambda x: x, [check])
        for k, x in enumerate((1.0, 2.0, 3.0)):
            planned.append(
                PlannedCall(f"{name}-{k}", question, check, Call((x,)), [np.array(x)], False)
            )
    published = []
    monkeypatch.setattr(harness, "_publish", published.append)
    run_calls(namespace, payload(planned), "tok", 0.5, kernel_settings())
    status = [r["status"] for r in published]
    assert status == ["returned", "crashed", "returned", "returned", "too_slow", "skipped"]


# -- what a hostile notebook wrote never reaches the student-visible report ---------------------------

LEAKED = "1.3372067 2.53220924 2.36622497"  # as if hidden inputs stashed from earlier calls


def _report(results):
    _, report = graded_sigmoid(results)
    return json.dumps(report)


def test_a_public_exception_message_is_not_repeated():
    results = right_results()
    for p in PLANNED:
        if p.question.function == "sigmoid_grad":
            results[p.id] = call_result({"status": "raised", "error": f"ValueError: {LEAKED}"})
    report = _report(results)
    assert "raised ValueError" in report and LEAKED not in report


def test_returned_values_and_warning_texts_of_public_calls_are_not_repeated():
    results = right_results()
    for p in PLANNED:
        if p.question.function == "sigmoid":
            wrong = np.full(np.shape(p.expected), 1.3372067)
            results[p.id] = call_result(returned([wrong], warnings=[f"UserWarning: {LEAKED}"]))
    report = _report(results)
    assert "the result differs from the expected one" in report
    assert "1.3372067" not in report and LEAKED not in report


def test_calls_without_a_result_make_the_run_an_error():
    """A notebook whose code took over the grading cell and answered only some calls."""
    results = right_results()
    for p in PLANNED[::2]:
        del results[p.id]
    row, _ = graded_sigmoid(results)
    assert row["status"] == "error" and "calls sent no result" in row["reason"]
    assert final_status(RunStatus.TIMEOUT, [], 3) is RunStatus.TIMEOUT


def test_cross_entropy_kernel_copy_withholds_entropy_and_kl(tmp_path):
    build_kernel_package(load_exercise("cross_entropy"), tmp_path)
    code = "import nncourse as nn\nfor f in (nn.entropy, nn.kl_divergence):\n    try:\n        f([[1.0, 0.0]])\n        print('ran')\n    except Exception as e:\n        print(type(e).__name__)\n"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "ran" not in done.stdout and done.stdout.count("Withheld") == 2, done


def test_run_info_round_trips_and_tells_secrets_apart(tmp_path):
    from nncourse.grading.runinfo import read_run_info, run_info, secret_id, write_run_info

    exercise = load_exercise("sigmoid")
    info = run_info(exercise, "one secret", (2, 3))
    assert read_run_info(tmp_path) is None
    write_run_info(tmp_path, info)
    assert read_run_info(tmp_path) == info
    assert "one secret" not in (tmp_path / "grading.json").read_text()
    assert secret_id("one secret") != secret_id("another secret")
    assert run_info(load_exercise("softmax"), "one secret").checks_id != info.checks_id
    (tmp_path / "grading.json").write_text("{}")
    with pytest.raises(ValueError, match=r"not a readable grading\.json"):
        read_run_info(tmp_path)


def test_grade_command_passes_its_part_to_the_grader(monkeypatch, tmp_path, capsys):
    """``nncourse grade ... --shard K/N`` hands (K, N) to GradingOptions (parse_shard's rules)."""
    import types

    import nncourse.grading as grading
    from nncourse.__main__ import main

    seen = {}

    def fake_options(*args, **kwargs):
        seen.update(kwargs)
        return types.SimpleNamespace()

    def fake_grade(exercise, submissions, out, opts, progress=None):
        return types.SimpleNamespace(
            ungraded=[], gradebook=out / "grades.csv", isolation=types.SimpleNamespace(
                warning="", summary=lambda: "none")
        )  # fmt: skip

    monkeypatch.setattr(grading, "GradingOptions", fake_options)
    monkeypatch.setattr(grading, "grade", fake_grade)
    argv = ["grade", "sigmoid", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet"]
    assert main([*argv, "--shard", "2/3"]) == 0 and seen == {"shard": (2, 3)}
    seen.clear()
    assert main(argv) == 0 and seen == {"shard": None}
    assert main([*argv, "--shard", "4/3"]) == 2
    assert "shard must be K/N" in capsys.readouterr().err
