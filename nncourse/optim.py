"""Gradient descent, with and without momentum.

The update that `MLP.fit` applies to every weight array is the same one `gradient_descent` applies
to a point on a 2-D loss surface, so the pictures in the chapter show exactly what training does.

Taught in: chapter "Gradient descent".
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["check_hyperparameters", "gradient_descent", "momentum_step"]


def momentum_step(
    x: np.ndarray, velocity: np.ndarray, grad: np.ndarray, lr: float, momentum: float
) -> None:
    """One step of gradient descent with (heavy-ball) momentum, in place.

    .. math::

        v \\leftarrow \\mu v - \\eta \\nabla L(x), \\qquad x \\leftarrow x + v

    With :math:`\\mu = 0` this is plain gradient descent, :math:`x \\leftarrow x - \\eta \\nabla L(x)`:
    a step *against* the gradient, downhill. ``x`` and ``velocity`` are updated in place (so the
    caller's arrays, e.g. a layer's weights, change); nothing is returned.

    Taught in: chapter "Gradient descent".
    """
    velocity *= momentum
    velocity -= lr * grad
    x += velocity


def check_hyperparameters(lr: float, momentum: float) -> tuple[float, float]:
    """Return ``lr`` and ``momentum`` as Python floats; ValueError unless lr > 0 and 0 <= momentum < 1.

    Python floats, because a NumPy float64 scalar would turn float32 arithmetic into float64.
    """
    if isinstance(lr, bool) or not isinstance(lr, Real) or not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr: expected a positive learning rate, got {lr!r}")
    if isinstance(momentum, bool) or not isinstance(momentum, Real) or not (0 <= momentum < 1):
        raise ValueError(f"momentum: expected a number in [0, 1), got {momentum!r}")
    return float(lr), float(momentum)


def gradient_descent(
    grad: Callable[[np.ndarray], ArrayLike],
    x0: ArrayLike,
    lr: float,
    steps: int,
    momentum: float = 0.0,
) -> np.ndarray:
    """Run gradient descent from ``x0`` and return every point it visits.

    .. math::

        v_0 = 0, \\qquad v_{t+1} = \\mu v_t - \\eta \\nabla L(x_t), \\qquad x_{t+1} = x_t + v_{t+1}

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns :math:`\\nabla L(x)`, an array of the same shape as ``x``.
    x0 : array-like of shape (dim,) or scalar
        The starting point.
    lr : float
        The learning rate :math:`\\eta > 0`.
    steps : int
        Number of updates.
    momentum : float, default 0.0
        :math:`\\mu \\in [0, 1)`; 0 is plain gradient descent.

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
    lr, momentum = check_hyperparameters(lr, momentum)
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps: expected a non-negative integer, got {steps!r}")
    x = np.atleast_1d(np.asarray(x0, dtype=float)).copy()
    if x.ndim != 1:
        raise ValueError(f"x0: expected a scalar or a 1-D point, got shape {x.shape}")
    velocity = np.zeros_like(x)
    path = np.empty((steps + 1, x.size))
    path[0] = x
    for t in range(1, steps + 1):
        g = np.asarray(grad(x.copy()), dtype=float)  # a copy: grad must not change our point
        if g.size != x.size:
            raise ValueError(f"grad: expected it to return shape {x.shape}, got {g.shape}")
        # A scalar x0 gives a point of shape (1,); accept grad(x) of shape () or (1,) alike.
        g = g.reshape(x.shape)
        momentum_step(x, velocity, g, lr, momentum)
        path[t] = x
    return path
