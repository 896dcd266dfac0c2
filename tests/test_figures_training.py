"""Tests for nncourse.figures.training: an MLP's decision boundary across training."""

import numpy as np
import pytest

from nncourse.figures import training


def test_training_snapshots_shapes_and_progress():
    from nncourse import datasets

    X, y = datasets.moons(n_samples=80, noise=0.1, seed=1)
    snaps = training.training_snapshots(X, y, [0, 100, 300], resolution=12)
    assert snaps["probability"].shape == (3, 12, 12)
    assert snaps["epochs"].tolist() == [0, 100, 300]
    assert snaps["loss"][-1] < snaps["loss"][0]
    assert np.all((snaps["probability"] >= 0) & (snaps["probability"] <= 1))
    assert snaps["x1"][0] < X[:, 0].min() and snaps["x2"][-1] > X[:, 1].max()


def test_training_in_pieces_equals_one_run():
    from nncourse import MLP, datasets

    X, y = datasets.moons(n_samples=60, noise=0.1, seed=2)
    snaps = training.training_snapshots(X, y, [0, 40, 100], resolution=5)
    net = MLP([2, 16, 1], hidden_activation="tanh", seed=0)
    net.fit(X, y, epochs=100, lr=1.0)
    assert snaps["loss"][-1] == pytest.approx(net.loss(X, y), rel=1e-12)


def test_training_snapshots_checks_checkpoints():
    with pytest.raises(ValueError, match="checkpoints: expected increasing epochs"):
        training.training_snapshots(np.zeros((4, 2)), np.array([0, 1, 0, 1]), [10, 5])


def test_mlp_training_boundary_epoch_slider():
    figure = training.mlp_training_boundary(epochs=100, every=50)
    slider = figure.params["epoch"]
    assert (slider.min, slider.max, slider.step, slider.value) == (0, 100, 50, 0)
    assert figure.static_grids()["epoch"].tolist() == [0, 50, 100]
    assert slider.play
    with pytest.raises(ValueError, match="every: expected an integer >= 1"):
        training.mlp_training_boundary(epochs=10, every=0)


def test_mlp_training_boundary_shows_the_early_epochs():
    grids = training.mlp_training_boundary(epochs=200, every=5).static_grids()
    assert grids["epoch"].tolist() == [0, 5, 10, 20, 50, 100, 150, 200]
    assert training.EPOCHS_SHOWN[-1] == 1000


def test_mlp_training_boundary_every_at_most_epochs():
    with pytest.raises(ValueError, match="every: expected at most epochs = 10, got 20"):
        training.mlp_training_boundary(epochs=10, every=20)


def test_one_unit_is_a_step_and_two_make_a_bump():
    x = np.array([-1.0, 0.5, 2.0])
    step = training.bump_network(lambda m: np.ones_like(m), 1, 50, x)
    assert step["cells"] == 1
    np.testing.assert_allclose(step["output"], [0, 1, 1], atol=1e-10)
    bump = training.bump_network(lambda m: np.full_like(m, 0.7), 2, 50, x)
    np.testing.assert_allclose(bump["output"], [0, 0.7, 0], atol=1e-10)


def test_bumps_add_up_to_the_network_and_sit_at_the_midpoints():
    x = np.linspace(-0.1, 1.1, 301)
    built = training.bump_network(training.universality_target, 8, 10, x)
    assert built["bumps"].shape == (4, 301)
    np.testing.assert_allclose(built["bumps"].sum(axis=0), built["output"])
    # Each bump peaks in its cell, at about f of the cell's midpoint.
    peaks = x[np.argmax(built["bumps"], axis=1)]
    np.testing.assert_allclose(peaks, [0.125, 0.375, 0.625, 0.875], atol=0.01)


def test_bump_network_is_a_sigmoid_mlp():
    """The pairs are the hidden units of MLP([1, N, 1]) with a sigmoid layer and identity output."""
    from nncourse import MLP

    n, steepness, x = 6, 5.0, np.linspace(0, 1, 41)
    cells = 3
    edges = np.linspace(0, 1, cells + 1)
    heights = training.universality_target((edges[:-1] + edges[1:]) / 2)
    s = steepness * cells
    net = MLP([1, n, 1], hidden_activation="sigmoid", output_activation="identity", loss="mse")
    net.layers[0].W = np.full((1, n), s)
    net.layers[0].b = -s * np.repeat(edges, 2)[1:-1]  # on at e_k-1, off at e_k, per cell
    net.layers[1].W = (heights[:, None] * [1, -1]).reshape(-1, 1)
    net.layers[1].b = np.zeros(1)
    built = training.bump_network(training.universality_target, n, steepness, x)
    np.testing.assert_allclose(net.forward(x.reshape(-1, 1))[:, 0], built["output"], atol=1e-12)


def test_more_units_fit_better_at_a_moderate_steepness():
    x = np.linspace(-0.1, 1.1, 601)
    errors = [
        training.bump_network(training.universality_target, n, 10, x)["error"]
        for n in training.UNITS_SHOWN
    ]
    assert errors[-1] < 0.06 and errors[0] > 0.6
    assert np.all(np.diff(errors[2:]) < 0)  # from 4 units on
    # Doubling the units roughly halves the error once the bumps are narrow.
    assert errors[-2] / errors[-1] == pytest.approx(2, rel=0.2)
    # Very steep sigmoids make a staircase, which is worse than gently blended bumps.
    steep = training.bump_network(training.universality_target, 32, 50, x)["error"]
    assert steep > 1.5 * errors[-1]


def test_bump_network_checks_its_arguments():
    with pytest.raises(ValueError, match="n_units: expected an integer >= 1"):
        training.bump_network(training.universality_target, 0, 10, [0.5])
    with pytest.raises(ValueError, match="steepness: expected a number > 0"):
        training.bump_network(training.universality_target, 2, 0, [0.5])


def test_universality_sliders_show_every_value_the_text_names():
    figure = training.universality()
    grids = figure.static_grids()
    assert grids["units"].tolist() == [1, 2, 4, 8, 16, 32]
    assert grids["steepness"].tolist() == [1, 2, 5, 10, 20, 50]
    assert (figure.params["units"].value, figure.params["steepness"].value) == (1, 10)
    assert "pair" in figure.alt
