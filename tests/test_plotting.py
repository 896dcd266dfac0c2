"""Tests for nncourse.plotting: the numbers each figure shows, and that drawing stays thin."""

import io
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
# -- softmax with a temperature -----------------------------------------------------------------
def test_softmax_temperature_one_is_the_seed_example():
    # scores 2, 1, 0: e^2, e^1, e^0 over their sum = 0.665, 0.245, 0.090
    p = plotting.softmax_with_temperature([2.0, 1.0, 0.0], 1.0)
    total = math.e**2 + math.e + 1
    np.testing.assert_allclose(p, [math.e**2 / total, math.e / total, 1 / total])
    np.testing.assert_allclose(p, [0.665, 0.245, 0.090], atol=5e-4)


@given(st.lists(st.floats(-50, 50), min_size=2, max_size=5), st.floats(0.05, 20))
def test_softmax_temperature_is_a_distribution_ordered_like_the_scores(scores, t):
    p = plotting.softmax_with_temperature(scores, t)
    assert p.sum() == pytest.approx(1)
    assert np.all(np.diff(p[np.argsort(scores, kind="stable")]) >= -1e-12)


def test_softmax_temperature_limits():
    scores = [2.0, 1.0, 0.0]
    np.testing.assert_allclose(plotting.softmax_with_temperature(scores, 1e-3), [1, 0, 0])
    np.testing.assert_allclose(
        plotting.softmax_with_temperature(scores, 1e4), [1 / 3] * 3, atol=1e-4
    )
    np.testing.assert_allclose(plotting.softmax_with_temperature([1000.0, -1000.0], 0.1), [1, 0])


@pytest.mark.parametrize("t", [0, -1, float("nan"), float("inf")])
def test_softmax_temperature_must_be_positive(t):
    with pytest.raises(ValueError, match="temperature"):
        plotting.softmax_with_temperature([1.0, 2.0], t)


# -- negative log-likelihood --------------------------------------------------------------------
def test_negative_log_likelihood_is_minus_log():
    p = np.array([0.01, 0.55, 0.8, 1.0])
    np.testing.assert_allclose(plotting.negative_log_likelihood(p), -np.log(p), atol=1e-15)
    assert plotting.negative_log_likelihood(0.0) == pytest.approx(100)  # clamped, finite


def test_negative_log_likelihood_prefers_the_better_model():
    # the seed's admissions example: 80 % beats 55 % for a student who was accepted
    assert plotting.negative_log_likelihood(0.8) < plotting.negative_log_likelihood(0.55)


# -- gradient descent ---------------------------------------------------------------------------
def test_bowl_gradient_matches_finite_differences():
    from nncourse import numerical_gradient

    theta = np.array([-1.3, 0.7])
    np.testing.assert_allclose(
        plotting.bowl_gradient(theta), numerical_gradient(plotting.bowl_loss, theta), rtol=1e-6
    )


def test_bowl_loss_hand_value():
    assert plotting.bowl_loss([-4.0, 2.0]) == pytest.approx(0.5 * (16 + 10 * 4))


def test_descent_path_first_step_by_hand():
    # ∇L(-4, 2) = (-4, 20); with η = 0.1: (-4 + 0.4, 2 - 2) = (-3.6, 0)
    path = plotting.descent_path(0.1, 1)
    np.testing.assert_allclose(path, [[-4.0, 2.0], [-3.6, 0.0]])


@pytest.mark.parametrize(
    ("lr", "converges"), [(0.05, True), (0.15, True), (0.19, True), (0.22, False)]
)
def test_descent_path_converges_below_two_over_the_steepest_curvature(lr, converges):
    path = plotting.descent_path(lr, 200)
    assert (np.linalg.norm(path[-1]) < 1e-3) == converges
    # each coordinate scales by (1 - η a) per step
    np.testing.assert_allclose(path[5], np.array([-4.0, 2.0]) * (1 - lr * np.array([1, 10])) ** 5)


# -- MLP training -------------------------------------------------------------------------------
def test_training_snapshots_shapes_and_progress():
    from nncourse import datasets

    X, y = datasets.moons(n_samples=80, noise=0.1, seed=1)
    snaps = plotting.training_snapshots(X, y, [0, 100, 300], resolution=12)
    assert snaps["probability"].shape == (3, 12, 12)
    assert snaps["epochs"].tolist() == [0, 100, 300]
    assert snaps["loss"][-1] < snaps["loss"][0]
    assert np.all((snaps["probability"] >= 0) & (snaps["probability"] <= 1))
    assert snaps["x1"][0] < X[:, 0].min() and snaps["x2"][-1] > X[:, 1].max()


def test_training_in_pieces_equals_one_run():
    from nncourse import MLP, datasets

    X, y = datasets.moons(n_samples=60, noise=0.1, seed=2)
    snaps = plotting.training_snapshots(X, y, [0, 40, 100], resolution=5)
    net = MLP([2, 16, 1], hidden_activation="tanh", seed=0)
    net.fit(X, y, epochs=100, lr=1.0)
    assert snaps["loss"][-1] == pytest.approx(net.loss(X, y), rel=1e-12)


def test_training_snapshots_checks_checkpoints():
    with pytest.raises(ValueError, match="checkpoints"):
        plotting.training_snapshots(np.zeros((4, 2)), np.array([0, 1, 0, 1]), [10, 5])


def snapshots_for_tests():
    from nncourse import datasets

    X, y = datasets.moons(n_samples=30, noise=0.1, seed=0)
    return plotting.training_snapshots(X, y, [0, 10], resolution=8), X, y


def all_scenes():
    snaps, X, y = snapshots_for_tests()
    return [
        (plotting.draw_sigmoid_weight_bias, {"w": -2.0, "b": 3.0}),
        (plotting.draw_sigmoid_plane, {"w1": 4.0, "w2": 5.0, "b": -9.0}),
        (plotting.draw_sigmoid_plane, {"w1": 0.0, "w2": 0.0, "b": 0.0}),  # no line
        (plotting.draw_softmax_temperature, {"temperature": 0.5}),
        (plotting.draw_neg_log_likelihood, {"p": 0.3}),
        (plotting.draw_gradient_descent, {"lr": 0.25, "steps": 30}),  # diverges off the axes
        (plotting.Scene(plotting.mlp_boundary_scene, snaps, X, y), {"epoch": 10}),
    ]


def test_scenes_draw_white_figures():
    for scene, values in all_scenes():
        fig = scene(**values)
        assert isinstance(fig, Figure)
        assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
        assert not any(a.get_animated() for ax in fig.axes for a in ax.get_children())


def test_gradient_descent_title_says_when_it_diverges():
    fig = plotting.draw_gradient_descent(lr=0.25, steps=30)
    assert "diverges" in fig.axes[0].get_title()


def pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_fast_frames_look_like_whole_drawings():
    # Scene.png repaints only the moving parts over a saved background: the picture must be the
    # one a whole drawing gives, up to a faint difference on antialiased edges.
    for scene, values in all_scenes():
        for _ in range(2):  # the second frame is painted over the saved background
            fast = pixels(scene.png(**values))
        whole = pixels(plotting.render_png(scene(**values)))
        assert fast.shape == whole.shape
        assert (np.abs(fast - whole).max(axis=-1) > 60).sum() <= 5, scene.build.__name__


def test_fast_frames_follow_the_values():
    scene = plotting.draw_sigmoid_weight_bias
    assert scene.png(w=1.0, b=0.0) != scene.png(w=2.0, b=0.0)
    assert scene.png(w=1.0, b=0.0) == scene.png(w=1.0, b=0.0)
