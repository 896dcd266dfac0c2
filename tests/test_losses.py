"""Tests for nncourse.losses: worked values, oracles, reductions, gradients and bad input."""

import warnings

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import log_loss

import nncourse as nn

rng = np.random.default_rng(0)
Y3 = nn.one_hot([0, 2, 1, 2])
P3 = nn.softmax(rng.normal(size=(4, 3)))
LOGITS3 = rng.normal(size=(4, 3)) * 3


def test_three_doors_cross_entropy_is_0_69_as_a_sum():
    # Three doors with a gift behind them with probabilities 0.8, 0.7 and 0.9: the likelihood is
    # 0.8 * 0.7 * 0.9 = 0.504 and the cross-entropy -ln(0.504) = 0.69, a sum of three -ln p terms.
    p = np.array([0.8, 0.7, 0.9])
    ce = nn.binary_cross_entropy(np.ones(3), p, reduction="sum")
    assert np.prod(p) == pytest.approx(0.504)
    assert ce == pytest.approx(-np.log(0.504))
    assert round(float(ce), 2) == 0.69


def test_bce_against_sklearn_log_loss():
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([0.1, 0.8, 0.6, 0.3, 0.99])
    assert nn.binary_cross_entropy(y, p) == pytest.approx(log_loss(y, p))


def test_categorical_ce_against_sklearn_and_labels_equal_one_hot():
    labels = Y3.argmax(axis=1)
    expected = log_loss(labels, P3, labels=[0, 1, 2])
    assert nn.categorical_cross_entropy(Y3, P3) == pytest.approx(expected)
    assert nn.categorical_cross_entropy(labels, P3) == pytest.approx(expected)


def test_softmax_ce_equals_ce_of_softmax_and_scipy():
    expected = -(Y3 * scipy.special.log_softmax(LOGITS3, axis=1)).sum(axis=1)
    np.testing.assert_allclose(nn.softmax_cross_entropy(Y3, LOGITS3, reduction="none"), expected)
    assert nn.softmax_cross_entropy(Y3, LOGITS3) == pytest.approx(
        nn.categorical_cross_entropy(Y3, nn.softmax(LOGITS3))
    )


def test_mse_values():
    assert nn.mse([1.0, 2.0], [2.0, 4.0]) == pytest.approx(2.5)
    assert nn.mse([1.0, 2.0], [2.0, 4.0], reduction="sum") == pytest.approx(5.0)


def test_reductions_shapes_and_relations():
    y = (rng.random((5, 2)) > 0.5).astype(float)
    p = rng.uniform(0.05, 0.95, size=(5, 2))
    assert nn.binary_cross_entropy(y, p, reduction="none").shape == (5, 2)
    assert nn.mse(y, p, reduction="none").shape == (5, 2)
    assert nn.categorical_cross_entropy(Y3, P3, reduction="none").shape == (4,)
    for loss, truth, pred in [
        (nn.binary_cross_entropy, y, p),
        (nn.mse, y, p),
        (nn.categorical_cross_entropy, Y3, P3),
        (nn.softmax_cross_entropy, Y3, LOGITS3),
    ]:
        per_item = loss(truth, pred, reduction="none")
        assert loss(truth, pred, reduction="sum") == pytest.approx(per_item.sum())
        assert loss(truth, pred) == pytest.approx(per_item.mean())


def test_stable_at_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.binary_cross_entropy([1.0, 0.0], [0.0, 1.0], reduction="sum") == 200.0
        assert nn.binary_cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
        assert np.all(np.isfinite(nn.binary_cross_entropy_grad([1.0, 0.0], [0.0, 1.0])))
        assert nn.categorical_cross_entropy([0], [[0.0, 1.0]]) == 100.0
        logits = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
        assert nn.softmax_cross_entropy([0, 0], logits, reduction="none").tolist() == [0.0, 2000.0]
        np.testing.assert_allclose(
            nn.softmax_cross_entropy_grad([0, 0], logits, reduction="sum"), [[0, 0], [-1, 1]]
        )


GRAD_CASES = [
    (nn.binary_cross_entropy, nn.binary_cross_entropy_grad, "binary"),
    (nn.mse, nn.mse_grad, "binary"),
    (nn.categorical_cross_entropy, nn.categorical_cross_entropy_grad, "probabilities"),
    (nn.softmax_cross_entropy, nn.softmax_cross_entropy_grad, "logits"),
]


@pytest.mark.parametrize(("loss", "grad", "kind"), GRAD_CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_grad_equals_numerical_gradient(loss, grad, kind, reduction, seed):
    r = np.random.default_rng(seed)
    if kind == "binary":
        truth = (r.random((4, 2)) > 0.5).astype(float)
        pred = r.uniform(0.05, 0.95, size=(4, 2))
    elif kind == "probabilities":
        truth = nn.one_hot(r.integers(0, 3, size=4), 3)
        pred = r.uniform(0.05, 0.95, size=(4, 3))
    else:
        truth = nn.one_hot(r.integers(0, 3, size=4), 3)
        pred = r.normal(size=(4, 3)) * 3
    numeric = nn.numerical_gradient(lambda v: loss(truth, v, reduction=reduction), pred)
    np.testing.assert_allclose(
        grad(truth, pred, reduction=reduction), numeric, rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(("loss", "grad", "kind"), GRAD_CASES)
def test_grad_with_no_reduction_is_elementwise(loss, grad, kind):
    truth, pred = (Y3, LOGITS3) if kind == "logits" else (Y3, P3)
    np.testing.assert_allclose(
        grad(truth, pred, reduction="none"), grad(truth, pred, reduction="sum")
    )


@given(arrays(np.float64, (3, 4), elements=st.floats(-1e3, 1e3)))
def test_softmax_ce_never_nan_or_warns(logits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = nn.softmax_cross_entropy([0, 1, 3], logits)
    assert np.isfinite(value)


BAD_INPUTS = [
    (nn.binary_cross_entropy, ([1.0, 0.0], [0.5]), ValueError, "p: expected the shape of y"),
    (nn.binary_cross_entropy, ([1.0], [[0.5]]), ValueError, "p: expected the shape of y"),
    (
        nn.binary_cross_entropy,
        ([1.0], [1.5]),
        ValueError,
        "p: expected probabilities in \\[0, 1\\]",
    ),
    (
        nn.binary_cross_entropy,
        ([2.0], [0.5]),
        ValueError,
        "y: expected probabilities in \\[0, 1\\]",
    ),
    (nn.binary_cross_entropy, ([1.0], [np.nan]), ValueError, "p: expected real numbers, got NaN"),
    (
        nn.binary_cross_entropy_grad,
        ([1.0], [-0.1]),
        ValueError,
        "p: expected probabilities in \\[0, 1\\]",
    ),
    (nn.mse, ([1.0], [np.nan]), ValueError, "y_hat: expected real numbers, got NaN"),
    (nn.mse, ([np.nan], [1.0]), ValueError, "y: expected real numbers, got NaN"),
    (
        nn.mse,
        ([1.0, 2.0], [[1.0, 2.0]]),
        ValueError,
        "y_hat: expected the shape of y, \\(2,\\), got \\(1, 2\\)",
    ),
    (nn.mse, (["a"], [1.0]), TypeError, "y: expected real numbers, got an array of dtype"),
    (
        nn.categorical_cross_entropy,
        ([0, 3], [[0.5, 0.5], [0.5, 0.5]]),
        ValueError,
        "Y: expected labels below the 2 classes, got label 3",
    ),
    (
        nn.categorical_cross_entropy,
        ([0, -1], [[0.5, 0.5], [0.5, 0.5]]),
        ValueError,
        "Y: expected non-negative class labels, got -1",
    ),
    (
        nn.categorical_cross_entropy,
        ([0, 0.5], [[0.5, 0.5], [0.5, 0.5]]),
        ValueError,
        "Y: expected whole numbers",
    ),
    (
        nn.categorical_cross_entropy,
        ([0], [[0.5, 0.5], [0.5, 0.5]]),
        ValueError,
        "Y: expected 2 labels, one per row of the predictions, got 1",
    ),
    (
        nn.categorical_cross_entropy,
        ([[1, 0]], [[0.5, 0.5, 0.0]]),
        ValueError,
        "Y: expected the shape of the predictions",
    ),
    (
        nn.categorical_cross_entropy,
        ([0], [0.5, 0.5]),
        ValueError,
        r"P: expected shape \(n_samples, n_classes\), got shape \(2,\)",
    ),
    (
        nn.categorical_cross_entropy,
        ([0], [[1.2, -0.2]]),
        ValueError,
        "P: expected probabilities in \\[0, 1\\]",
    ),
    (
        nn.categorical_cross_entropy,
        ([0], [[np.nan, 0.5]]),
        ValueError,
        "P: expected real numbers, got NaN",
    ),
    (
        nn.softmax_cross_entropy,
        ([0], [[np.nan, 0.0]]),
        ValueError,
        "logits: expected real numbers, got NaN",
    ),
    (
        nn.softmax_cross_entropy,
        ([0], [[np.inf, 0.0]]),
        ValueError,
        "logits: expected finite numbers, got an infinity",
    ),
    (
        nn.softmax_cross_entropy_grad,
        ([2], [[1.0, 0.0]]),
        ValueError,
        "Y: expected labels below the 2 classes, got label 2",
    ),
    (
        nn.categorical_cross_entropy_grad,
        (["x"], [[1.0, 0.0]]),
        TypeError,
        "Y: expected integer class labels",
    ),
]


@pytest.mark.parametrize(("function", "args", "error", "match"), BAD_INPUTS)
def test_bad_input_raises_naming_the_argument(function, args, error, match):
    with pytest.raises(error, match=match):
        function(*args)


@pytest.mark.parametrize("loss", [nn.binary_cross_entropy, nn.mse, nn.mse_grad])
def test_unknown_reduction_raises(loss):
    with pytest.raises(
        ValueError, match="reduction: expected one of 'mean', 'sum', 'none', got 'average'"
    ):
        loss([1.0], [0.5], reduction="average")


def test_float32_predictions_keep_float32():
    p = np.array([0.2, 0.7], dtype=np.float32)
    y = np.array([0.0, 1.0], dtype=np.float32)
    assert nn.binary_cross_entropy(y, p).dtype == np.float32
    assert nn.binary_cross_entropy_grad(y, p).dtype == np.float32
    assert nn.mse_grad(y, p).dtype == np.float32


# ----- entropy and KL divergence -----


def distributions(n: int = 3, k: int = 4):
    """Hypothesis strategy: (n, k) arrays whose rows are distributions, zeros included."""
    weights = arrays(
        np.float64, (n, k), elements=st.sampled_from([0.0, 1e-300, 1e-9, 0.1, 0.5, 1.0, 7.0])
    )
    return weights.filter(lambda w: (w.sum(axis=1) > 0).all()).map(
        lambda w: w / w.sum(axis=1, keepdims=True)
    )


def test_entropy_worked_values():
    # A fair coin has 1 bit = ln 2 nats; a sure outcome 0; k equal outcomes ln k.
    assert nn.entropy([0.5, 0.5]) == pytest.approx(np.log(2))
    assert nn.entropy([0.5, 0.5]) / np.log(2) == pytest.approx(1.0)
    assert nn.entropy([1.0, 0.0, 0.0]) == 0.0
    assert nn.entropy(np.full((2, 10), 0.1), reduction="none") == pytest.approx([np.log(10)] * 2)


def test_entropy_and_kl_against_scipy():
    P = P3
    Q = nn.softmax(LOGITS3)
    np.testing.assert_allclose(
        nn.entropy(P, reduction="none"), scipy.stats.entropy(P, axis=1), rtol=1e-13
    )
    np.testing.assert_allclose(
        nn.kl_divergence(P, Q, reduction="none"),
        scipy.special.rel_entr(P, Q).sum(axis=1),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        nn.kl_divergence(P, Q, reduction="none"), scipy.stats.entropy(P, Q, axis=1), rtol=1e-12
    )


def test_zero_times_log_zero_is_zero():
    P = np.array([[0.0, 0.25, 0.75], [1.0, 0.0, 0.0]])
    Q = np.array([[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = nn.entropy(P, reduction="none")
        kl = nn.kl_divergence(P, Q, reduction="none")
    np.testing.assert_allclose(h, scipy.special.entr(P).sum(axis=1))
    np.testing.assert_allclose(kl, scipy.special.rel_entr(P, Q).sum(axis=1))


def test_kl_with_an_impossible_outcome_is_large_but_finite():
    # q = 0 where p > 0: infinite in exact arithmetic; the log is clamped at -100 as in the CE.
    kl = nn.kl_divergence([0.5, 0.5], [1.0, 0.0])
    assert kl == pytest.approx(0.5 * (np.log(0.5) - np.log(1.0)) + 0.5 * (np.log(0.5) + 100))
    assert np.isfinite(kl)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_entropy_and_kl_reduce_like_categorical_cross_entropy(reduction):
    Q = nn.softmax(LOGITS3)
    per_row = nn.kl_divergence(P3, Q, reduction="none")
    expected = {"mean": per_row.mean(), "sum": per_row.sum(), "none": per_row}[reduction]
    np.testing.assert_allclose(nn.kl_divergence(P3, Q, reduction=reduction), expected)
    assert nn.entropy(P3, reduction=reduction) == pytest.approx(
        nn.categorical_cross_entropy(P3, P3, reduction=reduction)
    )


def test_entropy_keeps_float32():
    P = np.array([[0.25, 0.75]], dtype=np.float32)
    assert nn.entropy(P).dtype == np.float32
    assert nn.kl_divergence(P, P[:, ::-1]).dtype == np.float32


@settings(max_examples=60, deadline=None)
@given(distributions(), distributions())
def test_kl_is_never_negative_and_cross_entropy_is_entropy_plus_kl(P, Q):
    kl = nn.kl_divergence(P, Q, reduction="none")
    assert (kl >= -1e-12).all()
    np.testing.assert_allclose(nn.kl_divergence(P, P, reduction="none"), 0.0, atol=1e-15)
    np.testing.assert_allclose(
        nn.categorical_cross_entropy(P, Q, reduction="none"),
        nn.entropy(P, reduction="none") + kl,
        rtol=1e-12,
        atol=1e-12,
    )


@settings(max_examples=40, deadline=None)
@given(distributions(n=2, k=5))
def test_entropy_lies_between_0_and_log_k(P):
    h = nn.entropy(P, reduction="none")
    assert (h >= 0).all()
    assert (h <= np.log(5) + 1e-12).all()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: nn.entropy([0.5, 0.6]),
            r"P: expected each row to sum to 1 \(a distribution\), got sums from 1\.1",
        ),
        (lambda: nn.entropy([1.5, -0.5]), r"P: expected probabilities in \[0, 1\]"),
        (lambda: nn.entropy([[[1.0]]]), r"P: expected shape \(k,\) or \(n, k\)"),
        (lambda: nn.entropy([np.nan, 1.0]), "P: expected real numbers, got NaN"),
        (lambda: nn.kl_divergence([0.5, 0.5], [[0.5, 0.5]]), r"Q: expected the shape of P, \(2,\)"),
        (lambda: nn.kl_divergence([0.5, 0.5], [0.2, 0.2]), "Q: expected each row to sum to 1"),
        (lambda: nn.kl_divergence([1.0], [1.0], reduction="avg"), "reduction: expected one of"),
    ],
)
def test_bad_distributions_raise_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()
