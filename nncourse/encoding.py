"""One-hot encoding of class labels.

Taught in: chapter "Softmax and one-hot encoding".
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike

from nncourse._validation import as_integer_labels


def one_hot(labels: ArrayLike, num_classes: int | None = None) -> np.ndarray:
    r"""Encode integer class labels as rows with a single 1.

    .. math:: Y_{ik} = \begin{cases} 1 & \text{if } \mathrm{labels}_i = k \\ 0 & \text{otherwise}
              \end{cases}

    Parameters
    ----------
    labels : array-like of shape (n,)
        Class indices 0, 1, ..., ``num_classes - 1``.
    num_classes : int, optional
        Number of classes ``k``; by default one more than the largest label.

    Returns
    -------
    ndarray of shape (n, k), float64

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])

    Taught in: chapter "Softmax and one-hot encoding".
    """
    labels = as_integer_labels(labels, "labels")
    if labels.ndim != 1:
        raise ValueError(f"labels must be a 1-D array of shape (n,), got shape {labels.shape}")
    if num_classes is None:
        if labels.size == 0:
            raise ValueError("num_classes must be given when labels is empty")
        num_classes = int(labels.max()) + 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral):
        raise TypeError(f"num_classes must be an integer, got {type(num_classes).__name__}")
    elif num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    elif labels.size and labels.max() >= num_classes:
        raise ValueError(
            f"labels must be smaller than num_classes={num_classes}, got label {labels.max()}"
        )
    encoded = np.zeros((labels.size, num_classes))
    encoded[np.arange(labels.size), labels] = 1.0
    return encoded
