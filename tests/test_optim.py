"""Tests for nncourse.optim: closed-form paths on quadratics, momentum, RMSProp and Adam (by hand
and against PyTorch, where it is installed), shapes and bad input."""

import math

import numpy as np
import pytest

from nncourse.optim import (
    adam,
    adam_step,
    gradient_descent,
    make_update,
    momentum_step,
    rmsprop,
    rmsprop_step,
)

try:
    import torch
except ImportError:  # PyTorch is only an oracle: the hand-written references run without it
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


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


# ----- RMSProp and Adam -----

VALLEY = np.diag([1.0, 20.0])  # the chapter's valley E(w) = 1/2 (w1^2 + 20 w2^2), plus a tilt


def valley_grad(x):
    return VALLEY @ x + np.array([0.5, -1.0])


def test_rmsprop_first_two_steps_by_hand():
    # E(x) = x^2 from x0 = 1, gradient 2x; s starts at 0.
    lr, alpha, eps = 0.01, 0.99, 1e-8
    g0 = 2.0
    s1 = (1 - alpha) * g0**2  # 0.04
    x1 = 1.0 - lr * g0 / (math.sqrt(s1) + eps)  # a step of about lr / sqrt(1 - alpha) = 0.1
    g1 = 2 * x1
    s2 = alpha * s1 + (1 - alpha) * g1**2
    x2 = x1 - lr * g1 / (math.sqrt(s2) + eps)
    path = rmsprop(lambda x: 2 * x, [1.0], lr=lr, steps=2)
    np.testing.assert_allclose(path[:, 0], [1.0, x1, x2], rtol=1e-15)
    assert x1 == pytest.approx(0.9, abs=1e-7)


def test_adam_first_two_steps_by_hand():
    # After bias correction, Adam's first step is lr * g / (|g| + eps): lr in every coordinate.
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    x0 = np.array([1.0, -3.0])
    g0 = 2 * x0
    m1, v1 = (1 - b1) * g0, (1 - b2) * g0**2
    x1 = x0 - lr * (m1 / (1 - b1)) / (np.sqrt(v1 / (1 - b2)) + eps)
    g1 = 2 * x1
    m2, v2 = b1 * m1 + (1 - b1) * g1, b2 * v1 + (1 - b2) * g1**2
    x2 = x1 - lr * (m2 / (1 - b1**2)) / (np.sqrt(v2 / (1 - b2**2)) + eps)
    path = adam(lambda x: 2 * x, x0, lr=lr, steps=2)
    np.testing.assert_allclose(path, [x0, x1, x2], rtol=1e-14)
    np.testing.assert_allclose(path[1], [0.9, -2.9], rtol=1e-7)


def test_adaptive_steps_cross_the_valley_at_the_same_speed_in_both_directions():
    # The gradient is 20 times larger across the valley, yet Adam's first step is the same size.
    path = adam(lambda x: VALLEY @ x, [1.0, 1.0], lr=0.05, steps=1)
    np.testing.assert_allclose(path[1], [0.95, 0.95])


def test_step_functions_update_in_place_and_keep_float32():
    x = np.array([1.0, -1.0], dtype=np.float32)
    m, v, s = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    g = np.array([0.5, 2.0], dtype=np.float32)
    adam_step(x, m, v, g, 1, lr=0.1)
    rmsprop_step(x, s, g, lr=0.1)
    assert x.dtype == m.dtype == v.dtype == s.dtype == np.float32
    assert np.all(m != 0) and np.all(v != 0) and np.all(s != 0)


def test_make_update_keeps_the_state_between_calls():
    x = np.array([1.0, -3.0])
    update = make_update("adam", x, lr=0.1)
    for _ in range(2):
        update(2 * x)
    np.testing.assert_allclose(x, adam(lambda p: 2 * p, [1.0, -3.0], lr=0.1, steps=2)[-1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("optimizer", ["rmsprop", "adam"])
def test_fits_update_is_the_step_function_to_the_bit(optimizer, dtype):
    # make_update (MLP.fit's update) does the step function's operations on preallocated arrays.
    rng = np.random.default_rng(0)
    scale = np.exp(rng.normal(scale=5.0, size=(300, 40)))  # gradients from about 1e-9 to 1e9
    grads = (rng.normal(size=(300, 40)) * scale).astype(dtype)
    grads[:, :3] = 0.0  # a weight that never moves
    grads[100:, 3] = -0.0  # one that stops moving
    x = rng.normal(size=40).astype(dtype)
    ours, first, second = x.copy(), np.zeros_like(x), np.zeros_like(x)
    update = make_update(optimizer, ours, lr=0.01)
    for t, grad in enumerate(grads, start=1):
        update(grad)
        if optimizer == "adam":
            adam_step(x, first, second, grad, t, lr=0.01)
        else:
            rmsprop_step(x, first, grad, lr=0.01)
        assert ours.dtype == dtype and ours.tobytes() == x.tobytes(), f"step {t}"


def _torch_path(optimizer_class, x0, steps, **hyperparameters):
    """The points PyTorch's optimizer visits on the valley, in float64."""
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_class([p], **hyperparameters)
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        p.grad = torch.from_numpy(valley_grad(p.detach().numpy().copy()))
        optimizer.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


@needs_torch
@pytest.mark.parametrize(
    "hyperparameters",
    [{"lr": 0.01}, {"lr": 0.1, "alpha": 0.9, "eps": 1e-6}, {"lr": 0.003, "alpha": 0.0}],
)
def test_rmsprop_agrees_with_torch_step_for_step(hyperparameters):
    ours = rmsprop(valley_grad, [1.5, 0.7], steps=60, **hyperparameters)
    theirs = _torch_path(torch.optim.RMSprop, [1.5, 0.7], 60, **hyperparameters)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@needs_torch
@pytest.mark.parametrize(
    ("hyperparameters", "betas"),
    [
        ({"lr": 0.01}, (0.9, 0.999)),
        ({"lr": 0.2, "eps": 1e-4}, (0.5, 0.9)),
        ({"lr": 0.05}, (0.0, 0.99)),
    ],
)
def test_adam_agrees_with_torch_step_for_step(hyperparameters, betas):
    ours = adam(
        valley_grad, [1.5, 0.7], steps=60, beta1=betas[0], beta2=betas[1], **hyperparameters
    )
    theirs = _torch_path(torch.optim.Adam, [1.5, 0.7], 60, betas=betas, **hyperparameters)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@needs_torch
def test_defaults_are_pytorchs():
    rms = torch.optim.RMSprop([torch.zeros(1)]).defaults
    adam_defaults = torch.optim.Adam([torch.zeros(1)]).defaults
    assert (rms["alpha"], rms["eps"]) == (0.99, 1e-8)
    assert adam_defaults["betas"] == (0.9, 0.999) and adam_defaults["eps"] == 1e-8
    np.testing.assert_allclose(
        adam(valley_grad, [1.0, 1.0], lr=0.01, steps=5),
        _torch_path(torch.optim.Adam, [1.0, 1.0], 5, lr=0.01),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        rmsprop(valley_grad, [1.0, 1.0], lr=0.01, steps=5),
        _torch_path(torch.optim.RMSprop, [1.0, 1.0], 5, lr=0.01),
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: adam(valley_grad, [1.0, 1.0], lr=0.0, steps=1),
            r"lr: expected a real number in \(0, inf\)",
        ),
        (
            lambda: adam(valley_grad, [1.0, 1.0], lr=0.1, steps=1, beta1=1.0),
            r"beta1: expected a real number in \[0, 1\)",
        ),
        (lambda: adam(valley_grad, [1.0, 1.0], lr=0.1, steps=1, beta2=-0.1), "beta2"),
        (lambda: adam(valley_grad, [1.0, 1.0], lr=0.1, steps=1, eps=0.0), "eps"),
        (lambda: rmsprop(valley_grad, [1.0, 1.0], lr=0.1, steps=1, alpha=1.0), "alpha"),
        (lambda: rmsprop(valley_grad, [1.0, 1.0], lr=0.1, steps=-1), "steps"),
        (
            lambda: make_update("adamw", np.zeros(2), 0.1),
            "optimizer: expected one of 'sgd', 'rmsprop', 'adam', got 'adamw'",
        ),
        (
            lambda: make_update("rmsprop", np.zeros(2), 0.1, momentum=0.5),
            "momentum: expected 0.0 unless optimizer='sgd'",
        ),
    ],
)
def test_bad_adaptive_arguments_raise_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()
