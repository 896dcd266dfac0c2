"""Tests of nncourse grade with real kernels: honest, broken and hostile submissions, graded as deserved.

One module-scoped run grades every hostile notebook of the sigmoid exercise at once (two at a time); a
second run grades, for every exercise, the solutions and a notebook that takes nncourse's references.
The notebooks are generated here from the solutions, each attack in its own cell. Kernel-free tests of
the same pipeline are in test_grading_units.py.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from nncourse.__main__ import main
from nncourse.exercises import EXERCISE_IDS, load_exercise
from nncourse.grading import GradingOptions, Limits, grade, sandbox
from nncourse.grading.options import SECRET_ENV
from nncourse.grading.submissions import resolve_secret

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "exercises" / "solutions"
FULL = load_exercise("sigmoid").points
LEVEL = sandbox.resolve("auto").level
ENV_SECRET = "env-secret-5f1c9a"  # in the grader's environment while the hostile run grades

NAIVE_SIGMOID = "def sigmoid(x):\n    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))"
WRONG_SIGMOID = "def sigmoid(x):\n    return np.tanh(np.asarray(x, dtype=float))"
FUNCTIONS = tuple(q.function for q in load_exercise("sigmoid").questions)
STUBS = {f: f"def {f}(*args):\n    raise NotImplementedError" for f in FUNCTIONS}


def submission(folder, name, replace=None, prepend=(), drop=(), exercise="sigmoid", append=()):
    """The solutions notebook with some function cells replaced or dropped and cells put first."""
    nb = nbformat.read(SOLUTIONS / f"{exercise}.ipynb", as_version=4)
    cells = [nbformat.v4.new_code_cell(src) for src in prepend]
    for cell in nb.cells:
        defined = next((f for f in (replace or {}) if cell.source.startswith(f"def {f}(")), None)
        if any(cell.source.startswith(f"def {f}(") for f in drop):
            continue
        if defined:
            cell.source = replace[defined]
        cells.append(cell)
    nb.cells = cells + [nbformat.v4.new_code_cell(src) for src in append]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def grading_processes(grader_pid=None):
    """Processes of the grading kernels of one grader process (tagged in their environment)."""
    tag = f"{sandbox.MARKER}={grader_pid or os.getpid()}.".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if tag in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def scratch_folders(grader_pid=None):
    return list(Path("/tmp").glob(f"{sandbox.SCRATCH_PREFIX}{grader_pid or os.getpid()}-*"))


TAMPER_NUMPY = """import numpy
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda a, b, **k: numpy.ones(numpy.shape(a), dtype=bool)
numpy.testing.assert_allclose = lambda *a, **k: None"""

TAMPER_CHECKS = """import nncourse, nncourse.checks
nncourse.sigmoid = lambda x: 0.5
print("public checks passed")"""

# The notebook time limit of the tests that grade honest notebooks beside loops: an honest run took up
# to 22 s on a 2-core machine under load, so twice that. Only the loops wait it out.
NOTEBOOK_LIMIT_S = 45

ESCAPING_LOOP = """import subprocess
subprocess.Popen(["sleep", "600"], start_new_session=True, env={})
while True:
    pass"""

# The old attack: write the harness's result files (all functions are stubs).
FORGE_FILES = """import json, os
for folder in [".", "results", os.environ.get("HOME", ".")]:
    os.makedirs(os.path.join(folder, "results"), exist_ok=True)
    for q in range(4):
        for c in range(8):
            for k in range(12):
                name = os.path.join(folder, "results", f"{q}-{c}-{k}")
                json.dump({"status": "returned", "tuple": False, "warnings": []}, open(name + ".json", "w"))"""

# Read the grading cell as it arrives (token and inputs in it), answer before the harness does.
FORGE_HOOK = """import ast, json
from IPython import get_ipython
from IPython.display import display

def _answer(info):
    if "run_calls" not in info.raw_cell:
        return
    call = ast.parse(info.raw_cell).body[-1].value
    calls, token = call.args[1].value, call.args[2].value
    for c in json.loads(calls)["calls"]:
        record = {"token": token, "id": c["id"], "status": "returned", "tuple": False, "warnings": [],
                  "parts": [{"dtype": "<f8", "shape": [], "data": "AAAAAAAA4D8="}]}  # 0.5
        display({"application/vnd.nncourse.result+json": json.dumps(record)}, raw=True)
    print("forged", len(json.loads(calls)["calls"]))

get_ipython().events.register("pre_run_cell", _answer)"""

# Change the harness's own records on their way out: forged statuses, deep nesting, a huge shape.
FORGE_DISPLAY = """import json
import IPython.display as d
_real = d.display
def _forge(obj, **kw):
    mime = "application/vnd.nncourse.result+json"
    if isinstance(obj, dict) and mime in obj:
        r = json.loads(obj[mime])
        n = int(r["id"].split("-")[-1]) % 3
        if n == 0:
            r["status"] = ["returned"]
        elif n == 1:
            r["parts"] = [{"dtype": "<f8", "shape": [10**11], "data": ""}]
        else:
            r["parts"] = json.loads("[" * 900 + "]" * 900)
        obj = {mime: json.dumps(r)}
    return _real(obj, **kw)
d.display = _forge"""

TAKE_REFERENCE = """import importlib, nncourse as nn
def sigmoid(x):
    return nn.sigmoid(x)
def sigmoid_grad(x):
    return getattr(importlib.import_module("nncourse." + "activations"), "sigmoid_grad")(x)
def neuron_probability(X, w, b):
    try:
        from nncourse.exercises.sigmoid import neuron_probability as ref
    except ImportError:
        path = nn.__file__.rsplit("/", 1)[0] + "/exercises/sigmoid.py"
        namespace = {}
        exec(open(path).read(), namespace)
        ref = namespace["neuron_probability"]
    return ref(X, w, b)
def neuron_predict(X, w, b):
    import glob
    for path in glob.glob(ROOT + "/**/sigmoid.py", recursive=True):
        namespace = {}
        exec(open(path).read(), namespace)
        if "neuron_predict" in namespace:
            return namespace["neuron_predict"](X, w, b)
    raise NotImplementedError""".replace("ROOT", repr(str(ROOT)))

# Look everywhere for hidden inputs, the secret, solutions, the gradebook and classmates' folders.
SNOOP = """import glob, os, sys
leaks = []
python = (os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix))  # its own installation
for pattern in ["*.npz", "calls.json", "**/*.npz", "**/calls.json", os.path.expanduser("~") + "/**/*.npz",
                "/tmp/**/*.npz", "/tmp/**/calls.json", "/tmp/nncourse-grade-*/*", %(out)r + "/*",
                %(root)r + "/exercises/solutions/*", %(root)r + "/nncourse/exercises/*.py",
                "/work/*/nncourse/exercises/*.py", "/work/wt/*/exercises/solutions/*"]:
    for path in glob.glob(pattern, recursive=True):
        if os.path.realpath(path).startswith(python):
            continue  # e.g. matplotlib's sample data, when the environment lives under /tmp
        if not path.startswith(os.getcwd()) or path.endswith(".npz"):
            leaks.append(path)
for environ in glob.glob("/proc/*/environ"):
    try:
        if b%(secret)r in open(environ, "rb").read():
            leaks.append(environ)
    except OSError:
        pass
for name in ["grades.csv", "secret.txt"]:
    try:
        open(os.path.join(%(out)r, name)).read()
        leaks.append(name)
    except OSError:
        pass
assert not leaks, leaks[:5]"""

SLOW_ARRAY = """class Slow:
    def __array__(self, dtype=None, copy=None):
        while True:
            pass
def neuron_predict(X, w, b):
    return Slow()"""

OUTPUT_KINDS = """from IPython.display import display, update_display
import ipykernel.comm
handle = display({"text/plain": "start"}, raw=True, display_id=True)
for i in range(8):
    update_display({"text/plain": "y" * 2_000_000}, raw=True, display_id=handle.display_id)
    print("z" * 500_000)
comm = ipykernel.comm.Comm(target_name="jupyter.widget", data={"state": {"v": "w" * 2_000_000}})
for i in range(8):
    comm.send({"method": "update", "state": {"v": "w" * 2_000_000}})"""


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
    submission(folder, "tamper_numpy", wrong, prepend=[TAMPER_NUMPY])
    submission(folder, "tamper_checks", wrong, prepend=[TAMPER_CHECKS])
    submission(folder, "missing", drop=["neuron_predict"])
    submission(folder, "not_a_number", {"sigmoid": "def sigmoid(x):\n    return 'one half'"})
    submission(folder, "forge_files", STUBS, prepend=[FORGE_FILES])
    submission(folder, "forge_hook", STUBS, prepend=[FORGE_HOOK])
    submission(folder, "forge_display", prepend=[FORGE_DISPLAY])
    submission(folder, "take_reference", {f: "" for f in FUNCTIONS}, prepend=[TAKE_REFERENCE])
    snoop = SNOOP % {"out": str(out), "root": str(ROOT), "secret": ENV_SECRET}
    submission(folder, "snoop", prepend=[snoop])
    submission(folder, "huge_exception", prepend=["raise type('E' * 140_000, (Exception,), {})()"])
    submission(folder, "many_errors", append=["raise ValueError('v' * 300)"] * 8)
    submission(folder, "slow_array", {"neuron_predict": SLOW_ARRAY})
    submission(folder, "output_kinds", prepend=[OUTPUT_KINDS])
    submission(folder, "=HYPERLINK(evil)")
    (folder / "malformed.ipynb").write_text('{"cells": [')
    (folder / "a b.ipynb").write_text("{}")
    (folder / "a  b.ipynb").write_text("{}")
    (folder / "link.ipynb").symlink_to(SOLUTIONS / "sigmoid.ipynb")
    lines = []
    options = GradingOptions(Limits(NOTEBOOK_LIMIT_S, 1.5), jobs=2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(SECRET_ENV, ENV_SECRET)
        report = grade("sigmoid", [folder], out, options, progress=lines.append)
    rows = {r["submission"].removesuffix(".ipynb"): r for r in report.rows}
    return rows, out, lines, report


def results(report, name):
    return json.loads(report.results[f"{name}.ipynb"].read_text())


def test_correct_submission_gets_full_marks(graded):
    rows, _, _, _ = graded
    assert rows["correct"]["status"] == "ok" and rows["correct"]["reason"] == ""
    assert rows["correct"]["score"] == FULL == rows["correct"]["max_score"]


def test_naive_sigmoid_loses_only_the_overflow_checks(graded):
    rows, _, _, report = graded
    row = rows["naive"]
    assert row["status"] == "ok"
    assert row["points_sigmoid"] == 9 - 3  # the ±1000 public check and the large hidden check
    failed = [t for t in results(report, "naive")["tests"] if t["score"] < t["max_score"]]
    assert failed and all("warned" in t["output"] for t in failed)


def test_wrong_and_raising_functions_lose_their_points(graded):
    rows, _, _, report = graded
    assert rows["wrong"]["status"] == "ok" and rows["wrong"]["points_sigmoid"] == 0
    assert rows["raising"]["points_sigmoid"] == 0
    raising = json.dumps(results(report, "raising"))
    assert (
        "raised ValueError" in raising and "no idea" not in raising
    )  # the message is not repeated
    assert "input: 0.0" in json.dumps(results(report, "raising"))  # public inputs are shown
    assert rows["not_a_number"]["points_sigmoid"] == 0


def test_tampering_cannot_raise_the_score(graded):
    rows, _, _, _ = graded
    for name in ("tamper_numpy", "tamper_checks"):
        assert rows[name]["status"] == "ok"
        assert rows[name]["score"] == rows["wrong"]["score"]


@pytest.mark.parametrize("name", ["forge_files", "forge_hook", "take_reference"])
def test_no_points_for_work_not_done(graded, name):
    rows, _, _, _ = graded
    assert rows[name]["score"] == 0, rows[name]
    if name == "forge_hook":  # the hook did answer every call first, with the token
        assert "calls sent two results (forged?): neither was counted" in rows[name]["reason"]


def test_forged_records_from_the_kernel_are_unreadable_not_fatal(graded):
    rows, _, _, report = graded
    row = rows["forge_display"]
    assert row["status"] == "error" and row["score"] == 0, row  # forged records count as no result
    assert "calls sent no result" in row["reason"], row
    tests = results(report, "forge_display")["tests"]
    assert all(t["score"] == 0 for t in tests)


def test_the_kernel_sees_no_hidden_input_secret_solution_or_gradebook(graded):
    rows, _, _, _ = graded
    if LEVEL != "bwrap":
        pytest.skip(f"sandbox level {LEVEL!r}: the notebook may read what its user may read")
    assert rows["snoop"]["status"] == "ok", rows["snoop"]["reason"]
    assert rows["snoop"]["score"] == FULL


def test_secret_and_hidden_inputs_are_in_nothing_a_student_sees(graded):
    _, out, _, report = graded
    texts = [p.read_text() for p in report.results.values() if p.exists()]
    texts.append((out / "grades.csv").read_text())
    assert not any(ENV_SECRET in t for t in texts)
    hidden_tests = [t for t in results(report, "wrong")["tests"] if t["visibility"] != "visible"]
    assert hidden_tests and all("input:" not in t["output"] for t in hidden_tests)


def test_loops_time_out_or_lose_only_the_looping_function(graded):
    rows, _, _, _ = graded
    assert rows["loop_top"]["status"] == "timeout" and rows["loop_top"]["score"] == 0
    assert "in code cell 1" in rows["loop_top"]["reason"]
    row = rows["loop_inside"]
    assert row["status"] == "ok" and row["points_neuron_predict"] == 0
    assert row["score"] == FULL - 4


def test_value_conversion_counts_against_the_call_limit(graded):
    rows, _, _, report = graded
    row = rows["slow_array"]
    assert row["status"] == "ok" and row["points_neuron_predict"] == 0
    assert row["score"] == FULL - 4
    assert "did not finish within the time limit of one call" in json.dumps(
        results(report, "slow_array")
    )


def test_exit_crash_malformed_missing(graded):
    rows, _, _, _ = graded
    assert rows["exits"]["status"] == "crashed", rows["exits"]["reason"]
    assert rows["exits"]["score"] == 0
    assert (
        rows["malformed"]["status"] == "invalid" and "not valid JSON" in rows["malformed"]["reason"]
    )
    assert rows["missing"]["status"] == "error"
    assert "neuron_predict is not defined" in rows["missing"]["reason"]
    assert rows["missing"]["score"] == FULL - 4


def test_what_the_grader_cannot_parse_or_store_still_gets_a_row(graded):
    rows, out, _, _ = graded
    huge = rows["huge_exception"]
    assert huge["status"] == "error" and huge["score"] == FULL and len(huge["reason"]) < 2100
    many = rows["many_errors"]
    assert many["status"] == "error" and many["score"] == FULL
    assert "and 3 more errors" in many["reason"]
    kinds = rows["output_kinds"]
    assert kinds["status"] == "ok" and kinds["score"] == FULL
    assert "the grader keeps none" in kinds["reason"]
    with open(out / "grades.csv", newline="") as f:
        assert all(len(v) <= 2000 for row in csv.DictReader(f) for v in row.values())


def test_names_formulas_and_links(graded):
    rows, out, _, _ = graded
    assert rows["=HYPERLINK(evil)"]["score"] == FULL
    assert rows["a b"]["status"] == rows["a  b"]["status"] == "invalid"
    link = rows["link"]
    assert link["status"] == "invalid" and "symbolic link" in link["reason"] and link["score"] == 0
    text = (out / "grades.csv").read_text()
    assert "'=HYPERLINK(evil).ipynb" in text and "\n=" not in text and ",=" not in text


def test_no_process_or_scratch_folder_is_left(graded):
    assert grading_processes() == []
    assert scratch_folders() == []


def test_grades_csv_has_a_row_per_submission_and_says_the_sandbox(graded):
    rows, out, lines, report = graded
    with open(out / "grades.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert len(table) == len(rows) == 25 and report.ungraded == []
    assert all(r["status"] in {"ok", "error", "timeout", "crashed", "invalid"} for r in table)
    assert all(r["sandbox"] == LEVEL for r in table)
    assert (
        lines[0].startswith("grading 25 submissions")
        and f"sandbox: {sandbox.resolve().summary()}" in lines[0]
    )


def test_results_json_is_gradescope_format(graded):
    _, _, _, report = graded
    data = results(report, "naive")
    assert data["score"] == sum(t["score"] for t in data["tests"])
    for t in data["tests"]:
        assert set(t) == {"name", "score", "max_score", "visibility", "output", "extra_data"}
        assert t["visibility"] in {"visible", "after_published"}


@pytest.fixture(scope="module")
def every_exercise(tmp_path_factory):
    """For every exercise: its solutions, and a notebook whose functions are nncourse's references."""
    folder = tmp_path_factory.mktemp("exercises")
    reports = {}
    for exercise_id in EXERCISE_IDS:
        sub = folder / exercise_id
        sub.mkdir()
        submission(sub, "solution", exercise=exercise_id)
        functions = [q.function for q in load_exercise(exercise_id).questions]
        take = "import nncourse as nn\n" + "\n".join(
            f"def {f}(*args, **kwargs):\n"
            f"    try:\n        from nncourse.exercises.{exercise_id} import {f} as ref\n"
            f"    except ImportError:\n        ref = getattr(nn, {f!r})\n"
            f"    return ref(*args, **kwargs)"
            for f in functions
        )
        submission(sub, "reference", exercise=exercise_id, append=[take])  # its definitions win
        options = GradingOptions(Limits(120, 10), jobs=2, secret="x")
        report = grade(exercise_id, [sub], folder / f"out-{exercise_id}", options)
        reports[exercise_id] = {r["submission"]: r for r in report.rows}
    return reports


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_solutions_score_full_and_references_nothing(every_exercise, exercise_id):
    rows = every_exercise[exercise_id]
    full = load_exercise(exercise_id).points
    assert rows["solution.ipynb"]["score"] == full, rows["solution.ipynb"]["reason"]
    assert rows["reference.ipynb"]["score"] == 0, rows["reference.ipynb"]


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
    report = grade("sigmoid", [subs], out, progress=lines.append)
    assert [r["submission"] for r in report.rows] == ["b.ipynb"]
    assert "1 submissions already" in lines[0]
    text = (out / "grades.csv").read_text()
    assert text.count("a.ipynb") == 1 and text.count("b.ipynb") == 1


def test_a_second_grader_on_the_same_out_is_refused(tmp_path, capsys):
    from nncourse.grading.gradebook import Gradebook, columns_for

    (tmp_path / "a.ipynb").write_text("{}")
    functions = [q.function for q in load_exercise("sigmoid").questions]
    with Gradebook(tmp_path / "out", columns_for(functions)):
        code = main(["grade", "sigmoid", str(tmp_path / "a.ipynb"), "--out", str(tmp_path / "out")])
    assert code == 2 and "another `nncourse grade` is writing" in capsys.readouterr().err


def test_secret_file_is_made_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    first, where = resolve_secret(None, tmp_path)
    assert resolve_secret(None, tmp_path)[0] == first and where.endswith("secret.txt")
    assert (tmp_path / "secret.txt").stat().st_mode & 0o077 == 0
    monkeypatch.setenv(SECRET_ENV, "from-env")
    assert resolve_secret(None, tmp_path)[0] == "from-env"
    assert resolve_secret("given", tmp_path)[0] == "given"


def test_bad_arguments_are_clear_errors(tmp_path):
    from nncourse.grading.submissions import collect_submissions

    with pytest.raises(ValueError, match="does not exist"):
        collect_submissions([tmp_path / "nope.ipynb"])
    assert main(["grade", "sigmoid", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert main(["grade", "sigmoid", str(tmp_path), "--out", str(tmp_path), "--timeout", "0"]) == 2
    assert main(["grade", "sigmoid", str(tmp_path), "--out", str(tmp_path), "--jobs", "0"]) == 2


def _sigint_as_in_a_terminal() -> None:
    """In the grader's process before it starts: Ctrl-C's signal at its default, as in a terminal.

    A job started in the background by a shell inherits SIGINT ignored, and Python then leaves it
    ignored (as it should: Ctrl-C is for the foreground job), so this test, run in the background,
    would wait for an interruption that never comes.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_grader_stops_every_kernel_and_keeps_the_gradebook(tmp_path, signum):
    subs = tmp_path / "subs"
    subs.mkdir()
    submission(subs, "loop_top", prepend=[ESCAPING_LOOP])
    out = tmp_path / "out"
    command = [sys.executable, "-m", "nncourse", "grade", "sigmoid", str(subs), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--timeout", "120"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_sigint_as_in_a_terminal,
    )
    started = []  # the first progress line, after any "removed <leftover of a killed run>" lines
    while len(started) < 5 and "grading 1 submissions" not in "".join(started):
        started.append(process.stderr.readline())
    assert "grading 1 submissions" in started[-1], started
    time.sleep(3)  # the kernel starts (or is starting) and loops
    process.send_signal(signum)
    assert process.wait(timeout=60) == 130
    assert "Run the same command again" in process.stderr.read()
    assert (out / "grades.csv").read_text().count("\n") == 1  # the header only
    assert grading_processes(process.pid) == []
    assert scratch_folders(process.pid) == []


# What a notebook can reach at a weaker level: the answers are withheld at every level; at "user" the
# secret and the gradebook stay out of reach too.
SNOOP_GRADER = """import glob
leaks = [p for p in glob.glob(%(out)r + "/*")]
for environ in glob.glob("/proc/*/environ"):
    try:
        if b%(secret)r in open(environ, "rb").read():
            leaks.append(environ)
    except OSError:
        pass
assert not leaks, leaks[:5]"""


@pytest.mark.parametrize("level", ["user", "none"])
def test_weaker_levels_say_so_and_still_withhold_the_answers(tmp_path, level):
    if level == "user" and os.geteuid() != 0:
        pytest.skip("level 'user' needs a grader running as root")
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    submission(subs, "correct")
    submission(subs, "take_reference", {f: "" for f in FUNCTIONS}, prepend=[TAKE_REFERENCE])
    snoop = SNOOP_GRADER % {"out": str(out), "secret": ENV_SECRET}
    submission(subs, "snoop", prepend=[snoop])
    lines = []
    options = GradingOptions(Limits(30, 3), jobs=2, sandbox=level)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(SECRET_ENV, ENV_SECRET)
        report = grade("sigmoid", [subs], out, options, progress=lines.append)
    rows = {r["submission"]: r for r in report.rows}
    assert rows["correct.ipynb"]["score"] == FULL
    assert rows["take_reference.ipynb"]["score"] == 0
    assert {r["sandbox"] for r in rows.values()} == {level}
    assert any(line.startswith("WARNING: sandbox:") for line in lines)
    if level == "user":
        assert rows["snoop.ipynb"]["status"] == "ok", rows["snoop.ipynb"]["reason"]
    assert grading_processes() == [] and scratch_folders() == []


def test_a_killed_grader_leaves_nothing_running_and_the_next_run_cleans_up(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    submission(subs, "loop_top", prepend=[ESCAPING_LOOP])
    out = tmp_path / "out"
    command = [sys.executable, "-m", "nncourse", "grade", "sigmoid", str(subs), "--out", str(out)]
    process = subprocess.Popen([*command, "--timeout", "120"], stderr=subprocess.PIPE, text=True)
    started = []  # the first progress line, after any "removed <leftover of a killed run>" lines
    while len(started) < 5 and "grading 1 submissions" not in "".join(started):
        started.append(process.stderr.readline())
    assert "grading 1 submissions" in started[-1], started
    deadline = time.monotonic() + 60
    while not grading_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert grading_processes(process.pid), "the kernel never started"
    process.kill()
    process.wait(timeout=10)
    deadline = time.monotonic() + 15
    while grading_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert grading_processes(process.pid) == []
    (subs / "loop_top.ipynb").unlink()
    (subs / "late.ipynb").write_text("{}")
    lines = []
    grade("sigmoid", [subs], out, progress=lines.append)
    assert scratch_folders(process.pid) == []
