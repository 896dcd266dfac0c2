"""Tests for nncourse.network.MLP: backpropagation against finite differences for every
activation/output/loss combination, training, the seed-003 reproduction, dtypes and bad input."""

import copy
import itertools
import pickle

import numpy as np
import pytest
from scipy.special import expit

import nncourse as nn
from nncourse.datasets import digits, two_gaussians, xor
from nncourse.network import MLP, softmax_backward
from nncourse.optim import adam_step, rmsprop_step

try:
    import torch
except ImportError:  # PyTorch is only an oracle here
    torch = None

HIDDEN = ["sigmoid", "tanh", "relu"]
OUTPUT_LOSS = [
    ("sigmoid", "binary_cross_entropy"),
    ("sigmoid", "categorical_cross_entropy"),
    ("sigmoid", "mse"),
    ("softmax", "binary_cross_entropy"),
    ("softmax", "categorical_cross_entropy"),
    ("softmax", "mse"),
    ("identity", "mse"),
]


def parameter_vector(net):
    return np.concatenate(
        [np.concatenate([layer.W.ravel(), layer.b.ravel()]) for layer in net.layers]
    )


def set_parameters(net, theta):
    i = 0
    for layer in net.layers:
        layer.W = theta[i : i + layer.W.size].reshape(layer.W.shape)
        i += layer.W.size
        layer.b = theta[i : i + layer.b.size]
        i += layer.b.size


def gradient_vector(grads):
    return np.concatenate([np.concatenate([dW.ravel(), db.ravel()]) for dW, db in grads])


@pytest.mark.parametrize(
    ("hidden", "output", "loss"), [(h, *ol) for h, ol in itertools.product(HIDDEN, OUTPUT_LOSS)]
)
def test_backprop_matches_finite_differences(hidden, output, loss):
    # Two hidden layers, so deltas travel back through W^T and f'(z) twice.
    rng = np.random.default_rng(1)
    net = MLP([3, 4, 5, 3], hidden, output, loss, seed=2)
    for layer in net.layers:  # non-zero biases, so their gradients are exercised too
        layer.b = rng.normal(0, 0.3, layer.b.shape)
    X = rng.normal(size=(6, 3))
    Y = nn.one_hot([0, 2, 1, 1, 0, 2], 3)
    if output == "identity":
        Y = rng.normal(size=(6, 3))
    theta = parameter_vector(net)

    def loss_at(t):
        set_parameters(net, t)
        return net.loss(X, Y)

    expected = nn.numerical_gradient(loss_at, theta)
    set_parameters(net, theta)
    got = gradient_vector(net.gradients(X, Y))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("loss", ["binary_cross_entropy", "mse"])
def test_single_sigmoid_output_accepts_y_of_shape_n_or_n_by_1(loss):
    X, y = xor()
    net = MLP([2, 3, 1], loss=loss, seed=0)
    assert net.loss(X, y) == pytest.approx(net.loss(X, y.reshape(-1, 1)))
    for (dW1, db1), (dW2, db2) in zip(
        net.gradients(X, y), net.gradients(X, y.reshape(-1, 1)), strict=True
    ):
        np.testing.assert_array_equal(dW1, dW2)
        np.testing.assert_array_equal(db1, db2)
    # (n,) must not broadcast against the (n, 1) output into an (n, n) loss:
    expected = (
        nn.binary_cross_entropy(y, net.forward(X)[:, 0])
        if loss != "mse"
        else nn.mse(y, net.forward(X)[:, 0])
    )
    assert net.loss(X, y) == pytest.approx(float(expected))


def test_integer_labels_equal_one_hot_targets_for_softmax():
    X, _, y, _ = digits(seed=0)
    X, y = X[:50], y[:50]
    net = MLP([64, 8, 10], "relu", "softmax", "categorical_cross_entropy", seed=0)
    assert net.loss(X, y) == pytest.approx(net.loss(X, nn.one_hot(y, 10)))
    h1 = MLP([64, 8, 10], "relu", "softmax", "categorical_cross_entropy", seed=0).fit(
        X, y, 3, 0.1, 10, seed=0
    )
    h2 = MLP([64, 8, 10], "relu", "softmax", "categorical_cross_entropy", seed=0).fit(
        X, nn.one_hot(y, 10), 3, 0.1, 10, seed=0
    )
    assert h1 == h2


def test_batch_gradient_is_the_mean_of_per_example_gradients():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 3)), nn.one_hot([0, 1, 1, 0, 1], 2)
    net = MLP([3, 4, 2], "tanh", "softmax", "categorical_cross_entropy", seed=0)
    batch = gradient_vector(net.gradients(X, Y))
    per_example = [gradient_vector(net.gradients(X[i : i + 1], Y[i : i + 1])) for i in range(5)]
    np.testing.assert_allclose(batch, np.mean(per_example, axis=0), atol=1e-12)


def test_softmax_backward_is_the_jacobian_vector_product():
    rng = np.random.default_rng(3)
    z, g = rng.normal(size=(1, 4)), rng.normal(size=(1, 4))
    expected = nn.numerical_gradient(lambda v: float((nn.softmax(v) * g).sum()), z)
    np.testing.assert_allclose(softmax_backward(g, nn.softmax(z)), expected, atol=1e-8)


def test_xor_is_learned_from_most_seeds():
    X, y = xor()
    learned = 0
    for seed in range(10):
        net = MLP([2, 4, 1], "tanh", seed=seed)
        net.fit(X, y, epochs=1500, lr=0.5)
        learned += np.array_equal(net.predict(X), y)
    assert learned >= 8


def test_digits_reach_95_percent_test_accuracy_in_float32():
    X_train, X_test, y_train, y_test = digits(seed=0, dtype="float32")
    net = MLP([64, 32, 10], "relu", "softmax", "categorical_cross_entropy", seed=0, dtype="float32")
    history = net.fit(X_train, y_train, epochs=20, lr=0.1, batch_size=32, momentum=0.9, seed=0)
    assert history["loss"][-1] < history["loss"][0]
    assert np.mean(net.predict(X_test) == y_test) >= 0.95


def test_seed_003_reproduction_with_correct_backpropagation():
    """The classic two-Gaussian notebook (seed 003): data, weights and SGD draws from the legacy
    global generator seeded with 104729, a 2-2-2 sigmoid network without biases, targets 0.01/0.99,
    squared error, lr 0.1, 1000 examples drawn with replacement."""
    X, y, random_state = two_gaussians(seed=104729, legacy=True, return_random_state=True)
    net = MLP([2, 2, 2], output_activation="sigmoid", loss="mse", bias=False)
    W_ih = random_state.normal(0.0, 1 / np.sqrt(2), (2, 2))  # the notebook's (out, in) matrices
    W_ho = random_state.normal(0.0, 1 / np.sqrt(2), (2, 2))
    net.layers[0].W, net.layers[1].W = W_ih.T, W_ho.T
    targets = np.where(nn.one_hot(y) == 1, 0.99, 0.01)
    for _ in range(1000):
        r = random_state.randint(len(X))
        grads = net.gradients(X[r : r + 1], targets[r : r + 1])
        for layer, (dW, _) in zip(net.layers, grads, strict=True):
            layer.W -= 0.1 * dW
    # The mean over the 2 outputs of (t - o)^2 is the notebook's 1/2 sum (t - o)^2, so its
    # gradient at the output is exactly the notebook's (t - o) o (1 - o) update.
    np.testing.assert_allclose(X[0], [-0.22117921, 0.0354449], atol=5e-9)
    np.testing.assert_allclose(
        net.forward(X[[0, 999]]), [[0.70789117, 0.37530087], [0.23347089, 0.73177678]], atol=5e-9
    )
    assert np.sum(net.predict(X) == y) == 912
    assert np.all(net.layers[0].b == 0) and np.all(net.layers[1].b == 0)


def test_seed_003_numbers_come_from_its_hidden_error_shortcut():
    """The notebook prints 894 correct and outputs [0.72796373 0.35839938], [0.22979532 0.73710209].
    Those come from its hidden error W_ho^T (t - o), which leaves out the output's o (1 - o): not the
    gradient of its loss. Replaying exactly that shortcut reproduces its numbers."""
    X, y, random_state = two_gaussians(seed=104729, legacy=True, return_random_state=True)
    W_ih = random_state.normal(0.0, 1 / np.sqrt(2), (2, 2))
    W_ho = random_state.normal(0.0, 1 / np.sqrt(2), (2, 2))
    targets = np.where(nn.one_hot(y) == 1, 0.99, 0.01)
    for _ in range(1000):
        r = random_state.randint(len(X))
        x, t = X[r][:, None], targets[r][:, None]
        h = expit(W_ih @ x)
        o = expit(W_ho @ h)
        hidden_error = W_ho.T @ (
            t - o
        )  # the shortcut; backpropagation has W_ho.T @ ((t - o) o (1 - o))
        W_ho += 0.1 * ((t - o) * o * (1 - o)) @ h.T
        W_ih += 0.1 * (hidden_error * h * (1 - h)) @ x.T
    out = expit(expit(X @ W_ih.T) @ W_ho.T)
    np.testing.assert_allclose(
        out[[0, 999]], [[0.72796373, 0.35839938], [0.22979532, 0.73710209]], atol=5e-9
    )
    assert np.sum(out.argmax(axis=1) == y) == 894


def test_same_seed_same_weights_and_different_seed_different_weights():
    a, b, c = (MLP([4, 5, 3], "relu", seed=s) for s in (7, 7, 8))
    for la, lb in zip(a.layers, b.layers, strict=True):
        np.testing.assert_array_equal(la.W, lb.W)
    assert not np.array_equal(a.layers[0].W, c.layers[0].W)
    assert all(np.all(layer.b == 0) for layer in a.layers)


def test_initialisation_scales():
    he = MLP([400, 300, 2], "relu", seed=0).layers[0].W
    xavier = MLP([400, 300, 2], "tanh", seed=0).layers[0].W
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert xavier.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    lecun = MLP([400, 300, 2], init="lecun", seed=0).layers[0].W
    assert lecun.std() == pytest.approx(np.sqrt(1 / 400), rel=0.02)


def test_float32_stays_float32_everywhere():
    X, y = xor()
    net = MLP([2, 4, 1], "relu", dtype="float32", seed=0)
    assert all(layer.W.dtype == np.float32 and layer.b.dtype == np.float32 for layer in net.layers)
    assert net.forward(X).dtype == np.float32
    assert all(dW.dtype == np.float32 and db.dtype == np.float32 for dW, db in net.gradients(X, y))
    net.fit(X, y, epochs=5, lr=0.1, batch_size=2, momentum=0.9, seed=0)
    assert all(layer.W.dtype == np.float32 and layer.b.dtype == np.float32 for layer in net.layers)
    net.layers[0].W = np.ones((2, 4))  # float64 values are copied in as float32
    assert net.layers[0].W.dtype == np.float32


def test_float32_gradients_agree_with_float64():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(8, 3)), nn.one_hot(rng.integers(0, 3, 8), 3)
    g64 = gradient_vector(
        MLP([3, 6, 3], "tanh", "softmax", "categorical_cross_entropy", seed=1).gradients(X, Y)
    )
    g32 = gradient_vector(
        MLP(
            [3, 6, 3], "tanh", "softmax", "categorical_cross_entropy", seed=1, dtype=np.float32
        ).gradients(X, Y)
    )
    np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-6)


def test_one_full_batch_epoch_is_one_gradient_step_and_reports_the_loss_before_it():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 2)), rng.integers(0, 2, 10)
    net, reference = MLP([2, 3, 1], seed=0), MLP([2, 3, 1], seed=0)
    loss_before = net.loss(X, y)
    history = net.fit(X, y, epochs=1, lr=0.5)
    assert history["loss"] == [pytest.approx(loss_before)]
    for layer, ref, (dW, db) in zip(
        net.layers, reference.layers, reference.gradients(X, y), strict=True
    ):
        np.testing.assert_allclose(layer.W, ref.W - 0.5 * dW)
        np.testing.assert_allclose(layer.b, ref.b - 0.5 * db)


def test_sgd_with_momentum_matches_a_hand_written_loop():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 2)), rng.integers(0, 2, 6)
    net, reference = MLP([2, 3, 1], "tanh", seed=0), MLP([2, 3, 1], "tanh", seed=0)
    net.fit(X, y, epochs=2, lr=0.3, batch_size=4, momentum=0.9, seed=5)
    shuffle = np.random.default_rng(5)
    velocity = [(np.zeros_like(layer.W), np.zeros_like(layer.b)) for layer in reference.layers]
    for _ in range(2):
        order = shuffle.permutation(6)
        for batch in (order[:4], order[4:]):
            grads = reference.gradients(X[batch], y[batch])
            for layer, (dW, db), (vW, vb) in zip(reference.layers, grads, velocity, strict=True):
                vW[...] = 0.9 * vW - 0.3 * dW
                vb[...] = 0.9 * vb - 0.3 * db
                layer.W += vW
                layer.b += vb
    for layer, ref in zip(net.layers, reference.layers, strict=True):
        np.testing.assert_allclose(layer.W, ref.W, atol=1e-12)
        np.testing.assert_allclose(layer.b, ref.b, atol=1e-12)


@pytest.mark.parametrize("optimizer", ["rmsprop", "adam"])
def test_adaptive_fit_matches_a_hand_written_loop(optimizer):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 2)), rng.integers(0, 2, 6)
    net, reference = MLP([2, 3, 1], "tanh", seed=0), MLP([2, 3, 1], "tanh", seed=0)
    net.fit(X, y, epochs=3, lr=0.05, batch_size=4, seed=5, optimizer=optimizer)
    shuffle = np.random.default_rng(5)
    state = [[np.zeros_like(p) for p in (layer.W, layer.b)] for layer in reference.layers]
    second = [[np.zeros_like(p) for p in (layer.W, layer.b)] for layer in reference.layers]
    t = 0
    for _ in range(3):
        order = shuffle.permutation(6)
        for batch in (order[:4], order[4:]):
            t += 1
            grads = reference.gradients(X[batch], y[batch])
            for layer, grad, s1, s2 in zip(reference.layers, grads, state, second, strict=True):
                for param, g, a, b in zip((layer.W, layer.b), grad, s1, s2, strict=True):
                    if optimizer == "adam":
                        adam_step(param, a, b, g, t, 0.05)
                    else:
                        rmsprop_step(param, a, g, 0.05)
    for layer, ref in zip(net.layers, reference.layers, strict=True):
        np.testing.assert_allclose(layer.W, ref.W, atol=1e-12)
        np.testing.assert_allclose(layer.b, ref.b, atol=1e-12)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize(
    ("optimizer", "torch_optimizer"),
    [("rmsprop", "RMSprop"), ("adam", "Adam"), ("sgd", "SGD")],
)
def test_fit_agrees_with_torch_step_for_step(optimizer, torch_optimizer):
    X, y = two_gaussians(n_samples=40, seed=3)
    net = MLP([2, 4, 1], "tanh", seed=0)
    linear = [torch.nn.Linear(n_in, n_out).double() for n_in, n_out in [(2, 4), (4, 1)]]
    with torch.no_grad():
        for module, layer in zip(linear, net.layers, strict=True):
            module.weight.copy_(torch.from_numpy(layer.W.T))
            module.bias.copy_(torch.from_numpy(layer.b))
    model = torch.nn.Sequential(linear[0], torch.nn.Tanh(), linear[1], torch.nn.Sigmoid())
    extra = {"momentum": 0.9} if optimizer == "sgd" else {}
    torch_opt = getattr(torch.optim, torch_optimizer)(model.parameters(), lr=0.02, **extra)
    inputs, targets = torch.from_numpy(X), torch.from_numpy(y.reshape(-1, 1).astype(float))
    losses = []
    for _ in range(25):  # full batch: one step per epoch, the loss before it
        torch_opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy(model(inputs), targets)
        loss.backward()
        torch_opt.step()
        losses.append(loss.item())
    history = net.fit(X, y, epochs=25, lr=0.02, optimizer=optimizer, **extra)
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-10)
    for module, layer in zip(linear, net.layers, strict=True):
        np.testing.assert_allclose(layer.W, module.weight.detach().numpy().T, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.b, module.bias.detach().numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("optimizer", ["rmsprop", "adam"])
def test_adaptive_fit_learns_xor_and_keeps_float32(optimizer):
    X, y = xor()
    net = MLP([2, 4, 1], "tanh", seed=0, dtype="float32")
    history = net.fit(X, y, epochs=300, lr=0.05, optimizer=optimizer)
    assert history["loss"][-1] < 0.1 * history["loss"][0]
    np.testing.assert_array_equal(net.predict(X), y)
    assert net.layers[0].W.dtype == np.float32


def test_same_fit_seed_same_history():
    X, y = two_gaussians(n_samples=60, seed=0)
    histories = [MLP([2, 3, 1], seed=0).fit(X, y, 3, 0.1, batch_size=8, seed=4) for _ in range(2)]
    assert histories[0] == histories[1] and len(histories[0]["loss"]) == 3


def test_bias_false_keeps_biases_at_zero():
    X, y = xor()
    net = MLP([2, 3, 1], bias=False, seed=0)
    assert all(np.all(db == 0) for _, db in net.gradients(X, y))
    net.fit(X, y, epochs=20, lr=1.0, momentum=0.5)
    assert all(np.all(layer.b == 0) for layer in net.layers)


def test_predict_gives_labels():
    X, _ = xor()
    net = MLP([2, 3, 1], seed=0)
    assert net.predict(X).dtype.kind == "i" and set(net.predict(X)) <= {0, 1}
    softmax_net = MLP(
        [2, 3, 3], output_activation="softmax", loss="categorical_cross_entropy", seed=0
    )
    np.testing.assert_array_equal(
        softmax_net.predict(X), softmax_net.predict_proba(X).argmax(axis=1)
    )
    regression = MLP([2, 3, 2], output_activation="identity", loss="mse", seed=0)
    assert regression.predict(X).shape == (4, 2)


def test_progress_bar_runs_and_shows_the_loss(capsys):
    X, y = xor()
    MLP([2, 3, 1], seed=0).fit(X, y, epochs=3, lr=0.1, progress=True)
    assert "loss=" in capsys.readouterr().err


def test_large_logits_stay_finite():
    net = MLP([2, 2, 3], "relu", "softmax", "categorical_cross_entropy", seed=0)
    net.layers[-1].W = net.layers[-1].W * 1e4
    X = np.array([[30.0, -30.0], [-30.0, 30.0]])
    assert np.isfinite(net.loss(X, [0, 1]))
    assert all(np.all(np.isfinite(dW)) for dW, _ in net.gradients(X, [0, 1]))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"sizes": [3]}, "sizes"),
        ({"sizes": [3, 0, 1]}, "sizes"),
        ({"sizes": [3, 2.5, 1]}, "sizes"),
        ({"sizes": "3 2 1"}, "sizes"),
        ({"hidden_activation": "softmax"}, "hidden_activation"),
        ({"hidden_activation": "sigmod"}, "hidden_activation"),
        ({"output_activation": "relu"}, "output_activation"),
        ({"loss": "cross_entropy"}, "loss"),
        ({"output_activation": "identity", "loss": "binary_cross_entropy"}, "loss"),
        ({"output_activation": "softmax", "loss": "categorical_cross_entropy"}, "sizes"),
        ({"dtype": "float16"}, "dtype"),
        ({"dtype": "int64"}, "dtype"),
        ({"init": "glorot"}, "init"),
    ],
)
def test_bad_constructor_arguments_raise_value_error_naming_them(kwargs, name):
    args = {"sizes": [3, 2, 1]} | kwargs
    with pytest.raises(ValueError, match=name):
        MLP(**args)


@pytest.mark.parametrize(
    ("X", "Y", "name"),
    [
        (np.zeros((4, 3)), np.zeros(4), "X"),
        (np.zeros(2), np.zeros(1), "X"),
        (np.array([[np.nan, 0.0]]), np.zeros(1), "X"),
        (np.array([[np.inf, 0.0]]), np.zeros(1), "X"),
        (np.zeros((0, 2)), np.zeros(0), "X"),
        (np.zeros((4, 2)), np.zeros(3), "Y"),
        (np.zeros((4, 2)), np.zeros((4, 2)), "Y"),
        (np.zeros((4, 2)), np.full(4, 2.0), "Y"),
    ],
)
def test_bad_data_raise_value_error_naming_it(X, Y, name):
    net = MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=name):
        net.fit(X, Y, epochs=1, lr=0.1)


def test_bad_targets_for_several_outputs():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="sum to 1"):  # softmax + CE needs distributions
        MLP([2, 3, 3], output_activation="softmax", loss="categorical_cross_entropy").loss(
            X, np.full((4, 3), 0.5)
        )
    with pytest.raises(ValueError, match="Y"):  # regression targets (n,) for 3 outputs: ambiguous
        MLP([2, 3, 3], output_activation="identity", loss="mse").loss(X, np.zeros(4))
    with pytest.raises(ValueError, match="labels"):  # a label out of range for 3 classes
        MLP([2, 3, 3], output_activation="softmax", loss="categorical_cross_entropy").loss(
            X, [0, 1, 2, 3]
        )


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"epochs": -1}, "epochs"),
        ({"lr": 0.0}, "lr"),
        ({"batch_size": 0}, "batch_size"),
        ({"momentum": 1.0}, "momentum"),
        ({"optimizer": "Adam"}, "optimizer: expected one of 'sgd', 'rmsprop', 'adam', got 'Adam'"),
        ({"optimizer": None}, "optimizer: expected one of"),
        ({"optimizer": "adam", "momentum": 0.9}, "momentum: expected 0.0 unless optimizer='sgd'"),
    ],
)
def test_bad_fit_arguments_raise_value_error_naming_them(kwargs, name):
    X, y = xor()
    args = {"epochs": 1, "lr": 0.1} | kwargs
    with pytest.raises(ValueError, match=name):
        MLP([2, 3, 1]).fit(X, y, **args)


def test_assigning_weights_of_the_wrong_shape_is_refused():
    net = MLP([2, 3, 1])
    with pytest.raises(ValueError, match="W"):
        net.layers[0].W = np.zeros((3, 2))
    with pytest.raises(ValueError, match="b"):
        net.layers[0].b = np.zeros(2)


@pytest.mark.parametrize("duplicate", [copy.deepcopy, lambda net: pickle.loads(pickle.dumps(net))])
def test_copies_train_independently_and_stay_consistent(duplicate):
    X, y = xor()
    net = MLP([2, 3, 1], seed=0)
    before = net.forward(X)
    twin = duplicate(net)
    np.testing.assert_array_equal(twin.forward(X), before)
    twin.fit(X, y, epochs=5, lr=1.0)
    np.testing.assert_array_equal(net.forward(X), before)  # the original is untouched
    assert not np.array_equal(twin.forward(X), before)  # the copy's layers see its training
    twin.layers[0].W = np.zeros((2, 3))
    assert np.all(twin._theta[:6] == 0)  # and its layers are still views into its parameters
