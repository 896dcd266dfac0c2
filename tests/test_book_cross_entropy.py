"""Hold every number of the chapter "Cross-entropy and maximum likelihood" (book/cross_entropy.ipynb).

The notebook computes what it prints; these tests pin those results through nncourse, and the numbers
written in its prose, so the text and the package cannot drift apart. nbval executes the notebook itself.
"""

import itertools
import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nncourse as nn

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "cross_entropy.ipynb"

# The four-point example: 1 = blue, 0 = red, and each model's probability of blue.
LABELS = np.array([0.0, 1.0, 0.0, 1.0])
P_BLUE = {"model A": np.array([0.9, 0.6, 0.3, 0.2]), "model B": np.array([0.2, 0.7, 0.4, 0.9])}
# The three doors: gift probabilities, and the most likely outcome.
GIFT = np.array([0.8, 0.7, 0.1])
MOST_LIKELY = np.array([1.0, 1.0, 0.0])


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def prose(notebook):
    """All markdown of the chapter, with line breaks folded into spaces."""
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    return re.sub(r"\s+", " ", text)


def sci_text(x, digits=1):
    """The chapter's ``sci`` helper: x as it appears in the text, e.g. 4.5 × 10⁻⁵."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa} × 10" + str(int(exponent)).translate(
        str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    )


def likelihood(y, p):
    """exp(-summed binary cross-entropy): the product of the probabilities of what happened."""
    return float(np.exp(-nn.binary_cross_entropy(y, p, reduction="sum")))


def gradients_wrt_score(z, y=1.0):
    """dL/dz of squared error and of cross-entropy for y_hat = sigmoid(z), by the chain rule."""
    z = np.asarray(z, dtype=float)
    y_hat = nn.sigmoid(z)
    target = np.full_like(y_hat, y)
    slope = nn.sigmoid_grad(z)
    return (
        nn.mse_grad(target, y_hat, reduction="none") * slope,
        nn.binary_cross_entropy_grad(target, y_hat, reduction="none") * slope,
    )


def steps_to_reach(loss_index, threshold=0.9, w=-6.0, lr=1.0, steps=300):
    """The chapter's training run: gradient descent on w for y_hat = sigmoid(w) and the label 1."""
    for step in range(1, steps + 1):
        w -= lr * float(gradients_wrt_score(w)[loss_index])
        if nn.sigmoid(w) >= threshold:
            return step
    return None


# --- likelihood --------------------------------------------------------------------------------


def test_four_point_likelihoods(prose):
    assert likelihood(LABELS, P_BLUE["model A"]) == pytest.approx(0.1 * 0.6 * 0.7 * 0.2, rel=1e-12)
    assert likelihood(LABELS, P_BLUE["model B"]) == pytest.approx(0.8 * 0.7 * 0.6 * 0.9, rel=1e-12)
    assert round(likelihood(LABELS, P_BLUE["model A"]), 4) == 0.0084
    assert round(likelihood(LABELS, P_BLUE["model B"]), 4) == 0.3024
    assert "{glue:text}`ce-likelihood-ratio:.0f` times more likely" in prose
    assert (
        round(likelihood(LABELS, P_BLUE["model B"]) / likelihood(LABELS, P_BLUE["model A"])) == 36
    )


def test_four_point_cross_entropies_and_errors():
    a = nn.binary_cross_entropy(LABELS, P_BLUE["model A"], reduction="none")
    b = nn.binary_cross_entropy(LABELS, P_BLUE["model B"], reduction="none")
    assert np.round(a, 4).tolist() == [2.3026, 0.5108, 0.3567, 1.6094]
    assert np.round(b, 4).tolist() == [0.2231, 0.3567, 0.5108, 0.1054]
    assert round(float(a.sum()), 2) == 4.78
    assert round(float(b.sum()), 2) == 1.20


def test_likelihood_is_not_accuracy():
    timid = likelihood(np.ones(4), np.full(4, 0.51))
    bold = likelihood(np.ones(4), np.array([0.99, 0.99, 0.99, 0.3]))
    assert round(timid, 4) == 0.0677
    assert round(bold, 4) == 0.2911
    assert bold > timid


def test_product_of_halves_underflows_at_1100_points():
    assert np.prod(np.full(1000, 0.5)) > 0
    assert f"{np.prod(np.full(1000, 0.5)):.3g}" == "9.33e-302"
    assert np.prod(np.full(1100, 0.5)) == 0.0


def test_underflow_hits_every_model_not_much_better_than_a_half(prose):
    """Review E2: not *every* model underflows on 1100 points, only those not much better than 0.5."""
    smallest = np.finfo(np.float64).smallest_subnormal
    assert sci_text(smallest) == "4.9 × 10⁻³²⁴"
    threshold = np.exp(np.log(smallest) / 1100)
    assert round(float(threshold), 2) == 0.51
    assert np.prod(np.full(1100, 0.50)) == 0.0 and np.prod(np.full(1100, 0.52)) > 0.0
    assert np.prod(np.full(1100, 0.99)) == pytest.approx(1.6e-5, rel=0.02)
    assert round(float(np.exp(np.log(smallest) / 1_000_000)), 4) == 0.9993
    assert "and so does every other model" not in prose
    assert "So does every model that is not much better than that" in prose
    for name in (
        "ce-smallest-float",
        "ce-threshold-1100",
        "ce-likelihood-099",
        "ce-threshold-million",
    ):
        assert f"`{name}" in prose


@pytest.mark.parametrize(
    ("p", "error"), [(1.0, 0.0), (0.9, 0.11), (0.5, 0.69), (0.1, 2.30), (0.01, 4.61)]
)
def test_negative_log_of_one_point(p, error):
    assert round(float(nn.binary_cross_entropy([1.0], [p])), 2) == error


# --- the three doors ---------------------------------------------------------------------------


def test_three_doors_most_likely_outcome(prose):
    assert round(likelihood(MOST_LIKELY, GIFT), 3) == 0.504
    ce = float(nn.binary_cross_entropy(MOST_LIKELY, GIFT, reduction="sum"))
    assert round(ce, 2) == 0.69
    assert ce == pytest.approx(-np.log(0.8) - np.log(0.7) - np.log(0.9), rel=1e-12)
    assert "0.8 \\times 0.7 \\times 0.9 = 0.504" in prose
    assert "\\approx$ {glue:text}`ce-doors:.2f`" in prose


def test_three_doors_table():
    outcomes = np.array(list(itertools.product([1.0, 0.0], repeat=3)))
    probabilities = np.prod(np.where(outcomes == 1, GIFT, 1 - GIFT), axis=1)
    ces = np.array([nn.binary_cross_entropy(y, GIFT, reduction="sum") for y in outcomes])
    assert np.round(probabilities, 3).tolist() == [
        0.056,
        0.504,
        0.024,
        0.216,
        0.014,
        0.126,
        0.006,
        0.054,
    ]
    assert np.round(ces, 2).tolist() == [2.88, 0.69, 3.73, 1.53, 4.27, 2.07, 5.12, 2.92]
    assert probabilities.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(ces, -np.log(probabilities))
    assert outcomes[ces.argmin()].tolist() == MOST_LIKELY.tolist()


def test_the_seeds_slips_on_the_three_doors(prose):
    y, p = MOST_LIKELY, GIFT
    missing_bracket = np.sum(-y * np.log(p) + (1 - y) * np.log(1 - p))
    base_ten = -np.sum(y * np.log10(p) + (1 - y) * np.log10(1 - p))
    assert round(float(missing_bracket), 2) == 0.47
    assert round(float(base_ten), 2) == 0.30
    assert (
        "gives {glue:text}`ce-doors-no-bracket:.2f` instead of {glue:text}`ce-doors:.2f`" in prose
    )
    assert "gives {glue:text}`ce-doors-base-ten:.2f`" in prose


# --- multi-class and the error function ------------------------------------------------------------


def test_multiclass_doors():
    P = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.1, 0.5, 0.4]])
    truth = np.array([0, 1, 2])
    from_labels = float(nn.categorical_cross_entropy(truth, P, reduction="sum"))
    from_one_hot = float(nn.categorical_cross_entropy(nn.one_hot(truth, 3), P, reduction="sum"))
    assert from_labels == pytest.approx(from_one_hot, rel=1e-15)
    assert round(float(np.prod(P[np.arange(3), truth])), 3) == 0.112
    assert round(from_labels, 2) == 2.19


def test_binary_is_two_class_categorical():
    two_column = np.column_stack([1 - GIFT, GIFT])
    assert float(
        nn.categorical_cross_entropy(MOST_LIKELY.astype(int), two_column, reduction="sum")
    ) == pytest.approx(
        float(nn.binary_cross_entropy(MOST_LIKELY, GIFT, reduction="sum")), rel=1e-12
    )


def test_error_function_on_six_points():
    X = np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0], [0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    good = float(nn.binary_cross_entropy(y, nn.sigmoid(X @ np.array([4.0, 5.0]) - 9.0)))
    worse = float(nn.binary_cross_entropy(y, nn.sigmoid(X @ np.array([1.0, 1.0]) - 1.0)))
    assert round(good, 4) == 0.0083
    assert round(worse, 4) == 0.3337
    y_hat = nn.sigmoid(X @ np.array([4.0, 5.0]) - 9.0)
    assert good == pytest.approx(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


# --- squared error against cross-entropy ---------------------------------------------------------


def test_gradient_table():
    squared, cross_entropy = gradients_wrt_score([-10.0, -5.0, -2.0, 0.0, 2.0])
    assert np.round(squared, 6).tolist() == [-0.000091, -0.013207, -0.184956, -0.25, -0.025031]
    assert np.round(cross_entropy, 6).tolist() == [-0.999955, -0.993307, -0.880797, -0.5, -0.119203]
    assert round(float(cross_entropy[1] / squared[1])) == 75


@pytest.mark.parametrize("z", [-10.0, -5.0, -2.0, 0.0, 2.0])
def test_gradients_match_finite_differences(z):
    squared, cross_entropy = gradients_wrt_score(z)
    fd_squared = nn.numerical_gradient(lambda v: nn.mse([1.0], nn.sigmoid(v)), [z])[0]
    fd_cross = nn.numerical_gradient(lambda v: nn.binary_cross_entropy([1.0], nn.sigmoid(v)), [z])[
        0
    ]
    assert squared == pytest.approx(fd_squared, abs=1e-8)
    assert cross_entropy == pytest.approx(fd_cross, abs=1e-8)


# The chain rule as two factors divides by y_hat (1 - y_hat) and multiplies by it again, which costs
# digits as the sigmoid saturates (and beyond |z| of about 27 hits the 1e-12 floor of
# binary_cross_entropy_grad); the chapter plots z in [-10, 6]. The fused y_hat - y has no such loss.
@settings(deadline=None)  # a loaded machine must not fail a property test
@given(st.floats(-20, 20), st.sampled_from([0.0, 1.0]))
def test_cross_entropy_gradient_is_prediction_minus_label(z, y):
    _, cross_entropy = gradients_wrt_score(z, y)
    assert cross_entropy == pytest.approx(float(nn.sigmoid(z)) - y, abs=1e-6)


@settings(deadline=None)  # a loaded machine must not fail a property test
@given(st.floats(-30, 30), st.sampled_from([0.0, 1.0]))
def test_squared_error_gradient_carries_the_sigmoid_slope(z, y):
    squared, _ = gradients_wrt_score(z, y)
    y_hat = float(nn.sigmoid(z))
    assert squared == pytest.approx(2 * (y_hat - y) * y_hat * (1 - y_hat), abs=1e-12)


def test_training_from_a_confidently_wrong_start(prose):
    squared_steps, cross_entropy_steps = steps_to_reach(0), steps_to_reach(1)
    assert (squared_steps, cross_entropy_steps) == (249, 17)
    assert "{glue:text}`ce-steps-cross-entropy` steps, fewer than twenty" in prose
    assert "{glue:text}`ce-steps-squared`, more than ten times as many" in prose
    assert cross_entropy_steps < 20 and squared_steps > 10 * cross_entropy_steps


def test_check_your_understanding_saturated_example(prose):
    squared, cross_entropy = gradients_wrt_score(np.log(999.0), y=0.0)  # y_hat = 0.999
    assert float(nn.sigmoid(np.log(999.0))) == pytest.approx(0.999)
    assert float(cross_entropy) == pytest.approx(0.999)
    assert round(float(squared), 3) == 0.002
    assert float(cross_entropy / squared) == pytest.approx(1 / (2 * 0.999 * 0.001), rel=1e-9)
    assert f"{1 / (2 * 0.999 * 0.001):.1f}" == "500.5"
    assert round(2 * 0.999 * 0.999 * 0.001, 4) == 0.0020
    assert "{glue:text}`ce-q3-ratio:.1f` times smaller" in prose


def test_check_your_understanding_model_cross_entropies(prose):
    assert round(float(-np.log(0.3024)), 2) == 1.20 and round(float(-np.log(0.0084)), 2) == 4.78
    assert "{glue:text}`ce-q2-b:.2f`" in prose and "{glue:text}`ce-q2-a:.2f`" in prose


def test_mean_absolute_error_is_not_a_likelihood(prose):
    """The answer to "why not train on mean |y - y_hat|": it stalls, and it pushes to 0 or 1."""
    q = 0.7
    candidates = np.linspace(0.01, 0.99, 99)
    absolute = q * (1 - candidates) + (1 - q) * candidates
    cross_entropy = -(q * np.log(candidates) + (1 - q) * np.log(1 - candidates))
    assert candidates[np.argmin(absolute)] == 0.99
    assert round(float(candidates[np.argmin(cross_entropy)]), 2) == 0.70
    # the derivative of the mean cross-entropy vanishes exactly at y_hat = q
    assert -q / q + (1 - q) / (1 - q) == 0
    # for a label 1 the gradient of 1 - sigmoid(z) is -sigmoid'(z): it vanishes like squared error's
    assert nn.numerical_gradient(lambda z: 1 - nn.sigmoid(z), -5.0) == pytest.approx(
        -float(nn.sigmoid_grad(-5.0)), abs=1e-9
    )
    assert round(-float(nn.sigmoid_grad(-5.0)), 4) == -0.0066
    assert "does not reward honest probabilities" in prose


# --- stability ---------------------------------------------------------------------------------


LOGITS = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
TRUE_CLASS = np.array([0, 0])


def test_naive_cross_entropy_fails_at_logits_1000():
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        e = np.exp(LOGITS)
        naive = -np.log((e / e.sum(axis=1, keepdims=True))[[0, 1], TRUE_CLASS])
        stable_then_log = -np.log(nn.softmax(LOGITS)[[0, 1], TRUE_CLASS])
    assert np.isnan(naive[0]) and np.isinf(naive[1])
    assert stable_then_log[0] == 0 and np.isinf(stable_then_log[1])


def test_softmax_cross_entropy_is_finite_at_logits_1000():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        per_example = nn.softmax_cross_entropy(TRUE_CLASS, LOGITS, reduction="none")
        mean = nn.softmax_cross_entropy(TRUE_CLASS, LOGITS)
        gradient = nn.softmax_cross_entropy_grad(TRUE_CLASS, LOGITS, reduction="sum")
    np.testing.assert_array_equal(per_example, [0.0, 2000.0])
    assert float(mean) == 1000.0
    np.testing.assert_array_equal(gradient, [[0.0, 0.0], [-1.0, 1.0]])


def test_single_sigmoid_output_at_minus_1000():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(nn.sigmoid(-1000.0)) == 0.0
        assert float(nn.binary_cross_entropy([1.0], nn.sigmoid([-1000.0]))) == 100.0
        assert float(nn.softmax_cross_entropy([1], [[0.0, -1000.0]])) == 1000.0


def test_underflow_limits_quoted_in_the_text(prose):
    assert round(float(np.log(np.finfo(np.float64).smallest_subnormal)), 1) == -744.4
    assert round(float(np.log(np.finfo(np.float32).smallest_subnormal)), 1) == -103.3
    assert (
        "about {glue:text}`ce-underflow-64:.0f` apart (about {glue:text}`ce-underflow-32:.0f` in float32)"
        in prose
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(nn.sigmoid(-746.0)) == 0.0 and float(nn.sigmoid(-744.0)) > 0.0


def test_numpy_2_removed_float_alias():
    with pytest.raises(AttributeError, match=r"np\.float_"):
        np.float_  # noqa: B018, NPY201


def test_epsilon_hack_caps_the_loss(prose):
    assert round(float(-np.log(0 + 1e-12)), 1) == 27.6
    assert "{glue:text}`ce-epsilon-cap:.1f`" in prose


@settings(deadline=None)  # a loaded machine must not fail a property test
@given(st.lists(st.floats(-1000, 1000), min_size=2, max_size=5), st.data())
def test_softmax_cross_entropy_matches_logsumexp_formula(z, data):
    z = np.asarray(z)
    c = data.draw(st.integers(0, len(z) - 1))
    m = z.max()
    expected = m + np.log(np.exp(z - m).sum()) - z[c]
    assert float(nn.softmax_cross_entropy([c], [z])) == pytest.approx(
        expected, rel=1e-12, abs=1e-12
    )


# --- the notebook itself -----------------------------------------------------------------------


def test_notebook_calls_the_negative_log_widget(notebook):
    assert any("neg_log_likelihood()" in cell.source for cell in notebook.cells)


def test_alt_text_of_the_gradient_figure(notebook):
    """The numbers the figure's alt text gives, recomputed (an alt text cannot be glued)."""
    alt = next(
        c.metadata["mystnb"]["image"]["alt"]
        for c in notebook.cells
        if "gradient-descent step" in c.source and c.cell_type == "code"
    )
    assert "dips to about -0.3 near z = -0.7" in alt
    z = np.linspace(-10, 6, 16001)
    squared, _ = gradients_wrt_score(z)
    assert float(squared.min()) == pytest.approx(-8 / 27, abs=1e-6)  # at sigma(z) = 1/3
    assert float(z[squared.argmin()]) == pytest.approx(-np.log(2), abs=1e-3)
    assert "within 20 steps" in alt and "only after about 250" in alt
    assert steps_to_reach(1) < 20 and 240 <= steps_to_reach(0) <= 260
    assert "stays near 0 for about 200 steps" in alt
    assert steps_to_reach(0, threshold=0.05) >= 190


def test_why_the_name_cross_entropy(prose):
    """H(y, y_hat) >= H(y), equal only at y_hat = y; for a one-hot y it is the example's loss."""
    assert "$$ (ce-cross-entropy-of-distributions)" in prose.replace("\n", " ")
    rng = np.random.default_rng(0)
    for _ in range(20):
        y, y_hat = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
        entropy = -np.sum(y * np.log(y))
        cross = -np.sum(y * np.log(y_hat))
        assert cross > entropy
    assert -np.sum(np.full(4, 0.25) * np.log(np.full(4, 0.25))) == pytest.approx(np.log(4))
    one_hot, row = np.array([0.0, 1.0, 0.0]), np.array([0.2, 0.5, 0.3])
    assert -np.sum(one_hot * np.log(row)) == pytest.approx(
        float(nn.categorical_cross_entropy([1], [row])), rel=1e-12
    )


def test_numbers_in_the_exercise_text():
    """The exercise's typed numbers are exact arithmetic, held here."""
    exercise = nbformat.read(
        NOTEBOOK.parents[1] / "exercises" / "cross_entropy.ipynb", as_version=4
    )
    text = "\n".join(c.source for c in exercise.cells if c.cell_type == "markdown")
    assert "$0.69 / 3 \\approx 0.23$" in text
    assert round(float(nn.binary_cross_entropy(MOST_LIKELY, GIFT)), 2) == 0.23
    assert "\\hat y = (0.8, 0.7, 0.1)" in text and "p_i" not in text


# --- why it is called cross-entropy: entropy, KL divergence, nats and bits, label smoothing --------

WEATHER = np.array([0.5, 0.25, 0.25])  # sunny, cloudy, rainy
DOORS = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.1, 0.5, 0.4]])  # duck, beaver, walrus


def smoothed_targets(epsilon=0.1, k=3):
    """The chapter's label smoothing of the three doors: (1 - eps) one-hot + eps / k."""
    return (1 - epsilon) * nn.one_hot(np.array([0, 1, 2]), num_classes=k) + epsilon / k


def test_entropy_of_the_weather(prose):
    from scipy.stats import entropy as scipy_entropy

    h = float(nn.entropy(WEATHER))
    assert h == pytest.approx(scipy_entropy(WEATHER), rel=1e-12)
    assert h == pytest.approx(1.5 * np.log(2), rel=1e-12)  # the worked example's algebra
    assert round(h, 2) == 1.04 and round(h, 4) == 1.0397
    np.testing.assert_allclose(-np.log(WEATHER), [np.log(2), np.log(4), np.log(4)])
    towns = np.array([[1.0, 0.0, 0.0], WEATHER, [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(
        nn.entropy(towns, reduction="none"), [0.0, h, np.log(3)], rtol=1e-12, atol=0
    )
    assert round(float(np.log(3)), 2) == 1.10
    assert "1.5 \\log 2" in prose
    assert "{glue:text}`ce-weather-entropy:.2f`" in prose and "{glue:text}`ce-log-3:.2f`" in prose


def test_the_two_forecasters(prose):
    from scipy.stats import entropy as scipy_entropy

    even, swapped = np.full(3, 1 / 3), np.array([0.25, 0.25, 0.5])
    world = np.tile(WEATHER, (2, 1))
    cross = nn.categorical_cross_entropy(world, np.array([even, swapped]), reduction="none")
    gap = nn.kl_divergence(world, np.array([even, swapped]), reduction="none")
    assert cross[0] == pytest.approx(np.log(3), rel=1e-12)  # an even forecast: always log k
    assert cross[1] == pytest.approx(1.75 * np.log(2), rel=1e-12)
    assert gap[0] == pytest.approx(scipy_entropy(WEATHER, even), rel=1e-12)
    assert gap[1] == pytest.approx(scipy_entropy(WEATHER, swapped), rel=1e-12)
    np.testing.assert_allclose(cross, nn.entropy(WEATHER) + gap, rtol=1e-12)
    assert np.round(cross, 2).tolist() == [1.10, 1.21]
    assert np.round(gap, 3).tolist() == [0.059, 0.173]
    assert (cross > nn.entropy(WEATHER)).all()
    for name in (
        "ce-weather-even:.2f",
        "ce-weather-swapped:.2f",
        "ce-kl-even:.3f",
        "ce-kl-swapped:.3f",
    ):
        assert f"{{glue:text}}`{name}`" in prose
    assert "(exactly $\\log 3$" in prose


@settings(deadline=None)  # a loaded machine must not fail a property test
@given(st.integers(0, 2**32 - 1), st.integers(2, 6))
def test_gibbs_inequality_and_the_decomposition(seed, k):
    """KL(p || q) >= 0, H(p, q) = H(p) + KL(p || q), and the KL divergence of p from itself is 0."""
    rng = np.random.default_rng(seed)
    p, q = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
    kl = float(nn.kl_divergence(p, q))
    assert kl >= 0
    assert float(nn.categorical_cross_entropy(p[None], q[None])) == pytest.approx(
        float(nn.entropy(p)) + kl, rel=1e-9, abs=1e-12
    )
    assert float(nn.kl_divergence(p, p)) == pytest.approx(0.0, abs=1e-15)


def test_the_log_inequality_of_the_proof():
    """log r <= r - 1 for r > 0, with equality only at r = 1: the step behind Gibbs' inequality."""
    r = np.linspace(0.01, 10, 1000)
    assert (np.log(r) <= r - 1 + 1e-15).all()
    assert np.log(1.0) == 1.0 - 1


def test_one_hot_cross_entropy_is_the_kl_divergence():
    one_hot = nn.one_hot(np.array([0, 1, 2]), num_classes=3)
    np.testing.assert_array_equal(nn.entropy(one_hot, reduction="none"), [0.0, 0.0, 0.0])
    cross = nn.categorical_cross_entropy(one_hot, DOORS, reduction="none")
    kl = nn.kl_divergence(one_hot, DOORS, reduction="none")
    np.testing.assert_allclose(kl, cross, rtol=1e-12)
    np.testing.assert_allclose(cross, -np.log([0.7, 0.4, 0.4]), rtol=1e-12)
    assert np.round(cross, 4).tolist() == [0.3567, 0.9163, 0.9163]


def test_the_figure_of_cross_entropy_entropy_and_kl(notebook, prose):
    """The two-class curves: the alt text's numbers, recomputed (an alt text cannot be glued)."""
    alt = next(
        c.metadata["mystnb"]["image"]["alt"]
        for c in notebook.cells
        if c.cell_type == "code" and "y_hat_grid = np.linspace" in c.source
    )
    y_hat = np.linspace(0.01, 0.99, 99)
    q = np.column_stack([1 - y_hat, y_hat])
    soft = np.tile([0.3, 0.7], (len(y_hat), 1))
    h_pq = nn.categorical_cross_entropy(soft, q, reduction="none")
    assert round(float(y_hat[np.argmin(h_pq)]), 2) == 0.70
    assert round(float(h_pq.min()), 2) == round(float(nn.entropy([0.3, 0.7])), 2) == 0.61
    assert "lowest point 0.61 at y-hat = 0.7" in alt and "the entropy, 0.61" in alt
    assert (h_pq >= float(nn.entropy([0.3, 0.7])) - 1e-12).all()
    hard = np.tile([0.0, 1.0], (len(y_hat), 1))
    np.testing.assert_allclose(
        nn.categorical_cross_entropy(hard, q, reduction="none"),
        nn.kl_divergence(hard, q, reduction="none"),
        rtol=1e-12,
    )
    np.testing.assert_allclose(nn.kl_divergence(hard, q, reduction="none"), -np.log(y_hat))
    assert "-log y-hat" in alt and "entropy line lies on 0" in alt
    assert "{glue:text}`ce-soft-entropy:.2f`" in prose


def test_nats_and_bits(prose):
    from scipy.stats import entropy as scipy_entropy

    bits = float(nn.entropy(WEATHER)) / np.log(2)
    assert bits == pytest.approx(1.5, rel=1e-12)
    assert bits == pytest.approx(scipy_entropy(WEATHER, base=2), rel=1e-12)
    assert bits == pytest.approx(-np.sum(WEATHER * np.log2(WEATHER)), rel=1e-12)
    assert 0.5 * 1 + 0.5 * 2 == 1.5  # the average number of yes-or-no questions
    assert round(1 / np.log(2), 2) == 1.44 and round(float(np.log(2)), 4) == 0.6931
    assert "{glue:text}`ce-weather-bits:.1f` bits" in prose
    assert "{glue:text}`ce-nat-in-bits:.2f` bits" in prose


def test_label_smoothing(prose):
    from scipy.stats import entropy as scipy_entropy

    smoothed = smoothed_targets()
    np.testing.assert_allclose(smoothed.sum(axis=1), 1.0)
    assert smoothed[0].tolist() == pytest.approx([0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3])
    assert round(float(smoothed[0, 0]), 2) == 0.93
    h = nn.entropy(smoothed, reduction="none")
    np.testing.assert_allclose(h, scipy_entropy(smoothed[0]), rtol=1e-12)
    assert round(float(h[0]), 4) == 0.2911
    duck = smoothed[:1]
    best_s = np.log(duck[0, 0] / duck[0, 1])
    assert duck[0, 0] / duck[0, 1] == pytest.approx(28)
    assert round(float(best_s), 2) == round(float(np.log(28)), 2) == 3.33
    # at s = log 28 the softmax is the target, and the loss is the target's entropy, its minimum
    np.testing.assert_allclose(nn.softmax([[best_s, 0.0, 0.0]])[0], duck[0], rtol=1e-12)
    scores = [0.0, 1.0, 2.0, float(best_s), 5.0, 10.0]
    losses = [float(nn.softmax_cross_entropy(duck, [[s, 0.0, 0.0]])) for s in scores]
    one_hot_losses = [float(nn.softmax_cross_entropy([0], [[s, 0.0, 0.0]])) for s in scores]
    assert losses[3] == pytest.approx(float(h[0]), rel=1e-12) and min(losses) == losses[3]
    assert np.round(losses, 4).tolist() == [1.0986, 0.6181, 0.3729, 0.2911, 0.3467, 0.6668]
    assert np.round(one_hot_losses, 4).tolist() == [1.0986, 0.5514, 0.2395, 0.069, 0.0134, 0.0001]
    assert all(a > b for a, b in itertools.pairwise(one_hot_losses))  # falls towards 0 forever
    fine = np.linspace(-5, 20, 2501)
    assert min(float(nn.softmax_cross_entropy(duck, [[s, 0.0, 0.0]])) for s in fine) >= h[0] - 1e-12
    assert round(losses[-1], 2) == 0.67
    assert "$s = \\log 28 \\approx$ {glue:text}`ce-smooth-best-s:.2f`" in prose
    assert "{glue:text}`ce-smooth-entropy:.4f`" in prose
    assert "{glue:text}`ce-smooth-at-10:.2f` at $s = 10$" in prose
    assert "{glue:text}`ce-smooth-duck:.2f`" in prose


def test_kl_argument_order_and_zero_log_zero(prose):
    from scipy.stats import entropy as scipy_entropy

    split, model = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    forward, backward = float(nn.kl_divergence(split, model)), float(nn.kl_divergence(model, split))
    assert forward == pytest.approx(scipy_entropy(split, model), rel=1e-12)
    assert backward == pytest.approx(scipy_entropy(model, split), rel=1e-12)
    assert (round(forward, 2), round(backward, 2)) == (0.51, 0.37)
    assert "{glue:text}`ce-kl-pq:.2f` and {glue:text}`ce-kl-qp:.2f`" in prose
    duck = np.array([1.0, 0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(np.sum(duck * np.log(duck / DOORS[0])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(nn.kl_divergence(duck, DOORS[0])) == pytest.approx(-np.log(0.7), rel=1e-12)
    assert float(scipy_entropy(duck, DOORS[0])) == pytest.approx(-np.log(0.7), rel=1e-12)


def test_check_your_understanding_split_target(prose):
    split = np.array([0.5, 0.5])
    assert float(nn.entropy(split)) == pytest.approx(np.log(2), rel=1e-12)
    assert float(nn.entropy(split)) / np.log(2) == pytest.approx(1.0, rel=1e-12)  # exactly 1 bit
    y_hat = np.linspace(0.01, 0.99, 99)
    losses = nn.categorical_cross_entropy(
        np.tile(split, (99, 1)), np.column_stack([1 - y_hat, y_hat]), reduction="none"
    )
    assert round(float(y_hat[np.argmin(losses)]), 2) == 0.5
    assert "$H(p) = \\log 2 \\approx$ {glue:text}`ce-log-2:.2f` nats, exactly 1 bit" in prose


def test_the_package_functions_are_shown_and_called(notebook):
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    for name in ("entropy", "kl_divergence"):
        assert f"```{{literalinclude}} ../nncourse/losses.py\n:pyobject: {name}\n```" in markdown
        assert f"nn.{name}(" in code
    assert "from nncourse.figures import palette" in code
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    at = headings.index("## Why it is called cross-entropy")
    assert headings.index("## Computing it stably from logits") < at
    next_section = next(h for h in headings[at + 1 :] if h.startswith("## "))
    assert next_section == "## Check your understanding"
    assert all(h.startswith("### ") for h in headings[at + 1 : headings.index(next_section)])
