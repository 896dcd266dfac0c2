"""Tests for nncourse.figures.likelihood: the loss −log p."""

import numpy as np
import pytest

from nncourse.figures import likelihood


def test_negative_log_likelihood_is_minus_log():
    p = np.array([0.01, 0.55, 0.8, 1.0])
    np.testing.assert_allclose(likelihood.negative_log_likelihood(p), -np.log(p), atol=1e-15)
    assert likelihood.negative_log_likelihood(0.0) == pytest.approx(100)  # clamped, finite


def test_negative_log_likelihood_prefers_the_better_model():
    # the seed's admissions example: 80 % beats 55 % for a student who was accepted
    assert likelihood.negative_log_likelihood(0.8) < likelihood.negative_log_likelihood(0.55)


def test_the_label_at_p_one_says_zero_without_a_sign():
    fig = likelihood.draw_neg_log_likelihood(p=1.0)
    assert "= 0.000" in fig.axes[0].texts[0].get_text()
    assert "-0.000" not in fig.axes[0].texts[0].get_text()
