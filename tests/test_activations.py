"""Tests for nncourse.activations: hand values, SciPy as an oracle, properties and gradients."""

import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import nncourse as nn

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
score_rows = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite)


def test_sigmoid_hand_values():
    np.testing.assert_allclose(nn.sigmoid([0.0, np.log(3.0)]), [0.5, 0.75])


def test_sigmoid_matches_scipy_expit():
    x = np.linspace(-50, 50, 201)
    np.testing.assert_allclose(nn.sigmoid(x), scipy.special.expit(x), rtol=1e-12)


@given(finite)
def test_sigmoid_symmetry(x):
    assert nn.sigmoid(-x) == pytest.approx(1 - nn.sigmoid(x), abs=1e-12)


def test_softmax_of_2_1_0():
    np.testing.assert_allclose(nn.softmax([2.0, 1.0, 0.0]).round(2), [0.67, 0.24, 0.09])


def test_softmax_matches_scipy_on_every_axis():
    z = np.random.default_rng(0).normal(size=(3, 4, 5))
    for axis in (0, 1, 2, -1):
        np.testing.assert_allclose(nn.softmax(z, axis=axis), scipy.special.softmax(z, axis=axis))
        np.testing.assert_allclose(
            nn.log_softmax(z, axis=axis), scipy.special.log_softmax(z, axis=axis)
        )


@given(score_rows)
def test_softmax_rows_are_probabilities(z):
    p = nn.softmax(z)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


@given(score_rows, finite)
def test_softmax_is_shift_invariant(z, c):
    np.testing.assert_allclose(nn.softmax(z + c), nn.softmax(z), atol=1e-12)


@given(finite, finite)
def test_softmax_of_two_scores_is_sigmoid_of_difference(a, b):
    assert nn.softmax([a, b])[0] == pytest.approx(nn.sigmoid(a - b), abs=1e-12)


def test_no_overflow_warning_or_nan_at_large_scores():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (nn.softmax, nn.log_softmax, nn.sigmoid, nn.sigmoid_grad, nn.tanh, nn.tanh_grad):
            assert np.all(np.isfinite(f(z)))
    np.testing.assert_allclose(nn.log_softmax(z)[0], [0.0, -2000.0, -1000.0])


def test_step_relu_leaky_values():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(nn.step(x), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(nn.relu(x), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(nn.relu_grad(x), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(nn.leaky_relu(x, alpha=0.1), [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(nn.leaky_relu_grad(x), [0.01, 0.01, 1.0])


@pytest.mark.parametrize(
    ("f", "grad"),
    [
        (nn.sigmoid, nn.sigmoid_grad),
        (nn.tanh, nn.tanh_grad),
        (nn.relu, nn.relu_grad),
        (nn.leaky_relu, nn.leaky_relu_grad),
    ],
)
@given(x=arrays(np.float64, 4, elements=st.floats(-6, 6).filter(lambda v: abs(v) > 1e-3)))
def test_derivatives_match_finite_differences(f, grad, x):
    numeric = nn.numerical_gradient(lambda v: f(v).sum(), x)
    np.testing.assert_allclose(grad(x), numeric, atol=1e-6)


def test_sigmoid_grad_peaks_at_a_quarter():
    assert nn.sigmoid_grad(0.0) == 0.25
    assert nn.sigmoid_grad(20.0) < 1e-8


def test_dtypes_float_kept_int_becomes_float64():
    assert nn.sigmoid(np.ones(3, dtype=np.float32)).dtype == np.float32
    assert nn.softmax(np.ones(3, dtype=np.float32)).dtype == np.float32
    assert nn.relu([1, 2]).dtype == np.float64
    assert nn.step(1).dtype == np.float64
    assert isinstance(nn.sigmoid(0.0), np.ndarray)


@pytest.mark.parametrize("f", [nn.sigmoid, nn.tanh, nn.relu, nn.step, nn.softmax, nn.log_softmax])
def test_non_numeric_input_raises_type_error(f):
    with pytest.raises(TypeError, match="expected real numbers, got an array of dtype <U1"):
        f(["a", "b"])


def test_bad_alpha_raises():
    with pytest.raises(TypeError, match=r"alpha: expected a real number, got '0\.1'"):
        nn.leaky_relu([1.0], alpha="0.1")
