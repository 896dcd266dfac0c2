"""Gradient descent and its refinements: momentum, RMSProp and Adam.

Each method is one small function that updates a parameter array in place (`momentum_step`,
`rmsprop_step`, `adam_step`), and one that walks a 2-D loss surface with it and returns the path
(`gradient_descent`, `rmsprop`, `adam`). `MLP.fit` applies the same update to all weights at once
(`make_update`): for momentum the same function; for RMSProp and Adam the same operations in the same
order on preallocated arrays, which give the same numbers to the last bit, so the pictures in the
chapter show exactly what training does.

Notation as in the chapter: :math:`E` is the function minimised, :math:`\\eta` the learning rate
(``lr``), :math:`\\beta` the momentum and :math:`t = 1, 2, \\dots` the step counter. RMSProp's
:math:`\\alpha` and Adam's :math:`\\beta_1, \\beta_2` are PyTorch's names, and so are their defaults.

Taught in: chapter "Gradient descent".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from nncourse._validation import as_choice, as_int, as_real, expected

__all__ = [
    "OPTIMIZERS",
    "adam",
    "adam_step",
    "gradient_descent",
    "make_update",
    "momentum_step",
    "rmsprop",
    "rmsprop_step",
]

OPTIMIZERS = ("sgd", "rmsprop", "adam")
"""The names ``MLP.fit(optimizer=...)`` accepts; ``"sgd"`` is plain or momentum descent."""


def momentum_step(
    x: np.ndarray, velocity: np.ndarray, grad: np.ndarray, lr: float, momentum: float
) -> None:
    """One step of gradient descent with (heavy-ball) momentum, in place.

    .. math::

        v \\leftarrow \\beta v - \\eta \\nabla E(x), \\qquad x \\leftarrow x + v

    With :math:`\\beta = 0` this is plain gradient descent, :math:`x \\leftarrow x - \\eta \\nabla E(x)`:
    a step *against* the gradient, downhill. ``x`` and ``velocity`` are updated in place (so the
    caller's arrays, e.g. a layer's weights, change); nothing is returned.

    Taught in: chapter "Gradient descent".
    """
    velocity *= momentum
    velocity -= lr * grad
    x += velocity


def rmsprop_step(
    x: np.ndarray,
    square_avg: np.ndarray,
    grad: np.ndarray,
    lr: float,
    alpha: float = 0.99,
    eps: float = 1e-8,
) -> None:
    """One step of RMSProp, in place: each coordinate's step divided by its recent gradient size.

    .. math::

        s \\leftarrow \\alpha s + (1 - \\alpha)\\, g \\odot g, \\qquad
        x \\leftarrow x - \\eta \\, \\frac{g}{\\sqrt{s} + \\varepsilon}, \\qquad g = \\nabla E(x)

    ``square_avg`` is :math:`s`, the running mean of the squared gradients (starting at 0). A
    coordinate with steep gradients gets small steps and a flat one large steps, so a long narrow
    valley is crossed at about the same speed in every direction. As ``torch.optim.RMSprop``
    (without its momentum and centred options).

    Taught in: chapter "Gradient descent".
    """
    square_avg *= alpha
    square_avg += (1 - alpha) * grad * grad
    x -= lr * grad / (np.sqrt(square_avg) + eps)


def adam_step(
    x: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    grad: np.ndarray,
    t: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> None:
    """One step of Adam, in place: momentum on the gradient, RMSProp's scaling, both bias-corrected.

    .. math::

        m \\leftarrow \\beta_1 m + (1 - \\beta_1)\\, g, \\qquad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2)\\, g \\odot g,

        \\hat m = \\frac{m}{1 - \\beta_1^t}, \\qquad \\hat v = \\frac{v}{1 - \\beta_2^t}, \\qquad
        x \\leftarrow x - \\eta\\, \\frac{\\hat m}{\\sqrt{\\hat v} + \\varepsilon}

    with :math:`g = \\nabla E(x)` and :math:`t` the number of this step, 1 for the first. ``m`` and
    ``v`` start at 0, so early on they are too small; dividing by :math:`1 - \\beta^t` corrects that.
    As ``torch.optim.Adam`` (Kingma and Ba, 2015).

    Taught in: chapter "Gradient descent".
    """
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    # The update above with numerator and denominator multiplied by c = sqrt(1 - beta2^t): the
    # same number, without dividing all of v by 1 - beta2^t at every step.
    c = (1 - beta2**t) ** 0.5
    denominator = np.sqrt(v)
    denominator += eps * c
    x -= lr * c / (1 - beta1**t) * m / denominator


def _check_rates(lr: float, **rates: float) -> tuple[float, ...]:
    """Return ``lr`` in (0, inf) and each of ``rates`` (momentum, alpha, betas) in [0, 1) as floats."""
    checked = [as_real(lr, "lr", within="(0, inf)")]
    checked += [as_real(value, name, within="[0, 1)") for name, value in rates.items()]
    return tuple(checked)


def make_update(
    optimizer: str, x: np.ndarray, lr: float, momentum: float = 0.0
) -> Callable[[np.ndarray], None]:
    """Return ``update(grad)``, which takes one step of ``optimizer`` on ``x`` in place.

    The returned function keeps the optimiser's state (velocity, running averages, step count)
    between calls. ``optimizer`` is one of `OPTIMIZERS`; ``momentum`` is for ``"sgd"`` only, and the
    adaptive methods use PyTorch's defaults. Given a gradient of ``x``'s dtype (as `MLP.fit` gives),
    each call computes exactly what `momentum_step`, `rmsprop_step` or `adam_step` computes, to the
    last bit. Used by `MLP.fit`.
    """
    optimizer = as_choice(optimizer, OPTIMIZERS, "optimizer")
    lr, momentum = _check_rates(lr, momentum=momentum)
    if optimizer != "sgd" and momentum != 0:
        got = f"{momentum!r} with optimizer={optimizer!r}"
        raise ValueError(expected("momentum", "0.0 unless optimizer='sgd'", got))
    if optimizer == "sgd":
        velocity = np.zeros_like(x)
        return lambda grad: momentum_step(x, velocity, grad, lr, momentum)
    if optimizer == "rmsprop":
        return _rmsprop_update(x, lr)
    return _adam_update(x, lr)


# `MLP.fit` calls its update once per mini-batch on a vector of a few thousand weights, where the
# cost of a NumPy operation is mostly the call itself, and a call with a Python float costs about
# half as much again as one with an array: NumPy converts the float anew every time. The two updates
# below are `rmsprop_step` and `adam_step` line for line, with every constant made once as a 0-d
# array of x's dtype (the float32 or float64 value NumPy would have converted the float to) and the
# intermediate results written into preallocated arrays (out=): the same operations in the same
# order, so the same results to the bit (tests/test_optim.py checks).


def _constants(x: np.ndarray, *values: float) -> list[np.ndarray]:
    """Each of ``values`` as a 0-d array of ``x``'s dtype."""
    return [np.array(value, dtype=x.dtype) for value in values]


def _rmsprop_update(
    x: np.ndarray, lr: float, alpha: float = 0.99, eps: float = 1e-8
) -> Callable[[np.ndarray], None]:
    """`rmsprop_step` on ``x`` as a function of the gradient; ``square_avg`` kept between calls."""
    arrays = x, np.zeros_like(x), np.empty_like(x), np.empty_like(x)
    alpha_, one_minus_alpha, lr_, eps_ = _constants(x, alpha, 1 - alpha, lr, eps)

    def update(grad: np.ndarray) -> None:
        x, square_avg, work, denominator = arrays
        square_avg *= alpha_
        square_avg += np.multiply(np.multiply(one_minus_alpha, grad, out=work), grad, out=work)
        denominator = np.sqrt(square_avg, out=denominator)
        denominator += eps_
        x -= np.divide(np.multiply(lr_, grad, out=work), denominator, out=work)

    return update


def _adam_update(
    x: np.ndarray, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
) -> Callable[[np.ndarray], None]:
    """`adam_step` on ``x`` as a function of the gradient; ``m``, ``v`` and ``t`` kept between calls."""
    arrays = x, np.zeros_like(x), np.zeros_like(x), np.empty_like(x), np.empty_like(x)
    beta1_, one_minus_beta1, beta2_, one_minus_beta2 = _constants(
        x, beta1, 1 - beta1, beta2, 1 - beta2
    )
    eps_c, step_size = _constants(x, 0.0, 0.0)  # set at each step
    t = 0

    def update(grad: np.ndarray) -> None:
        nonlocal t
        t += 1
        x, m, v, work, denominator = arrays
        m *= beta1_
        m += np.multiply(one_minus_beta1, grad, out=work)
        v *= beta2_
        v += np.multiply(np.multiply(one_minus_beta2, grad, out=work), grad, out=work)
        c = (1 - beta2**t) ** 0.5
        eps_c[...] = eps * c
        denominator = np.sqrt(v, out=denominator)
        denominator += eps_c
        step_size[...] = lr * c / (1 - beta1**t)
        x -= np.divide(np.multiply(step_size, m, out=work), denominator, out=work)

    return update


def _start(x0: ArrayLike, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """The starting point as a 1-D float copy, and the path array with ``path[0] = x0``."""
    steps = as_int(steps, "steps")
    x = np.atleast_1d(np.asarray(x0, dtype=float)).copy()
    if x.ndim != 1:
        raise ValueError(expected("x0", "a scalar or a 1-D point", f"shape {x.shape}"))
    path = np.empty((steps + 1, x.size))
    path[0] = x
    return x, path


def _gradient_at(grad: Callable[[np.ndarray], ArrayLike], x: np.ndarray) -> np.ndarray:
    """``grad(x)`` as a float array of ``x``'s shape (a scalar point's gradient may be () or (1,))."""
    g = np.asarray(grad(x.copy()), dtype=float)  # a copy: grad must not change our point
    if g.size != x.size:
        raise ValueError(expected("grad", f"it to return shape {x.shape}", f"shape {g.shape}"))
    return g.reshape(x.shape)


def gradient_descent(
    grad: Callable[[np.ndarray], ArrayLike],
    x0: ArrayLike,
    lr: float,
    steps: int,
    momentum: float = 0.0,
) -> np.ndarray:
    """Run gradient descent from ``x0`` and return every point it visits.

    .. math::

        v_0 = 0, \\qquad v_{t+1} = \\beta v_t - \\eta \\nabla E(x_t), \\qquad x_{t+1} = x_t + v_{t+1}

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns :math:`\\nabla E(x)`, an array of the same shape as ``x``.
    x0 : array-like of shape (dim,) or scalar
        The starting point.
    lr : float
        The learning rate :math:`\\eta > 0`.
    steps : int
        Number of updates.
    momentum : float, default 0.0
        :math:`\\beta \\in [0, 1)`; 0 is plain gradient descent.

    Returns
    -------
    path : ndarray of shape (steps + 1, dim)
        ``path[0]`` is ``x0`` and ``path[t]`` the point after ``t`` updates.

    Examples
    --------
    >>> path = gradient_descent(lambda x: 2 * x, x0=[1.0, -2.0], lr=0.25, steps=2)
    >>> path
    array([[ 1.  , -2.  ],
           [ 0.5 , -1.  ],
           [ 0.25, -0.5 ]])

    Taught in: chapter "Gradient descent".
    """
    lr, momentum = _check_rates(lr, momentum=momentum)
    x, path = _start(x0, steps)
    velocity = np.zeros_like(x)
    for t in range(1, len(path)):
        momentum_step(x, velocity, _gradient_at(grad, x), lr, momentum)
        path[t] = x
    return path


def rmsprop(
    grad: Callable[[np.ndarray], ArrayLike],
    x0: ArrayLike,
    lr: float,
    steps: int,
    alpha: float = 0.99,
    eps: float = 1e-8,
) -> np.ndarray:
    """Run RMSProp (`rmsprop_step`) from ``x0`` and return every point it visits.

    Arguments and result as for `gradient_descent`; ``alpha`` is the decay :math:`\\alpha \\in [0, 1)`
    of the running mean of squared gradients (which starts at 0) and ``eps`` the
    :math:`\\varepsilon > 0` added to its square root.

    Taught in: chapter "Gradient descent".
    """
    lr, alpha = _check_rates(lr, alpha=alpha)
    eps = as_real(eps, "eps", within="(0, inf)")
    x, path = _start(x0, steps)
    square_avg = np.zeros_like(x)
    for t in range(1, len(path)):
        rmsprop_step(x, square_avg, _gradient_at(grad, x), lr, alpha, eps)
        path[t] = x
    return path


def adam(
    grad: Callable[[np.ndarray], ArrayLike],
    x0: ArrayLike,
    lr: float,
    steps: int,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> np.ndarray:
    """Run Adam (`adam_step`) from ``x0`` and return every point it visits.

    Arguments and result as for `gradient_descent`; ``beta1`` and ``beta2`` in [0, 1) are the
    decays of the running means of the gradient and of its square (both start at 0), and ``eps``
    the :math:`\\varepsilon > 0` added to :math:`\\sqrt{\\hat v}`.

    Taught in: chapter "Gradient descent".
    """
    lr, beta1, beta2 = _check_rates(lr, beta1=beta1, beta2=beta2)
    eps = as_real(eps, "eps", within="(0, inf)")
    x, path = _start(x0, steps)
    m, v = np.zeros_like(x), np.zeros_like(x)
    for t in range(1, len(path)):
        adam_step(x, m, v, _gradient_at(grad, x), t, lr, beta1, beta2, eps)
        path[t] = x
    return path
