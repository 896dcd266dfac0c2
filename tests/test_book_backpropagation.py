"""The numbers the backpropagation chapter (book/backpropagation.ipynb) prints, held through nncourse.

Each test repeats the chapter's computation with the same settings and seeds, so the text and the
package cannot drift apart; nbval separately checks that the notebook itself runs.
"""

import contextlib
import io
import math
import re
from types import SimpleNamespace

import bookpages
import numpy as np
import pytest

import nncourse as nn
from nncourse import datasets, init
from nncourse.autodiff import Value
from nncourse.figures.training import mlp_training_boundary

NOTEBOOK = bookpages.ROOT / "book" / "backpropagation.ipynb"


@pytest.fixture(scope="module")
def cells():
    """The chapter's cells by id."""
    return {cell.id: cell for cell in bookpages.read(NOTEBOOK).cells}


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


def _glued(cell):
    """Run a chapter cell and return what it glues, name -> value, and its namespace."""
    namespace = {"np": np, "nn": nn}
    with bookpages.collected_glue() as glued:
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


def test_worked_221_table_by_hand(cells):
    glued, namespace = _glued(cells["c-hand-2"])
    assert glued == {f"bp221_{key}": text for key, text in TABLE_221.items()}
    # Against an independent computation in plain Python floats, to every digit.
    for key, expected in _hand_221().items():
        np.testing.assert_allclose(namespace["hand"][key], expected, rtol=1e-13, atol=1e-15)
    # Every value the table shows is glued by that cell, and nothing else is asked for.
    shown = set(re.findall(r"\{glue:text\}`(bp221_\w+)`", _markdown(cells)))
    assert shown == set(glued)


def test_worked_221_matches_the_package_and_finite_differences(cells):
    _, namespace = _glued(cells["c-hand-2"])
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

EXERCISE = bookpages.ROOT / "exercises" / "backprop.ipynb"


def _run_exercise(replace=None):
    """The exercise with its solutions, one line of its code swapped for a mistake; the printed lines."""
    namespace, out = {}, io.StringIO()
    for cell in bookpages.read(EXERCISE).cells:
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


# ----- the pieces added for issue 17: linear collapse, Jacobians, gradient health, regression -----

NEW_CELLS = (
    "c-collapse",
    "c-jacobian",
    "c-jacobian-mistake",
    "c-health-init",
    "c-health-symmetry",
    "c-health-exploding",
    "c-regression",
)


@pytest.fixture(scope="module")
def added(cells):
    """The namespace after the chapter's imports, the data they reuse, and the new cells, in order."""
    import matplotlib

    matplotlib.use("Agg")
    imports = next(
        c
        for c in cells.values()
        if c.cell_type == "code"
        and "import nncourse" in c.source
        and "remove-cell" not in c.metadata.get("tags", [])
    )
    namespace: dict = {}
    exec(imports.source, namespace)
    # Reused from earlier cells of the chapter (XOR and the vanishing-gradient experiment).
    xor_cell = next(c.source for c in cells.values() if "X_xor, y_xor = datasets.xor()" in c.source)
    deep_cell = next(
        c.source for c in cells.values() if "deep_sizes = [32] * 11 + [10]" in c.source
    )
    assert (
        "X_deep = rng.normal(size=(256, 32))" in deep_cell
        and "rng = np.random.default_rng(0)" in deep_cell
    )
    namespace["X_xor"], namespace["y_xor"] = datasets.xor()
    rng = np.random.default_rng(0)
    namespace["X_deep"] = rng.normal(size=(256, 32))
    namespace["Y_deep"] = nn.one_hot(rng.integers(0, 10, size=256), 10)
    namespace["deep_sizes"] = [32] * 11 + [10]
    assert xor_cell
    order = [c.id for c in cells.values()]
    assert [i for i in order if i in NEW_CELLS] == list(NEW_CELLS)
    with contextlib.redirect_stdout(io.StringIO()):
        for cell_id in NEW_CELLS:
            exec(cells[cell_id].source, namespace)
    return namespace


def test_new_sections_sit_where_the_arc_needs_them(cells):
    order = [c.id for c in cells.values()]
    position = {
        cid: order.index(cid) for cid in ("m-collapse", "m-jacobian", "m-health", "m-regression")
    }
    headings = [c.source.split("\n", 1)[0] for c in cells.values() if c.cell_type == "markdown"]
    assert "### Without a non-linearity, the layers collapse" in headings
    derive = next(i for i, c in enumerate(cells.values()) if c.source.startswith("## Deriving"))
    worked = next(
        i for i, c in enumerate(cells.values()) if c.source.startswith("(bp-worked-example)=")
    )
    play = next(i for i, c in enumerate(cells.values()) if c.source.startswith("## Play with it"))
    assert position["m-collapse"] < derive < position["m-jacobian"] < worked
    assert position["m-health"] < play < position["m-regression"]


def test_stacked_linear_layers_collapse_to_one(added):
    assert added["W_one"].shape == (3, 2) and added["b_one"].shape == (2,)
    assert added["collapse_gap"] < 1e-12  # rounding only
    assert added["tanh_gap"] > 1.0  # a non-linearity does not collapse


def test_softmax_backward_is_the_vector_jacobian_product(added):
    gaps = added["vjp_gaps"]
    assert gaps["explicit J vs central differences"] < 1e-8
    assert gaps["softmax_backward vs u @ J"] < 1e-12
    assert gaps["through the cross-entropy vs y_hat - y"] < 1e-12
    assert gaps["batch vs central differences"] < 1e-8
    assert gaps["sigmoid J vs diag(sigma'(z))"] < 1e-8
    J = added["J_softmax"]
    np.testing.assert_allclose(J, J.T)  # symmetric, as the text says
    assert np.abs(J.sum(axis=1)).max() < 1e-15  # rows sum to zero
    # An independent oracle: the Jacobian-vector product by reverse-mode autodiff on Value.
    z = [Value(float(v)) for v in added["z_row"]]
    exps = [zi.exp() for zi in z]
    total = exps[0] + exps[1] + exps[2] + exps[3]
    loss = sum(
        ((e / total) * float(u) for e, u in zip(exps, added["u_row"], strict=True)), Value(0.0)
    )
    loss.backward()
    autodiff = np.array([zi.grad for zi in z])
    np.testing.assert_allclose(
        added["softmax_backward"](added["y_hat_row"], added["u_row"]), autodiff, atol=1e-12
    )


def test_softmax_backward_shift_invariance_and_shapes(added):
    rng = np.random.default_rng(5)
    y_hat = nn.softmax(rng.normal(size=(7, 5)))
    u = rng.normal(size=(7, 5))
    back = added["softmax_backward"]
    out = back(y_hat, u)
    assert out.shape == (7, 5)
    np.testing.assert_allclose(back(y_hat, u + 3.0), out, atol=1e-12)  # adding a constant to u
    np.testing.assert_allclose(out.sum(axis=1), 0.0, atol=1e-12)


def test_treating_the_softmax_as_element_wise_is_wrong(added):
    assert added["wrong_gap"] > 0.1


def test_loss_at_initialisation_is_about_log_k(added):
    losses = np.array(added["initial_losses"])
    assert np.all(np.abs(losses - np.log(10)) < 0.5)
    assert added["loud_loss"] > 2 * np.log(10)


def test_equal_initial_weights_keep_hidden_units_identical(added):
    symmetry = added["symmetry"]
    assert symmetry["random (seed 0)"][0] == 4 and symmetry["random (seed 0)"][2]
    assert symmetry["random (seed 0)"][1] < 0.01
    for name in ("all 0", "all 0.5"):
        units, loss, solved = symmetry[name]
        assert units == 1 and not solved and loss > 0.3
    assert symmetry["all 0"][1] == pytest.approx(
        math.log(2), abs=1e-9
    )  # only the output bias moves


def test_exploding_gradients_with_a_gain_above_one(added):
    exploding = added["exploding"]
    norm = {gain: values[0] for gain, values in exploding.items()}
    assert norm[2.0] > 100 * norm[1.0] and norm[1.0] < norm[1.5] < norm[2.0]
    before, after = exploding[1.0][1:]
    assert after < before  # a healthy network: one step lowers the loss
    for gain in (1.5, 2.0):
        before, after = exploding[gain][1:]
        assert after > before  # "the loss jumps instead of falling"


def test_regression_network_reaches_the_noise_level(added):
    assert added["regression_net"].layers[-1].W.shape == (16, 1)
    assert added["reg_history"]["loss"][-1] < 0.1 * added["reg_history"]["loss"][0]
    assert added["train_mse"] == pytest.approx(added["noise_sd"] ** 2, rel=0.3)
    assert added["truth_gap"] < added["noise_sd"] ** 2 / 2
    assert added["delta_gap"] < 1e-9


def test_gaussian_negative_log_likelihood_is_scaled_squared_error():
    from scipy.stats import norm

    y, y_hat, s = 0.7, 0.2, 0.3
    nll = -norm.logpdf(y, loc=y_hat, scale=s)
    assert nll == pytest.approx(
        (y - y_hat) ** 2 / (2 * s**2) + math.log(s * math.sqrt(2 * math.pi))
    )


def test_quiz_initial_loss_of_a_hundred_classes(cells):
    quiz = next(
        c.source for c in cells.values() if c.source.startswith("## Check your understanding")
    )
    assert "$\\log 100 \\approx 4.6$" in quiz
    assert f"{math.log(100):.1f}" == "4.6"
    assert nn.softmax_cross_entropy(np.array([3]), np.zeros((1, 100))) == pytest.approx(
        math.log(100)
    )
