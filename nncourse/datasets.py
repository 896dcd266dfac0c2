"""Small data sets for the course: XOR, two Gaussian classes, moons, spirals and 8×8 digits.

Every generator returns ``X`` of shape ``(n_samples, n_features)`` (float64) and integer labels
``y`` of shape ``(n_samples,)``, and takes a ``seed`` so that every number in the book can be
reproduced.

Taught in: chapters "Backpropagation" and "Training in practice".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import multivariate_normal

from nncourse._validation import as_float_dtype, as_int, as_real, expected

__all__ = ["digits", "moons", "spirals", "two_gaussians", "xor"]


def xor(
    repeats: int = 1, noise: float = 0.0, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: label 1 when exactly one of the two inputs is 1.

    ======  ======  ===
    x1      x2      y
    ======  ======  ===
    0       0       0
    0       1       1
    1       0       1
    1       1       0
    ======  ======  ===

    No straight line separates the two classes, so a network needs a hidden layer.

    Parameters
    ----------
    repeats : int, default 1
        How many copies of the four corners to stack.
    noise : float, default 0.0
        Standard deviation of Gaussian noise added to every input.
    seed : int, optional
        Seed of the noise.

    Returns
    -------
    X : ndarray of shape (4 * repeats, 2)
    y : ndarray of shape (4 * repeats,), int
    """
    repeats = as_int(repeats, "repeats", minimum=1)
    noise = as_real(noise, "noise", within="[0, inf)")
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = np.tile(corners, (repeats, 1))
    y = np.tile([0, 1, 1, 0], repeats)
    if noise > 0:
        X = X + np.random.default_rng(seed).normal(0.0, noise, X.shape)
    return X, y


def two_gaussians(
    n_samples: int = 1000,
    means: ArrayLike = ((0.0, 0.0), (5.0, 5.0)),
    cov: ArrayLike = ((1.0, 0.75), (0.75, 1.0)),
    seed: int | None = None,
    legacy: bool = False,
    return_random_state: bool = False,
):
    """Two classes drawn from Gaussians :math:`\\mathcal{N}(\\mu_0, \\Sigma)` and :math:`\\mathcal{N}(\\mu_1, \\Sigma)`.

    The first ``n_samples // 2`` rows have label 0, the rest label 1 (not shuffled).

    Parameters
    ----------
    n_samples : int, default 1000
        Total number of points, split evenly between the classes.
    means : array-like of shape (2, n_features)
        :math:`\\mu_0` and :math:`\\mu_1`.
    cov : array-like of shape (n_features, n_features)
        The shared covariance :math:`\\Sigma` (symmetric positive semi-definite).
    seed : int, optional
        Seed of the random numbers.
    legacy : bool, default False
        Draw with NumPy's legacy ``RandomState(seed)`` through
        ``scipy.stats.multivariate_normal.rvs``, class 0 first and then class 1, exactly as
        ``np.random.seed(seed)`` followed by two ``multivariate_normal.rvs`` calls would. With
        ``seed=104729`` this reproduces the classic backpropagation notebook the course builds on.
        Otherwise a modern ``np.random.default_rng(seed)`` is used.
    return_random_state : bool, default False
        Also return the generator (a ``RandomState`` in legacy mode, else a ``Generator``) so
        that further draws, e.g. initial weights, continue the same random stream.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int
    random_state : numpy.random.RandomState or numpy.random.Generator
        Only when ``return_random_state`` is true.

    Examples
    --------
    >>> X, y, rs = two_gaussians(seed=104729, legacy=True, return_random_state=True)
    >>> X[0].round(4)
    array([-0.2212,  0.0354])
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    means = np.asarray(means, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if means.ndim != 2 or means.shape[0] != 2:
        raise ValueError(expected("means", "shape (2, n_features)", means.shape))
    d = means.shape[1]
    if cov.shape != (d, d):
        raise ValueError(expected("cov", f"shape ({d}, {d}) to match means", cov.shape))
    sizes = (n_samples // 2, n_samples - n_samples // 2)
    if legacy:
        random_state = np.random.RandomState(seed)
        parts = [
            multivariate_normal.rvs(mean=m, cov=cov, size=size, random_state=random_state)
            for m, size in zip(means, sizes, strict=True)
        ]
        # rvs drops the sample axis when size is 1; keep X two-dimensional.
        X = np.vstack(
            [np.reshape(part, (size, d)) for part, size in zip(parts, sizes, strict=True)]
        )
    else:
        random_state = np.random.default_rng(seed)
        X = np.vstack(
            [
                random_state.multivariate_normal(m, cov, size)
                for m, size in zip(means, sizes, strict=True)
            ]
        )
    y = np.repeat([0, 1], sizes)
    if return_random_state:
        return X, y, random_state
    return X, y


def moons(
    n_samples: int = 200, noise: float = 0.1, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (like scikit-learn's ``make_moons``), shuffled.

    Class 0 lies on :math:`(\\cos t, \\sin t)` and class 1 on :math:`(1 - \\cos t, 0.5 - \\sin t)`
    for :math:`t \\in [0, \\pi]`, plus Gaussian noise of standard deviation ``noise``.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), int
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    noise = as_real(noise, "noise", within="[0, inf)")
    rng = np.random.default_rng(seed)
    n0 = n_samples // 2
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n_samples - n0)
    X = np.vstack(
        [
            np.column_stack([np.cos(t0), np.sin(t0)]),
            np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)]),
        ]
    )
    y = np.repeat([0, 1], [n0, n_samples - n0])
    X = X + rng.normal(0.0, noise, X.shape)
    order = rng.permutation(n_samples)
    return X[order], y[order]


def spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class, shuffled (the classic CS231n toy problem).

    Arm :math:`c` has points at radius :math:`r \\in [0, 1]` and angle
    :math:`\\theta = 4 r + 2\\pi c / K + \\text{noise}`, i.e. :math:`(r \\sin\\theta, r \\cos\\theta)`.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), int in ``range(n_classes)``
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    n_classes = as_int(n_classes, "n_classes", minimum=1)
    noise = as_real(noise, "noise", within="[0, inf)")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    y.sort()
    radius = np.concatenate([np.linspace(0.0, 1.0, np.sum(y == c)) for c in range(n_classes)])
    theta = 4.0 * radius + 2.0 * np.pi * y / n_classes + rng.normal(0.0, noise, n_samples)
    X = np.column_stack([radius * np.sin(theta), radius * np.cos(theta)])
    order = rng.permutation(n_samples)
    return X[order], y[order]


def digits(
    test_size: float = 0.25, seed: int | None = 0, dtype: str = "float64"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 8×8 handwritten digits that ship with scikit-learn (1,797 images, no download).

    Pixels are scaled from 0..16 to [0, 1]; each image is a row of 64 features. The rows are
    shuffled with ``seed`` and split into a training and a test part.

    Parameters
    ----------
    test_size : float, default 0.25
        Fraction of the images kept for testing, strictly between 0 and 1.
    seed : int, optional
        Seed of the shuffle.
    dtype : {"float64", "float32"}
        Data type of the images.

    Returns
    -------
    X_train, X_test : ndarray of shape (n, 64)
    y_train, y_test : ndarray of shape (n,), int in 0..9
    """
    from sklearn.datasets import load_digits  # imported here: only this data set needs it

    test_size = as_real(test_size, "test_size", within="(0, 1)")
    dtype = as_float_dtype(dtype)
    data = load_digits()
    X = (data.data / 16.0).astype(dtype)
    y = data.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = round(test_size * len(y))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
