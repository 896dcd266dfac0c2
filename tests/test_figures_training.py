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
