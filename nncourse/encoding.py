"""One-hot encoding: class labels as rows with a single 1, the targets a softmax output learns.

Taught in: chapter "Softmax and one-hot encoding".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nncourse._validation import as_int, as_integer_labels, expected

__all__ = ["one_hot"]


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
        raise ValueError(expected("labels", "a 1-D array of shape (n,)", f"shape {labels.shape}"))
    if num_classes is None:
        if labels.size == 0:
            raise ValueError(expected("num_classes", "a number when labels is empty", None))
        num_classes = int(labels.max()) + 1
    num_classes = as_int(num_classes, "num_classes", minimum=1)
    if labels.size and labels.max() >= num_classes:
        got = f"label {labels.max()}"
        raise ValueError(expected("labels", f"values smaller than num_classes={num_classes}", got))
    encoded = np.zeros((labels.size, num_classes))
    encoded[np.arange(labels.size), labels] = 1.0
    return encoded
