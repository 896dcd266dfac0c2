"""Activation functions and their derivatives.

Each function takes an array-like (or a scalar) and returns a NumPy array of the same shape; floats keep
their precision and integers become float64. The derivatives are with respect to the input ``x``.

Taught in: chapter "The sigmoid" (sigmoid, step), "Softmax and one-hot encoding" (softmax,
log_softmax) and "Backpropagation" (tanh, ReLU, leaky ReLU and every derivative).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nncourse._validation import as_float_array, as_real

__all__ = [
    "leaky_relu",
    "leaky_relu_grad",
    "log_softmax",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "step",
    "tanh",
    "tanh_grad",
]


def sigmoid(x: ArrayLike) -> np.ndarray:
    r"""The logistic sigmoid, squashing any real number into (0, 1).

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}

    Computed from :math:`e^{-|x|}`, which never overflows: for :math:`x \ge 0` we use
    :math:`1 / (1 + e^{-x})`, and for :math:`x < 0` the equal form :math:`e^{x} / (1 + e^{x})`.

    Taught in: chapter "The sigmoid".
    """
    x = as_float_array(x, "x")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of the sigmoid with respect to its input.

    .. math:: \sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)

    At most 1/4 (at :math:`x = 0`) and close to 0 for large :math:`|x|`: the sigmoid saturates.
    Computed as :math:`\sigma(x)\,\sigma(-x)`, equal by symmetry: for large :math:`x`,
    ``1 - sigmoid(x)`` rounds to 0, while ``sigmoid(-x)`` keeps every digit.

    Taught in: chapter "The sigmoid".
    """
    return sigmoid(x) * sigmoid(-as_float_array(x, "x"))


def tanh(x: ArrayLike) -> np.ndarray:
    r"""The hyperbolic tangent, squashing any real number into (-1, 1).

    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1

    Taught in: chapter "Backpropagation".
    """
    return np.tanh(as_float_array(x, "x"))


def tanh_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of tanh with respect to its input.

    .. math:: \tanh'(x) = 1 - \tanh^2(x)

    Taught in: chapter "Backpropagation".
    """
    t = tanh(x)
    return 1 - t * t


def relu(x: ArrayLike) -> np.ndarray:
    r"""The rectified linear unit.

    .. math:: \operatorname{relu}(x) = \max(0, x)

    Taught in: chapter "Backpropagation".
    """
    x = as_float_array(x, "x")
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def relu_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of ReLU with respect to its input: 1 where :math:`x > 0`, else 0 (0 at 0 too).

    .. math:: \operatorname{relu}'(x) = [x > 0]

    Taught in: chapter "Backpropagation".
    """
    x = as_float_array(x, "x")
    return (x > 0).astype(x.dtype)


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    r"""ReLU with a small slope ``alpha`` for negative inputs, so no unit is ever completely flat.

    .. math:: \operatorname{leaky\_relu}(x) = \begin{cases} x & x \ge 0 \\ \alpha x & x < 0 \end{cases}

    Taught in: chapter "Backpropagation".
    """
    x = as_float_array(x, "x")
    alpha = as_real(alpha, "alpha")
    return np.where(x >= 0, x, alpha * x).astype(x.dtype, copy=False)


def leaky_relu_grad(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    r"""Derivative of leaky ReLU with respect to its input: 1 where :math:`x > 0`, else ``alpha``.

    Taught in: chapter "Backpropagation".
    """
    x = as_float_array(x, "x")
    alpha = as_real(alpha, "alpha")
    return np.where(x > 0, 1.0, alpha).astype(x.dtype, copy=False)


def step(x: ArrayLike) -> np.ndarray:
    r"""The Heaviside step function used by the perceptron: 1 where :math:`x \ge 0`, else 0.

    Its derivative is 0 wherever it exists, which is why gradient descent cannot train it.

    Taught in: chapter "The sigmoid".
    """
    x = as_float_array(x, "x")
    return (x >= 0).astype(x.dtype)


def softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Turn scores into probabilities that are positive and sum to 1 along ``axis``.

    .. math:: \operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}
              = \frac{e^{z_i - z_{\max}}}{\sum_j e^{z_j - z_{\max}}}, \qquad z_{\max} = \max_j z_j

    Subtracting the largest score changes nothing mathematically (the factor :math:`e^{-z_{\max}}`
    cancels)
    but keeps every exponent at most 0, so nothing overflows even for scores of 1000.

    Taught in: chapter "Softmax and one-hot encoding".
    """
    z = as_float_array(z, "z")
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""The logarithm of softmax, computed without forming softmax first (log-sum-exp).

    .. math:: \log \operatorname{softmax}(z)_i = z_i - z_{\max} - \log \sum_j e^{z_j - z_{\max}},
              \qquad z_{\max} = \max_j z_j

    Taking ``np.log(softmax(z))`` instead gives ``-inf`` once a probability underflows to 0.

    Taught in: chapter "Softmax and one-hot encoding".
    """
    z = as_float_array(z, "z")
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
