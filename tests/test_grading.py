"""Tests of nncourse grade: honest, broken and hostile submissions, each graded as it deserves."""

import csv
import json
import os
from pathlib import Path

import nbformat
import pytest

from nncourse.__main__ import main
from nncourse.grading import collect_submissions, grade, plan_calls, resolve_secret, score
from nncourse.sandbox import MARKER, bwrap_path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "exercises" / "solutions" / "sigmoid.ipynb"
FULL = 24.0  # points of the sigmoid exercise

NAIVE_SIGMOID = "def sigmoid(x):\n    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))"
WRONG_SIGMOID = "def sigmoid(x):\n    return np.tanh(np.asarray(x, dtype=float))"


def submission(folder, name, replace=None, prepend=(), drop=()):
    """The solutions notebook with some function cells replaced or dropped and cells put first."""
    nb = nbformat.read(SOLUTIONS, as_version=4)
    cells = [nbformat.v4.new_code_cell(src) for src in prepend]
    for cell in nb.cells:
        defined = next((f for f in (replace or {}) if cell.source.startswith(f"def {f}(")), None)
        if any(cell.source.startswith(f"def {f}(") for f in drop):
            continue
        if defined:
            cell.source = replace[defined]
        cells.append(cell)
    nb.cells = cells
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def grading_processes(grader_pid=None):
    """Processes started by the grading kernels of one grader process (tagged in their environment)."""
    tag = f"{MARKER}={grader_pid or os.getpid()}.".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if tag in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


TAMPER_NUMPY = """import numpy
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda a, b, **k: numpy.ones(numpy.shape(a), dtype=bool)
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.asarray = lambda *a, **k: numpy.array(0.5)"""

TAMPER_CHECKS = """import nncourse, nncourse.checks, nncourse.exercises.compare as cmp
cmp.diagnose = lambda *a, **k: None
nncourse.checks.diagnose = lambda *a, **k: None
nncourse.sigmoid = lambda x: 0.5
for module in list(__import__("sys").modules.values()):
    if getattr(module, "__name__", "").startswith("nncourse.grading"):
        module.score = None
print("public checks passed")"""

ESCAPING_LOOP = """import subprocess
subprocess.Popen(["sleep", "600"], start_new_session=True)
while True:
    pass"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade one folder holding every kind of submission, in one call, two at a time."""
    folder = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades")
    wrong = {"sigmoid": WRONG_SIGMOID}
    submission(folder, "correct")
    submission(folder, "naive", {"sigmoid": NAIVE_SIGMOID})
    submission(folder, "wrong", wrong)
    submission(folder, "raising", {"sigmoid": "def sigmoid(x):\n    raise ValueError('no idea')"})
    submission(folder, "loop_top", prepend=[ESCAPING_LOOP])
    submission(
        folder,
        "loop_inside",
        {"neuron_predict": "def neuron_predict(X, w, b):\n    while True:\n        pass"},
    )
    submission(folder, "exits", prepend=["import os\nos._exit(3)"])
    submission(folder, "flood", prepend=["for i in range(15_000):\n    print('x' * 100)"])
    submission(folder, "tamper_numpy", wrong, prepend=[TAMPER_NUMPY])
    submission(folder, "tamper_checks", wrong, prepend=[TAMPER_CHECKS])
    submission(folder, "missing", drop=["neuron_predict"])
    submission(folder, "not_a_number", {"sigmoid": "def sigmoid(x):\n    return 'one half'"})
    submission(
        folder,
        "uses_reference",
        {"sigmoid": "import nncourse as nn\n\n\ndef sigmoid(x):\n    return nn.sigmoid(x)"},
    )
    submission(folder, "memory_hog", prepend=["import numpy as np\nhog = np.ones(10**10)"])
    (folder / "malformed.ipynb").write_text('{"cells": [')
    lines = []
    rows = grade(
        "sigmoid",
        [folder],
        out,
        timeout=12,
        jobs=2,
        secret="test",
        call_timeout=1.5,
        progress=lines.append,
    )
    return {r["submission"].removesuffix(".ipynb"): r for r in rows}, out, lines


def results(out, name):
    return json.loads((out / "results" / f"{name}.json").read_text())


def test_correct_submission_gets_full_marks(graded):
    rows, _, _ = graded
    assert rows["correct"]["status"] == "ok"
    assert rows["correct"]["score"] == FULL == rows["correct"]["max_score"]


def test_naive_sigmoid_loses_only_the_overflow_checks(graded):
    rows, out, _ = graded
    row = rows["naive"]
    assert row["status"] == "ok"
    assert 0 < row["score"] < FULL
    assert row["points_sigmoid"] == 9 - 3  # the ±1000 public check and the large hidden check
    failed = [t for t in results(out, "naive")["tests"] if t["score"] < t["max_score"]]
    assert failed and all("warned" in t["output"] for t in failed)


def test_wrong_and_raising_functions_lose_their_points(graded):
    rows, out, _ = graded
    assert rows["wrong"]["status"] == "ok" and rows["wrong"]["points_sigmoid"] < 9
    assert rows["raising"]["points_sigmoid"] == 0
    assert "raised ValueError: no idea" in json.dumps(results(out, "raising"))
    assert "input: 0.0" in json.dumps(results(out, "raising"))  # public inputs are shown
    assert rows["not_a_number"]["points_sigmoid"] == 0


def test_tampering_cannot_raise_the_score(graded):
    rows, _, _ = graded
    assert rows["tamper_numpy"]["score"] <= rows["wrong"]["score"]
    assert rows["tamper_checks"]["score"] <= rows["wrong"]["score"]


def test_loops_time_out_or_lose_only_the_looping_function(graded):
    rows, _, _ = graded
    assert rows["loop_top"]["status"] == "timeout" and rows["loop_top"]["score"] == 0
    assert "in code cell 1" in rows["loop_top"]["reason"]
    row = rows["loop_inside"]
    assert row["status"] == "ok" and row["points_neuron_predict"] == 0
    assert row["score"] == FULL - 4


def test_exit_crash_flood_malformed_missing(graded):
    rows, _, _ = graded
    assert rows["exits"]["status"] == "crashed" and rows["exits"]["score"] == 0
    assert rows["flood"]["status"] == "ok" and rows["flood"]["score"] == FULL
    assert "dropped" in rows["flood"]["reason"]
    assert rows["malformed"]["status"] == "invalid" and rows["malformed"]["reason"]
    assert rows["missing"]["status"] == "error"
    assert "neuron_predict is not defined" in rows["missing"]["reason"]
    assert rows["missing"]["score"] == FULL - 4


def test_memory_hog_gets_a_memory_error_not_the_machine(graded):
    rows, _, _ = graded
    assert rows["memory_hog"]["status"] == "error"
    assert "MemoryError" in rows["memory_hog"]["reason"]
    assert rows["memory_hog"]["score"] == FULL


def test_without_sandbox_escaping_processes_are_killed_too(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    submission(subs, "loop_top", prepend=[ESCAPING_LOOP])
    submission(subs, "correct")
    rows = grade(
        "sigmoid", [subs], tmp_path / "out", timeout=8, jobs=2, secret="s", sandbox_choice="none"
    )
    status = {r["submission"]: r["status"] for r in rows}
    assert status == {"loop_top.ipynb": "timeout", "correct.ipynb": "ok"}
    assert grading_processes() == []


def test_calling_the_reference_is_noted_for_the_instructor(graded):
    rows, _, _ = graded
    assert rows["uses_reference"]["score"] == FULL
    assert "calls nncourse.sigmoid, the reference" in rows["uses_reference"]["reason"]
    assert "nncourse" not in rows["correct"]["reason"]


def test_no_process_is_left_running(graded):
    assert grading_processes() == []


def test_grades_csv_has_a_row_per_submission(graded):
    rows, out, lines = graded
    with open(out / "grades.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert {r["submission"] for r in table} == {f"{k}.ipynb" for k in rows}
    for column in ("submission", "score", "max_score", "status"):
        assert column in table[0]
    assert all(r["status"] in {"ok", "error", "timeout", "crashed", "invalid"} for r in table)
    assert any("sandbox" in line for line in lines)


def test_results_json_is_gradescope_format(graded):
    _, out, _ = graded
    data = results(out, "naive")
    assert data["score"] == sum(t["score"] for t in data["tests"])
    for t in data["tests"]:
        assert set(t) == {"name", "score", "max_score", "visibility", "output"}
        assert t["visibility"] in {"visible", "after_published"}


def test_resume_keeps_rows_and_grades_only_new_submissions(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.ipynb").write_text("garbage")
    out = tmp_path / "out"
    assert main(["grade", "sigmoid", str(subs), "--out", str(out), "--quiet"]) == 0
    with open(out / "grades.csv", "a") as f:  # a run killed while writing a row
        f.write("b.ipynb,b,sigm")
    (subs / "b.ipynb").write_text("[]")
    lines = []
    rows = grade("sigmoid", [subs], out, progress=lines.append)
    assert [r["submission"] for r in rows] == ["b.ipynb"]
    assert "1 submissions already" in lines[0]
    text = (out / "grades.csv").read_text()
    assert text.count("a.ipynb") == 1 and text.count("b.ipynb") == 1


def test_secret_file_is_made_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("NNCOURSE_GRADING_SECRET", raising=False)
    first, where = resolve_secret(None, tmp_path)
    assert resolve_secret(None, tmp_path)[0] == first and where.endswith("secret.txt")
    assert (tmp_path / "secret.txt").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("NNCOURSE_GRADING_SECRET", "from-env")
    assert resolve_secret(None, tmp_path)[0] == "from-env"
    assert resolve_secret("given", tmp_path)[0] == "given"


def test_hidden_inputs_change_with_the_secret():
    from nncourse.exercises import load_exercise

    ex = load_exercise("sigmoid")
    a, b = plan_calls(ex, "one"), plan_calls(ex, "two")
    hidden = [i for i, p in enumerate(a) if p.check.hidden]
    assert any(
        not all(
            x.shape == y.shape and (x == y).all()
            for x, y in zip(a[i].expected, b[i].expected, strict=True)
        )
        for i in hidden
    )


def test_scoring_with_no_results_gives_zero():
    from nncourse.exercises import load_exercise
    from nncourse.grading import Run

    ex = load_exercise("sigmoid")
    points, tests = score(ex, plan_calls(ex, "s"), Run())
    assert sum(points.values()) == 0 and len(tests) == sum(len(q.checks) for q in ex.questions)


def test_bad_arguments_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        collect_submissions([tmp_path / "nope.ipynb"])
    with pytest.raises(ValueError, match="timeout"):
        grade("sigmoid", [], tmp_path, timeout=0)
    with pytest.raises(ValueError, match="jobs"):
        grade("sigmoid", [], tmp_path, jobs=0)
    assert main(["grade", "sigmoid", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2


def test_same_names_in_two_folders_stay_apart(tmp_path):
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "s.ipynb").write_text("{}")
    keys = [s.key for s in collect_submissions([tmp_path / "x", tmp_path / "y"])]
    assert len(set(keys)) == 2


@pytest.mark.skipif(
    bwrap_path() is None, reason="bubblewrap (bwrap) is not installed or cannot run here"
)
def test_sandboxed_kernel_cannot_touch_files_or_network(tmp_path):
    canary = tmp_path / "canary.txt"
    canary.write_text("keep me")
    subs = tmp_path / "subs"
    subs.mkdir()
    hostile = f"""import os, shutil, socket
for target in [{str(canary)!r}, {str(tmp_path / "out" / "grades.csv")!r}]:
    try:
        os.remove(target)
    except OSError:
        pass
try:
    open({str(tmp_path / "new.txt")!r}, "w").write("x")
except OSError:
    pass
try:
    socket.create_connection(("1.1.1.1", 80), timeout=2)
    raise SystemExit("network reachable")
except OSError:
    pass"""
    submission(subs, "hostile", prepend=[hostile])
    out = tmp_path / "out"
    rows = grade("sigmoid", [subs], out, timeout=30, secret="t", sandbox_choice="bwrap")
    assert canary.read_text() == "keep me"
    assert not (tmp_path / "new.txt").exists()
    assert rows[0]["status"] == "ok" and rows[0]["score"] == FULL
    assert os.path.exists(out / "grades.csv")


def test_ctrl_c_stops_every_kernel_and_keeps_the_gradebook(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    subs = tmp_path / "subs"
    subs.mkdir()
    submission(subs, "loop_top", prepend=[ESCAPING_LOOP])
    out = tmp_path / "out"
    command = [sys.executable, "-m", "nncourse", "grade", "sigmoid", str(subs), "--out", str(out)]
    process = subprocess.Popen([*command, "--timeout", "120"], stderr=subprocess.PIPE, text=True)
    assert "grading 1 submissions" in process.stderr.readline()
    time.sleep(1)  # the kernel starts (or is starting) and loops
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert "Run the same command again" in process.stderr.read()
    assert (out / "grades.csv").read_text().count("\n") == 1  # the header only
    assert grading_processes(process.pid) == []


def test_kernel_harness_and_loading_without_a_kernel(tmp_path):
    """The data path on its own: the harness saves each call's result, the grader loads it defensively."""
    import time

    import numpy as np

    from nncourse.exercises.spec import Call, Check, Question
    from nncourse.grading import PlannedCall, load_result, write_payload
    from nncourse.kernel_harness import run_calls

    def slow(x):
        time.sleep(5)

    def not_yet(x):
        raise NotImplementedError

    namespace = {
        "good": lambda x: x * 2,
        "pair": lambda x: (x, [1, 2]),
        "raises": lambda x: 1 / 0,
        "not_yet": not_yet,
        "text": lambda x: "two",
        "huge": lambda x: np.zeros(7_000_000),
        "slow": slow,
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
    write_payload(planned, tmp_path)
    run_calls(namespace, str(tmp_path), 0.3)
    results = tmp_path / "results"
    status = {n: load_result(results, n)[0]["status"] for n in names}
    assert status == {
        "good": "returned",
        "pair": "returned",
        "raises": "raised",
        "not_yet": "not_implemented",
        "text": "bad_result",
        "huge": "bad_result",
        "slow": "too_slow",
        "absent": "missing",
    }
    record, parts, _ = load_result(results, "pair")
    assert record["tuple"] and [p.tolist() for p in parts] == [[1.0, 1.0, 1.0], [1, 2]]
    (results / "pickled.json").write_text('{"status": "returned"}')
    np.savez(results / "pickled.npz", np.array([{"a": 1}], dtype=object))
    assert load_result(results, "pickled")[1] is None
    (results / "list.json").write_text("[1, 2]")
    assert load_result(results, "list")[0] is None
    assert "stopped before" in load_result(results, "never")[2]
