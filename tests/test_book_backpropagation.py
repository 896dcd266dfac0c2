"""The numbers the backpropagation chapter (book/backpropagation.ipynb) prints, held through nncourse.

Each test repeats the chapter's computation with the same settings and seeds, so the text and the
package cannot drift apart; nbval separately checks that the notebook itself runs.
"""

import contextlib
import io
import math
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

import nncourse as nn
from nncourse import datasets, init
from nncourse.autodiff import Value
from nncourse.figures.training import mlp_training_boundary

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "backpropagation.ipynb"


@pytest.fixture(scope="module")
def cells():
    """The chapter's cells by id."""
    return {cell.id: cell for cell in nbformat.read(NOTEBOOK, as_version=4).cells}


def _markdown(cells):
    return "\n".join(cell.source for cell in cells.values() if cell.cell_type == "markdown")


def relative_error(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(a) + np.abs(b))


# ----- XOR -----


def test_xor_is_solved_with_the_chapter_settings():
    X, y = datasets.xor()
    net = nn.MLP([2, 4, 1], hidden_activation="tanh", seed=0)
    history = net.fit(X, y.reshape(-1, 1), epochs=2000, lr=0.5)
    np.testing.assert_array_equal(net.predict(X), y)
    assert history["loss"][-1] < 0.01 < history["loss"][0]


def test_xor_figure_as_the_text_describes_it():
    """This network's class-0 region is a band along the diagonal; the class-1 corners are cut off."""
    X, y = datasets.xor()
    net = nn.MLP([2, 4, 1], hidden_activation="tanh", seed=0)
    net.fit(X, y.reshape(-1, 1), epochs=2000, lr=0.5)
    diagonal = np.array([[-0.5, -0.5], [0.0, 0.0], [0.5, 0.5], [1.0, 1.0], [1.5, 1.5]])
    corners = np.array([[-0.5, 1.5], [0.0, 1.0], [1.0, 0.0], [1.5, -0.5]])
    assert np.all(net.predict_proba(diagonal) < 0.2)
    assert np.all(net.predict_proba(corners) > 0.8)


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


# ----- the 2-2-1 network worked by hand -----


def _glued(cell, monkeypatch):
    """Run a chapter cell and return what it glues, name -> value."""
    glued = {}
    fake = SimpleNamespace(glue=lambda name, value, display=True: glued.__setitem__(name, value))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    namespace = {"np": np, "nn": nn}
    exec(compile(cell.source, f"{NOTEBOOK.name} cell {cell.id}", "exec"), namespace)
    return glued, namespace


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def _hand_221():
    """The worked example in plain Python floats: x = (1, 2), y = 1, sigmoid layers, BCE."""
    x, y = (1.0, 2.0), 1.0
    W1, b1 = ((0.1, -0.2), (0.3, 0.4)), (0.1, -0.1)
    W2, b2 = (0.5, -0.6), 0.2
    z1 = [x[0] * W1[0][k] + x[1] * W1[1][k] + b1[k] for k in range(2)]
    a1 = [_sigmoid(z) for z in z1]
    z2 = a1[0] * W2[0] + a1[1] * W2[1] + b2
    y_hat = _sigmoid(z2)
    delta2 = y_hat - y
    delta1 = [delta2 * W2[j] * a1[j] * (1 - a1[j]) for j in range(2)]
    return {
        "z1": [z1],
        "a1": [a1],
        "z2": [[z2]],
        "y_hat": [[y_hat]],
        "loss": [[-math.log(y_hat)]],
        "delta2": [[delta2]],
        "delta1": [delta1],
        "dW2": [[a1[0] * delta2], [a1[1] * delta2]],
        "db2": [delta2],
        "dW1": [[x[j] * delta1[k] for k in range(2)] for j in range(2)],
        "db1": delta1,
    }


# The table as the chapter prints it (four decimals): exact on every machine, since no value lies
# near a rounding boundary.
TABLE_221 = {
    "z1": "(0.8000, 0.5000)",
    "a1": "(0.6900, 0.6225)",
    "z2": "0.1715",
    "y_hat": "0.5428",
    "loss": "0.6111",
    "delta2": "-0.4572",
    "delta1": "(-0.0489, 0.0645)",
    "dW2": "(-0.3155, -0.2846)",
    "db2": "-0.4572",
    "dW1": "(-0.0489, 0.0645); (-0.0978, 0.1289)",
    "db1": "(-0.0489, 0.0645)",
}


def test_worked_221_table_by_hand(cells, monkeypatch):
    glued, namespace = _glued(cells["c-hand-2"], monkeypatch)
    assert glued == {f"bp221_{key}": text for key, text in TABLE_221.items()}
    # Against an independent computation in plain Python floats, to every digit.
    for key, expected in _hand_221().items():
        np.testing.assert_allclose(namespace["hand"][key], expected, rtol=1e-13, atol=1e-15)
    # Every value the table shows is glued by that cell, and nothing else is asked for.
    shown = set(re.findall(r"\{glue:text\}`(bp221_\w+)`", _markdown(cells)))
    assert shown == set(glued)


def test_worked_221_matches_the_package_and_finite_differences(cells, monkeypatch):
    _, namespace = _glued(cells["c-hand-2"], monkeypatch)
    hand = namespace["hand"]
    net = nn.MLP([2, 2, 1])
    net.layers[0].W[...], net.layers[0].b[...] = namespace["W1_hand"], namespace["b1_hand"]
    net.layers[1].W[...], net.layers[1].b[...] = namespace["W2_hand"], namespace["b2_hand"]
    x, y = namespace["x_hand"], namespace["y_hand"]
    assert net.loss(x, y) == pytest.approx(hand["loss"].item(), rel=1e-14)
    (dW1, db1), (dW2, db2) = net.gradients(x, y)
    for ours, key in [(dW1, "dW1"), (db1, "db1"), (dW2, "dW2"), (db2, "db2")]:
        assert ours.shape == np.shape(hand[key])
        np.testing.assert_allclose(ours, hand[key], rtol=1e-12, atol=1e-15)
    for (nW, nb), (dW, db) in zip(
        _numerical_gradients(net, x, y), [(dW1, db1), (dW2, db2)], strict=True
    ):
        np.testing.assert_allclose(nW, dW, atol=1e-9)
        np.testing.assert_allclose(nb, db, atol=1e-9)


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


def test_seed003_boundary_is_not_through_the_origin(seed003):
    """Step 3's prose: the hidden units' lines pass through the origin, the network's boundary does not."""
    net = _train_like_the_notebook(seed003)
    hidden_at_origin = nn.sigmoid(np.zeros((1, 2)) @ net.layers[0].W)
    np.testing.assert_array_equal(hidden_at_origin, [[0.5, 0.5]])
    p0, p1 = net.forward(np.zeros((1, 2)))[0]
    assert p0 - p1 > 0.2  # a clear vote for class 0 at the origin


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
    # The figure's alt text: every crossed-out point of the published network is of class 0.
    assert np.bincount(y[net.predict(X) != y], minlength=2).tolist() == [106, 0]


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


# ----- the interactive figure and the prose -----


def test_play_sentence_names_the_widget_network(cells, monkeypatch):
    """The "Play with it" sentence names the network the widget really trains."""
    built = []
    original = nn.MLP.__init__

    def recording_init(self, sizes, *args, **kwargs):
        built.append((list(sizes), kwargs.get("hidden_activation")))
        original(self, sizes, *args, **kwargs)

    monkeypatch.setattr(nn.MLP, "__init__", recording_init)
    mlp_training_boundary(epochs=1, every=1)
    assert len(built) == 1
    sizes, activation = built[0]
    play = next(c.source for c in cells.values() if c.source.startswith("## Play with it"))
    assert f"`MLP({sizes})`" in play
    assert f"{activation} network" in play
    assert re.findall(r"`MLP\((\[[^]]*\])\)`", play) == [str(sizes)]


# ----- markdown hygiene -----


LIST_MARKER = re.compile(r"\s*([-+*>]|\d+\.)\s")


def inline_math_broken_by_a_line_start(text):
    """Lines that start with a Markdown list or quote marker while an inline $...$ is still open.

    Markdown reads such a line as a new list item, which cuts the formula in two and shows raw LaTeX.
    Code fences are skipped; the prose inside admonitions and dropdowns is checked.
    """
    broken, fences, display, open_inline = [], [], False, False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", ":::")):
            open_inline = False
            if stripped in ("```", ":::") and fences:
                fences.pop()
            else:
                fences.append("directive" if stripped[3:].startswith("{") else "code")
            continue
        if "code" in fences:
            continue
        if stripped.startswith("$$"):
            display = not display if stripped.count("$$") == 1 else display
            open_inline = False
            continue
        if display:
            continue
        if not stripped:
            open_inline = False
        elif open_inline and LIST_MARKER.match(line):
            broken.append(line)
        open_inline ^= line.replace("\\$", "").count("$") % 2 == 1
    return broken


def test_no_inline_math_is_cut_by_a_list_marker(cells):
    for cell in cells.values():
        if cell.cell_type == "markdown":
            assert inline_math_broken_by_a_line_start(cell.source) == [], cell.id


def test_the_hygiene_check_finds_the_old_bug():
    old = "appears in one pre-activation, $z^m_l = \\sum_{j'} a_{j'} W_{j'l}\n+ b^m_l$, and there"
    assert inline_math_broken_by_a_line_start(old) == ["+ b^m_l$, and there"]


# ----- the backprop exercise's own finite-difference cell (exercises/backprop.ipynb) -----

EXERCISE = Path(__file__).resolve().parents[1] / "exercises" / "backprop.ipynb"


def _run_exercise(replace=None):
    """The exercise with its solutions, one line of its code swapped for a mistake; the printed lines."""
    namespace, out = {}, io.StringIO()
    for cell in nbformat.read(EXERCISE, as_version=4).cells:
        if cell.cell_type != "code" or "%pip" in cell.source or "check(" in cell.source:
            continue
        if "check.summary" in cell.source:
            continue
        source = cell.source
        if replace is not None and replace[0] in source:
            source = source.replace(*replace)
        with contextlib.redirect_stdout(out):
            exec(compile(source, f"{EXERCISE.name} cell {cell.id}", "exec"), namespace)
    return dict(line.split(": ", 1) for line in out.getvalue().splitlines())


def _difference(line):
    return float(line.rsplit(" ", 1)[1])


def test_exercise_gradient_cell_passes_the_solution():
    lines = _run_exercise()
    assert set(lines) == {"dW1", "db1", "dW2", "db2"}
    assert all(_difference(line) < 1e-8 for line in lines.values())


def test_exercise_missing_transpose_runs_and_shows_in_the_hidden_gradients():
    """The text: with d1 = k the missing .T runs silently, and dW1, db1 differ as much as they are big."""
    lines = _run_exercise(("(delta2 @ W2.T)", "(delta2 @ W2)"))
    assert _difference(lines["dW1"]) > 1e-3 and _difference(lines["db1"]) > 1e-3
    assert _difference(lines["dW2"]) < 1e-8 and _difference(lines["db2"]) < 1e-8


def test_exercise_gradient_cell_compares_shapes_first():
    """Bias gradients of shape (1, k) must not pass, though broadcasting makes the differences tiny."""
    keep = "delta1.sum(axis=0, keepdims=True), A1.T @ delta2, delta2.sum(axis=0, keepdims=True)"
    lines = _run_exercise(("delta1.sum(axis=0), A1.T @ delta2, delta2.sum(axis=0)", keep))
    assert lines["db1"] == "shape (1, 3), but its parameter has shape (3,)"
    assert lines["db2"] == "shape (1, 3), but its parameter has shape (3,)"
    assert _difference(lines["dW1"]) < 1e-8


# ----- notation (book/notation.md and /work/notes decisions): symbols the chapter must not use -----

FORBIDDEN = {
    r"\\hat\{y\}_?\w* - t\b|\bt_l\b|T_g": "targets are y and Y, t is a step counter",
    r"\\mathbf": "no bold vectors",
    r"a\^\{?\(L\)": "the output is a^M; L is the loss",
    r"\\mu\b": "momentum is beta",
    r"\$h\$|\(n, h\)|\(h, k\)|\(h,\)": "the hidden width is d_1 (d1 in code), not h",
}


@pytest.mark.parametrize("path", [NOTEBOOK, EXERCISE])
def test_notation_of_the_chapter_and_its_exercise(path):
    notebook = nbformat.read(path, as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells)
    for pattern, reason in FORBIDDEN.items():
        assert not re.search(pattern, text), reason
