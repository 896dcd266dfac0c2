"""The learner's page on the checks (book/checks.md) and the instructor guide (book/instructors.md).

Both show the exercises table read from the specs (glued from ``exercise_table``), and type no list of
exercises or points by hand. The checks page quotes the feedback as it is printed: its problem-line
table and examples are compared with what :mod:`nncourse.exercises.compare` and
:func:`nncourse.checks.run_public_checks` really print for wrong functions, so that a change of the
feedback's wording fails here until the page is updated. The instructor guide's GitHub Actions workflow
(``examples/grade-in-shards.yml``, included in the page) is parsed and held to the command line: one
part per job, ``--shard K/N`` with the same N everywhere, the parts merged by ``nncourse report``.
"""

import linecache
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from nncourse.checks import run_public_checks
from nncourse.exercises import EXERCISE_IDS, load_exercise
from nncourse.exercises.compare import (
    assess,
    changed_inputs,
    describe_error,
    diagnose,
    warning_problem,
)

BOOK = Path(__file__).resolve().parents[1] / "book"
GUIDES = ["checks", "instructors"]
OVERFLOW = "overflow encountered in exp"


def _text(page):
    return (BOOK / f"{page}.md").read_text(encoding="utf-8")


def _prose(page):
    """The page without its front matter, code cells and glue directives: what was typed by hand."""
    text = _text(page).split("\n---\n", 1)[1]
    return re.sub(r"```\{(code-cell|glue:md)\}.*?```", "", text, flags=re.S)


def _problem_rows():
    """The rows of the checks page's table "the problem line says | what usually happened"."""
    text = _text("checks")
    table = text.split("| the problem line says |", 1)[1].split("\n\n", 1)[0]
    return [line for line in table.splitlines()[2:] if line.startswith("|")]


# -- the exercises table comes from the specs ---------------------------------------------------


@pytest.mark.parametrize("page", GUIDES)
def test_page_is_a_text_notebook_that_glues_the_exercise_table(page):
    text = _text(page)
    assert text.startswith("---\njupytext:\n") and "format_name: myst" in text
    cell = re.search(r"```\{code-cell\} ipython3\n(.*?)```", text, re.S).group(1)
    assert ":tags: [remove-cell]" in cell
    assert 'exercise_table("exercises/")' in cell and 'glue("exercise_table"' in cell
    assert "```{glue:md} exercise_table\n:format: myst\n```" in text


@pytest.mark.parametrize("page", GUIDES)
def test_no_hand_typed_points_or_list_of_exercises(page):
    prose = _prose(page)
    assert not re.search(r"\(\d+ ?\+ ?\d+\)", prose), "points typed as (public + hidden)"
    assert not re.search(r"\b\d+ points?\b", prose), "a number of points typed by hand"
    for line in prose.splitlines():
        named = [e for e in EXERCISE_IDS if f"`{e}`" in line]
        assert len(named) <= 2, f"a hand-typed list of exercises: {line}"


@pytest.mark.parametrize("page", GUIDES)
def test_no_function_of_an_exercise_is_listed_by_hand(page):
    functions = {q.function for e in EXERCISE_IDS for q in load_exercise(e).questions}
    for line in _prose(page).splitlines():
        named = {f for f in functions if f"`{f}`" in line}
        assert len(named) <= 2, f"a hand-typed list of functions: {line}"


def test_checks_page_keeps_the_section_on_different_digits():
    assert (
        "(checks-reproducibility)=\n## Why your computer may print slightly different digits"
        in (_text("checks"))
    )


# -- the problem-line table says what the feedback prints ---------------------------------------


def _shape_words(expected, received):
    problem = diagnose([np.zeros(expected)], [np.zeros(received)], rtol=0, atol=0)
    return str(problem).split(": ", 1)[1].split(";")[0]


def _cell_error(source, function, *args):
    """What describe_error says for ``function`` defined in a notebook cell holding ``source``."""
    filename = "/tmp/ipykernel_1/1.py"  # how IPython names a cell's code
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"np": np}
    exec(compile(source, filename, "exec"), namespace)  # a fixed source, run as a cell
    try:
        namespace[function](*args)
    except ValueError as error:
        return str(describe_error(error))
    finally:
        linecache.cache.pop(filename, None)
    raise AssertionError(f"{function} did not raise")


BROADCAST_CELL = """def softmax(z):
    e = np.exp(z - z.max(axis=1))
    return e / e.sum(axis=1, keepdims=True)
"""

# The backprop example of the page: hidden_delta without the transpose, its line 8 in the cell.
HELPER_CELL = """def output_delta(Y, Y_hat):
    return (Y_hat - Y) / Y.size


def hidden_delta(delta2, W2, Z1):
    # the error signal of the hidden layer
    n = len(Z1)
    back = delta2 @ W2
    return back * Z1


def gradients(X, W2):
    return hidden_delta(X @ W2, W2, X)
"""


def _phrases():
    """(what it is, the phrase the feedback prints) for every kind of problem the table explains."""
    e, floats = np.array([1.0, 2.0]), {"rtol": 1e-7, "atol": 0.0}
    factor = str(diagnose([e], [4 * e], **floats))
    nan = str(assess([e], [np.array([np.nan, 2.0])], **floats, warned=[OVERFLOW]))
    dtype = str(diagnose([e], [np.array([1, 2])], **floats, floats=True))
    mutated = str(changed_inputs((np.zeros(2),), (np.ones(2),), ["z"]))
    broadcast = _cell_error(BROADCAST_CELL, "softmax", np.ones((2, 3)))
    values = str(diagnose([e], [e + np.array([0.0, 1.0])], **floats))
    return [
        ("row", _shape_words((3,), (1, 3))),
        ("column", _shape_words((3,), (3, 1))),
        ("flat", _shape_words((3, 1), (3,))),
        ("scalar", _shape_words((3,), ())),
        ("transposed", _shape_words((2, 3), (3, 2)).split(": ")[-1]),
        ("sign", str(diagnose([e], [-e], **floats)).split(":")[0]),
        ("factor", re.search(r"times the expected one: [^(]*\w", factor).group()),
        ("nan", re.search(r"not finite", nan).group()),
        ("nan warning", nan.splitlines()[1]),
        ("warned", str(warning_problem(OVERFLOW)).split(":")[0]),
        ("dtype", re.search(r"where floats are expected", dtype).group()),
        ("mutated", mutated.split(" z in place")[0]),
        ("in place", re.search(r"in place", mutated).group()),
        ("keepdims", broadcast.splitlines()[-1].split(") ", 1)[-1]),
        ("values", re.search(r"values differ at index", values).group()),
    ]


@pytest.mark.parametrize(("kind", "phrase"), _phrases(), ids=[k for k, _ in _phrases()])
def test_problem_table_quotes_the_feedback(kind, phrase):
    rows = [row.split(" | ")[0] for row in _problem_rows()]
    assert any(phrase in row for row in rows), f"no row of the problem table says {phrase!r}"


def test_error_example_names_the_function_its_line_and_its_caller():
    where = _cell_error(HELPER_CELL, "gradients", np.ones((2, 3)), np.ones((3, 1))).splitlines()[1]
    assert (
        where == "in hidden_delta, line 8 of its cell (`back = delta2 @ W2`), called from gradients"
    )
    assert where in _text("checks")
    row = next(row for row in _problem_rows() if "raised" in row)
    assert "line ... of its cell, called from" in row


def test_tuple_example_lists_every_failing_part_by_name():
    names = ("dW1", "db1", "dW2", "db2")
    expected = [np.ones((2, 3)), np.ones(3), np.ones((3, 1)), np.ones(1)]
    received = [np.ones((3, 2)), np.ones((1, 3)), np.ones((3, 1)), np.ones((1, 1))]
    lines = str(diagnose(expected, received, rtol=1e-7, atol=0, names=names)).splitlines()
    assert [line.split(":")[0] for line in lines] == ["dW1", "db1", "db2"]
    text = _text("checks")
    for line in lines:
        assert line in text


# -- the examples are what wrong functions really get -------------------------------------------


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("exercise", "function"), [("sigmoid", naive_sigmoid), ("softmax", naive_softmax)]
)
def test_examples_are_the_real_feedback(exercise, function):
    question = load_exercise(exercise).question(exercise)
    feedback = run_public_checks(question, function)
    failed = next(c for c in feedback.checks if not c.passed)
    text = _text("checks")
    for line in failed.problem.splitlines():
        assert line in text, f"the page does not quote {line!r}"
    if exercise == "sigmoid":  # the whole block, up to the hint the page shortens with "..."
        block = feedback.text().splitlines()
        for line in block:
            if line.strip().startswith("hint:"):
                shown = next(s for s in text.splitlines() if s.strip().startswith("hint:"))
                assert line.startswith(shown.removesuffix("..."))
            else:
                assert line in text.splitlines(), f"the page does not quote {line!r}"


# -- the GitHub Actions workflow of "Grading on several machines" -------------------------------

WORKFLOW = BOOK.parent / "examples" / "grade-in-shards.yml"


def _workflow():
    yaml = pytest.importorskip("yaml")
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    flow["on"] = flow.get("on", flow.pop(True, None))  # YAML 1.1 reads the key `on` as True
    return flow


def _runs(job, command):
    return [s["run"] for s in job["steps"] if command in s.get("run", "")]


def test_guide_includes_the_shard_workflow_and_keeps_a_place_for_the_report():
    text = _text("instructors")
    assert "```{literalinclude} ../examples/grade-in-shards.yml\n:language: yaml\n```" in text
    for heading in (
        "Grading on several machines",
        "Exporting to Canvas or Moodle",
        "The class report",
    ):
        assert f"\n## {heading}\n" in text
    assert '--lms canvas --match "SIS Login ID"' in text


def test_shard_workflow_grades_every_part_with_the_cli_as_it_is():
    from nncourse.__main__ import build_parser
    from nncourse.grading.options import SECRET_ENV, parse_shard

    flow = _workflow()
    exercise = flow["on"]["workflow_dispatch"]["inputs"]["exercise"]["default"]
    assert exercise in EXERCISE_IDS
    job = flow["jobs"]["grade"]
    shards = job["strategy"]["matrix"]["shard"]
    n = len(shards)
    assert n > 1 and shards == list(range(1, n + 1))
    assert job["env"][SECRET_ENV] == "${{ secrets." + SECRET_ENV + " }}"
    (command,) = _runs(job, "nncourse grade")
    assert "--secret" not in command  # from the environment: not readable on a command line
    names = " ".join(s.get("name", "") for s in job["steps"])
    assert {int(m) for m in re.findall(r" of (\d+)", names)} == {n}
    assert {int(m) for m in re.findall(r"/(\d+)\b", command)} == {n}
    for k in shards:
        line = command.replace("${{ matrix.shard }}", str(k))
        argv = shlex.split(line.replace("${{ inputs.exercise }}", exercise))[1:]
        args, unknown = build_parser().parse_known_args(argv)
        shard = getattr(args, "shard", None) or unknown[unknown.index("--shard") + 1]
        assert (shard if isinstance(shard, tuple) else parse_shard(shard)) == (k, n)
        assert (args.command, args.exercise, args.out) == ("grade", exercise, Path(f"out-{k}"))
        assert unknown in ([], ["--shard", f"{k}/{n}"])
    (upload,) = [s["with"] for s in job["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload == {"name": "out-${{ matrix.shard }}", "path": "out-${{ matrix.shard }}"}


def test_shard_workflow_merges_the_parts_into_one_report_artifact():
    job = _workflow()["jobs"]["report"]
    assert job["needs"] == "grade"
    (download,) = [s["with"] for s in job["steps"] if "download-artifact" in s.get("uses", "")]
    assert download == {"pattern": "out-*"}
    assert _runs(job, "nncourse report") == ["nncourse report out-* --out report"]
    (upload,) = [s["with"] for s in job["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload == {"name": "report", "path": "report"}
