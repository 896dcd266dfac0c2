"""Tests for nncourse.optim: closed-form paths on quadratics, momentum, shapes and bad input."""

import numpy as np
import pytest

from nncourse.optim import gradient_descent, momentum_step


def test_path_on_a_quadratic_follows_the_closed_form():
    # L(x) = 1/2 a x^2 has gradient a x, so each step multiplies x by (1 - lr a).
    a, lr, x0 = 3.0, 0.1, 2.0
    path = gradient_descent(lambda x: a * x, x0, lr, steps=10)
    assert path.shape == (11, 1)
    np.testing.assert_allclose(path[:, 0], x0 * (1 - lr * a) ** np.arange(11))


def test_two_dimensional_path_starts_at_x0_and_goes_downhill():
    A = np.diag([1.0, 10.0])
    path = gradient_descent(lambda x: A @ x, [1.0, 1.0], lr=0.05, steps=50)
    assert path.shape == (51, 2)
    np.testing.assert_array_equal(path[0], [1.0, 1.0])
    losses = 0.5 * np.einsum("ti,ij,tj->t", path, A, path)
    assert np.all(np.diff(losses) < 0)


def test_too_large_a_learning_rate_diverges():
    # For L = 1/2 a x^2, gradient descent converges only when lr < 2 / a.
    path = gradient_descent(lambda x: 4.0 * x, [1.0], lr=0.6, steps=5)
    assert np.all(np.diff(np.abs(path[:, 0])) > 0)  # each step multiplies x by 1 - 2.4 = -1.4


def test_momentum_matches_the_hand_computed_steps():
    # v1 = -lr g(x0) = -0.1 * 2 = -0.2, x1 = 0.8; v2 = 0.9 * -0.2 - 0.1 * 1.6 = -0.34, x2 = 0.46
    path = gradient_descent(lambda x: 2 * x, [1.0], lr=0.1, steps=2, momentum=0.9)
    np.testing.assert_allclose(path[:, 0], [1.0, 0.8, 0.46])


def test_momentum_zero_is_plain_gradient_descent():
    grad = lambda x: np.array([2 * x[0], 8 * x[1]])  # noqa: E731
    np.testing.assert_array_equal(
        gradient_descent(grad, [1.0, 1.0], 0.1, 5),
        gradient_descent(grad, [1.0, 1.0], 0.1, 5, momentum=0.0),
    )


def test_momentum_step_updates_in_place():
    x, v = np.array([1.0, 2.0]), np.zeros(2)
    momentum_step(x, v, np.array([1.0, -1.0]), lr=0.5, momentum=0.9)
    np.testing.assert_array_equal(x, [0.5, 2.5])
    np.testing.assert_array_equal(v, [-0.5, 0.5])


def test_grad_cannot_change_the_path_by_mutating_its_argument():
    def grad(x):
        x[:] = 100.0
        return np.zeros_like(x)

    path = gradient_descent(grad, [1.0], 0.1, 2)
    np.testing.assert_array_equal(path[:, 0], [1.0, 1.0, 1.0])


def test_zero_steps_returns_only_the_start():
    np.testing.assert_array_equal(gradient_descent(lambda x: x, [3.0, 4.0], 0.1, 0), [[3.0, 4.0]])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"lr": 0.0}, "lr"),
        ({"lr": -1.0}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"lr": "0.1"}, "lr"),
        ({"momentum": None}, "momentum"),
        ({"steps": -1}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"momentum": 1.0}, "momentum"),
        ({"momentum": -0.1}, "momentum"),
        ({"x0": [[1.0, 2.0]]}, "x0"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(kwargs, name):
    args = {"grad": lambda x: x, "x0": [1.0, 2.0], "lr": 0.1, "steps": 3} | kwargs
    with pytest.raises(ValueError, match=name):
        gradient_descent(**args)


def test_grad_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="grad"):
        gradient_descent(lambda x: np.ones(3), [1.0, 2.0], 0.1, 2)
