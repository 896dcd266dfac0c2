"""Hostile submissions the first hostile-student review left open (issue 12's notes), kernel-free and
end to end: arguments changed in place, warnings switched off, one huge output message.

The kernel-free tests call the harness's child-side code in this process; the end-to-end tests grade
generated notebooks (the sigmoid and softmax solutions with one function replaced) in one module-scoped
run, as tests/test_grading.py does.
"""

import json
import warnings

import numpy as np
import pytest
from test_grading import NOTEBOOK_LIMIT_S, submission  # submission: the solutions, cells replaced

from nncourse.exercises import load_exercise
from nncourse.grading import GradingOptions, Limits, grade, harness
from nncourse.grading.harness import CallStatus
from nncourse.grading.options import kernel_settings
from nncourse.grading.plan import plan_calls
from nncourse.grading.results import call_result
from nncourse.grading.score import score

SETTINGS = kernel_settings()


def graded_rows(exercise, folder, out, **options):
    """Grade every notebook in ``folder``: the rows and the results.json of each, by name."""
    report = grade(
        exercise, [folder], out, GradingOptions(Limits(NOTEBOOK_LIMIT_S, 1.5), jobs=2, **options)
    )
    rows = {r["submission"].removesuffix(".ipynb"): r for r in report.rows}
    results = {
        k.removesuffix(".ipynb"): json.loads(p.read_text()) for k, p in report.results.items()
    }
    return rows, results


def call(function, *args, **kwargs):
    """The record the child sends for one call."""
    return harness._call(function, args, kwargs, False, SETTINGS)


# -- 1. arguments changed in place ------------------------------------------------------------------


def shifted_softmax(z):
    z -= z.max(axis=1, keepdims=True)  # the mistake: changes the caller's array
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def test_a_call_that_changes_an_argument_in_place_is_reported_mutated():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    record = call(shifted_softmax, z)
    assert record == {"status": "mutated", "argument": 0}  # which argument, no values


@pytest.mark.parametrize(
    "function, args, kwargs, argument",
    [
        (lambda x, y: (x.__setitem__(0, 9.0), 1.0)[1], (np.zeros(2), np.zeros(2)), {}, 0),
        (lambda x, y: (y.resize(3, refcheck=False), 1.0)[1], (np.zeros(2), np.zeros(2)), {}, 1),
        (lambda x, w: (w.append(np.ones(1)), 1.0)[1], (np.zeros(2),), {"w": []}, 1),
        (lambda x, w: (w[0].fill(2.0), 1.0)[1], (np.zeros(2),), {"w": [np.ones(2)]}, 1),
        (lambda x: (x.view(np.int64).__setitem__(0, 1), 1.0)[1], (np.zeros(2),), {}, 0),
    ],
)
def test_any_change_of_an_array_or_list_argument_counts(function, args, kwargs, argument):
    assert call(function, *args, **kwargs) == {"status": "mutated", "argument": argument}


def test_functions_that_leave_their_arguments_alone_return():
    z = np.array([[1.0, 2.0, 3.0]])
    record = call(lambda z: np.exp(z - z.max(axis=1, keepdims=True)), z)
    assert record["status"] == "returned"
    assert call(lambda x, w: x, np.ones(2), w=[np.ones(1), 0.5])["status"] == "returned"


def test_mutated_fails_its_check_and_a_forged_one_can_do_no_more():
    sigmoid = load_exercise("sigmoid")
    planned = plan_calls(sigmoid, "unit")
    assert call_result({"status": "mutated", "argument": 3}) == harness_result(3)
    for argument in ("x" * 10_000, -1, 64, True, 1.0, None, [0]):
        forged = call_result({"status": "mutated", "argument": argument})
        assert forged.status is CallStatus.NO_RESULT
    right = {p.id: call_result(returned(p.expected)) for p in planned}
    mutated = {p.id: call_result({"status": "mutated", "argument": 0}) for p in planned}
    assert sum(score(sigmoid, planned, right).points.values()) == sigmoid.points
    scored = score(sigmoid, planned, mutated)
    assert sum(scored.points.values()) == 0
    public = [t["output"] for t in scored.tests if t["visibility"] == "visible"]
    assert public and all("changed an argument in place (argument number 1)" in t for t in public)
    hidden = [t for t in scored.tests if t["visibility"] != "visible"]
    assert all("changed an argument in place" in t["output"] for t in hidden)
    assert {t["extra_data"]["kind"] for t in scored.tests} == {"mutated"}


def harness_result(argument):
    from nncourse.grading.results import CallResult

    return CallResult(CallStatus.MUTATED, argument=argument)


def returned(parts):
    return {"status": "returned", "parts": [harness.encode_array(np.asarray(p)) for p in parts]}


# -- end to end: hostile notebooks graded by `grade`, one module-scoped run per exercise -------------

MUTATING_SOFTMAX = """def softmax(z):
    z = np.asarray(z, dtype=float)
    z -= z.max(axis=1, keepdims=True)  # in place: the caller's scores change
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)"""


@pytest.fixture(scope="module")
def graded_softmax(tmp_path_factory):
    """The softmax solutions, and the same with a softmax that changes its argument in place."""
    folder = tmp_path_factory.mktemp("softmax")
    submission(folder, "correct", exercise="softmax")
    submission(folder, "mutating", {"softmax": MUTATING_SOFTMAX}, exercise="softmax")
    return graded_rows("softmax", folder, tmp_path_factory.mktemp("softmax_grades"))


def test_a_function_that_changes_its_argument_loses_the_checks_it_changed(graded_softmax):
    from nncourse.checks import FAILED, run_public_checks

    rows, results = graded_softmax
    full = {q.function: q.points for q in load_exercise("softmax").questions}
    assert rows["correct"]["score"] == rows["correct"]["max_score"]
    row = rows["mutating"]
    assert row["status"] == "ok" and float(row["points_softmax"]) < full["softmax"]
    for function in set(full) - {"softmax"}:
        assert float(row[f"points_{function}"]) == full[function]  # only softmax changed anything
    failed = [t for t in results["mutating"]["tests"] if t["score"] < t["max_score"]]
    assert failed and all(t["name"].startswith("softmax:") for t in failed)
    assert any("mutated" in t["output"] or "in place" in t["output"] for t in failed)
    namespace = {"np": np}
    exec(MUTATING_SOFTMAX, namespace)  # the notebook's own checks fail it too
    question = next(q for q in load_exercise("softmax").questions if q.function == "softmax")
    feedback = run_public_checks(question, namespace["softmax"])
    assert feedback.status == FAILED and "in place" in str(feedback)


# -- 2. warnings switched off by the function or at import time ------------------------------------


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))  # right values; exp(1000) overflows


def in_errstate(x):
    with np.errstate(all="ignore"):
        return naive_sigmoid(x)


def over_only(x):
    with np.errstate(over="ignore", invalid="ignore"):
        return naive_sigmoid(x)


@np.errstate(over="ignore")
def decorated(x):
    return naive_sigmoid(x)


def by_seterr(x):
    old = np.seterr(all="ignore")
    try:
        return naive_sigmoid(x)
    finally:
        np.seterr(**old)


def left_seterr(x):
    np.seterr(over="print")
    return naive_sigmoid(x)


def by_filters(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return naive_sigmoid(x)


def by_showwarning(x):
    warnings.showwarning = lambda *args, **kwargs: None
    warnings._showwarnmsg_impl = lambda message: None
    return naive_sigmoid(x)


def masked_where(x):  # both branches are computed: exp(1000) overflows where it is not used
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):
        return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def nan_masked(z):  # inf / inf is nan, replaced by a right-looking value
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return np.nan_to_num(e / e.sum(axis=1, keepdims=True), nan=1.0)


@pytest.mark.parametrize(
    "function",
    [
        naive_sigmoid,
        in_errstate,
        over_only,
        decorated,
        by_seterr,
        left_seterr,
        by_filters,
        by_showwarning,
        masked_where,
    ],
)
def test_overflow_is_seen_however_the_function_silences_it(function):
    with warnings.catch_warnings():
        saved = np.geterr()
        record = call(function, np.array([-1000.0, 0.0, 1000.0]))
        np.seterr(**saved)
    assert record["status"] == "returned"
    assert record["warnings"][0].startswith("overflow encountered in exp"), record["warnings"]


def test_an_overflow_behind_nan_to_num_is_seen_too():
    record = call(nan_masked, np.array([[1000.0, 1000.0]]))
    assert record["status"] == "returned"
    assert record["warnings"][0].startswith("overflow encountered in exp"), record


@pytest.mark.parametrize(
    "switch_off",
    [
        lambda: np.seterr(all="ignore"),
        lambda: warnings.simplefilter("ignore"),
        lambda: setattr(warnings, "showwarning", lambda *a, **k: None),
        lambda: (np.seterrcall(lambda *a: None), np.seterr(all="call")),
    ],
)
def test_settings_made_at_import_time_do_not_hold_during_the_call(switch_off):
    with warnings.catch_warnings(), np.errstate():
        switch_off()  # what a notebook's first cell could do, before the grading cell
        record = call(naive_sigmoid, np.array([-1000.0]))
    assert record["warnings"] == ["overflow encountered in exp"]


def own_callback(x):
    with np.errstate(call=lambda *a: None, all="call"):
        return naive_sigmoid(x)


def test_a_callback_of_its_own_is_reported():
    record = call(own_callback, np.array([-1000.0]))
    assert record["warnings"] == [harness.TAMPERED]


def clamped_log(p):  # the cross-entropy solution's clamp: log(0) = -inf silenced, then clamped
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100)


def library_silencing(z):
    import nncourse as nn

    print(z)  # NumPy's array printing sets error settings of its own
    loss = nn.binary_cross_entropy(np.array([1.0, 0.0]), np.array([1.0, 0.0]))  # errstate inside
    return np.exp(z - z.max()) * np.isclose(z, z).all() + 0 * loss


def masked_xlogx(p):  # 0 * log(0) = 0 * -inf is invalid, in the branch np.where drops
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, p * np.log(p), 0.0)


@pytest.mark.parametrize(
    "function", [clamped_log, masked_xlogx, library_silencing, lambda z: np.exp(z)]
)
def test_what_the_course_and_libraries_silence_is_not_a_warning(function):
    record = call(function, np.array([0.0, 1.0]))
    assert record["status"] == "returned" and record["warnings"] == [], record


def test_the_watch_leaves_numpy_as_it_was():
    saved = np.geterr()
    call(in_errstate, np.array([-1000.0]))
    call(own_callback, np.array([-1000.0]))
    assert np.geterr() == saved
    with pytest.warns(RuntimeWarning, match="overflow"), np.errstate(over="warn"):
        np.exp(np.array([1000.0]))


SILENCED = {  # the naive sigmoid (right values through exp(1000)), its overflow silenced
    "errstate_inside": "def sigmoid(x):\n    with np.errstate(all='ignore'):\n"
    "        return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))",
    "errstate_decorator": "@np.errstate(over='ignore')\ndef sigmoid(x):\n"
    "    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))",
    "seterr_inside": "def sigmoid(x):\n    np.seterr(all='ignore')\n"
    "    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))",
    "filters_inside": "import warnings\ndef sigmoid(x):\n    warnings.simplefilter('ignore')\n"
    "    warnings.showwarning = lambda *a, **k: None\n"
    "    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))",
}
SILENCED_AT_IMPORT = """import warnings
import numpy as np
np.seterr(all="ignore")
np.seterrcall(lambda *a: None)
warnings.simplefilter("ignore")
warnings.showwarning = lambda *a, **k: None"""
NAIVE_SIGMOID = "def sigmoid(x):\n    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))"


@pytest.fixture(scope="module")
def graded_sigmoid(tmp_path_factory):
    """The sigmoid solutions, and hostile notebooks, graded in one run."""
    folder = tmp_path_factory.mktemp("sigmoid")
    submission(folder, "correct")
    submission(folder, "naive", {"sigmoid": NAIVE_SIGMOID})
    for name, source in SILENCED.items():
        submission(folder, name, {"sigmoid": source})
    submission(folder, "silenced_at_import", {"sigmoid": NAIVE_SIGMOID}, [SILENCED_AT_IMPORT])
    return graded_rows("sigmoid", folder, tmp_path_factory.mktemp("sigmoid_grades"))


@pytest.mark.parametrize("name", [*SILENCED, "silenced_at_import"])
def test_silencing_the_overflow_loses_what_the_overflow_loses(graded_sigmoid, name):
    rows, results = graded_sigmoid
    assert rows["correct"]["score"] == rows["correct"]["max_score"]
    assert rows["naive"]["points_sigmoid"] == 9 - 3  # the ±1000 public and the large hidden check
    assert rows[name]["status"] == "ok"
    assert rows[name]["score"] == rows["naive"]["score"], rows[name]
    failed = [t for t in results[name]["tests"] if t["score"] < t["max_score"]]
    assert failed and all("warned" in t["output"] for t in failed)


# -- 3. one huge output message ---------------------------------------------------------------------

HUGE_MESSAGES = {  # 30-60 MB in one message each: a print, a display, an exception's message
    "huge_print": 'print("x" * 60_000_000)',
    "huge_display": 'from IPython.display import display\ndisplay({"text/plain": "y" * 60_000_000}, raw=True)',
    "huge_error": 'raise ValueError("v" * 30_000_000)',  # twice in the message: value, traceback
}
# Grade a folder, then another, in a process of its own; its peak memory after each.
MEASURE = """import json, resource, sys
from pathlib import Path
from nncourse.grading import GradingOptions, Limits, grade
def run(folder, out):
    options = GradingOptions(Limits(60, 1.5, memory_mb=2048), jobs=1)
    report = grade("sigmoid", [Path(folder)], Path(out), options)
    rows = [{k: r[k] for k in ("submission", "status", "reason", "score")} for r in report.rows]
    return rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
first, before = run(*sys.argv[1:3])
second, after = run(*sys.argv[3:5])
print(json.dumps({"rows": first + second, "before_kb": before, "after_kb": after}))"""


def test_every_socket_of_the_grader_s_client_refuses_huge_messages():
    import zmq

    from nncourse.grading.kernel import MAX_MESSAGE_BYTES, RECEIVE_QUEUE, LimitedKernelClient

    client = LimitedKernelClient()  # its context is destroyed with it
    socket = client.context.socket(zmq.SUB)
    assert socket.getsockopt(zmq.MAXMSGSIZE) == MAX_MESSAGE_BYTES == 20_000_000
    assert socket.getsockopt(zmq.RCVHWM) == RECEIVE_QUEUE
    socket.close()


def test_one_huge_message_is_refused_unread_and_ends_the_run(tmp_path):
    import subprocess
    import sys

    honest, hostile = tmp_path / "honest", tmp_path / "hostile"
    honest.mkdir()
    hostile.mkdir()
    submission(honest, "correct")
    for name, source in HUGE_MESSAGES.items():
        submission(hostile, name, prepend=[source])
    folders = [str(p) for p in (honest, tmp_path / "out1", hostile, tmp_path / "out2")]
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *folders], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    rows = {r["submission"].removesuffix(".ipynb"): r for r in measured["rows"]}
    assert rows["correct"]["status"] == "ok"
    for name in HUGE_MESSAGES:
        assert rows[name]["status"] == "error", rows[name]
        assert "larger than 20 MB" in rows[name]["reason"] and "code cell 1" in rows[name]["reason"]
    grown_mb = (measured["after_kb"] - measured["before_kb"]) / 1000
    print(f"grader peak {measured['before_kb'] / 1000:.0f} MB, then {grown_mb:.0f} MB more")
    assert grown_mb < 30  # each message was 60 MB or more: none of it was read


def test_the_progress_lines_carry_no_terminal_escapes_from_a_notebook(tmp_path):
    """A cell's error text reaches the row's reason; on the terminal it loses its control characters."""
    folder = tmp_path / "in"
    folder.mkdir()
    submission(folder, "esc\x1b[2Jape", prepend=['raise ValueError("\\x1b[2J\\x1b]0;owned\\x07")'])
    lines = []
    grade(
        "sigmoid",
        [folder],
        tmp_path / "out",
        GradingOptions(Limits(NOTEBOOK_LIMIT_S, 1.5)),
        lines.append,
    )
    (line,) = [t for t in lines if t.startswith("[1/1]")]
    assert "ValueError" in line and not any(ord(ch) < 32 for ch in line)
