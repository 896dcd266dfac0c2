"""The worked numbers of the chapter "Gradient descent" (book/gradient_descent.ipynb).

The chapter's code cells (all but the install cell, the figures and the interactive figure) run
once in a namespace; each test checks a number the chapter prints or quotes in its prose, and
where an independent oracle exists (a closed form, central differences, `MLP`, scikit-learn) it
checks the number against that oracle too, through `nncourse`.
"""

import inspect
import re

import bookpages
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import nncourse as nn
from nncourse import optim
from nncourse.figures import descent, optimizers
from nncourse.optim import gradient_descent

NOTEBOOK = bookpages.ROOT / "book" / "gradient_descent.ipynb"
SKIPPED_TAGS = {"remove-cell", "hide-input"}  # installation and figure drawing


@pytest.fixture(scope="module")
def chapter():
    """The variables of the chapter after running its computing cells, top to bottom.

    What the cells glue into the prose (myst-nb's ``glue``) is collected in ``namespace["glued"]``.
    """
    with bookpages.collected_glue() as glued:
        namespace: dict = {"glued": glued}
        for cell in bookpages.read(NOTEBOOK).cells:
            if cell.cell_type != "code" or SKIPPED_TAGS & set(cell.metadata.get("tags", [])):
                continue
            if "_surface()" in cell.source:  # the sliders: tested below and in test_figures_*
                continue
            exec(compile(cell.source, f"{NOTEBOOK.name} cell", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def markdown():
    return bookpages.source(NOTEBOOK, "markdown")


def test_every_glued_number_in_the_prose_is_computed(chapter, markdown):
    """Each {glue:text}`name` in the prose is glued by a cell; numbers then come from the run."""
    used = set(re.findall(r"\{glue:text\}`(\w+)", markdown))
    assert used and used <= set(chapter["glued"])
    glued = chapter["glued"]
    assert f"{glued['gd_one_y_hat']:.2f}" == "0.89"
    assert f"{glued['gd_pull_near_line']:.3f}" == "0.378"
    assert f"{glued['gd_hump']:.2f}" == "0.17"
    # 92% of the 400 points right after 30 epochs, as the printed table says.
    assert (glued["gd_still_wrong"], glued["gd_n_points"]) == (32, 400)


def test_docstring_translation_sentence_matches_the_package(markdown):
    """The chapter translates the docstring's symbols only while the docstring still needs it."""
    docstrings = inspect.getdoc(optim.gradient_descent) + inspect.getdoc(optim.momentum_step)
    says_mu = "\\mu" in docstrings
    assert ("writes $L$ for the function being" in markdown) == says_mu


# -- The error surface as a mountain -------------------------------------------------------------


def test_toy_walk_reaches_the_logistic_regression_minimum(chapter):
    walk, toy_error = chapter["walk"], chapter["toy_error"]
    assert walk.shape == (61, 2)
    assert toy_error(*walk[0]) == pytest.approx(2.297, abs=5e-4)
    assert walk[-1] == pytest.approx([1.35, 0.0], abs=5e-3)
    assert toy_error(*walk[-1]) == pytest.approx(0.461, abs=5e-4)
    # Oracle: scikit-learn's unpenalised logistic regression on the same six points.
    model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000)
    model.fit(chapter["x_toy"][:, None], chapter["y_toy"])
    assert walk[-1] == pytest.approx([model.coef_[0, 0], model.intercept_[0]], abs=1e-3)


def test_staircase_and_slope_along_b_zero(chapter):
    """The alt text of the staircase figure: 4 mistakes for w < 0, 2 for w > 0."""
    x_toy, y_toy, toy_error = chapter["x_toy"], chapter["y_toy"], chapter["toy_error"]
    w_line = np.linspace(-3, 5, 801)  # as in the (hidden) figure cell
    mistakes = np.array([np.sum(nn.step(w * x_toy) != y_toy) for w in w_line])
    assert set(mistakes[w_line < 0]) == {4}
    assert set(mistakes[w_line > 0]) == {2}
    assert float(toy_error(-3.0, 0.0)) == pytest.approx(3.08, abs=5e-3)
    along = toy_error(w_line, 0.0)
    assert w_line[np.argmin(along)] == pytest.approx(1.35, abs=0.01)
    assert along.min() == pytest.approx(0.46, abs=5e-3)


# -- The gradient points uphill -----------------------------------------------------------------


def test_one_step_down_and_one_step_up(chapter):
    toy_error, start, slope, eta = (chapter[k] for k in ("toy_error", "start", "slope", "eta"))
    assert float(toy_error(*start)) == pytest.approx(2.2969, abs=5e-5)
    assert slope == pytest.approx([-0.6171, 0.3643], abs=5e-5)
    assert float(toy_error(*(start - eta * slope))) == pytest.approx(2.0449, abs=5e-5)
    assert float(toy_error(*(start + eta * slope))) == pytest.approx(2.5583, abs=5e-5)


# -- The learning rate --------------------------------------------------------------------------


def test_learning_rates_on_the_parabola(chapter):
    """Eq. (gd-parabola): x_t = (1 - 2 eta)^t x_0, and the four printed end points."""
    paths, rates = chapter["paths"], chapter["rates"]
    printed = {"too small": 0.243, "about right": 2.2e-08, "too large": 0.0231, "divergent": 13.5}
    for name, lr in rates.items():
        closed_form = 2.0 * (1 - 2 * lr) ** np.arange(21)
        np.testing.assert_allclose(paths[name], closed_form, rtol=1e-12, atol=1e-15)
        assert paths[name][-1] == pytest.approx(printed[name], rel=5e-3)
    assert abs(paths["divergent"][-1]) > abs(paths["divergent"][0])  # diverges
    assert abs(paths["too large"][-1]) < abs(paths["too large"][0])  # zigzags, but converges


def test_interactive_bowl_as_the_prose_describes_it():
    """The slider figure: E = (theta1^2 + 10 theta2^2) / 2 from (-4, 2); diverges above 0.2."""
    np.testing.assert_array_equal(descent.BOWL_MATRIX, np.diag([1.0, 10.0]))
    assert tuple(descent.BOWL_START) == (-4.0, 2.0)
    assert np.abs(descent.descent_path(0.19, 300)[-1]).max() < 1e-6
    assert np.abs(descent.descent_path(0.21, 300)[-1, 1]) > 1e3
    bounce = descent.descent_path(0.2, 6)[:, 1]  # the answer: exactly at 0.2, +2, -2, +2, ...
    np.testing.assert_allclose(bounce, 2.0 * (-1.0) ** np.arange(7), rtol=1e-12)
    zigzag = descent.descent_path(0.15, 6)[:, 1]  # factor 1 - 10 * 0.15 = -0.5
    assert np.all(np.sign(zigzag[1:]) == -np.sign(zigzag[:-1]))
    # Both the live and the static (website) sliders reach either side of 0.2.
    figure = descent.gradient_descent_surface()
    assert figure.params["lr"].min < 0.2 < figure.params["lr"].max
    static = figure.static_grids()["lr"]
    assert static.min() < 0.2 < static.max()


def test_eta_one_bounces_for_ever():
    """The borderline case eta = 1 on x^2: the factor is exactly -1."""
    path = gradient_descent(lambda x: 2 * x, x0=2.0, lr=1.0, steps=6)[:, 0]
    assert path.tolist() == [2.0, -2.0, 2.0, -2.0, 2.0, -2.0, 2.0]


def test_half_lands_in_one_step():
    path = gradient_descent(lambda x: 2 * x, x0=2.0, lr=0.5, steps=1)
    assert path[-1, 0] == 0.0


def test_quiz_three_x_squared_converges_below_one_third():
    """Check-your-understanding question 2: f(x) = 3x^2 converges for eta < 1/3."""

    def run(lr):
        return gradient_descent(lambda x: 6 * x, x0=1.0, lr=lr, steps=200)[-1, 0]

    assert abs(run(0.33)) < 0.05  # |1 - 6 * 0.33| = 0.98: slowly, but it converges
    assert abs(run(0.34)) > 1.0
    # Between 1/6 and 1/3 the first step overshoots to the other side: a zigzag.
    assert gradient_descent(lambda x: 6 * x, x0=1.0, lr=0.2, steps=1)[-1, 0] == pytest.approx(-0.2)


# -- The gradient of logistic regression --------------------------------------------------------


def test_sign_check_example_in_the_prose():
    """y = 1, y_hat = 0.2, x_j = 3 gives dE/dw_j = -2.4."""
    x_j, z = 3.0, np.log(0.2 / 0.8)  # sigmoid(z) = 0.2

    def error(w):
        return nn.binary_cross_entropy([1.0], nn.sigmoid(w * x_j))

    numerical = nn.numerical_gradient(error, [z / x_j])[0]
    assert numerical == pytest.approx(-2.4, abs=1e-6)
    assert -(1 - 0.2) * x_j == pytest.approx(-2.4)


def test_worked_single_example_gradient(chapter):
    X_one, y_one, w, b = (np.array([[2.0, -1.0]]), np.array([0.0]), np.array([0.5, -1.0]), 0.1)
    z = X_one @ w + b
    y_hat = nn.sigmoid(z)
    assert z[0] == pytest.approx(2.1)
    assert y_hat[0] == pytest.approx(0.8909, abs=5e-5)
    dw, db = chapter["logistic_gradients"](w, b, X_one, y_one)
    printed = [1.781806, -0.890903, 0.890903]
    assert [*dw, db] == pytest.approx(printed, abs=5e-7)
    # Eq. (gd-chain) factor by factor with the package's derivatives.
    chain = nn.binary_cross_entropy_grad(y_one, y_hat) * nn.sigmoid_grad(z)
    assert [*(chain * X_one[0]), chain[0]] == pytest.approx(printed, abs=5e-7)

    # Central differences of the package's loss, independent of any algebra.
    def error(params):
        return nn.binary_cross_entropy(y_one, nn.sigmoid(X_one @ params[:2] + params[2]))

    assert nn.numerical_gradient(error, [*w, b]) == pytest.approx(printed, abs=1e-6)


def test_batch_gradient_check_and_the_wrong_sign(chapter):
    logistic_gradients, logistic_error = chapter["logistic_gradients"], chapter["logistic_error"]
    X_batch, y_batch = chapter["X_batch"], chapter["y_batch"]
    w, b = np.array([0.5, -1.0]), 0.1  # the worked example's weights
    dw, db = logistic_gradients(w, b, X_batch, y_batch)
    numerical = nn.numerical_gradient(
        lambda p: logistic_error(p[:2], p[2], X_batch, y_batch), [*w, b]
    )
    assert np.abs(np.append(dw, db) - numerical).max() < 1e-8
    wrong = np.abs(chapter["wrong_dw"] - chapter["numerical_dw"]).max()
    assert wrong == pytest.approx(0.34, abs=5e-3)


def test_gradient_formula_matches_the_package_network():
    """Eq. (gd-logistic-gradient-mean) is what nn.MLP([2, 1]).gradients computes."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 2)), rng.integers(0, 2, size=30).astype(float)
    mlp = nn.MLP([2, 1], seed=3)
    ((dW, db),) = mlp.gradients(X, y[:, None])
    w, b = mlp.layers[0].W[:, 0], mlp.layers[0].b[0]
    residual = y - nn.sigmoid(X @ w + b)
    np.testing.assert_allclose(dW[:, 0], -(X.T @ residual) / len(y), rtol=1e-12, atol=1e-15)
    assert db[0] == pytest.approx(-residual.mean(), rel=1e-12, abs=1e-15)


# -- Batch, stochastic and mini-batch descent ---------------------------------------------------


def test_data_set(chapter):
    X, y = chapter["X"], chapter["y"]
    assert X.shape == (400, 2) and y.shape == (400,)
    assert int(y.sum()) == 200


def test_three_batch_sizes(chapter):
    curves = chapter["curves"]
    printed = {
        "batch": (0.6805, 0.4320),
        "mini-batch (20)": (0.4637, 0.2317),
        "stochastic (1)": (0.3115, 0.2258),
    }
    for name, (after_one, after_thirty) in printed.items():
        assert curves[name][1] == pytest.approx(after_one, abs=5e-5)
        assert curves[name][-1] == pytest.approx(after_thirty, abs=5e-5)
    assert [int(np.ceil(400 / (size or 400))) for size in chapter["schemes"].values()] == [
        1,
        20,
        400,
    ]


def test_quiz_updates_per_epoch():
    assert 10 * int(np.ceil(1000 / 50)) == 200


# -- Momentum -----------------------------------------------------------------------------------


def test_momentum_on_the_valley(chapter):
    paths, valley_error = chapter["valley_paths"], chapter["valley_error"]
    assert chapter["valley_lr"] == 0.095 and chapter["valley_steps"] == 30
    plain, heavy = paths[0.0], paths[0.5]
    assert np.abs(plain[10]) == pytest.approx([3.3169, 0.5230], abs=5e-5)
    assert np.abs(plain[-1]) == pytest.approx([0.4505, 0.0636], abs=5e-5)
    assert np.abs(heavy[10]) == pytest.approx([0.7597, 0.0582], abs=5e-5)
    assert np.abs(heavy[-1]) == pytest.approx([0.0005, 0.0001], abs=5e-5)
    assert valley_error(plain[-1]) == pytest.approx(1.4e-01, rel=0.05)
    assert valley_error(heavy[-1]) == pytest.approx(1.5e-07, rel=0.05)
    # The prose: plain descent still zigzags (the sign of w2 flips every step) ...
    assert np.all(np.sign(plain[1:, 1]) == -np.sign(plain[:-1, 1]))
    # ... and with momentum both distances are hundreds of times smaller after 30 steps.
    assert np.all(np.abs(plain[-1]) > 100 * np.abs(heavy[-1]))
    # Eq. (gd-momentum) by hand for the first three steps, starting at rest.
    w, v = np.array([-9.0, 1.5]), np.zeros(2)
    for t in range(1, 4):
        v = 0.5 * v - 0.095 * np.array([1.0, 20.0]) * w
        w = w + v
        np.testing.assert_allclose(heavy[t], w, rtol=1e-14)


def test_momentum_dropdown_sqrt_beta_and_the_counter_example():
    """Complex roots of modulus sqrt(beta) in both directions; with eta = 0.05 momentum is slower."""
    beta = 0.5
    for curvature in (1.0, 20.0):
        roots = np.roots([1.0, -(1 + beta - 0.095 * curvature), beta])
        assert np.all(np.abs(roots.imag) > 0)
        np.testing.assert_allclose(np.abs(roots), np.sqrt(beta), rtol=1e-12)
    assert abs(1 - 20 * 0.095) > np.sqrt(beta) and abs(1 - 0.095) > np.sqrt(beta)

    def across(lr, momentum, steps=10):
        return gradient_descent(lambda w: 20 * w, x0=1.0, lr=lr, steps=steps, momentum=momentum)

    assert np.all(across(0.05, 0.0)[1:] == 0.0)  # 1 - 20 * 0.05 = 0: gone in one step
    assert np.abs(across(0.05, beta)[-1]) > 1e-3  # momentum: still swinging


def test_momentum_slider_answer():
    """The factors the answer quotes, and which settings converge (2000 steps on the bowl)."""
    rate = optimizers.momentum_rate
    assert rate(0.19, 0.0, 10) == pytest.approx(0.9) and rate(0.19, 0.0, 1) == pytest.approx(0.81)
    assert rate(0.25, 0.0, 10) == pytest.approx(1.5)
    for lr in (0.19, 0.25):
        for beta in (0.5, 0.9):
            assert rate(lr, beta, 10) == pytest.approx(np.sqrt(beta))
            assert rate(lr, beta, 1) == pytest.approx(np.sqrt(beta))
    assert rate(0.19, 0.5, 10) < min(rate(0.19, 0.0, 10), rate(0.19, 0.9, 10))
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.isfinite(optimizers.momentum_path(0.25, 0.0, 2000)[-1]).all()
    for beta in (0.5, 0.9):
        assert np.linalg.norm(optimizers.momentum_path(0.25, beta, 2000)[-1]) < 1e-6
    figure = optimizers.momentum_surface()
    assert (figure.params["lr"].value, figure.params["beta"].value) == (0.19, 0.0)


# -- Conditioning -------------------------------------------------------------------------------


def test_narrow_valley_against_the_round_bowl(chapter):
    """Elementwise arithmetic only (no BLAS): the step counts are exact."""
    assert chapter["valley_steps_needed"] == {
        0.05: (171, 176),
        0.095: (89, 90),
        0.5: (None, 13),
        1.0: (None, 1),
        1.5: (None, 13),
    }
    assert chapter["valley_error"](chapter["valley_start"]) == pytest.approx(
        0.5 * np.sum(chapter["round_start"] ** 2)
    )  # the same starting error


def test_raw_against_standardised_features(chapter):
    steps = chapter["logistic_steps_needed"]
    raw, standardised = zip(*(steps[lr] for lr in (0.1, 0.5, 2.0)), strict=True)
    assert raw[1:] == (None, None) and None not in standardised
    assert 2200 <= raw[0] <= 2450
    for count, expected in zip(standardised, (1483, 295, 72), strict=True):
        assert count == pytest.approx(expected, rel=0.05)
    assert raw[0] > 20 * standardised[-1]  # "many times slower"
    glued = chapter["glued"]
    assert (glued["gd_raw_best"], glued["gd_std_fastest"]) == (raw[0], standardised[-1])
    # Same data, same best error: scikit-learn on the raw features agrees.
    X_raw, y = chapter["X_raw"], chapter["y"]
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X_raw, y)
    E_raw = chapter["logistic_error"](model.coef_[0], model.intercept_[0], X_raw, y)
    assert E_raw == pytest.approx(chapter["E_min"], abs=1e-6)
    assert chapter["E_min"] == pytest.approx(0.2238, abs=5e-5)


def test_one_newton_step_lands_on_the_minimum(chapter):
    assert np.all(chapter["newton_step"] == 0.0)


# -- RMSProp and Adam ---------------------------------------------------------------------------


def test_four_methods_on_the_valley(chapter):
    E = {name: chapter["valley_error"](path) for name, path in chapter["methods"].items()}
    plain, heavy = E["plain, eta 0.095"], E["momentum 0.5, eta 0.095"]
    rms, adam = E["RMSProp, eta 0.3"], E["Adam, eta 0.3"]
    assert plain[30] > 0.1 and heavy[30] < 1e-6 and rms[30] < 1e-6
    assert rms[10] < heavy[10] < plain[10]
    # Adam is the slowest of the four here, at every step the table shows
    for t in (10, 30, 100):
        assert adam[t] > max(plain[t], heavy[t], rms[t])
    assert 1e-4 < adam[100] < 1e-2
    # Adam circles back: its w1 overshoots the minimum along the floor
    assert chapter["methods"]["Adam, eta 0.3"][:, 0].max() > 0.3


def test_rmsprop_first_step_is_ten_eta_in_every_coordinate(chapter):
    first = chapter["methods"]["RMSProp, eta 0.3"][1] - chapter["valley_start"]
    np.testing.assert_allclose(np.abs(first), [3.0, 3.0], rtol=1e-6)  # eta / sqrt(1 - 0.99)


def test_optimisers_on_the_digits(chapter):
    """Training runs: claims with margins, valid on every BLAS kernel."""
    curves, accuracy = chapter["digit_curves"], chapter["digit_accuracy"]
    final = {name: curve[-1] for name, curve in curves.items()}
    tuned = ("momentum 0.9", "RMSProp", "Adam")
    for name in tuned:
        assert final["plain SGD"] > 3 * final[name]  # "all end far below plain SGD"
    assert final["momentum 0.9"] < min(final["RMSProp"], final["Adam"])  # the figure's alt text
    for name in ("plain SGD", *tuned):
        assert 0.94 < accuracy[name] < 0.99
    spread = max(accuracy[n] for n in tuned) - min(accuracy[n] for n in tuned)
    assert spread < 0.02  # accuracies differ much less than the losses
    # The common mistake: Adam with SGD's rate stalls on a plateau, well above Adam at 0.01.
    fast = curves["Adam, eta 0.1"]
    # (Where on its plateau it ends, and its accuracy, depend on the BLAS kernel: 0.21 or 0.14.)
    assert fast[-1] > 3 * final["Adam"] and fast[-1] > 0.8 * min(fast[4:])
    assert fast[0] < curves["plain SGD"][0]  # ... after a quick start


# -- Local minima and restarts ------------------------------------------------------------------


def test_double_well_destinations(chapter):
    ends, double_well = chapter["ends"], chapter["double_well"]
    for x0, path in ends.items():
        expected = -1.3008 if x0 <= 0 else 1.1309
        assert path[-1, 0] == pytest.approx(expected, abs=5e-5)
        assert double_well(path[-1, 0]) == pytest.approx(-3.5139 if x0 <= 0 else -1.0702, abs=5e-5)
    # The stationary points are the roots of 4x^3 - 6x + 1: the two minima and the hump at 0.17.
    roots = np.sort(np.roots([4.0, 0.0, -6.0, 1.0]).real)
    assert roots == pytest.approx([-1.3008, 0.1699, 1.1309], abs=5e-5)
    assert chapter["best"] == pytest.approx(-1.3008, abs=5e-5)
    assert np.sum(np.isclose(chapter["finals"], chapter["best"], atol=1e-4)) == 4


# -- The perceptron -----------------------------------------------------------------------------


def test_perceptron_and_sigmoid_residuals(chapter):
    scores = chapter["scores"]
    assert nn.step(scores).tolist() == [0.0, 0.0, 1.0, 1.0]
    assert nn.sigmoid(scores) == pytest.approx([0.119, 0.378, 0.622, 0.953], abs=5e-4)
    assert 1 - nn.sigmoid(scores) == pytest.approx([0.881, 0.622, 0.378, 0.047], abs=5e-4)


def test_perceptron_margin_against_gradient_descent(chapter):
    margin, X_sep, y_sep = chapter["margin"], chapter["X_sep"], chapter["y_sep"]
    assert chapter["perc_epochs"] == 3
    perceptron_margin = margin(chapter["w_perc"], chapter["b_perc"], X_sep, y_sep)
    gd_margin = margin(chapter["w_gd"], chapter["b_gd"], X_sep, y_sep)
    assert 0 < perceptron_margin == pytest.approx(0.020, abs=5e-4)
    assert gd_margin == pytest.approx(0.460, abs=5e-4)
    assert np.linalg.norm([*chapter["dw_perc"], chapter["db_perc"]]) == pytest.approx(
        0.291, abs=5e-4
    )
    # Every point is classified correctly, so the perceptron's own update is zero everywhere.
    z = X_sep @ chapter["w_perc"] + chapter["b_perc"]
    assert np.all(nn.step(z) == y_sep)


# -- Logistic regression from scratch -----------------------------------------------------------


def test_training_over_the_epochs(chapter):
    history, X, y = chapter["history"], chapter["X"], chapter["y"]
    logistic_error, accuracy = chapter["logistic_error"], chapter["accuracy"]
    printed = {  # epoch: (w1, w2, b, E, accuracy)
        0: (1.000, -1.000, 0.000, 0.7496, 0.480),
        1: (1.293, -0.102, -1.228, 0.3272, 0.890),
        2: (1.431, 0.362, -1.792, 0.2705, 0.900),
        5: (1.379, 0.772, -2.687, 0.2357, 0.920),
        10: (1.515, 1.170, -3.209, 0.2268, 0.9225),
        30: (1.597, 1.341, -3.753, 0.2238, 0.920),
    }
    assert chapter["shown_epochs"] == list(printed)
    for epoch, (w1, w2, b, error, acc) in printed.items():
        w, b_ = history[epoch]
        assert [*w, b_] == pytest.approx([w1, w2, b], abs=5e-4)
        assert logistic_error(w, b_, X, y) == pytest.approx(error, abs=5e-5)
        assert accuracy(w, b_, X, y) == pytest.approx(acc, abs=1e-9)


def test_three_implementations_agree(chapter):
    X, y = chapter["X"], chapter["y"]
    ours = np.append(chapter["w_ours"], chapter["b_ours"])
    assert ours == pytest.approx([1.6172, 1.3475, -3.7849], abs=5e-5)
    assert chapter["logistic_error"](ours[:2], ours[2], X, y) == pytest.approx(0.223751, abs=5e-7)
    # The package's network, same start, same full-batch steps: the same path.
    mlp = nn.MLP([2, 1], seed=0)
    mlp.layers[0].W[:] = np.array([[1.0], [-1.0]])
    mlp.layers[0].b[:] = 0.0
    mlp.fit(X, y[:, None], epochs=3000, lr=1.0)
    np.testing.assert_allclose(np.append(mlp.layers[0].W[:, 0], mlp.layers[0].b), ours, atol=1e-12)
    # scikit-learn's minimum of the same cross-entropy.
    model = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(np.append(model.coef_[0], model.intercept_), ours, atol=1e-6)
