"""Tests for nncourse.figures.optimizers: momentum descent on the bowl, and its sliders."""

import numpy as np
import pytest

from nncourse.figures import descent, optimizers


def test_zero_momentum_is_the_plain_descent_path():
    np.testing.assert_array_equal(
        optimizers.momentum_path(0.19, 0.0, 30), descent.descent_path(0.19, 30)
    )


def test_first_two_momentum_steps_by_hand():
    # ∇L(-4, 2) = (-4, 20). η = 0.1, β = 0.5: v1 = (0.4, -2), θ1 = (-3.6, 0);
    # ∇L(θ1) = (-3.6, 0): v2 = 0.5 v1 + (0.36, 0) = (0.56, -1), θ2 = (-3.04, -1).
    path = optimizers.momentum_path(0.1, 0.5, 2)
    np.testing.assert_allclose(path, [[-4.0, 2.0], [-3.6, 0.0], [-3.04, -1.0]])


@pytest.mark.parametrize(
    ("lr", "beta", "curvature", "rate"),
    [(0.19, 0.0, 10, 0.9), (0.19, 0.0, 1, 0.81), (0.25, 0.0, 10, 1.5), (0.19, 0.5, 10, 0.5**0.5)],
)
def test_momentum_rate_closed_forms(lr, beta, curvature, rate):
    """|1 - η a| without momentum; √β when the two roots are complex."""
    assert optimizers.momentum_rate(lr, beta, curvature) == pytest.approx(rate)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("lr", [0.02, 0.19, 0.25, 0.3])
def test_momentum_converges_exactly_when_eta_a_is_below_two_times_one_plus_beta(lr, beta):
    converges = 0 < lr * 10 < 2 * (1 + beta) and lr * 10 != 2 * (1 + beta)
    with np.errstate(over="ignore", invalid="ignore"):
        path = optimizers.momentum_path(lr, beta, 2000)
        final = np.linalg.norm(path[-1])
    assert (final < 1e-3) == converges
    assert (optimizers.momentum_rate(lr, beta, 10) < 1) == converges


def test_momentum_rate_predicts_the_shrinking_of_the_path():
    lr, beta = 0.19, 0.5
    path = optimizers.momentum_path(lr, beta, 200)
    distance = np.linalg.norm(path, axis=1)
    rate = optimizers.momentum_rate(lr, beta, 10)
    assert (distance[150] / distance[100]) ** (1 / 50) == pytest.approx(rate, abs=0.02)


def test_momentum_rate_rejects_bad_arguments():
    with pytest.raises(ValueError, match="beta"):
        optimizers.momentum_rate(0.1, 1.0, 10)
    with pytest.raises(ValueError, match="lr"):
        optimizers.momentum_rate(0.0, 0.5, 10)


def test_title_says_when_it_diverges_and_when_momentum_rescues_it():
    diverging = optimizers.draw_momentum_surface(lr=0.25, beta=0.0, steps=40)
    assert "diverges" in diverging.axes[0].get_title()
    rescued = optimizers.draw_momentum_surface(lr=0.25, beta=0.5, steps=40)
    assert "diverges" not in rescued.axes[0].get_title()
    assert "β = 0.5" in rescued.axes[0].get_title()


def test_static_grid_holds_every_value_the_chapter_names_and_stays_small():
    figure = optimizers.momentum_surface()
    grids = figure.static_grids()
    for lr in (0.02, 0.19, 0.25):
        assert np.isclose(grids["lr"], lr).any()
    assert grids["beta"].tolist() == [0.0, 0.5, 0.9]
    assert 0 in grids["steps"] and 40 in grids["steps"]
    assert figure.params["steps"].play
    assert len(grids["lr"]) * len(grids["beta"]) * len(grids["steps"]) == 45 <= figure.max_frames
