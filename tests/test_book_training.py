"""The numbers and claims of the "Training in practice" chapter (book/training.ipynb), held through nncourse.

Each test repeats the chapter's computation with the same settings and seeds; nbval separately checks
that the notebook itself runs, and the prose takes its numbers from the cells (myst-nb glue).

Why exact-looking values are safe here: the moons runs use a learning rate (0.2) small enough for the
training to be stable, so a change in the last bit of the arithmetic (another BLAS kernel, another CPU)
stays in the last bits instead of growing; ``test_the_moons_run_is_not_chaotic`` checks exactly that, on
whatever machine runs it. At the chapter's earlier setting (lr 0.5) the loss spiked, and the final
validation loss depended on the BLAS kernel (0.467 or 0.502). The claims the prose draws from the runs are
tested as orderings with a clear gap, so they would survive even a different last digit. Run this file
also with ``OPENBLAS_CORETYPE=Prescott`` (and Haswell, Sandybridge): it must pass under every kernel.
"""

import copy

import numpy as np
import pytest

import nncourse as nn
from nncourse import datasets

EPOCHS, EVERY, LR = 2000, 10, 0.2
CHECKPOINTS = np.arange(EVERY, EPOCHS + 1, EVERY)


@pytest.fixture(scope="module")
def moons():
    X, y = datasets.moons(n_samples=40, noise=0.3, seed=1)
    X_val, y_val = datasets.moons(n_samples=1000, noise=0.3, seed=2)
    return X, y, X_val, y_val


def _accuracy(net, X, y):
    return np.mean(net.predict(X) == y)


def _moons_net():
    return nn.MLP([2, 64, 64, 1], hidden_activation="tanh", seed=0)


def _val_curve(net, update, moons):
    X, y, X_val, y_val = moons
    losses, train_losses, best = [], [], None
    for _ in CHECKPOINTS:
        update(net)
        losses.append(net.loss(X_val, y_val))
        train_losses.append(net.loss(X, y))
        if best is None or losses[-1] < best[0]:
            best = (losses[-1], [(layer.W.copy(), layer.b.copy()) for layer in net.layers])
    return np.array(losses), np.array(train_losses), best[1]


def _plain_update(moons):
    X, y, _, _ = moons
    return lambda net: net.fit(X, y, epochs=EVERY, lr=LR)


@pytest.fixture(scope="module")
def plain_run(moons):
    net = _moons_net()
    curve, train_curve, best = _val_curve(net, _plain_update(moons), moons)
    return net, curve, train_curve, best


def test_the_moons_run_is_not_chaotic(moons, plain_run):
    """A relative change of 1e-13 in the initial weights, about what another BLAS kernel's rounding does
    after one step, changes no checkpoint by more than 1e-9: the printed digits are the same everywhere."""
    net = _moons_net()
    for layer in net.layers:
        layer.W = layer.W * (1 + 1e-13)
    curve, _, _ = _val_curve(net, _plain_update(moons), moons)
    np.testing.assert_allclose(curve, plain_run[1], rtol=0, atol=1e-9)


def test_overfitting_and_early_stopping(moons, plain_run):
    _, _, X_val, y_val = moons
    net, curve, train_curve, best = plain_run
    # The printed numbers (stable: see the test above).
    assert CHECKPOINTS[np.argmin(curve)] == 700
    assert curve.min() == pytest.approx(0.2290, abs=5e-4)
    assert curve[-1] == pytest.approx(0.3165, abs=5e-4)
    assert train_curve[-1] == pytest.approx(0.0954, abs=5e-4)
    # The claims: the training loss falls smoothly, no spikes (the learning rate is small enough) ...
    assert np.all(np.diff(train_curve) < 0)
    # ... the validation loss has its minimum well inside the run and climbs clearly after it.
    assert 300 <= CHECKPOINTS[np.argmin(curve)] <= 1200
    assert curve[-1] > 1.25 * curve.min()
    assert np.all(np.diff(curve[np.argmin(curve) + 20 :]) > 0)  # steadily, once it has turned
    late = _accuracy(net, X_val, y_val)
    # Restore the best weights in a copy: other tests use the fixture's network.
    net = copy.deepcopy(net)
    for layer, (W, b) in zip(net.layers, best, strict=True):
        layer.W, layer.b = W, b
    early = _accuracy(net, X_val, y_val)
    assert (late, early) == (pytest.approx(0.899), pytest.approx(0.903))
    # "the accuracy changes much less than the loss": relatively, ten times less.
    assert abs(early - late) / early < 0.1 * (curve[-1] - curve.min()) / curve.min()


def _l2_update(moons, lam):
    X, y, _, _ = moons

    def step(net):
        for _ in range(EVERY):
            for layer, (dW, db) in zip(net.layers, net.gradients(X, y), strict=True):
                layer.W -= LR * (dW + lam * layer.W)
                layer.b -= LR * db

    return step


@pytest.fixture(scope="module")
def l2_runs(moons):
    runs = {}
    for lam in (1e-3, 5e-3, 1e-2):
        net = _moons_net()
        curve, train_curve, _ = _val_curve(net, _l2_update(moons, lam), moons)
        runs[lam] = curve, train_curve[-1], net
    return runs


def test_l2_values_printed_in_the_chapter(l2_runs):
    ends = {lam: (round(curve[-1], 3), round(curve.min(), 3), round(train, 3))
            for lam, (curve, train, _) in l2_runs.items()}  # fmt: skip
    assert ends == {
        1e-3: (0.273, 0.229, 0.105),
        5e-3: (0.224, 0.224, 0.139),
        1e-2: (0.327, 0.327, 0.304),
    }


def test_l2_trade_off_as_the_text_tells_it(plain_run, l2_runs):
    plain = plain_run[1]
    small, mid, large = (l2_runs[lam] for lam in (1e-3, 5e-3, 1e-2))
    # lambda = 0.001 "only slows the climb": it ends lower than no penalty, but above its own minimum.
    assert small[0][-1] < plain[-1] - 0.02
    assert small[0][-1] > small[0].min() + 0.02
    # lambda = 0.01 is flat, "far above the best of the other curves", training loss nearly as high
    # as the validation loss: underfitting.
    assert large[0][-1] - large[0].min() < 1e-3
    assert large[0][-1] > max(plain.min(), small[0].min(), mid[0].min()) + 0.05
    assert large[0][-1] - large[1] < 0.05 < plain[-1] - plain_run[2][-1]
    # lambda = 0.005 "ends both flat and low ... about as low as the early-stopped weights" ...
    assert mid[0][-1] - mid[0].min() < 1e-3
    assert abs(mid[0][-1] - plain.min()) < 0.02
    assert mid[0][-1] < small[0][-1] - 0.02
    # ... "late": halfway through the run it is still on its plateau, far above where it ends.
    assert mid[0][CHECKPOINTS.tolist().index(1000)] > mid[0][-1] + 0.08


def _dropout_update(moons, p, seed=0):
    X, y, _, _ = moons
    rng = np.random.default_rng(seed)

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

    return update


def test_inverted_dropout_step(moons, plain_run):
    _, _, X_val, y_val = moons
    plain_curve, plain_accuracy = plain_run[1], _accuracy(plain_run[0], X_val, y_val)
    runs = {}
    for p in (0.2, 0.5):
        net = _moons_net()
        curve, _, _ = _val_curve(net, _dropout_update(moons, p), moons)
        runs[p] = curve, _accuracy(net, X_val, y_val)
    assert (round(runs[0.2][0][-1], 3), runs[0.2][1]) == (0.238, pytest.approx(0.899))
    assert (round(runs[0.5][0][-1], 3), runs[0.5][1]) == (0.328, pytest.approx(0.853))
    # p = 0.2 "stays close to its best value for the whole run" and ends well below no dropout ...
    assert runs[0.2][0][-1] - runs[0.2][0].min() < 0.02
    assert runs[0.2][0][-1] < plain_curve[-1] - 0.05
    # ... with "about the same" accuracy;
    assert abs(runs[0.2][1] - plain_accuracy) < 0.01
    # p = 0.5 underfits: a clearly higher loss and lower accuracy than p = 0.2.
    assert runs[0.5][0][-1] > runs[0.2][0][-1] + 0.05
    assert runs[0.5][1] < runs[0.2][1] - 0.02


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


def _digits_curves(digits_split, scale=1.0):
    X_train_all, _, y_train_all, _ = digits_split
    X_fit, y_fit = X_train_all[270:], y_train_all[270:]
    X_valid, y_valid = X_train_all[:270], y_train_all[:270]
    net = _digit_net()
    net.layers[0].W = net.layers[0].W * scale
    val_loss, val_acc = [], []
    for epoch in range(40):
        net.fit(X_fit, y_fit, epochs=1, seed=epoch, **SETTINGS)
        val_loss.append(net.loss(X_valid, y_valid))
        val_acc.append(_accuracy(net, X_valid, y_valid))
    return np.array(val_loss), np.array(val_acc)


@pytest.fixture(scope="module")
def digits_curves(digits_split):
    return _digits_curves(digits_split)


def test_the_digits_run_is_not_chaotic(digits_split, digits_curves):
    """As for the moons: a rounding-sized change of the start moves the validation curve by < 1e-9."""
    val_loss, _ = _digits_curves(digits_split, scale=1 + 1e-13)
    np.testing.assert_allclose(val_loss, digits_curves[0], rtol=0, atol=1e-9)


def test_digits_learning_curves_choose_19_epochs(digits_split, digits_curves):
    X_train_all = digits_split[0]
    assert (len(X_train_all) - 270, 270) == (1078, 270)
    val_loss, val_acc = digits_curves
    chosen = int(np.argmin(val_loss)) + 1
    assert chosen == 19
    assert min(val_loss) == pytest.approx(0.173, abs=5e-4)
    assert val_acc[chosen - 1] == pytest.approx(0.956, abs=5e-4)
    # The choice is clear: no other epoch comes within 0.002 of the lowest validation loss.
    assert np.sort(val_loss)[1] - val_loss.min() > 0.002
    # The figure's alt text: from about 0.82 to about 0.95 within ten epochs, then 0.94 to 0.96.
    assert val_acc[0] == pytest.approx(0.82, abs=0.01)
    assert np.all((val_acc[9:] >= 0.94) & (val_acc[9:] <= 0.96))


def test_digits_classifier_reaches_95_percent(digits_split):
    X_train_all, X_test, y_train_all, y_test = digits_split
    net = _digit_net()
    history = net.fit(X_train_all, y_train_all, epochs=19, seed=0, **SETTINGS)
    assert len(X_test) == 449
    assert history["loss"][-1] == pytest.approx(0.0280, abs=5e-5)
    correct = int(np.sum(net.predict(X_test) == y_test))
    assert correct == 435
    # "more than 95% test accuracy", with a margin of several digits.
    assert correct / len(y_test) >= 0.95 + 5 / len(y_test)


def test_digits_network_size_in_the_text():
    """The chapter calls it a 2,410-parameter network."""
    net = _digit_net()
    assert sum(layer.W.size + layer.b.size for layer in net.layers) == 2410


# -- L1 beside L2 ------------------------------------------------------------------------------
L1_LAM = 3e-4


def _shrink(v, t):
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def _l1_update(moons, lam):
    X, y, _, _ = moons

    def step(net):
        for _ in range(EVERY):
            for layer, (dW, db) in zip(net.layers, net.gradients(X, y), strict=True):
                layer.W = _shrink(layer.W - LR * dW, LR * lam)
                layer.b -= LR * db

    return step


def _l1_run(moons, scale=1.0):
    net = _moons_net()
    for layer in net.layers:
        layer.W = layer.W * scale
    curve, _, _ = _val_curve(net, _l1_update(moons, L1_LAM), moons)
    return net, curve


@pytest.fixture(scope="module")
def l1_run(moons):
    return _l1_run(moons)


def test_the_l1_run_is_not_chaotic(moons, l1_run):
    """Soft thresholding is continuous, so, like the plain run, a rounding-sized nudge stays tiny."""
    _, curve = _l1_run(moons, scale=1 + 1e-13)
    np.testing.assert_allclose(curve, l1_run[1], rtol=0, atol=1e-9)


def test_soft_thresholding_stops_at_zero():
    np.testing.assert_allclose(_shrink(np.array([-0.3, -0.05, 0.0, 0.05, 0.3]), 0.1),
                               [-0.2, 0.0, 0.0, 0.0, 0.2])  # fmt: skip


def test_l1_as_the_text_tells_it(moons, plain_run, l1_run):
    net, curve = l1_run
    plain = plain_run[1]
    assert (round(curve[-1], 3), round(curve.min(), 3)) == (0.291, 0.228)
    zeros = [np.mean(layer.W == 0) for layer in net.layers]
    # The printed shares, as ranges: whether a weight lands exactly on 0 is a yes-or-no outcome.
    assert 0.16 < zeros[0] < 0.2 and 0.58 < zeros[1] < 0.61 and 0.17 < zeros[2] < 0.21
    # "its lowest value is about the same" as without a penalty ...
    assert abs(curve.min() - plain.min()) < 0.01
    # ... "climbs more slowly ... but not as low as the best L2 strength" (0.224, held above).
    assert plain[-1] - 0.015 > curve[-1] > 0.224 + 0.04
    # Sparsity: more than half of W^2 exactly zero, a clear share of W^1.
    assert zeros[1] > 0.5 and zeros[0] > 0.1


def test_l2_sets_no_weight_to_exactly_zero(l2_runs):
    net = l2_runs[5e-3][2]
    assert all(np.count_nonzero(layer.W == 0) == 0 for layer in net.layers)


# -- data augmentation and ensembles on the digits -----------------------------------------------
def _shift(images, rows, cols):
    moved = np.roll(images.reshape(-1, 8, 8), (rows, cols), axis=(1, 2))
    if rows:
        moved[:, 0 if rows > 0 else -1, :] = 0
    if cols:
        moved[:, :, 0 if cols > 0 else -1] = 0
    return moved.reshape(len(images), 64)


MOVES = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]


def test_shift_moves_the_pixels_and_fills_with_zeros():
    image = np.arange(64.0).reshape(1, 64) + 1
    down = _shift(image, 1, 0).reshape(8, 8)
    assert np.all(down[0] == 0)
    np.testing.assert_array_equal(down[1:], image.reshape(8, 8)[:-1])
    left = _shift(image, 0, -1).reshape(8, 8)
    assert np.all(left[:, -1] == 0)
    np.testing.assert_array_equal(left[:, :-1], image.reshape(8, 8)[:, 1:])


def _augmented_curve(digits_split, scale=1.0):
    X_train_all, _, y_train_all, _ = digits_split
    X_fit, y_fit = X_train_all[270:], y_train_all[270:]
    X_valid, y_valid = X_train_all[:270], y_train_all[:270]
    X_aug = np.concatenate([_shift(X_fit, *move) for move in MOVES])
    y_aug = np.tile(y_fit, len(MOVES))
    net = _digit_net()
    net.layers[0].W = net.layers[0].W * scale
    val_loss = []
    for epoch in range(40):
        net.fit(X_aug, y_aug, epochs=1, seed=epoch, **SETTINGS)
        val_loss.append(net.loss(X_valid, y_valid))
    return net, np.array(val_loss)


@pytest.fixture(scope="module")
def augmented(digits_split):
    return _augmented_curve(digits_split)


def test_the_augmented_run_is_not_chaotic(digits_split, augmented):
    _, val_loss = _augmented_curve(digits_split, scale=1 + 1e-13)
    np.testing.assert_allclose(val_loss, augmented[1], rtol=0, atol=1e-9)


def test_augmentation_as_the_text_tells_it(digits_split, digits_curves, augmented):
    X_train_all, _, y_train_all, _ = digits_split
    X_valid, y_valid = X_train_all[:270], y_train_all[:270]
    net, aug = augmented
    plain = digits_curves[0]
    assert (round(aug.min(), 3), int(np.argmin(aug)) + 1) == (0.106, 30)
    # "a large gain": the lowest validation loss falls by more than a quarter.
    assert aug.min() < 0.75 * plain.min()
    # The alt text: after the first ten epochs mostly below the curve without augmentation ...
    assert np.mean(aug[10:] < plain[10:]) > 0.75
    # ... and bumpier: larger changes from epoch to epoch.
    assert np.abs(np.diff(aug[10:])).mean() > 2 * np.abs(np.diff(plain[10:])).mean()
    # "the plain network gained nothing from further updates after epoch 19".
    assert plain[19:].min() > plain.min() + 0.002
    # On validation images shifted by one pixel: several times lower with augmentation.
    X_shifted = np.concatenate([_shift(X_valid, *move) for move in MOVES[1:]])
    y_shifted = np.tile(y_valid, 4)
    plain_net = _digit_net()
    for epoch in range(40):
        plain_net.fit(X_train_all[270:], y_train_all[270:], epochs=1, seed=epoch, **SETTINGS)
    without, with_ = plain_net.loss(X_shifted, y_shifted), net.loss(X_shifted, y_shifted)
    assert (round(without, 2), round(with_, 2)) == (3.86, 0.22)
    assert without > 5 * with_


def _ensemble(digits_split, scale=1.0):
    X_train_all, _, y_train_all, _ = digits_split
    X_fit, y_fit = X_train_all[270:], y_train_all[270:]
    X_valid = X_train_all[:270]
    members = []
    for seed in range(5):
        member = nn.MLP(
            [64, 32, 10],
            hidden_activation="relu",
            output_activation="softmax",
            loss="categorical_cross_entropy",
            seed=seed,
        )
        member.layers[0].W = member.layers[0].W * scale
        member.fit(X_fit, y_fit, epochs=19, seed=seed, **SETTINGS)
        members.append(member)
    return members, np.array([member.predict_proba(X_valid) for member in members])


@pytest.fixture(scope="module")
def ensemble(digits_split):
    return _ensemble(digits_split)


def test_the_ensemble_members_are_not_chaotic(digits_split, ensemble):
    _, P = _ensemble(digits_split, scale=1 + 1e-13)
    np.testing.assert_allclose(P, ensemble[1], rtol=0, atol=1e-9)


def test_ensemble_as_the_text_tells_it(digits_split, ensemble):
    y_valid = digits_split[2][:270]
    _, P = ensemble
    losses = np.array([nn.categorical_cross_entropy(y_valid, p) for p in P])
    accuracies = np.array([np.mean(p.argmax(axis=1) == y_valid) for p in P])
    mean = P.mean(axis=0)
    loss, acc = nn.categorical_cross_entropy(y_valid, mean), np.mean(mean.argmax(axis=1) == y_valid)
    assert np.round(losses, 3).tolist() == [0.187, 0.162, 0.189, 0.174, 0.203]
    assert (round(float(loss), 3), round(float(acc), 3)) == (0.17, 0.963)
    # Jensen: never above the average member; here "well below" it ...
    assert loss < losses.mean() - 0.01
    # ... "above that of every member" in accuracy, and the luckiest seed "even a little lower".
    assert acc > accuracies.max() + 0.005
    assert losses.min() < loss < losses.min() + 0.02


def test_averaged_probabilities_never_lose_to_the_average_member():
    """Jensen's inequality for -log, the claim the ensemble section states in general."""
    rng = np.random.default_rng(0)
    for _ in range(20):
        P = rng.dirichlet(np.ones(4), size=(3, 50))
        y = rng.integers(0, 4, size=50)
        members = [nn.categorical_cross_entropy(y, p) for p in P]
        assert nn.categorical_cross_entropy(y, P.mean(axis=0)) <= np.mean(members) + 1e-12


def test_augmentation_gains_far_more_than_the_ensemble(
    digits_split, digits_curves, augmented, ensemble
):
    """The summary: both lowered the digits' validation loss, "augmentation by far the most"."""
    y_valid = digits_split[2][:270]
    P = ensemble[1]
    members = np.mean([nn.categorical_cross_entropy(y_valid, p) for p in P])
    ensemble_gain = members - nn.categorical_cross_entropy(y_valid, P.mean(axis=0))
    augmentation_gain = digits_curves[0].min() - augmented[1].min()
    assert ensemble_gain > 0 and augmentation_gain > 3 * ensemble_gain
