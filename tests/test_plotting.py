"""Tests for nncourse.plotting: the numbers each figure shows, and that drawing stays thin."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from nncourse import plotting

weights = st.floats(-10, 10).filter(lambda v: abs(v) > 1e-3)
biases = st.floats(-10, 10)


# -- the sigmoid --------------------------------------------------------------------------------
def test_sigmoid_curve_hand_values():
    smooth, hard = plotting.sigmoid_curve([-1.0, -0.5, 0.0, 1.0], w=2.0, b=1.0)
    # scores 2x + 1: -1, 0, 1, 3
    expected = [1 / (1 + math.e), 0.5, 1 / (1 + math.exp(-1)), 1 / (1 + math.exp(-3))]
    np.testing.assert_allclose(smooth, expected)
    np.testing.assert_array_equal(hard, [0, 1, 1, 1])


@given(weights, biases)
def test_sigmoid_is_one_half_at_the_midpoint(w, b):
    mid = plotting.sigmoid_midpoint(w, b)
    smooth, hard = plotting.sigmoid_curve(mid, w, b)
    assert smooth == pytest.approx(0.5, abs=1e-9)
    assert hard in (0.0, 1.0)


def test_sigmoid_midpoint_has_no_negative_zero():
    assert math.copysign(1, plotting.sigmoid_midpoint(2.0, 0.0)) == 1


def test_sigmoid_midpoint_without_weight_is_nan():
    assert math.isnan(plotting.sigmoid_midpoint(0.0, 1.0))


@pytest.mark.parametrize(
    ("weights", "names", "bias", "text"),
    [
        ([4, 5], ["x₁", "x₂"], -9, "4x₁ + 5x₂ − 9"),
        ([-2], ["x"], 0.5, "−2x + 0.5"),
        ([1], ["x"], 0, "x"),
        ([-1, 0], ["x₁", "x₂"], 0, "−x₁"),
        ([0], ["x"], 0, "0"),
        ([0.25], ["x"], -1, "0.25x − 1"),
    ],
)
def test_affine_text(weights, names, bias, text):
    assert plotting.affine_text(weights, names, bias) == text


# -- the probability plane ----------------------------------------------------------------------
def test_probability_plane_layout_follows_meshgrid():
    x1 = np.array([-1.0, 0.0, 1.0, 2.0])
    x2 = np.array([0.0, 3.0])
    plane = plotting.probability_plane(1.0, -2.0, 0.5, x1, x2)
    assert plane.shape == (2, 4)
    assert plane[1, 3] == pytest.approx(1 / (1 + math.exp(-(2.0 - 6.0 + 0.5))))


def test_seed_example_points_lie_on_the_decision_line():
    # score 4 x1 + 5 x2 - 9 is 0 at (1, 1) and at (-4, 5): probability one half
    plane = plotting.probability_plane(4, 5, -9, [1.0, -4.0], [1.0, 5.0])
    assert plane[0, 0] == pytest.approx(0.5) and plane[1, 1] == pytest.approx(0.5)


def test_decision_line_hand_values():
    # 4 x1 + 5 x2 - 9 = 0 leaves the square [-6, 6]² through its top and right edges
    segment = plotting.decision_line(4, 5, -9)
    np.testing.assert_allclose(segment, [[-5.25, 6.0], [6.0, -3.0]])


@given(st.floats(-6, 6), st.floats(-6, 6), st.floats(-12, 12))
def test_decision_line_points_have_score_zero_on_the_border(w1, w2, b):
    segment = plotting.decision_line(w1, w2, b)
    assert segment.shape in ((0, 2), (2, 2))
    for x1, x2 in segment:
        assert w1 * x1 + w2 * x2 + b == pytest.approx(0, abs=1e-9 * (1 + abs(b)))
        assert max(abs(x1), abs(x2)) == pytest.approx(6)


def test_decision_line_missing():
    assert plotting.decision_line(0, 0, 1).shape == (0, 2)
    assert plotting.decision_line(1, 0, -10).shape == (0, 2)  # x1 = 10 is outside the square


# -- drawing ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("draw", "values"),
    [
        (plotting.draw_sigmoid_weight_bias, {"w": 2.0, "b": -1.0}),
        (plotting.draw_sigmoid_weight_bias, {"w": 0.0, "b": 0.0}),
        (plotting.draw_sigmoid_plane, {"w1": 4.0, "w2": 5.0, "b": -9.0}),
        (plotting.draw_sigmoid_plane, {"w1": 0.0, "w2": 0.0, "b": 0.0}),
    ],
)
def test_draw_functions_return_white_figures(draw, values):
    fig = draw(**values)
    assert isinstance(fig, Figure)
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
