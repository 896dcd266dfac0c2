"""Tests for nncourse.figures.softmax: softmax with a temperature."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nncourse.figures import softmax


def test_softmax_temperature_one_is_the_seed_example():
    # scores 2, 1, 0: e^2, e^1, e^0 over their sum = 0.665, 0.245, 0.090
    p = softmax.softmax_with_temperature([2.0, 1.0, 0.0], 1.0)
    total = math.e**2 + math.e + 1
    np.testing.assert_allclose(p, [math.e**2 / total, math.e / total, 1 / total])
    np.testing.assert_allclose(p, [0.665, 0.245, 0.090], atol=5e-4)


@given(st.lists(st.floats(-50, 50), min_size=2, max_size=5), st.floats(0.05, 20))
def test_softmax_temperature_is_a_distribution_ordered_like_the_scores(scores, t):
    p = softmax.softmax_with_temperature(scores, t)
    assert p.sum() == pytest.approx(1)
    assert np.all(np.diff(p[np.argsort(scores, kind="stable")]) >= -1e-12)


def test_softmax_temperature_limits():
    scores = [2.0, 1.0, 0.0]
    np.testing.assert_allclose(softmax.softmax_with_temperature(scores, 1e-3), [1, 0, 0])
    np.testing.assert_allclose(
        softmax.softmax_with_temperature(scores, 1e4), [1 / 3] * 3, atol=1e-4
    )
    np.testing.assert_allclose(softmax.softmax_with_temperature([1000.0, -1000.0], 0.1), [1, 0])


@pytest.mark.parametrize("t", [0, -1, float("nan"), float("inf")])
def test_softmax_temperature_must_be_positive(t):
    with pytest.raises(ValueError, match=r"temperature: expected a real number in \(0, inf\)"):
        softmax.softmax_with_temperature([1.0, 2.0], t)
