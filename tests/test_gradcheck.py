"""Tests for nncourse.gradcheck.numerical_gradient."""

import numpy as np
import pytest

import nncourse as nn


def test_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = nn.numerical_gradient(lambda v: (v**3).sum() + v[0, 1] * v[1, 0], x)
    expected = 3 * x**2 + np.array([[0.0, x[1, 0]], [x[0, 1], 0.0]])
    np.testing.assert_allclose(grad, expected, rtol=1e-7)
    assert grad.shape == x.shape


def test_does_not_change_its_input_and_handles_scalars():
    x = np.array([1.0, 2.0])
    nn.numerical_gradient(lambda v: v @ v, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    assert nn.numerical_gradient(lambda v: np.sin(v), 0.0) == pytest.approx(1.0)


def test_float32_input_is_differentiated_in_float64():
    x = np.array([0.3, -0.7], dtype=np.float32)
    np.testing.assert_allclose(nn.numerical_gradient(lambda v: (v**2).sum(), x), 2 * x, rtol=1e-6)


def test_bad_arguments_raise():
    with pytest.raises(TypeError, match="f: expected a callable returning a scalar, got 3"):
        nn.numerical_gradient(3, [1.0])
    with pytest.raises(ValueError, match=r"eps: expected a real number in \(0, inf\), got 0"):
        nn.numerical_gradient(np.sum, [1.0], eps=0)
    with pytest.raises(ValueError, match=r"f: expected it to return a scalar, got shape \(2,\)"):
        nn.numerical_gradient(lambda v: v, [1.0, 2.0])
