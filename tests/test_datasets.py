"""Tests for nncourse.datasets: shapes, labels, seeds, the legacy reproduction and bad input."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from nncourse import datasets


def test_xor_is_the_truth_table():
    X, y = datasets.xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    assert y.dtype.kind == "i"


def test_xor_repeats_and_noise_follow_the_seed():
    X1, y1 = datasets.xor(repeats=3, noise=0.1, seed=5)
    X2, _ = datasets.xor(repeats=3, noise=0.1, seed=5)
    assert X1.shape == (12, 2) and y1.shape == (12,)
    np.testing.assert_array_equal(X1, X2)
    assert np.abs(X1 - np.tile([[0, 0], [0, 1], [1, 0], [1, 1]], (3, 1))).max() < 0.6


def test_legacy_two_gaussians_reproduce_the_classic_notebook():
    X, y, rs = datasets.two_gaussians(seed=104729, legacy=True, return_random_state=True)
    assert X.shape == (1000, 2)
    np.testing.assert_allclose(X[0], [-0.22117921, 0.0354449], atol=5e-9)
    np.testing.assert_allclose(X[999], [4.23706484, 4.85350827], atol=5e-9)
    np.testing.assert_array_equal(y, np.repeat([0, 1], 500))
    # The same draws as seeding NumPy's global generator and calling scipy twice, and the returned
    # RandomState continues that global stream.
    state = np.random.get_state()  # noqa: NPY002 (the legacy global state is the point)
    try:
        np.random.seed(104729)  # noqa: NPY002 (the legacy global state is the point)
        cov = [[1, 0.75], [0.75, 1]]
        X1 = multivariate_normal.rvs(mean=[0, 0], cov=cov, size=500)
        X2 = multivariate_normal.rvs(mean=[5, 5], cov=cov, size=500)
        np.testing.assert_array_equal(X, np.vstack([X1, X2]))
        global_draws = np.random.normal(size=3)  # noqa: NPY002
        np.testing.assert_array_equal(rs.normal(size=3), global_draws)
    finally:
        np.random.set_state(state)  # noqa: NPY002 (the legacy global state is the point)


def test_modern_two_gaussians_follow_means_and_seed():
    X, y = datasets.two_gaussians(n_samples=4000, seed=1)
    X_again, _ = datasets.two_gaussians(n_samples=4000, seed=1)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [0, 0], atol=0.1)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [5, 5], atol=0.1)
    np.testing.assert_allclose(np.corrcoef(X[y == 1].T)[0, 1], 0.75, atol=0.05)


def test_two_gaussians_odd_sizes_and_returned_generator():
    X, y, rng = datasets.two_gaussians(n_samples=3, seed=0, return_random_state=True)
    assert X.shape == (3, 2) and list(y) == [0, 1, 1]
    assert isinstance(rng, np.random.Generator)
    X, y = datasets.two_gaussians(n_samples=3, seed=0, legacy=True)
    assert X.shape == (3, 2) and list(y) == [0, 1, 1]


@pytest.mark.parametrize("make", [datasets.moons, datasets.spirals])
def test_moons_and_spirals_are_seeded_and_balanced(make):
    X, y = make(n_samples=300, seed=3)
    X_again, y_again = make(n_samples=300, seed=3)
    assert X.shape == (300, 2) and y.shape == (300,)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    assert not np.array_equal(X, make(n_samples=300, seed=4)[0])


def test_spirals_have_the_requested_classes():
    _, y = datasets.spirals(n_samples=100, n_classes=4, seed=0)
    assert set(y) == {0, 1, 2, 3}


def test_digits_split_scaling_and_dtype():
    X_train, X_test, y_train, y_test = datasets.digits(test_size=0.25, seed=0, dtype="float32")
    assert X_train.shape[1] == 64 and len(X_train) + len(X_test) == 1797
    assert len(X_test) == round(0.25 * 1797)
    assert X_train.dtype == np.float32 and 0.0 <= X_train.min() and X_train.max() <= 1.0
    assert set(y_train) == set(range(10)) and y_test.dtype.kind == "i"
    again = datasets.digits(test_size=0.25, seed=0, dtype="float32")
    np.testing.assert_array_equal(X_test, again[1])


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: datasets.xor(repeats=0), "repeats"),
        (lambda: datasets.xor(noise=-1.0), "noise"),
        (lambda: datasets.two_gaussians(n_samples=0), "n_samples"),
        (lambda: datasets.two_gaussians(means=[0, 0]), "means"),
        (lambda: datasets.two_gaussians(cov=np.eye(3)), "cov"),
        (lambda: datasets.moons(n_samples=2.5), "n_samples"),
        (lambda: datasets.spirals(n_classes=0), "n_classes"),
        (lambda: datasets.digits(test_size=1.0), "test_size"),
        (lambda: datasets.digits(dtype="int8"), "dtype"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call, name):
    with pytest.raises(ValueError, match=name):
        call()
