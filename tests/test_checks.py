"""Tests of nncourse.checks (feedback in the notebook) and of the exercise specs."""

import numpy as np
import pytest

import nncourse as nn
from nncourse.checks import FAILED, NOT_IMPLEMENTED, PASSED, exercise, run_public_checks
from nncourse.exercises import EXERCISE_IDS, available_exercises, load_exercise
from nncourse.exercises.compare import as_parts, diagnose
from nncourse.exercises.spec import check_rng

SIGMOID = load_exercise("sigmoid")


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))


def not_implemented(x):
    raise NotImplementedError


@pytest.mark.parametrize("exercise_id", available_exercises())
def test_every_reference_passes_every_check(exercise_id):
    ex = load_exercise(exercise_id)
    for q in ex.questions:
        assert run_public_checks(q, q.reference).status == PASSED, q.function
        for c in q.hidden_checks:
            rng = check_rng("test-secret", ex.id, q.function, c.name)
            for call in c.calls(rng):
                expected = q.reference(*call.args, **call.kwargs)
                parts = as_parts(expected, isinstance(expected, (tuple, list)))
                assert all(np.all(np.isfinite(p)) for p in parts), (q.function, c.name)


def test_exercise_ids_and_points():
    assert set(available_exercises()) <= set(EXERCISE_IDS)
    assert SIGMOID.points == sum(q.points for q in SIGMOID.questions) > 0
    for q in SIGMOID.questions:
        assert q.public_checks and q.hidden_checks


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(ValueError, match="exercise_id must be one of"):
        load_exercise("sigmiod")


def test_hidden_inputs_depend_on_the_secret_only_through_the_seed():
    a = check_rng("s1", "sigmoid", "sigmoid", "hidden: random inputs").normal(size=3)
    b = check_rng("s1", "sigmoid", "sigmoid", "hidden: random inputs").normal(size=3)
    c = check_rng("s2", "sigmoid", "sigmoid", "hidden: random inputs").normal(size=3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_hidden_check_needs_a_generator():
    hidden = SIGMOID.question("sigmoid").hidden_checks[0]
    with pytest.raises(ValueError, match="hidden"):
        hidden.calls()


def test_correct_function_says_public_checks_passed_never_all_tests():
    fb = run_public_checks(SIGMOID.question("sigmoid"), nn.sigmoid)
    assert fb.status == PASSED
    assert "public checks passed" in fb.text()
    assert "all tests" not in fb.text().lower()
    assert "hidden" in fb.text().lower()


def test_stub_reports_not_implemented_yet_without_raising():
    fb = run_public_checks(SIGMOID.question("sigmoid"), not_implemented)
    assert fb.status == NOT_IMPLEMENTED
    assert "not implemented yet" in fb.text()


def test_naive_sigmoid_fails_only_the_overflow_check_with_a_hint():
    fb = run_public_checks(SIGMOID.question("sigmoid"), naive_sigmoid)
    assert fb.status == FAILED
    failed = [c for c in fb.checks if not c.passed]
    assert len(failed) == 1
    assert "overflow" in failed[0].problem
    assert "exp(-|x|)" in failed[0].hint


def test_failure_shows_input_expected_received():
    def halved(x):
        return nn.sigmoid(x) / 2

    text = run_public_checks(SIGMOID.question("sigmoid"), halved).text()
    for word in ("input:", "expected:", "received:", "problem:", "hint:"):
        assert word in text


def test_raising_function_is_reported_not_raised():
    def broken(x):
        raise ValueError("oops")

    fb = run_public_checks(SIGMOID.question("sigmoid"), broken)
    assert fb.status == FAILED
    assert "raised ValueError: oops" in fb.checks[0].problem


def test_checker_prints_feedback_and_summary(capsys):
    check = exercise("sigmoid")
    check(nn.sigmoid)
    check(not_implemented, name="sigmoid_grad")
    check(print, name="no_such_function")
    check.summary()
    out = capsys.readouterr().out
    assert "sigmoid: public checks passed" in out
    assert "sigmoid_grad: not implemented yet" in out
    assert "has no function 'no_such_function'" in out
    assert "neuron_predict: not checked yet" in out


@pytest.mark.parametrize(
    ("expected", "received", "phrase"),
    [
        (np.zeros(3), np.zeros((3, 1)), "a column where a flat array is expected"),
        (np.zeros((3, 1)), np.zeros(3), "a flat array where a column is expected"),
        (np.zeros((2, 3)), np.zeros((3, 2)), "transposed"),
        (np.ones(3), np.array([1.0, np.nan, 1.0]), "not finite"),
        (np.array([1.0, -2.0]), np.array([-1.0, 2.0]), "wrong sign"),
        (np.array([1.0, 2.0, 3.0]), np.array([3.0, 6.0, 9.0]), "3 times"),
        (np.array([1.0, 2.0]), np.array([1.0, 2.5]), "values differ at index 1"),
    ],
)
def test_diagnose_names_the_usual_mistakes(expected, received, phrase):
    assert phrase in diagnose([expected], [received], rtol=1e-6, atol=1e-9)


def test_diagnose_accepts_matching_results_and_checks_tuple_length():
    assert diagnose([np.ones(2)], [np.ones(2)], rtol=1e-6, atol=1e-9) is None
    assert "a tuple of 2 arrays" in diagnose([np.ones(2), np.ones(1)], [np.ones(2)], rtol=0, atol=0)


def test_as_parts_rejects_non_numbers():
    with pytest.raises(TypeError, match="not a number"):
        as_parts("0.5", structured=False)
    with pytest.raises(TypeError, match="not a number"):
        as_parts(None, structured=False)


def _run_notebook(path):
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return "".join(
        out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
    )


@pytest.mark.parametrize("exercise_id", available_exercises())
def test_source_notebook_passes_its_checks_and_student_notebook_runs(exercise_id):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    questions = load_exercise(exercise_id).questions
    solved = _run_notebook(root / "exercises" / f"{exercise_id}.ipynb")
    student = _run_notebook(root / "book" / "exercises" / f"{exercise_id}.ipynb")
    for q in questions:
        assert f"{q.function}: public checks passed" in solved
        assert f"{q.function}: not implemented yet" in student
    assert "public checks passed" not in student
