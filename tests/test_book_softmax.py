"""Hold every number of the chapter "Softmax and one-hot encoding" (book/softmax.ipynb) through nncourse.

The notebook computes what it prints; these tests pin those results, and the few numbers written in its
prose, so the text and the package cannot drift apart. nbval executes the notebook itself.
"""

import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nncourse as nn

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "softmax.ipynb"
SCORES = np.array([2.0, 1.0, 0.0])
finite_scores = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def prose(notebook):
    """All markdown of the chapter, with line breaks folded into spaces."""
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    return re.sub(r"\s+", " ", text)


def naive_softmax(z):
    """The chapter's naive_softmax: the formula typed in, without subtracting the maximum."""
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# --- worked numbers --------------------------------------------------------------------------------


def test_separate_sigmoids_do_not_sum_to_one():
    assert round(float(nn.sigmoid(SCORES).sum()), 4) == 2.1119


def test_softmax_table_2_1_0():
    assert np.round(nn.softmax(SCORES), 2).tolist() == [0.67, 0.24, 0.09]
    assert round(float(np.exp(SCORES).sum()), 4) == 11.1073


@pytest.mark.parametrize("shift", [0.0, 100.0, -7.5])
def test_shifted_table_is_unchanged(shift):
    np.testing.assert_allclose(nn.softmax(SCORES + shift), nn.softmax(SCORES), rtol=1e-12)


def test_two_class_softmax_is_sigmoid_of_difference_on_the_chapters_pairs():
    pairs = np.random.default_rng(0).uniform(-6, 6, size=(1000, 2))
    gap = np.abs(nn.softmax(pairs)[:, 0] - nn.sigmoid(pairs[:, 0] - pairs[:, 1])).max()
    assert gap < 1e-15


def test_overflow_thresholds_quoted_in_the_text(prose):
    assert round(float(np.log(np.finfo(np.float64).max)), 2) == 709.78
    assert round(float(np.log(np.finfo(np.float32).max)), 2) == 88.72
    assert (
        "exceeds about {glue:text}`softmax-limit-64:.1f` (only {glue:text}`softmax-limit-32:.1f` in float32)"
        in prose
    )
    assert f"{np.log(np.finfo(np.float64).max):.1f}" == "709.8"
    assert f"{np.log(np.finfo(np.float32).max):.1f}" == "88.7"


def test_naive_softmax_overflows_and_underflows_as_shown():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        too_large = naive_softmax(np.array([1000.0, 999.0, 998.0]))
        too_small = naive_softmax(np.array([-1000.0, -1000.0, -1000.0]))
    assert np.isnan(too_large).all() and np.isnan(too_small).all()
    messages = {str(w.message) for w in caught}
    assert "overflow encountered in exp" in messages
    assert "invalid value encountered in divide" in messages


def test_stable_softmax_at_large_scores_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(nn.softmax([1000.0, 999.0, 998.0]), nn.softmax(SCORES))
        np.testing.assert_allclose(nn.softmax([-1000.0, -1000.0, -1000.0]), np.full(3, 1 / 3))


def test_builtin_sum_normalises_the_wrong_axis():
    batch = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0]])
    e = np.exp(batch)
    wrong = e / sum(e)
    assert np.round(wrong.sum(axis=1), 4).tolist() == [1.6593, 1.3407]
    np.testing.assert_allclose(nn.softmax(batch).sum(axis=1), [1.0, 1.0])
    assert np.round(nn.softmax(batch)[1], 4).tolist() == [0.0453, 0.0453, 0.9094]


def test_temperature_table():
    table = {T: nn.softmax(SCORES / T) for T in [0.25, 0.5, 1.0, 2.0, 4.0, 100.0]}
    assert np.round(table[0.25], 3).tolist() == [0.982, 0.018, 0.0]
    assert np.round(table[0.5], 3).tolist() == [0.867, 0.117, 0.016]
    assert np.round(table[2.0], 3).tolist() == [0.506, 0.307, 0.186]
    assert np.round(table[4.0], 3).tolist() == [0.419, 0.326, 0.254]
    assert np.round(table[100.0], 3).tolist() == [0.337, 0.333, 0.330]
    # Lower temperature: more confident in the top class; the order never changes.
    tops = [table[T][0] for T in sorted(table)]
    assert tops == sorted(tops, reverse=True)
    assert all((np.argsort(p) == [2, 1, 0]).all() for p in table.values())


def test_one_hot_of_animals():
    animals = np.array(["walrus", "duck", "beaver", "duck", "walrus"])
    class_names, labels = np.unique(animals, return_inverse=True)
    Y = nn.one_hot(labels, num_classes=len(class_names))
    assert class_names.tolist() == ["beaver", "duck", "walrus"]
    assert labels.tolist() == [2, 1, 0, 1, 2]
    np.testing.assert_array_equal(Y, np.eye(3)[[2, 1, 0, 1, 2]])
    assert class_names[Y.argmax(axis=1)].tolist() == animals.tolist()


def test_one_hot_width_depends_on_num_classes():
    assert nn.one_hot([0, 1, 1]).shape == (3, 2)
    assert nn.one_hot([0, 1, 1], num_classes=3).shape == (3, 3)


def test_check_your_understanding_answers(prose):
    np.testing.assert_allclose(nn.softmax([5.0, 5.0, 5.0]), np.full(3, 1 / 3))
    np.testing.assert_allclose(nn.softmax([-40.0, -40.0, -40.0]), np.full(3, 1 / 3))
    # (4, 2, 0) is (2, 1, 0) at temperature 1/2.
    np.testing.assert_allclose(nn.softmax([4.0, 2.0, 0.0]), nn.softmax(SCORES / 0.5))
    assert (
        "about {glue:text}`softmax-q2-sharp:.2f` instead of {glue:text}`softmax-cat:.2f`" in prose
    )
    assert round(float(nn.softmax([4.0, 2.0, 0.0])[0]), 2) == 0.87
    # sigma(3 - 1) for the two-class softmax of (3, 1).
    assert "\\approx$ {glue:text}`softmax-q3:.2f`" in prose
    assert nn.softmax([3.0, 1.0])[0] == pytest.approx(float(nn.sigmoid(2.0)), rel=1e-15)
    assert round(float(nn.sigmoid(2.0)), 2) == 0.88


# --- the properties the chapter derives --------------------------------------------------------


@settings(deadline=None)  # a loaded machine must not fail a property test
@given(st.lists(finite_scores, min_size=2, max_size=6))
def test_softmax_is_positive_and_sums_to_one(z):
    # "Positive" on paper; in float64 a share can underflow to 0, never below.
    p = nn.softmax(z)
    assert (p >= 0).all()
    assert p.max() > 0
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    bounded = np.clip(np.asarray(z), -30, 30)
    assert (nn.softmax(bounded) > 0).all()


@settings(deadline=None)  # a loaded machine must not fail a property test
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=6), st.floats(-500, 500))
def test_softmax_ignores_an_added_constant(z, shift):
    z = np.asarray(z)
    np.testing.assert_allclose(nn.softmax(z + shift), nn.softmax(z), rtol=1e-9, atol=1e-300)


@settings(deadline=None)  # a loaded machine must not fail a property test
@given(finite_scores, finite_scores)
def test_two_class_softmax_equals_sigmoid_of_difference(a, b):
    assert nn.softmax([a, b])[0] == pytest.approx(float(nn.sigmoid(a - b)), rel=1e-12, abs=1e-300)


# --- the notebook itself -----------------------------------------------------------------------


def test_notebook_calls_the_temperature_widget(notebook):
    assert any("softmax_temperature(" in cell.source for cell in notebook.cells)


def test_two_class_scores_are_z1_z2_and_the_maximum_is_z_max(prose):
    """Notation: a and b are an activation and a bias, m a layer index; not softmax's scores or maximum."""
    assert r"\operatorname{softmax}(z_1, z_2)_1" in prose and r"\sigma(z_1 - z_2)" in prose
    assert r"z_{\max} = \max_l z_l" in prose
    assert "m = \\max" not in prose and "(a, b)" not in prose


def test_glued_numbers(prose):
    """The numbers the prose takes from the cells, at the digits it shows them."""
    assert "{glue:text}`softmax-cat:.2f`" in prose
    assert round(float(nn.softmax(SCORES)[0]), 2) == 0.67
    assert "{glue:text}`softmax-float-max`" in prose
    assert f"{np.finfo(np.float64).max:.1e}" == "1.8e+308"
    assert round(float(nn.sigmoid(2.0)), 2) == 0.88
