"""Tests for nncourse.figures.descent: gradient descent on the bowl, and its sliders."""

import numpy as np
import pytest

from nncourse.figures import descent


def test_bowl_gradient_matches_finite_differences():
    from nncourse import numerical_gradient

    theta = np.array([-1.3, 0.7])
    np.testing.assert_allclose(
        descent.bowl_gradient(theta), numerical_gradient(descent.bowl_loss, theta), rtol=1e-6
    )


def test_bowl_loss_hand_value():
    assert descent.bowl_loss([-4.0, 2.0]) == pytest.approx(0.5 * (16 + 10 * 4))


def test_descent_path_first_step_by_hand():
    # ∇L(-4, 2) = (-4, 20); with η = 0.1: (-4 + 0.4, 2 - 2) = (-3.6, 0)
    path = descent.descent_path(0.1, 1)
    np.testing.assert_allclose(path, [[-4.0, 2.0], [-3.6, 0.0]])


@pytest.mark.parametrize(
    ("lr", "converges"), [(0.05, True), (0.15, True), (0.19, True), (0.22, False)]
)
def test_descent_path_converges_below_two_over_the_steepest_curvature(lr, converges):
    path = descent.descent_path(lr, 200)
    assert (np.linalg.norm(path[-1]) < 1e-3) == converges
    # each coordinate scales by (1 - η a) per step
    np.testing.assert_allclose(path[5], np.array([-4.0, 2.0]) * (1 - lr * np.array([1, 10])) ** 5)


def test_gradient_descent_title_says_when_it_diverges():
    fig = descent.draw_gradient_descent_surface(lr=0.25, steps=30)
    assert "diverges" in fig.axes[0].get_title()


def test_gradient_descent_static_grid_shows_divergence_and_zero_steps():
    grids = descent.gradient_descent_surface().static_grids()
    assert 0 in grids["steps"] and 30 in grids["steps"]
    assert grids["lr"].max() > 0.2  # above 2 / 10: diverges
    assert grids["lr"].min() < 0.1


def test_gradient_descent_sliders_are_as_fine_as_the_chapter_asks():
    figure = descent.gradient_descent_surface()
    grids = figure.static_grids()
    assert 0.2 in grids["lr"]  # the answer's threshold: the walk zigzags for ever
    assert (
        figure.params["lr"].value == grids["lr"].min() == figure.params["lr"].min
    )  # "from its smallest value"
    assert grids["steps"].tolist() == list(range(31))  # the walk unfolds step by step
    assert figure.params["steps"].play and not figure.params["lr"].play
    assert len(grids["lr"]) * len(grids["steps"]) == 10 * 31 <= figure.max_frames
