"""Gradient checking: derivatives by central differences, to test hand-written gradients.

Backpropagation is easy to get subtly wrong; comparing it with this slow but simple estimate is
how the course (and its tests) know a gradient is right.

Taught in: chapter "Backpropagation" (gradient checking).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from nncourse._validation import ArgumentTypeError, as_real, expected

__all__ = ["numerical_gradient"]


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: ArrayLike, eps: float = 1e-6
) -> np.ndarray:
    r"""Estimate the gradient of a scalar function ``f`` at ``x`` by central differences.

    .. math:: \frac{\partial f}{\partial x_i} \approx
              \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}

    The error of a central difference shrinks like :math:`\varepsilon^2`, against :math:`\varepsilon`
    for a one-sided one. ``x`` is copied to float64, since in float32 the rounding errors of ``f``
    (relative size about :math:`10^{-7}`), divided by :math:`2\varepsilon`, would swamp the
    derivative; ``f`` is called with arrays of ``x``'s shape.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns a scalar.
    x : array-like
        The point at which to differentiate.
    eps : float
        The step :math:`\varepsilon`, positive.

    Returns
    -------
    ndarray of float64, the shape of ``x``.

    Taught in: chapter "Backpropagation".
    """
    if not callable(f):
        raise ArgumentTypeError(expected("f", "a callable returning a scalar", repr(f)))
    eps = as_real(eps, "eps", within="(0, inf)")
    point = np.array(x, dtype=np.float64)
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + eps
        above = _scalar(f(point))
        point[index] = original - eps
        below = _scalar(f(point))
        point[index] = original
        grad[index] = (above - below) / (2 * eps)
    return grad


def _scalar(value) -> float:
    """Return ``f``'s result as a float, refusing anything that is not a single number."""
    array = np.asarray(value)
    if array.size != 1:
        raise ValueError(expected("f", "it to return a scalar", f"shape {array.shape}"))
    return float(array.reshape(()))
