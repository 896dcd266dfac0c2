"""Tests of nncourse.checks (feedback in the notebook) and of the exercise specs."""

import numpy as np
import pytest
import test_exercises_content as mistakes  # the catalogue's typical mistakes

import nncourse as nn
from nncourse.checks import (
    FAILED,
    NOT_IMPLEMENTED,
    PASSED,
    exercise,
    finite_difference_report,
    run_public_checks,
)
from nncourse.exercises import EXERCISE_IDS, available_exercises, load_exercise
from nncourse.exercises.compare import Problem, as_parts, diagnose, reductions_without_keepdims
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


# -- feedback chosen from what was received ---------------------------------------------------------


SOFTMAX = load_exercise("softmax")
BACKPROP = load_exercise("backprop")


def failures(exercise, function_name, function):
    feedback = run_public_checks(exercise.question(function_name), function)
    return {c.name: c for c in feedback.checks if not c.passed}


@pytest.mark.parametrize(
    ("expected", "received", "kind", "phrase"),
    [
        ((3,), (1, 3), "row", "a row with an extra leading axis"),
        ((3,), (3, 1), "column", "a column where a flat array is expected"),
        ((3, 1), (3,), "flat", "a flat array where a column is expected"),
        ((1, 3), (3,), "flat", "a flat array where a row is expected"),
        ((2, 3), (3, 2), "transposed", "transposed"),
        ((3,), (), "scalar", "a single number"),
        ((2, 3), (2, 2), "shape", "received shape (2, 2), expected (2, 3)"),
    ],
)
def test_shapes_have_exact_words(expected, received, kind, phrase):
    problem = diagnose([np.zeros(expected)], [np.zeros(received)], rtol=0, atol=0)
    assert problem.kind == kind and phrase in problem
    if kind == "row":
        assert "column" not in problem


def test_every_failing_part_is_listed_under_its_name():
    expected = [np.ones((2, 3)), np.ones(3), np.ones((3, 1)), np.ones(1)]
    received = [np.ones((3, 2)), np.ones((1, 3)), np.ones((3, 1)), np.ones((1, 1))]
    problem = diagnose(expected, received, rtol=0, atol=0, names=["dW1", "db1", "dW2", "db2"])
    lines = problem.split("\n")
    assert [line.split(":")[0] for line in lines] == ["dW1", "db1", "db2"]
    assert problem.kinds == ("transposed", "row", "row")


def test_integers_fail_only_where_floats_are_promised():
    ints = np.eye(3, dtype=int)
    assert diagnose([np.eye(3)], [ints], rtol=0, atol=0) is None
    assert diagnose([np.eye(3)], [ints], rtol=0, atol=0, floats=True).kind == "dtype"


def test_a_nan_hint_only_for_a_nan_result():
    # Normalised over the whole array, the ±1000 check returns finite 0.25s: a rows hint, no nan.
    def whole(z):
        e = np.exp(z - z.max())
        return e / e.sum()

    c = failures(SOFTMAX, "softmax", whole)["scores of ±1000 without overflow"]
    assert "nan" not in c.problem and "inf" not in c.hint and "each row" in c.hint

    def naive(z):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    c = failures(SOFTMAX, "softmax", naive)["scores of ±1000 without overflow"]
    assert "overflow encountered in exp" in c.problem and "inf / inf is nan" in c.hint


def test_the_keepdims_hint_names_the_reduction_the_learner_wrote():
    def softmax(z):
        e = np.exp(z - z.max(axis=1))
        return e / e.sum(axis=1, keepdims=True)

    failed = failures(SOFTMAX, "softmax", softmax)
    for c in failed.values():
        assert "z.max(axis=1) drops the axis" in c.hint and "e.sum" not in c.hint
    assert "line" in failed["scores of ±1000 without overflow"].problem


def test_logsumexp_hints_follow_the_warning_and_the_shape():
    name = "scores of ±1000 without overflow"
    unshifted = failures(SOFTMAX, "logsumexp", mistakes.logsumexp_without_the_shift)[name]
    assert "exp(1000) is inf" in unshifted.hint
    forgot = failures(SOFTMAX, "logsumexp", mistakes.logsumexp_without_adding_the_max_back)
    forgot = forgot["one row of scores (2, 1, 0)"]
    assert "add m back" in forgot.hint and "inf" not in forgot.hint
    shaped = failures(SOFTMAX, "logsumexp", mistakes.logsumexp_as_a_column)
    shaped = shaped["a batch: one number per row, square and not"]
    assert "a column where a flat array is expected" in shaped.problem and "(n,)" in shaped.hint


def test_logsumexp_shift_without_keepdims_and_integer_one_hot_fail_a_public_check():
    def integers(labels, num_classes):
        return np.eye(num_classes, dtype=int)[labels]

    failed = failures(SOFTMAX, "logsumexp", mistakes.logsumexp_shift_without_keepdims)
    assert "a batch: one number per row, square and not" in failed
    assert "floats" in next(iter(failures(SOFTMAX, "one_hot", integers).values())).problem


def test_an_argument_changed_in_place_fails_and_is_named():
    def in_place(z):
        z -= z.max(axis=1, keepdims=True)
        return nn.softmax(z, axis=1)

    c = next(iter(failures(SOFTMAX, "softmax", in_place).values()))
    assert "changed its argument z in place" in c.problem and "z -=" in c.hint


def test_an_error_in_a_helper_names_the_helper_its_line_and_the_caller():
    def hidden_delta(delta2, W2, Z1):
        return (delta2 @ W2) * nn.sigmoid_grad(Z1)

    def gradients(X, Y, W1, b1, W2, b2):
        Z1 = X @ W1 + b1
        delta2 = (nn.sigmoid(nn.sigmoid(Z1) @ W2 + b2) - Y) / Y.size
        delta1 = hidden_delta(delta2, W2, Z1)
        return X.T @ delta1, delta1.sum(axis=0), nn.sigmoid(Z1).T @ delta2, delta2.sum(axis=0)

    c = next(iter(failures(BACKPROP, "gradients", gradients).values()))
    assert "in hidden_delta, line" in c.problem and "called from gradients" in c.problem
    assert "(delta2 @ W2)" in c.problem


def test_backprop_gradients_list_every_wrong_part_by_name_with_a_hint_for_each():
    def gradients(X, Y, W1, b1, W2, b2):
        dW1, db1, dW2, db2 = BACKPROP.question("gradients").reference(X, Y, W1, b1, W2, b2)
        return dW1.T, db1[None, :], dW2, db2[None, :]

    c = failures(BACKPROP, "gradients", gradients)["the XOR data through a 2-3-1 network"]
    assert c.problem.startswith("dW1: ") and "\ndb1: " in c.problem and "\ndb2: " in c.problem
    assert "transposed shape" in c.hint and "keepdims" in c.hint


def test_hint_for_walks_from_the_kind_to_its_family_then_the_generic_hint():
    check = SOFTMAX.question("softmax").public_checks[2]
    assert check.hint_for(Problem("x", "overflow")) == check.hints["nonfinite"]
    assert check.hint_for(Problem("x", "row")) == check.hints["shape"]
    assert check.hint_for(Problem("x", "sign")) == check.hint
    assert check.hint_for("plain text") == check.hint
    assert SIGMOID.question("sigmoid").public_checks[0].hint_for(Problem("x", "mutated")) == ""


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("return s - np.log(np.exp(s).sum(axis=1))", ["np.exp(s).sum(axis=1)"]),
        ("e = np.exp(z - np.max(z, axis=1))", ["np.max(z, axis=1)"]),
        ("e / e.sum(axis=1, keepdims=True)", []),
        ("z.sum()", []),
    ],
)
def test_reductions_without_keepdims(source, found):
    assert reductions_without_keepdims(source) == found


def test_finite_difference_report_compares_shapes_first(capsys):
    ref = BACKPROP.question("gradients").reference
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=(5, 3)).astype(float)
    params = [
        rng.normal(size=(3, 3)),
        rng.normal(size=3),
        rng.normal(size=(3, 3)),
        rng.normal(size=3),
    ]

    def loss(*p):
        return nn.binary_cross_entropy(Y, BACKPROP.question("forward").reference(X, *p))

    def column_biases(*p):
        dW1, db1, dW2, db2 = ref(X, Y, *p)
        return dW1, db1[None, :], dW2, db2[:, None]

    names = ["dW1", "db1", "dW2", "db2"]
    good = finite_difference_report(loss, params, lambda *p: ref(X, Y, *p), names)
    assert all(float(line.split()[-1]) < 1e-8 for line in good)
    bad = finite_difference_report(loss, params, column_biases, names)
    assert "db1: shape (1, 3), but the parameter's is (3,): a row" in bad[1]
    assert "db2: shape (3, 1)" in bad[3] and "a column" in bad[3]
    raised = finite_difference_report(loss, params, lambda *p: np.ones(2) @ np.ones(3), names)
    assert raised[0].startswith("your gradients raised ValueError")
    assert "largest difference" in capsys.readouterr().out


def test_feedback_values_do_not_follow_the_learners_print_options():
    """A chapter or a learner may call np.set_printoptions(suppress=True); the feedback stays the same."""
    from nncourse.exercises.compare import format_value

    value = np.array([0.0, 1.92875e-22, 0.5])
    before = format_value(value)
    with np.printoptions(precision=2, suppress=True):
        assert format_value(value) == before == "[0.00000e+00 1.92875e-22 5.00000e-01]"


@pytest.mark.parametrize(
    "silence",
    [
        lambda f: np.errstate(over="ignore")(f),
        lambda f: np.errstate(all="ignore")(f),
    ],
)
def test_a_silenced_overflow_fails_in_the_notebook_as_in_the_grader(silence):
    """The notebook's checks call the learner's function as the grader does (harness.watched_call)."""
    question = load_exercise("sigmoid").question("sigmoid")
    naive = silence(lambda x: 1 / (1 + np.exp(-np.asarray(x, dtype=float))))
    failed = {c.name: c for c in run_public_checks(question, naive).checks if not c.passed}
    assert [c.forbid_warnings for c in question.checks if c.name in failed] == [True]
    assert "overflow encountered in exp" in next(iter(failed.values())).problem
