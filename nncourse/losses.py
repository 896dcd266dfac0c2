"""Loss functions and their gradients.

Conventions (as in scikit-learn and PyTorch): the truth comes first, the prediction second, and
``reduction`` is ``"mean"`` (default), ``"sum"`` or ``"none"``. Binary cross-entropy and MSE reduce over
every element; categorical cross-entropy sums over classes, then reduces over examples. A ``*_grad``
function returns the derivative of the reduced loss with respect to the prediction, in the prediction's
shape; with ``reduction="none"`` it is the element-wise derivative (the same as for ``"sum"``).

The entropy and the KL divergence, which measure distributions rather than predictions, follow the
same conventions: rows are distributions, natural logarithms, and :math:`0 \\log 0 = 0`.

Taught in: chapter "Cross-entropy and maximum likelihood" (cross-entropies, entropy, KL divergence),
"Gradient descent" and "Backpropagation" (gradients, MSE).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nncourse._validation import (
    as_float_array,
    as_integer_labels,
    check_finite,
    check_probabilities,
    check_same_shape,
    expected,
    reduce,
    reduction_scale,
)
from nncourse.activations import log_softmax, softmax

__all__ = [
    "GRAD_EPS",
    "LOG_FLOOR",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "entropy",
    "kl_divergence",
    "mse",
    "mse_grad",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
]

LOG_FLOOR = -100.0
"""Logarithms are clamped here, as PyTorch does, so a probability of exactly 0 gives a finite loss."""

GRAD_EPS = 1e-12
"""Smallest denominator in a cross-entropy gradient, so p = 0 or 1 gives a finite gradient."""


def _clamped_log(p: np.ndarray) -> np.ndarray:
    """``log(p)`` clamped below at ``LOG_FLOOR``; ``log(0)`` gives ``LOG_FLOOR``, with no warning."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), LOG_FLOOR)


def _binary_inputs(y, p) -> tuple[np.ndarray, np.ndarray]:
    """Check the targets and probabilities of a binary cross-entropy; return them as arrays."""
    y = as_float_array(y, "y")
    p = as_float_array(p, "p")
    check_same_shape(y, p, "y", "p")
    check_probabilities(y, "y")
    check_probabilities(p, "p")
    return y, p


def binary_cross_entropy(y: ArrayLike, p: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Binary cross-entropy between targets ``y`` and predicted probabilities ``p``.

    .. math:: \ell_i = -\bigl[y_i \log \hat y_i + (1 - y_i) \log(1 - \hat y_i)\bigr]

    reduced over every element. Each log is clamped at -100, so ``p`` of exactly 0 or 1 stays finite.

    Parameters
    ----------
    y : array-like
        Targets in [0, 1] (usually 0 or 1).
    p : array-like, same shape as ``y``
        The predicted probabilities :math:`\hat y_i` of class 1.
    reduction : {"mean", "sum", "none"}

    Taught in: chapter "Cross-entropy and maximum likelihood".
    """
    y, p = _binary_inputs(y, p)
    losses = -(y * _clamped_log(p) + (1 - y) * _clamped_log(1 - p))
    return reduce(losses, reduction)


def binary_cross_entropy_grad(y: ArrayLike, p: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Derivative of :func:`binary_cross_entropy` with respect to ``p``.

    .. math:: \frac{\partial \ell_i}{\partial \hat y_i} = \frac{\hat y_i - y_i}{\hat y_i (1 - \hat y_i)}

    with the denominator kept at least 1e-12 (as PyTorch does), divided by the number of elements for
    ``"mean"``.

    Taught in: chapter "Gradient descent".
    """
    y, p = _binary_inputs(y, p)
    grad = (p - y) / np.maximum(p * (1 - p), GRAD_EPS)
    return grad * reduction_scale(p.size, reduction)


def _categorical_targets(Y, n_classes: int, n_examples: int, like: np.ndarray) -> np.ndarray:
    """Return ``Y`` as a one-hot (or soft) target matrix shaped like the predictions."""
    Y_array = np.asarray(Y)
    if Y_array.ndim == 1:
        labels = as_integer_labels(Y_array, "Y")
        if labels.shape[0] != n_examples:
            raise ValueError(
                expected("Y", f"{n_examples} labels, one per row of the predictions", labels.size)
            )
        if labels.size and labels.max() >= n_classes:
            got = f"label {labels.max()}, out of range"
            raise ValueError(expected("Y", f"labels below the {n_classes} classes", got))
        targets = np.zeros_like(like)
        targets[np.arange(n_examples), labels] = 1
        return targets
    targets = as_float_array(Y_array, "Y")
    check_same_shape(like, targets, "the predictions", "Y")
    check_probabilities(targets, "Y")
    return targets


def _categorical_inputs(Y, P, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Check the targets and the (n, k) predictions named ``name``; return both as arrays."""
    P = as_float_array(P, name)
    if P.ndim != 2:
        raise ValueError(expected(name, "shape (n_samples, n_classes)", f"shape {P.shape}"))
    return _categorical_targets(Y, P.shape[1], P.shape[0], P), P


def categorical_cross_entropy(Y: ArrayLike, P: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Categorical cross-entropy between targets ``Y`` and predicted probabilities ``P``.

    .. math:: \ell_i = -\sum_{k} Y_{ik} \log \hat Y_{ik}

    summed over classes, then reduced over examples. Each log is clamped at -100.

    Parameters
    ----------
    Y : array-like
        One-hot (or soft) targets of shape (n, k), or integer labels of shape (n,).
    P : array-like of shape (n, k)
        The predicted probabilities :math:`\hat Y`, one row per example.
    reduction : {"mean", "sum", "none"}

    Taught in: chapter "Cross-entropy and maximum likelihood".
    """
    Y, P = _categorical_inputs(Y, P, "P")
    check_probabilities(P, "P")
    losses = -(Y * _clamped_log(P)).sum(axis=1)
    return reduce(losses, reduction)


def categorical_cross_entropy_grad(
    Y: ArrayLike, P: ArrayLike, reduction: str = "mean"
) -> np.ndarray:
    r"""Derivative of :func:`categorical_cross_entropy` with respect to ``P``.

    .. math:: \frac{\partial \ell_i}{\partial \hat Y_{ik}} = -\frac{Y_{ik}}{\hat Y_{ik}}

    with :math:`\hat Y_{ik}` (``P``) kept at least 1e-12, divided by the number of examples for ``"mean"``.

    Taught in: chapter "Backpropagation".
    """
    Y, P = _categorical_inputs(Y, P, "P")
    check_probabilities(P, "P")
    return -Y / np.maximum(P, GRAD_EPS) * reduction_scale(P.shape[0], reduction)


def softmax_cross_entropy(Y: ArrayLike, logits: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Categorical cross-entropy of ``softmax(logits)``, computed stably from the logits.

    .. math:: \ell_i = -\sum_k Y_{ik} \log \operatorname{softmax}(z_i)_k
              = -\sum_k Y_{ik} \Bigl(z_{ik} - \log \sum_j e^{z_{ij}}\Bigr)

    Using :func:`~nncourse.activations.log_softmax` (log-sum-exp) keeps it finite for logits of
    ±1000, where ``np.log(softmax(z))`` would give ``-inf``.

    Parameters
    ----------
    Y : array-like
        One-hot (or soft) targets of shape (n, k), or integer labels of shape (n,).
    logits : array-like of shape (n, k)
        Raw scores, one row per example.
    reduction : {"mean", "sum", "none"}

    Taught in: chapter "Cross-entropy and maximum likelihood".
    """
    Y, logits = _categorical_inputs(Y, logits, "logits")
    check_finite(logits, "logits")
    losses = -(Y * log_softmax(logits, axis=1)).sum(axis=1)
    return reduce(losses, reduction)


def softmax_cross_entropy_grad(
    Y: ArrayLike, logits: ArrayLike, reduction: str = "mean"
) -> np.ndarray:
    r"""Derivative of :func:`softmax_cross_entropy` with respect to the logits.

    .. math:: \frac{\partial \ell_i}{\partial z_{ik}} = \operatorname{softmax}(z_i)_k \sum_j Y_{ij}
              - Y_{ik}

    which is the famous :math:`\hat y - y` when each row of ``Y`` sums to 1; divided by the number of
    examples for ``"mean"``.

    Taught in: chapter "Backpropagation".
    """
    Y, logits = _categorical_inputs(Y, logits, "logits")
    check_finite(logits, "logits")
    grad = softmax(logits, axis=1) * Y.sum(axis=1, keepdims=True) - Y
    return grad * reduction_scale(logits.shape[0], reduction)


def _regression_inputs(y, y_hat) -> tuple[np.ndarray, np.ndarray]:
    """Check the targets and predictions of a squared error; return them as arrays."""
    y = as_float_array(y, "y")
    y_hat = as_float_array(y_hat, "y_hat")
    check_same_shape(y, y_hat, "y", "y_hat")
    check_finite(y, "y")
    check_finite(y_hat, "y_hat")
    return y, y_hat


def mse(y: ArrayLike, y_hat: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Squared error between targets ``y`` and predictions ``y_hat``, reduced over every element.

    .. math:: \ell_i = (\hat y_i - y_i)^2, \qquad \mathrm{MSE} = \frac{1}{N} \sum_i \ell_i

    Taught in: chapter "Cross-entropy and maximum likelihood" and "Backpropagation".
    """
    y, y_hat = _regression_inputs(y, y_hat)
    return reduce((y_hat - y) ** 2, reduction)


def mse_grad(y: ArrayLike, y_hat: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Derivative of :func:`mse` with respect to ``y_hat``.

    .. math:: \frac{\partial \ell_i}{\partial \hat y_i} = 2(\hat y_i - y_i)

    divided by the number of elements for ``"mean"``.

    Taught in: chapter "Backpropagation".
    """
    y, y_hat = _regression_inputs(y, y_hat)
    return 2 * (y_hat - y) * reduction_scale(y_hat.size, reduction)


def _distributions(P, name: str) -> np.ndarray:
    """Check that ``P`` is one distribution (k,) or one per row (n, k); return it as an array."""
    P = as_float_array(P, name)
    if P.ndim not in (1, 2) or P.shape[-1] == 0:
        raise ValueError(expected(name, "shape (k,) or (n, k), k >= 1", f"shape {P.shape}"))
    check_probabilities(P, name)
    sums = P.sum(axis=-1)
    # sqrt of the machine epsilon: 1.5e-8 in float64, 3.5e-4 in float32, well above rounding.
    if not np.allclose(sums, 1.0, rtol=0.0, atol=np.sqrt(np.finfo(P.dtype).eps)):
        got = f"sums from {sums.min():.6g} to {sums.max():.6g}"
        raise ValueError(expected(name, "each row to sum to 1 (a distribution)", got))
    return P


def entropy(P: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Entropy of each distribution in ``P``, in nats.

    .. math:: H(p_i) = -\sum_k p_{ik} \log p_{ik}, \qquad 0 \log 0 = 0

    summed over classes, then reduced over rows, as for :func:`categorical_cross_entropy`; it is
    ``categorical_cross_entropy(P, P)``, the cross-entropy of a distribution with itself. Divide
    by :math:`\log 2` for bits. Each log is clamped at -100, so a probability of 0 adds exactly 0.

    Parameters
    ----------
    P : array-like of shape (n, k) or (k,)
        One distribution per row (or a single one): entries in [0, 1], each row summing to 1.
    reduction : {"mean", "sum", "none"}

    Examples
    --------
    >>> entropy([[0.5, 0.5], [1.0, 0.0]], reduction="none")
    array([0.69314718, 0.        ])

    Taught in: chapter "Cross-entropy and maximum likelihood".
    """
    P = _distributions(P, "P")
    return reduce((P * -_clamped_log(P)).sum(axis=-1), reduction)


def kl_divergence(P: ArrayLike, Q: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Kullback-Leibler divergence of each model distribution in ``Q`` from the truth in ``P``.

    .. math:: \mathrm{KL}(p_i \,\|\, q_i) = \sum_k p_{ik} \log \frac{p_{ik}}{q_{ik}}
              = H(p_i, q_i) - H(p_i)

    summed over classes, then reduced over rows. It is never negative and is 0 only when
    :math:`q_i = p_i`; so, for a fixed truth :math:`p`, minimising the cross-entropy
    :math:`H(p, q)` (`categorical_cross_entropy`) minimises the KL divergence. Terms with
    :math:`p_{ik} = 0` add 0; each log is clamped at -100 as in the cross-entropies, so a
    :math:`q_{ik} = 0` where :math:`p_{ik} > 0` gives a large finite value (not infinity), and
    ``categorical_cross_entropy(P, Q) == entropy(P) + kl_divergence(P, Q)`` up to rounding.

    Parameters
    ----------
    P : array-like of shape (n, k) or (k,)
        The true distributions, one per row.
    Q : array-like, same shape as ``P``
        The model's distributions.
    reduction : {"mean", "sum", "none"}

    Examples
    --------
    >>> kl_divergence([0.5, 0.5], [0.9, 0.1]).round(4)
    np.float64(0.5108)

    Taught in: chapter "Cross-entropy and maximum likelihood".
    """
    P = _distributions(P, "P")
    Q = _distributions(Q, "Q")
    check_same_shape(P, Q, "P", "Q")
    return reduce((P * (_clamped_log(P) - _clamped_log(Q))).sum(axis=-1), reduction)
