"""The numbers the backpropagation chapter (book/backpropagation.ipynb) prints, held through nncourse.

Each test repeats the chapter's computation with the same settings and seeds, so the text and the
package cannot drift apart; nbval separately checks that the notebook itself runs.
"""

from types import SimpleNamespace

import numpy as np
import pytest

import nncourse as nn
from nncourse import datasets, init
from nncourse.autodiff import Value


def relative_error(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(a) + np.abs(b))


# ----- XOR -----


def test_xor_is_solved_with_the_chapter_settings():
    X, y = datasets.xor()
    net = nn.MLP([2, 4, 1], hidden_activation="tanh", seed=0)
    history = net.fit(X, y.reshape(-1, 1), epochs=2000, lr=0.5)
    np.testing.assert_array_equal(net.predict(X), y)
    assert history["loss"][-1] < 0.01 < history["loss"][0]


def test_no_line_separates_xor():
    """The four-inequality argument: a brute-force search over lines finds none that works."""
    X, y = datasets.xor()
    grid = np.linspace(-3, 3, 25)
    for w1 in grid:
        for w2 in grid:
            for b in grid:
                assert not np.array_equal((X @ [w1, w2] + b >= 0).astype(int), y)


# ----- output deltas (equations bp-delta-sigmoid-mse and bp-delta-softmax-ce) -----


def test_output_delta_sigmoid_mse_needs_sigma_prime():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(5, 3))
    Y = nn.one_hot(rng.integers(0, 3, size=5), 3)
    Y_hat = nn.sigmoid(Z)
    formula = 2 / Y.size * (Y_hat - Y) * Y_hat * (1 - Y_hat)
    numeric = nn.numerical_gradient(lambda z: nn.mse(Y, nn.sigmoid(z)), Z)
    np.testing.assert_allclose(formula, numeric, atol=1e-9)
    # Without sigma' (the "y_hat - y everywhere" mistake) it is wrong.
    assert np.max(np.abs(2 / Y.size * (Y_hat - Y) - numeric)) > 1e-2


def test_output_delta_softmax_cross_entropy_is_y_hat_minus_y():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(5, 3))
    Y = nn.one_hot(rng.integers(0, 3, size=5), 3)
    numeric = nn.numerical_gradient(lambda z: nn.softmax_cross_entropy(Y, z), Z)
    np.testing.assert_allclose((nn.softmax(Z) - Y) / len(Z), numeric, atol=1e-9)


# ----- computation graph -----


def test_autodiff_neuron_matches_the_formula():
    x1, x2 = Value(2.0), Value(-1.0)
    w1, w2, b = Value(0.5), Value(-0.3), Value(0.1)
    y_hat = (w1 * x1 + w2 * x2 + b).sigmoid()
    loss = -y_hat.log()
    loss.backward()
    assert y_hat.data == pytest.approx(0.802184, abs=5e-7)
    assert loss.data == pytest.approx(0.220417, abs=5e-7)
    assert w1.grad == pytest.approx((y_hat.data - 1) * 2.0, abs=1e-12)
    assert w2.grad == pytest.approx((y_hat.data - 1) * -1.0, abs=1e-12)
    assert b.grad == pytest.approx(y_hat.data - 1, abs=1e-12)
    assert w1.grad == pytest.approx(-0.395632, abs=5e-7)


# ----- gradient checking -----


def _numerical_gradients(net, X, Y):
    grads = []
    for layer in net.layers:
        pair = []
        for param in (layer.W, layer.b):

            def loss_at(values, param=param):
                saved = param.copy()
                param[...] = values
                value = net.loss(X, Y)
                param[...] = saved
                return value

            pair.append(nn.numerical_gradient(loss_at, param.copy()))
        grads.append(tuple(pair))
    return grads


@pytest.fixture(scope="module")
def gradcheck_case():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(6, 3))
    Y = nn.one_hot(rng.integers(0, 4, size=6), 4)
    net = nn.MLP(
        [3, 5, 4],
        hidden_activation="tanh",
        output_activation="softmax",
        loss="categorical_cross_entropy",
        seed=3,
    )
    return net, X, Y, _numerical_gradients(net, X, Y)


def test_gradient_check_agrees(gradcheck_case):
    net, X, Y, numeric = gradcheck_case
    for (dW, db), (nW, nb) in zip(net.gradients(X, Y), numeric, strict=True):
        assert relative_error(dW, nW) < 1e-8
        assert relative_error(db, nb) < 1e-8


def test_gradient_check_catches_a_missing_derivative(gradcheck_case):
    net, X, Y, numeric = gradcheck_case
    (W1, b1), (W2, b2) = [(layer.W, layer.b) for layer in net.layers]
    A1 = nn.tanh(X @ W1 + b1)
    Delta2 = (nn.softmax(A1 @ W2 + b2) - Y) / len(X)
    buggy = X.T @ (Delta2 @ W2.T)
    assert relative_error(buggy, numeric[0][0]) == pytest.approx(0.20, abs=0.005)


# ----- the seed-003 network -----


@pytest.fixture(scope="module")
def seed003():
    X, y, rng = datasets.two_gaussians(seed=104729, legacy=True, return_random_state=True)
    T = np.where(y[:, None] == 1, [0.01, 0.99], [0.99, 0.01])
    W1 = rng.normal(0.0, 1 / np.sqrt(2), size=(2, 2)).T
    W2 = rng.normal(0.0, 1 / np.sqrt(2), size=(2, 2)).T
    return SimpleNamespace(X=X, y=y, T=T, W1=W1, W2=W2, rng=rng, state=rng.get_state())


def _seed_network(W1, W2, bias=False):
    net = nn.MLP(
        [2, 2, 2], hidden_activation="sigmoid", output_activation="sigmoid", loss="mse", bias=bias
    )
    net.layers[0].W, net.layers[1].W = W1, W2
    return net


def _train_like_the_notebook(seed003):
    X, T, rng = seed003.X, seed003.T, seed003.rng
    net = _seed_network(seed003.W1, seed003.W2)
    rng.set_state(seed003.state)
    for _ in range(1000):
        r = rng.randint(1000)
        x, t = X[r], T[r]
        V1, V2 = net.layers[0].W, net.layers[1].W
        h = nn.sigmoid(x @ V1)
        y_hat = nn.sigmoid(h @ V2)
        delta2 = (y_hat - t) * y_hat * (1 - y_hat)
        delta1 = ((y_hat - t) @ V2.T) * h * (1 - h)  # the notebook's hidden error
        V2 -= 0.1 * np.outer(h, delta2)
        V1 -= 0.1 * np.outer(x, delta1)
    return net


def _train_by_draws(seed003, bias):
    X, T, rng = seed003.X, seed003.T, seed003.rng
    net = _seed_network(seed003.W1, seed003.W2, bias=bias)
    rng.set_state(seed003.state)
    for _ in range(1000):
        r = rng.randint(1000)
        for layer, (dW, db) in zip(
            net.layers, net.gradients(X[r : r + 1], T[r : r + 1]), strict=True
        ):
            layer.W -= 0.1 * dW
            layer.b -= 0.1 * db
    return net


def test_seed003_data_and_weights(seed003):
    X, W1, W2 = seed003.X, seed003.W1, seed003.W2
    np.testing.assert_allclose(X[0], [-0.22117921, 0.0354449], atol=5e-9)
    np.testing.assert_allclose(X[-1], [4.23706484, 4.85350827], atol=5e-9)
    np.testing.assert_allclose(W1, [[0.5037, 0.77], [-0.1708, -0.3419]], atol=5e-5)
    np.testing.assert_allclose(W2, [[-0.13, 0.3081], [1.8076, 0.3906]], atol=5e-5)


def test_seed003_reproduced_exactly(seed003):
    X, y = seed003.X, seed003.y
    net = _train_like_the_notebook(seed003)
    seed003.rng.set_state(seed003.state)
    drawn = {seed003.rng.randint(1000) for _ in range(1000)}
    assert 1000 - len(drawn) == 372  # sampling with replacement: about 1000 / e never drawn
    np.testing.assert_allclose(net.forward(X[:1])[0], [0.72796373, 0.35839938], atol=5e-9)
    np.testing.assert_allclose(net.forward(X[-1:])[0], [0.22979532, 0.73710209], atol=5e-9)
    assert int(np.sum(net.predict(X) == y)) == 894


def test_seed003_output_layer_is_backprop_hidden_layer_is_not(seed003):
    X, T, W1, W2 = seed003.X, seed003.T, seed003.W1, seed003.W2
    net = _seed_network(W1, W2)
    (dW1, _), (dW2, _) = net.gradients(X[:1], T[:1])
    h = nn.sigmoid(X[:1] @ W1)
    y_hat = nn.sigmoid(h @ W2)
    np.testing.assert_allclose(h.T @ ((y_hat - T[:1]) * y_hat * (1 - y_hat)), dW2, rtol=1e-12)
    seed_dW1 = X[:1].T @ (((y_hat - T[:1]) @ W2.T) * h * (1 - h))
    assert relative_error(seed_dW1, dW1) == pytest.approx(0.67, abs=0.005)


def test_seed003_repairs_in_the_chapter_table(seed003):
    X, y, T, W1, W2 = seed003.X, seed003.y, seed003.T, seed003.W1, seed003.W2
    X_new, y_new = datasets.two_gaussians(seed=2024)

    def correct(net):
        return int(np.sum(net.predict(X) == y)), int(np.sum(net.predict(X_new) == y_new))

    assert correct(_train_like_the_notebook(seed003)) == (894, 903)
    assert correct(_train_by_draws(seed003, bias=False)) == (912, 922)
    assert correct(_train_by_draws(seed003, bias=True)) == (983, 981)

    net = _seed_network(W1, W2, bias=True)
    net.fit(X, T, epochs=20, lr=0.1, batch_size=1, seed=0)
    assert correct(net) == (999, 999)

    net = nn.MLP([2, 2, 2], output_activation="softmax", loss="categorical_cross_entropy")
    net.layers[0].W, net.layers[1].W = W1, W2
    net.fit(X, y, epochs=20, lr=0.5, batch_size=32, seed=0)
    assert correct(net) == (999, 998)


# ----- activations, vanishing gradients, initialisation -----


def test_vanishing_gradients_sigmoid_versus_relu():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 32))
    Y = nn.one_hot(rng.integers(0, 10, size=256), 10)
    ratios = {}
    for activation in ("sigmoid", "relu"):
        net = nn.MLP(
            [32] * 11 + [10],
            hidden_activation=activation,
            output_activation="softmax",
            loss="categorical_cross_entropy",
            seed=0,
        )
        norms = [np.linalg.norm(dW) for dW, _ in net.gradients(X, Y)]
        ratios[activation] = norms[0] / norms[-1]
    assert ratios["sigmoid"] == pytest.approx(4.0e-7, rel=0.05)
    assert ratios["relu"] == pytest.approx(0.27, abs=0.005)


def _activation_spread(activation, std, n_layers=10, width=100, seed=0):
    rng = np.random.default_rng(seed)
    g, dg = {"tanh": (nn.tanh, nn.tanh_grad), "relu": (nn.relu, nn.relu_grad)}[activation]
    a = rng.normal(size=(1000, width))
    spreads = []
    for _ in range(n_layers):
        z = a @ rng.normal(0.0, std, size=(width, width))
        a = g(z)
        spreads.append(a.std())
    return np.array(spreads), dg(z).mean()


def test_initialisation_experiment():
    xavier_std, he_std = np.sqrt(2 / 200), np.sqrt(2 / 100)
    spread, slope = _activation_spread("tanh", 1.0)
    assert spread[-1] == pytest.approx(0.957, abs=5e-4) and slope == pytest.approx(0.085, abs=5e-4)
    spread, slope = _activation_spread("tanh", xavier_std)
    assert spread[-1] == pytest.approx(0.232, abs=5e-4) and slope == pytest.approx(0.946, abs=5e-4)
    spread, _ = _activation_spread("relu", xavier_std)
    assert spread[-1] == pytest.approx(0.033, abs=5e-4)
    spread, _ = _activation_spread("relu", he_std)
    assert spread[-1] == pytest.approx(1.047, abs=5e-4)


@pytest.mark.parametrize(
    ("scheme", "expected_variance"),
    [("xavier", lambda n_in, n_out: 2 / (n_in + n_out)), ("he", lambda n_in, n_out: 2 / n_in)],
)
def test_initialisation_formulas_match_the_package(scheme, expected_variance):
    """Equations bp-xavier and bp-he against nncourse.init."""
    n_in, n_out = 300, 200
    W = init.INITIALISERS[scheme](n_in, n_out, np.random.default_rng(0))
    assert W.shape == (n_in, n_out)
    assert W.var() == pytest.approx(expected_variance(n_in, n_out), rel=0.02)
