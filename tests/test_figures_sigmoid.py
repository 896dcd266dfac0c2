"""Tests for nncourse.figures.sigmoid: the numbers the sigmoid figures show, and their sliders."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nncourse.figures import sigmoid

weights = st.floats(-10, 10).filter(lambda v: abs(v) > 1e-3)
biases = st.floats(-10, 10)


# -- the sigmoid --------------------------------------------------------------------------------
def test_sigmoid_curve_hand_values():
    smooth, hard = sigmoid.sigmoid_curve([-1.0, -0.5, 0.0, 1.0], w=2.0, b=1.0)
    # scores 2x + 1: -1, 0, 1, 3
    expected = [1 / (1 + math.e), 0.5, 1 / (1 + math.exp(-1)), 1 / (1 + math.exp(-3))]
    np.testing.assert_allclose(smooth, expected)
    np.testing.assert_array_equal(hard, [0, 1, 1, 1])


@given(weights, biases)
def test_sigmoid_is_one_half_at_the_midpoint(w, b):
    mid = sigmoid.sigmoid_midpoint(w, b)
    smooth, hard = sigmoid.sigmoid_curve(mid, w, b)
    assert smooth == pytest.approx(0.5, abs=1e-9)
    assert hard in (0.0, 1.0)


def test_sigmoid_midpoint_has_no_negative_zero():
    assert math.copysign(1, sigmoid.sigmoid_midpoint(2.0, 0.0)) == 1


def test_sigmoid_midpoint_without_weight_is_nan():
    assert math.isnan(sigmoid.sigmoid_midpoint(0.0, 1.0))


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
    assert sigmoid.affine_text(weights, names, bias) == text


# -- the probability plane ----------------------------------------------------------------------
def test_probability_plane_layout_follows_meshgrid():
    x1 = np.array([-1.0, 0.0, 1.0, 2.0])
    x2 = np.array([0.0, 3.0])
    plane = sigmoid.probability_plane(1.0, -2.0, 0.5, x1, x2)
    assert plane.shape == (2, 4)
    assert plane[1, 3] == pytest.approx(1 / (1 + math.exp(-(2.0 - 6.0 + 0.5))))


def test_seed_example_points_lie_on_the_decision_line():
    # score 4 x1 + 5 x2 - 9 is 0 at (1, 1) and at (-4, 5): probability one half
    plane = sigmoid.probability_plane(4, 5, -9, [1.0, -4.0], [1.0, 5.0])
    assert plane[0, 0] == pytest.approx(0.5) and plane[1, 1] == pytest.approx(0.5)


def test_decision_line_hand_values():
    # 4 x1 + 5 x2 - 9 = 0 leaves the square [-6, 6]² through its top and right edges
    segment = sigmoid.decision_line(4, 5, -9)
    np.testing.assert_allclose(segment, [[-5.25, 6.0], [6.0, -3.0]])


@given(st.floats(-6, 6), st.floats(-6, 6), st.floats(-12, 12))
def test_decision_line_points_have_score_zero_on_the_border(w1, w2, b):
    segment = sigmoid.decision_line(w1, w2, b)
    assert segment.shape in ((0, 2), (2, 2))
    for x1, x2 in segment:
        assert w1 * x1 + w2 * x2 + b == pytest.approx(0, abs=1e-9 * (1 + abs(b)))
        assert max(abs(x1), abs(x2)) == pytest.approx(6)


def test_decision_line_missing():
    assert sigmoid.decision_line(0, 0, 1).shape == (0, 2)
    assert sigmoid.decision_line(1, 0, -10).shape == (0, 2)  # x1 = 10 is outside the square


# -- sliders -------------------------------------------------------------------------------------
def test_sigmoid_weight_bias_sliders():
    figure = sigmoid.sigmoid_weight_bias()
    assert list(figure.params) == ["w", "b"]
    assert figure.params["w"].value == 1 and figure.params["b"].value == 0
    grids = figure.static_grids()
    assert grids["w"].tolist() == [-4, -2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 2, 4]
    assert grids["b"].tolist() == list(range(-4, 5))
    assert 2 in grids["w"] and -2 in grids["b"]  # the chapter's question: w = 2, b = -2
    assert np.prod([len(g) for g in grids.values()]) <= figure.max_frames


def test_sigmoid_plane_static_grid_contains_the_seed_example():
    figure = sigmoid.sigmoid_plane()
    assert list(figure.params) == ["w1", "w2", "b"]
    grids = figure.static_grids()
    assert 4 in grids["w1"] and 5 in grids["w2"] and -9 in grids["b"]
    assert 0 in grids["w1"] and 0 in grids["w2"] and 0 in grids["b"]
    assert -4 in grids["w1"] and -5 in grids["w2"] and 9 in grids["b"]  # all signs flipped
    assert 2 in grids["w1"] and 2.5 in grids["w2"] and -4.5 in grids["b"]  # all halved
    assert all(len(g) >= 5 for g in grids.values())
    assert np.prod([len(g) for g in grids.values()]) <= figure.max_frames


def test_sliders_starting_elsewhere_keep_their_start_on_the_website():
    assert 0.75 in sigmoid.sigmoid_weight_bias(w=0.75).static_grids()["w"]
    assert 1.5 in sigmoid.sigmoid_plane(w1=1.5).static_grids()["w1"]
