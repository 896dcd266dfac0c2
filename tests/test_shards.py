"""Grading in parts (``--shard K/N``): the parts partition the class, and merged they equal one run.

The assignment of submissions to parts is tested on many sets of keys (hypothesis): every submission in
exactly one of N parts, the same part on every run and whatever other submissions exist. A small real
class (sigmoid notebooks made from the solutions, some with planted mistakes) is graded once whole and
once in three parts, two at a time, with the same secret: the rows and the results files of the parts
together equal those of the whole run. ``DIR/grading.json`` records each part, and a run into a folder of
another part, secret or exercise is refused before anything is graded.
"""

import csv
import json
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nncourse.exercises import load_exercise
from nncourse.grading import GradingOptions, Limits, grade
from nncourse.grading.options import SECRET_ENV, parse_shard
from nncourse.grading.plan import payload, plan_calls
from nncourse.grading.runinfo import read_run_info, run_info, write_run_info
from nncourse.grading.submissions import Submission, select_shard, shard_of

SOLUTIONS = Path(__file__).resolve().parents[1] / "exercises" / "solutions"
SECRET = "shard-test-secret"
PARTS = 3
KEYS = st.lists(st.text(min_size=1, max_size=30), unique=True, max_size=60)


def _subs(keys):
    return [Submission(k, k, Path(k)) for k in keys]


# -- the parts: a partition, deterministic, independent of the other submissions ---------------------


@pytest.mark.parametrize("n", range(1, 6))
@given(keys=KEYS)
def test_parts_partition_the_submissions(n, keys):
    parts = [select_shard(_subs(keys), (k, n)) for k in range(1, n + 1)]
    assert sorted(s.key for part in parts for s in part) == sorted(keys)
    assert all(1 <= shard_of(key, n) <= n for key in keys)


@given(keys=KEYS, late=KEYS, n=st.integers(1, 5))
def test_a_submissions_part_depends_on_its_key_alone(keys, late, n):
    alone = {key: shard_of(key, n) for key in keys}
    more = _subs(late + keys[::-1])  # other submissions, another order
    for k in range(1, n + 1):
        assert {s.key for s in select_shard(more, (k, n)) if s.key in alone} == {
            key for key, part in alone.items() if part == k
        }


def test_parts_are_fixed_numbers_and_about_even():
    # sha256 of the key: the same on every machine and every Python (no PYTHONHASHSEED)
    assert [shard_of(f"student{i}.ipynb", 4) for i in range(8)] == [
        shard_of(f"student{i}.ipynb", 4) for i in range(8)
    ]
    sizes = [
        len(select_shard(_subs([f"s{i}.ipynb" for i in range(400)]), (k, 4))) for k in (1, 2, 3, 4)
    ]
    assert sum(sizes) == 400 and min(sizes) > 60, sizes
    assert select_shard(_subs(["a", "b"]), None) == _subs(["a", "b"])


def test_parse_shard_and_clear_errors():
    assert parse_shard("2/4") == (2, 4) and parse_shard(" 1/1 ") == (1, 1)
    for bad in ("5/4", "0/3", "3", "a/b", "1/0", "-1/2", "1/2/3", "", "1.5/3"):
        with pytest.raises(ValueError, match=r"shard must be K/N with 1 <= K <= N, got"):
            parse_shard(bad)
    with pytest.raises(ValueError, match="got '5/4'"):
        parse_shard("5/4")
    for bad in ((0, 2), (3, 2), (1,), "1/2", (True, 2), (1.0, 2)):
        with pytest.raises(ValueError, match=r"shard must be a pair \(k, n\)"):
            GradingOptions(shard=bad)
    assert GradingOptions(shard=(2, 3)).shard == (2, 3)


def test_every_part_draws_the_same_hidden_inputs():
    exercise = load_exercise("sigmoid")
    assert payload(plan_calls(exercise, SECRET)) == payload(plan_calls(exercise, SECRET))
    assert payload(plan_calls(exercise, SECRET)) != payload(plan_calls(exercise, "other"))


# -- a real class, graded whole and in three parts -------------------------------------------------

WRONG = "def sigmoid(x):\n    return np.tanh(np.asarray(x, dtype=float))"
NAIVE = "def sigmoid(x):\n    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))"
RAISING = "def sigmoid(x):\n    raise ValueError('no idea')"
STUBS = {
    f: f"def {f}(*args):\n    raise NotImplementedError"
    for f in ("sigmoid", "sigmoid_grad", "neuron_probability", "neuron_predict")
}
CLASS = {  # name: (functions replaced, functions dropped, cells appended)
    "ada": ({}, (), ()),
    "bob": ({"sigmoid": NAIVE}, (), ()),
    "cleo": ({"sigmoid": WRONG}, (), ()),
    "dev": ({"sigmoid": RAISING}, (), ()),
    "eve": ({}, ("neuron_predict",), ()),
    "finn": (STUBS, (), ()),
    "gus": ({}, (), ("raise RuntimeError('after the work')",)),
    "hana": ({"sigmoid": WRONG}, ("sigmoid_grad",), ()),
}


def _notebook(folder, name, replace, drop, append):
    nb = nbformat.read(SOLUTIONS / "sigmoid.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        defined = [f for f in (*replace, *drop) if cell.source.startswith(f"def {f}(")]
        if defined and defined[0] in drop:
            continue
        if defined:
            cell.source = replace[defined[0]]
        cells.append(cell)
    nb.cells = cells + [nbformat.v4.new_code_cell(src) for src in append]
    nbformat.write(nb, folder / f"{name}.ipynb")


def _rows(out):
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        return {row["submission"]: row for row in csv.DictReader(f)}


def _results(report):
    found = {}
    for key, path in report.results.items():
        data = json.loads(path.read_text())
        data.pop("execution_time")
        found[key] = data
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded whole into one folder, then in three parts into three others."""
    folder = tmp_path_factory.mktemp("class")
    for name, (replace, drop, append) in CLASS.items():
        _notebook(folder, name, replace, drop, append)
    (folder / "ivy.ipynb").write_text("{}")  # invalid: graded without a kernel
    base = tmp_path_factory.mktemp("graded")
    limits = Limits(60, 5)
    whole = grade("sigmoid", [folder], base / "whole", GradingOptions(limits, 2, SECRET))
    parts, lines = [], []
    for k in range(1, PARTS + 1):
        options = GradingOptions(limits, 2, SECRET, shard=(k, PARTS))
        parts.append(grade("sigmoid", [folder], base / f"part-{k}", options, lines.append))
    return SimpleNamespace(folder=folder, base=base, whole=whole, parts=parts, lines=lines)


def test_the_parts_together_are_the_whole_class(graded):
    keys = [sorted(p.results) for p in graded.parts]
    assert sorted(k for part in keys for k in part) == sorted(graded.whole.results)
    assert len(graded.whole.results) == len(CLASS) + 1 and not graded.whole.ungraded
    assert all(not p.ungraded for p in graded.parts)


def test_merged_rows_equal_one_unsharded_run_field_by_field(graded):
    merged = {}
    for k in range(1, PARTS + 1):
        merged.update(_rows(graded.base / f"part-{k}"))
    assert merged == _rows(graded.base / "whole")
    statuses = {row["status"] for row in merged.values()}
    assert {"ok", "error", "invalid"} <= statuses, statuses  # the class is not all alike
    assert len({row["score"] for row in merged.values()}) >= 4


def test_merged_results_equal_one_unsharded_run_except_the_time(graded):
    merged = {}
    for part in graded.parts:
        merged.update(_results(part))
    assert merged == _results(graded.whole)


def test_every_folder_records_its_part_and_the_same_secret(graded):
    base = graded.base
    whole = read_run_info(base / "whole")
    assert whole.shard is None and whole.exercise == "sigmoid"
    for k in range(1, PARTS + 1):
        info = read_run_info(base / f"part-{k}")
        assert info.shard == (k, PARTS)
        assert (info.secret_id, info.checks_id) == (whole.secret_id, whole.checks_id)
        assert SECRET not in (base / f"part-{k}" / "grading.json").read_text()
    said = [line for line in graded.lines if line.startswith("part ")]
    assert said[0].startswith(f"part 1 of {PARTS}: ") and said[0].endswith(
        f" of {len(CLASS) + 1} submissions"
    )
    assert len(said) == PARTS


def test_another_part_or_secret_into_one_folder_is_refused(graded, monkeypatch):
    folder, out = graded.folder, graded.base / "part-1"
    before = (out / "grades.csv").read_text()
    monkeypatch.delenv(SECRET_ENV, raising=False)
    with pytest.raises(
        ValueError, match=r"holds grades of 'sigmoid', part 1 of 3; this run grades"
    ):
        grade("sigmoid", [folder], out, GradingOptions(secret=SECRET, shard=(2, PARTS)))
    with pytest.raises(ValueError, match="the whole class"):
        grade("sigmoid", [folder], out, GradingOptions(secret=SECRET))
    with pytest.raises(ValueError, match="with another secret"):
        grade(
            "sigmoid", [folder], out, GradingOptions(secret="other", shard=(1, PARTS), regrade=True)
        )
    with pytest.raises(ValueError, match="was graded with a secret given by --secret"):
        grade("sigmoid", [folder], out, GradingOptions(shard=(1, PARTS)))
    assert not (out / "secret.txt").exists()
    assert (out / "grades.csv").read_text() == before  # --regrade refused before forgetting rows
    assert read_run_info(out).shard == (1, PARTS)


# -- folders without a kernel: invalid notebooks are graded without one ----------------------------


def test_another_exercise_or_other_checks_are_refused(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    out = tmp_path / "out"
    out.mkdir()
    write_run_info(out, run_info(load_exercise("softmax"), SECRET))
    with pytest.raises(ValueError, match=r"holds grades of 'softmax', the whole class"):
        grade("sigmoid", [tmp_path / "a.ipynb"], out, GradingOptions(secret=SECRET))
    info = run_info(load_exercise("sigmoid"), SECRET)
    write_run_info(out, type(info)(info.exercise, info.secret_id, "0" * 16))
    with pytest.raises(ValueError, match=r"other checks of 'sigmoid'.*--regrade"):
        grade("sigmoid", [tmp_path / "a.ipynb"], out, GradingOptions(secret=SECRET))
    grade("sigmoid", [tmp_path / "a.ipynb"], out, GradingOptions(secret=SECRET, regrade=True))
    assert read_run_info(out) == info


def test_a_folder_graded_before_grading_json_gets_one(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "b.ipynb").write_text("[]")
    out = tmp_path / "out"
    grade("sigmoid", [tmp_path / "a.ipynb"], out, GradingOptions(secret=SECRET))
    (out / "grading.json").unlink()  # as an older nncourse left it
    report = grade("sigmoid", [tmp_path], out, GradingOptions(secret=SECRET))
    assert [r["submission"] for r in report.rows] == ["b.ipynb"]
    assert read_run_info(out) == run_info(load_exercise("sigmoid"), SECRET)


def test_a_late_submission_joins_one_part_and_moves_no_other(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(6):
        (subs / f"s{i}.ipynb").write_text("{}")
    first = {
        k: set(
            grade(
                "sigmoid", [subs], tmp_path / f"p{k}", GradingOptions(secret=SECRET, shard=(k, 2))
            ).results
        )
        for k in (1, 2)
    }
    (subs / "late.ipynb").write_text("{}")
    late = shard_of("late.ipynb", 2)
    for k in (1, 2):
        report = grade(
            "sigmoid", [subs], tmp_path / f"p{k}", GradingOptions(secret=SECRET, shard=(k, 2))
        )
        assert set(report.results) == first[k] | ({"late.ipynb"} if k == late else set())
        assert [r["submission"] for r in report.rows] == (["late.ipynb"] if k == late else [])


def test_a_part_with_its_folders_own_secret_is_warned_about(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    (tmp_path / "a.ipynb").write_text("{}")
    lines = []
    grade(
        "sigmoid",
        [tmp_path / "a.ipynb"],
        tmp_path / "out",
        GradingOptions(shard=(1, 1)),
        lines.append,
    )
    i = lines.index("part 1 of 1: 1 of 1 submissions")
    assert lines[i + 1].startswith("WARNING: the hidden inputs come from")
    assert "cannot be merged" in lines[i + 1]
    lines.clear()
    grade("sigmoid", [tmp_path / "a.ipynb"], tmp_path / "whole", GradingOptions(), lines.append)
    assert not any("WARNING: the hidden inputs" in line for line in lines)
