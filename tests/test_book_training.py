"""The numbers the "Training in practice" chapter (book/training.ipynb) prints, held through nncourse.

Each test repeats the chapter's computation with the same settings and seeds; nbval separately checks
that the notebook itself runs.
"""

import numpy as np
import pytest

import nncourse as nn
from nncourse import datasets

EPOCHS, EVERY, LR = 1500, 10, 0.5
CHECKPOINTS = np.arange(EVERY, EPOCHS + 1, EVERY)


@pytest.fixture(scope="module")
def moons():
    X, y = datasets.moons(n_samples=40, noise=0.3, seed=1)
    X_val, y_val = datasets.moons(n_samples=1000, noise=0.3, seed=2)
    return X, y, X_val, y_val


def _accuracy(net, X, y):
    return np.mean(net.predict(X) == y)


def _val_curve(net, update, X_val, y_val):
    losses, best = [], None
    for _ in CHECKPOINTS:
        update(net)
        losses.append(net.loss(X_val, y_val))
        if best is None or losses[-1] < best[0]:
            best = (losses[-1], [(layer.W.copy(), layer.b.copy()) for layer in net.layers])
    return np.array(losses), best[1]


@pytest.fixture(scope="module")
def plain_run(moons):
    X, y, X_val, y_val = moons
    net = nn.MLP([2, 64, 64, 1], hidden_activation="tanh", seed=0)
    curve, best = _val_curve(net, lambda n: n.fit(X, y, epochs=EVERY, lr=LR), X_val, y_val)
    return net, curve, best


def test_overfitting_and_early_stopping(moons, plain_run):
    X, y, X_val, y_val = moons
    net, curve, best = plain_run
    assert CHECKPOINTS[np.argmin(curve)] == 290
    assert curve.min() == pytest.approx(0.229, abs=5e-4)
    assert curve[-1] == pytest.approx(0.467, abs=5e-4)
    assert net.loss(X, y) == pytest.approx(0.068, abs=5e-4)
    assert _accuracy(net, X_val, y_val) == pytest.approx(0.888)
    for layer, (W, b) in zip(net.layers, best, strict=True):
        layer.W, layer.b = W, b
    assert _accuracy(net, X_val, y_val) == pytest.approx(0.901)


def test_l2_regularisation_flattens_the_validation_curve(moons, plain_run):
    X, y, X_val, y_val = moons

    def update(lam):
        def step(net):
            for _ in range(EVERY):
                for layer, (dW, db) in zip(net.layers, net.gradients(X, y), strict=True):
                    layer.W -= LR * (dW + lam * layer.W)
                    layer.b -= LR * db

        return step

    curves = {}
    for lam in (1e-3, 1e-2):
        net = nn.MLP([2, 64, 64, 1], hidden_activation="tanh", seed=0)
        curves[lam], _ = _val_curve(net, update(lam), X_val, y_val)
    assert curves[1e-3][-1] == pytest.approx(0.310, abs=5e-4)
    assert curves[1e-2][-1] == pytest.approx(0.326, abs=5e-4)
    assert curves[1e-2][-1] - curves[1e-2].min() < 1e-3  # flat: no climb at the end
    assert curves[1e-3][-1] < plain_run[1][-1]


def test_inverted_dropout_step(moons, plain_run):
    X, y, X_val, y_val = moons
    p, rng = 0.2, np.random.default_rng(0)

    def update(net):
        Y = y.reshape(-1, 1)
        for _ in range(EVERY):
            activations, zs, masks = [X], [], []
            for m, layer in enumerate(net.layers):
                z = activations[-1] @ layer.W + layer.b
                if m < len(net.layers) - 1:
                    mask = (rng.random(z.shape) >= p) / (1 - p)
                    a = nn.tanh(z) * mask
                    masks.append(mask)
                else:
                    a = nn.sigmoid(z)
                zs.append(z)
                activations.append(a)
            delta = (activations[-1] - Y) / len(Y)
            for m in range(len(net.layers) - 1, -1, -1):
                layer = net.layers[m]
                dW, db = activations[m].T @ delta, delta.sum(axis=0)
                if m > 0:
                    delta = (delta @ layer.W.T) * masks[m - 1] * nn.tanh_grad(zs[m - 1])
                layer.W -= LR * dW
                layer.b -= LR * db

    net = nn.MLP([2, 64, 64, 1], hidden_activation="tanh", seed=0)
    curve, _ = _val_curve(net, update, X_val, y_val)
    assert curve[-1] == pytest.approx(0.249, abs=5e-4)
    assert _accuracy(net, X_val, y_val) == pytest.approx(0.900)
    assert curve[-1] < plain_run[1][-1]


def test_inverted_dropout_keeps_the_expected_activation():
    """Equation tr-dropout: dividing the survivors by 1 - p keeps the mean."""
    rng = np.random.default_rng(0)
    a = rng.uniform(size=(2000, 50))
    mask = (rng.random(a.shape) >= 0.2) / 0.8
    assert (a * mask).mean() == pytest.approx(a.mean(), rel=0.01)


def test_batch_normalisation_removes_saturation():
    def saturated_fraction(batch_norm):
        rng = np.random.default_rng(0)
        a = rng.normal(size=(256, 100))
        fractions = []
        for _ in range(10):
            z = a @ rng.normal(0.0, 1.0, size=(100, 100))
            if batch_norm:
                z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
            a = nn.sigmoid(z)
            fractions.append(np.mean(nn.sigmoid_grad(z) < 0.01))
        return np.array(fractions)

    without, with_bn = saturated_fraction(False), saturated_fraction(True)
    np.testing.assert_allclose(
        without.round(2), [0.64, 0.53, 0.45, 0.5, 0.51, 0.51, 0.53, 0.44, 0.46, 0.55]
    )
    assert np.all(with_bn == 0)


def _staircase_network(f, a, b, n_units, steepness=5.0):
    knots = np.linspace(a, b, n_units + 1)
    midpoints = (knots[:-1] + knots[1:]) / 2
    s = steepness * n_units / (b - a)
    net = nn.MLP(
        [1, n_units, 1], hidden_activation="sigmoid", output_activation="identity", loss="mse"
    )
    net.layers[0].W = np.full((1, n_units), s)
    net.layers[0].b = -s * midpoints
    net.layers[1].W = np.diff(f(knots)).reshape(-1, 1)
    net.layers[1].b = [f(a)]
    return net


def test_universal_approximation_construction():
    x = np.linspace(0, 2 * np.pi, 2001).reshape(-1, 1)
    expected = {5: 0.1980, 10: 0.0544, 20: 0.0236, 50: 0.0096, 100: 0.0048, 200: 0.0024}
    errors = {}
    for n_units, value in expected.items():
        F = _staircase_network(np.sin, 0, 2 * np.pi, n_units)
        errors[n_units] = np.max(np.abs(F.forward(x) - np.sin(x)))
        assert errors[n_units] == pytest.approx(value, abs=5e-5)
    # Roughly 1/N: doubling the units halves the error.
    assert errors[100] / errors[200] == pytest.approx(2.0, rel=0.05)


@pytest.fixture(scope="module")
def digits_split():
    X_train_all, X_test, y_train_all, y_test = datasets.digits(seed=0)
    return X_train_all, X_test, y_train_all, y_test


SETTINGS = dict(lr=0.05, batch_size=32, momentum=0.9)


def _digit_net():
    return nn.MLP(
        [64, 32, 10],
        hidden_activation="relu",
        output_activation="softmax",
        loss="categorical_cross_entropy",
        seed=0,
    )


def test_digits_learning_curves_choose_19_epochs(digits_split):
    X_train_all, _, y_train_all, _ = digits_split
    X_fit, y_fit = X_train_all[270:], y_train_all[270:]
    X_valid, y_valid = X_train_all[:270], y_train_all[:270]
    assert (len(X_fit), len(X_valid)) == (1078, 270)
    net = _digit_net()
    val_loss, val_acc = [], []
    for epoch in range(40):
        net.fit(X_fit, y_fit, epochs=1, seed=epoch, **SETTINGS)
        val_loss.append(net.loss(X_valid, y_valid))
        val_acc.append(_accuracy(net, X_valid, y_valid))
    chosen = int(np.argmin(val_loss)) + 1
    assert chosen == 19
    assert min(val_loss) == pytest.approx(0.173, abs=5e-4)
    assert val_acc[chosen - 1] == pytest.approx(0.956, abs=5e-4)


def test_digits_classifier_reaches_95_percent(digits_split):
    X_train_all, X_test, y_train_all, y_test = digits_split
    net = _digit_net()
    history = net.fit(X_train_all, y_train_all, epochs=19, seed=0, **SETTINGS)
    assert len(X_test) == 449
    assert history["loss"][-1] == pytest.approx(0.0280, abs=5e-5)
    correct = int(np.sum(net.predict(X_test) == y_test))
    assert correct == 435
    assert correct / len(y_test) >= 0.95


def test_digits_network_size_in_the_text():
    """The chapter calls it a 2,410-parameter network."""
    net = _digit_net()
    assert sum(layer.W.size + layer.b.size for layer in net.layers) == 2410
