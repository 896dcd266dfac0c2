"""The worked numbers of the chapter "The sigmoid" (book/sigmoid.ipynb), held through nncourse.

Every number the chapter states in its prose, or prints and then discusses, is checked here against
``nncourse`` and an independent oracle (hand algebra, SciPy, finite differences). If a test fails,
either the package changed or the chapter is now wrong: fix whichever is wrong, and keep the two
together. The last tests check the notebook's structure (no stored outputs, label, headings,
literalinclude of the real source, alt text on figures, equation references).
"""

import json
import math
import re
import warnings
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import nncourse as nn

CHAPTER = Path(__file__).resolve().parents[1] / "book" / "sigmoid.ipynb"

# Section "Why: a staircase cannot be descended": eight points on a line, weight fixed at 2.
X_LINE = np.array([-2.5, -1.5, -1.0, -0.2, 0.4, 1.1, 1.8, 2.6])
Y_LINE = np.array([0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0])
W_LINE = 2.0

# Section "A probability over the whole plane": the score 4 x1 + 5 x2 - 9.
W_EXAMPLE = np.array([[4.0], [5.0]])
B_EXAMPLE = np.array([-9.0])

# Section "Two Gaussian classes": the classes datasets.two_gaussians draws from by default.
MEAN0 = np.array([0.0, 0.0])
MEAN1 = np.array([5.0, 5.0])
COV = np.array([[1.0, 0.75], [0.75, 1.0]])

finite_scores = st.floats(-700, 700, allow_nan=False, allow_infinity=False)


def step_error(b):
    return np.mean(np.abs(Y_LINE - nn.step(W_LINE * X_LINE + b)))


def sigmoid_error(b):
    return np.mean(np.abs(Y_LINE - nn.sigmoid(W_LINE * X_LINE + b)))


def posterior_weights(mean0, mean1, cov, prior1):
    """w and b written term by term as in the chapter's first form, with an explicit inverse."""
    precision = np.linalg.inv(cov)
    w = precision @ (mean1 - mean0)
    b = (
        -0.5 * mean1 @ precision @ mean1
        + 0.5 * mean0 @ precision @ mean0
        + math.log(prior1 / (1 - prior1))
    )
    return w, b


def bayes_posterior(X, mean0, mean1, cov, prior1):
    joint1 = prior1 * stats.multivariate_normal(mean1, cov).pdf(X)
    joint0 = (1 - prior1) * stats.multivariate_normal(mean0, cov).pdf(X)
    return joint1 / (joint0 + joint1)


# -- why: the staircase ----------------------------------------------------------------------------
def test_step_error_is_flat_where_the_sigmoid_error_slopes():
    assert step_error(-3.0) == 0.25
    assert nn.numerical_gradient(step_error, -3.0) == 0.0
    assert sigmoid_error(-3.0) == pytest.approx(0.2776, abs=5e-5)
    slope = nn.numerical_gradient(sigmoid_error, -3.0)
    assert slope == pytest.approx(-0.0581, abs=5e-5)
    assert slope < 0  # "increase b and the error falls"
    assert sigmoid_error(-3.0 + 0.1) < sigmoid_error(-3.0)


def test_step_error_is_a_staircase_of_eighths():
    biases = np.linspace(-5, 5, 1001)
    errors = np.array([step_error(b) for b in biases])
    np.testing.assert_array_equal(errors * 8, np.round(errors * 8))
    # between two points where w x + b crosses 0 (at b = -2x) the error does not move at all
    thresholds = np.sort(-W_LINE * X_LINE)
    for left, right in pairwise(thresholds):
        inside = np.linspace(left, right, 12)[1:-1]
        assert len({step_error(b) for b in inside}) == 1


def test_sigmoid_error_valley_is_near_zero_bias():
    biases = np.linspace(-5, 5, 2001)
    best = biases[np.argmin([sigmoid_error(b) for b in biases])]
    assert abs(best) < 0.2  # the figure's caption: "lowest point near b = 0"


# -- intuition: values and the plane ---------------------------------------------------------------
def test_table_of_sigmoid_values():
    scores = [-6.0, -4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0, 6.0]
    shown = [0.0025, 0.0180, 0.1192, 0.2689, 0.5000, 0.7311, 0.8808, 0.9820, 0.9975]
    np.testing.assert_allclose(nn.sigmoid(scores), shown, atol=5e-5)


def test_worked_example_probability_half_on_the_line():
    points = np.array([[1.0, 1.0], [-4.0, 5.0], [6.0, -3.0]])  # (6, -3): question 1
    scores = points @ W_EXAMPLE + B_EXAMPLE
    np.testing.assert_array_equal(scores, 0.0)
    np.testing.assert_array_equal(nn.sigmoid(scores), 0.5)


def test_worked_example_other_points():
    points = np.array([[1.0, 2.0], [2.0, 2.0], [0.0, 0.0]])
    scores = points @ W_EXAMPLE + B_EXAMPLE
    np.testing.assert_array_equal(scores[:, 0], [5.0, 9.0, -9.0])
    np.testing.assert_allclose(nn.sigmoid(scores)[:, 0], [0.99331, 0.99988, 0.00012], atol=5e-6)
    assert nn.sigmoid(scores)[0, 0] > 0.99


def test_question_one_points_either_side():
    high, low = nn.sigmoid(np.array([[0.0, 2.0], [2.0, 0.0]]) @ W_EXAMPLE + B_EXAMPLE)[:, 0]
    assert high == pytest.approx(0.73, abs=0.005)
    assert low == pytest.approx(0.27, abs=0.005)
    assert high + low == pytest.approx(1.0, abs=1e-15)


def test_score_is_signed_distance_times_norm():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 2)) * 4
    scores = (X @ W_EXAMPLE + B_EXAMPLE)[:, 0]
    on_line = np.array([1.0, 1.0])
    normal = W_EXAMPLE[:, 0] / np.linalg.norm(W_EXAMPLE)
    distances = (X - on_line) @ normal
    np.testing.assert_allclose(scores, distances * math.sqrt(41), atol=1e-12)


def test_scaling_all_three_numbers_keeps_the_line_and_sharpens():
    """Question 2 and the slider suggestions: 10 z has the same zero set, more extreme values."""
    rng = np.random.default_rng(2)
    X = rng.uniform(-6, 6, size=(200, 2))
    z = (X @ W_EXAMPLE + B_EXAMPLE)[:, 0]
    np.testing.assert_array_equal(np.sign(10 * z), np.sign(z))
    p, p10 = nn.sigmoid(z), nn.sigmoid(10 * z)
    assert np.all(np.abs(p10 - 0.5) >= np.abs(p - 0.5))
    # negating all three swaps the probabilities: sigma(-z) = 1 - sigma(z)
    np.testing.assert_allclose(nn.sigmoid(-z), 1 - p, atol=1e-15)


# -- the maths: properties ------------------------------------------------------------------------
@settings(deadline=None)  # a loaded machine must not fail a property test
@given(finite_scores)
def test_symmetry(z):
    assert nn.sigmoid(-z) == pytest.approx(1 - nn.sigmoid(z), abs=1e-15)


def test_two_forms_of_the_definition_and_the_logit():
    z = np.linspace(-8, 8, 17)
    p = nn.sigmoid(z)
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(p, np.exp(z) / (1 + np.exp(z)), rtol=1e-15)
    np.testing.assert_allclose(np.log(p / (1 - p)), z, atol=1e-12)
    assert np.all((p > 0) & (p < 1))


# -- the maths: Bayes' rule -----------------------------------------------------------------------
def test_any_posterior_is_the_sigmoid_of_the_log_odds():
    """No Gaussian needed: exponential against gamma densities, unequal priors."""
    x = np.linspace(0.1, 10, 50)
    joint1 = 0.3 * stats.gamma(a=3.0).pdf(x)
    joint0 = 0.7 * stats.expon(scale=2.0).pdf(x)
    np.testing.assert_allclose(
        joint1 / (joint1 + joint0), nn.sigmoid(np.log(joint1 / joint0)), rtol=1e-12
    )


@pytest.mark.parametrize("prior1", [0.5, 0.2])
def test_gaussian_posterior_is_sigmoid_of_linear_score(prior1):
    w, b = posterior_weights(MEAN0, MEAN1, COV, prior1)
    X = np.random.default_rng(0).uniform(-2.0, 7.0, size=(1000, 2))  # the chapter's check points
    gap = np.max(np.abs(bayes_posterior(X, MEAN0, MEAN1, COV, prior1) - nn.sigmoid(X @ w + b)))
    assert gap < 1e-13  # "differ by less than 10^-13"


def test_gaussian_weights_are_the_numbers_quoted():
    w, b = posterior_weights(MEAN0, MEAN1, COV, 0.5)
    np.testing.assert_allclose(w, [20 / 7, 20 / 7], rtol=1e-12)
    assert b == pytest.approx(-100 / 7, rel=1e-12)
    np.testing.assert_allclose(np.round(w, 4), [2.8571, 2.8571])
    assert round(b, 4) == -14.2857
    # the boundary w.x + b = 0 is the line x1 + x2 = 5, through the midpoint (2.5, 2.5)
    assert w @ np.array([2.5, 2.5]) + b == pytest.approx(0.0, abs=1e-12)
    assert -b / w[0] == pytest.approx(5.0)
    # second form of b: -w.(mu0 + mu1)/2 + ln(prior ratio)
    assert -0.5 * w @ (MEAN0 + MEAN1) == pytest.approx(b, rel=1e-12)
    # a prior of 0.2 keeps w and lowers b by ln 4 = 1.386
    w_low, b_low = posterior_weights(MEAN0, MEAN1, COV, 0.2)
    np.testing.assert_allclose(w_low, w)
    assert b - b_low == pytest.approx(math.log(4), rel=1e-12)
    assert round(math.log(4), 3) == 1.386
    assert round(b_low, 4) == -15.6720


def test_one_dimensional_example_w_2_b_minus_2():
    w, b = posterior_weights(np.array([0.0]), np.array([2.0]), np.array([[1.0]]), 0.5)
    assert w[0] == pytest.approx(2.0)
    assert b == pytest.approx(-2.0)
    # the shrunken formulas of the text: w = (mu1 - mu0)/s^2, b = (mu0^2 - mu1^2)/(2 s^2)
    assert (2.0 - 0.0) / 1.0**2 == w[0]
    assert (0.0**2 - 2.0**2) / (2 * 1.0**2) == pytest.approx(b)
    x = np.linspace(-3, 5, 401)
    direct = bayes_posterior(x[:, None], [0.0], [2.0], [[1.0]], 0.5)
    np.testing.assert_allclose(direct, nn.sigmoid(2 * x - 2), atol=1e-14)
    assert nn.sigmoid(2 * 1.0 - 2) == 0.5  # halfway between the means


@pytest.mark.parametrize("seed", range(5))
def test_gaussian_posterior_random_parameters(seed):
    """The derivation holds for any means, any shared covariance and any prior, in 3-D."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(3, 3))
    cov = A @ A.T + 0.5 * np.eye(3)
    mean0, mean1 = rng.normal(size=3), rng.normal(size=3)
    prior1 = rng.uniform(0.1, 0.9)
    w, b = posterior_weights(mean0, mean1, cov, prior1)
    X = rng.normal(size=(200, 3)) * 2
    np.testing.assert_allclose(
        nn.sigmoid(X @ w + b), bayes_posterior(X, mean0, mean1, cov, prior1), atol=1e-12
    )


# -- the maths: the derivative and saturation ------------------------------------------------------
def test_derivative_formula_matches_finite_differences():
    z = np.array([-4.0, -1.0, 0.0, 0.5, 3.0])
    by_formula = nn.sigmoid(z) * (1 - nn.sigmoid(z))
    np.testing.assert_allclose(nn.sigmoid_grad(z), by_formula, rtol=1e-13)
    by_differences = nn.numerical_gradient(lambda v: nn.sigmoid(v).sum(), z)
    assert np.max(np.abs(by_formula - by_differences)) < 1e-9
    np.testing.assert_allclose(
        np.round(by_formula, 6), [0.017663, 0.196612, 0.25, 0.235004, 0.045177]
    )
    # the chain-rule form e^-z / (1 + e^-z)^2 agrees as well
    np.testing.assert_allclose(by_formula, np.exp(-z) / (1 + np.exp(-z)) ** 2, rtol=1e-14)
    # the quotient rule with a stray minus sign gives a negative slope for a rising function
    assert np.all(-by_formula < 0)


@settings(deadline=None)  # a loaded machine must not fail a property test
@given(finite_scores)
def test_derivative_bound_by_completing_the_square(z):
    p = nn.sigmoid(z)
    slope = nn.sigmoid_grad(z)
    assert slope <= 0.25
    assert slope == pytest.approx(0.25 - (p - 0.5) ** 2, abs=1e-15)
    assert nn.sigmoid_grad(-z) == pytest.approx(slope, abs=1e-15)


def test_derivative_maximum_quarter_at_zero():
    z = np.linspace(-8, 8, 801)
    slopes = nn.sigmoid_grad(z)
    assert slopes.max() == 0.25
    assert z[np.argmax(slopes)] == 0.0
    assert nn.sigmoid_grad(0.0) == 0.25


def test_saturation_table():
    z = np.array([0.0, 2.0, 5.0, 10.0, 20.0])
    np.testing.assert_allclose(nn.sigmoid(z), [0.5, 0.880797, 0.993307, 0.999955, 1.0], atol=5e-7)
    np.testing.assert_allclose(
        nn.sigmoid_grad(z), [2.500e-01, 1.050e-01, 6.648e-03, 4.540e-05, 2.061e-09], rtol=5e-4
    )
    # e^-|z| approximates the slope better and better as |z| grows
    ratios = nn.sigmoid_grad(z[1:]) / np.exp(-z[1:])
    assert np.all(np.diff(np.abs(1 - ratios)) < 0)
    assert abs(1 - ratios[-1]) < 1e-8


def test_question_three_saturated_unit():
    slope = nn.sigmoid_grad(8.0)
    assert slope == pytest.approx(math.exp(-8), rel=1e-3)
    assert slope == pytest.approx(3.4e-4, rel=0.02)
    assert 740 < 0.25 / slope < 760  # "about 750 times smaller"
    assert nn.sigmoid_grad(10.0) == pytest.approx(4.5e-5, rel=0.01)


def test_weight_gradient_is_slope_times_input():
    x = np.array([0.7, -1.3])
    w, b = np.array([0.4, 2.0]), -0.3
    z = w @ x + b
    by_differences = nn.numerical_gradient(lambda v: nn.sigmoid(v @ x + b), w)
    np.testing.assert_allclose(by_differences, nn.sigmoid_grad(z) * x, atol=1e-9)


# -- the code: numerics ----------------------------------------------------------------------------
def test_naive_formula_overflows_and_nncourse_does_not():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(over="raise"), pytest.raises(FloatingPointError, match="overflow"):
        1 / (1 + np.exp(-z))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = nn.sigmoid(z)
    assert p[0] == 0.0
    assert p[-1] == 1.0
    assert p[2] == 0.5
    assert p[1] == pytest.approx(4.24835426e-18, rel=1e-8)


def test_one_minus_sigmoid_loses_the_tail_sigmoid_of_minus_z_keeps_it():
    s = nn.sigmoid(40.0)
    assert 1 - s == 0.0
    assert s * (1 - s) == 0.0
    assert nn.sigmoid(-40.0) == pytest.approx(math.exp(-40), rel=1e-15)
    assert nn.sigmoid(-40.0) == pytest.approx(4e-18, rel=0.1)
    # sigmoid_grad multiplies sigma(x) * sigma(-x), so the slope keeps its digits in both tails
    assert nn.sigmoid_grad(40.0) == pytest.approx(math.exp(-40), rel=1e-15)
    z = np.array([-600.0, -40.0, 20.0, 40.0, 600.0])
    exact = np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2
    np.testing.assert_allclose(nn.sigmoid_grad(z), exact, rtol=1e-14)


# -- common mistakes -------------------------------------------------------------------------------
def test_sign_slip_in_the_exponent():
    def slip(z):
        return 1 / (1 + np.exp(z))

    assert slip(0.0) == nn.sigmoid(0.0) == 0.5  # a test at 0 cannot catch it
    assert nn.sigmoid(5.0) == pytest.approx(0.9933, abs=5e-5)
    assert slip(5.0) == pytest.approx(0.0067, abs=5e-5)
    assert slip(5.0) == pytest.approx(nn.sigmoid(-5.0), rel=1e-12)


def test_derivative_from_output_versus_score():
    z = 2.0
    y_hat = nn.sigmoid(z)
    assert nn.sigmoid_grad(z) == pytest.approx(0.1050, abs=5e-5)
    assert y_hat * (1 - y_hat) == pytest.approx(nn.sigmoid_grad(z), rel=1e-15)
    assert nn.sigmoid_grad(y_hat) == pytest.approx(0.2072, abs=5e-5)
    assert nn.numerical_gradient(nn.sigmoid, z) == pytest.approx(0.1050, abs=5e-5)


def test_slider_question_midpoint():
    """With w = 2 the midpoint is at x = 1 when b = -2."""
    assert nn.sigmoid(2 * 1.0 + -2.0) == 0.5


# -- the notebook itself ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def notebook():
    return json.loads(CHAPTER.read_text(encoding="utf-8"))


def _markdown(notebook):
    return "\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )


def _code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_links_and_real_source(notebook):
    text = _markdown(notebook)
    assert "{doc}`notation`" in text
    assert "{doc}`exercises/sigmoid`" in text
    for name in ("sigmoid", "sigmoid_grad"):
        assert re.search(
            r"```\{literalinclude\} \.\./nncourse/activations\.py\n(:[^\n]*\n)*:pyobject: "
            + name
            + r"\n",
            text,
        )
    assert "def sigmoid" not in text  # never a pasted copy


def test_every_equation_reference_has_a_label(notebook):
    text = _markdown(notebook)
    labels = set(re.findall(r"^\s*\$\$ \(([\w-]+)\)$", text, flags=re.MULTILINE))
    references = set(re.findall(r"\{eq\}`([\w-]+)`", text))
    assert {"sigmoid-definition", "sigmoid-derivative", "sigmoid-gaussian-w"} <= labels
    assert references <= labels
    assert all(label.startswith("sigmoid-") for label in labels)


def test_interactive_figures_and_answers(notebook):
    code = "\n".join("".join(cell["source"]) for cell in _code_cells(notebook))
    assert "sigmoid_weight_bias()" in code
    assert "sigmoid_plane()" in code
    text = _markdown(notebook)
    assert text.count(":::{dropdown} Answer") >= 4  # one style of answer box (test_book_pages.py)
    assert text.count("Common mistake") >= 3


# -- issue 15: the additions and corrections -------------------------------------------------------
def test_odds_are_defined_with_the_worked_number(notebook):
    text = _markdown(notebook)
    assert "The *odds* of an event of probability $p$ are $\\frac{p}{1 - p}$" in text
    assert "$0.8 / 0.2 = 4$" in text and 0.8 / 0.2 == pytest.approx(4)
    assert np.log(0.8 / 0.2) == pytest.approx(float(np.log(4)))  # the logit of 0.8


def test_distance_reason_is_given(notebook):
    """z / ||w|| is the signed distance: w is perpendicular to the line (review, section 2)."""
    text = _markdown(notebook)
    assert "(w \\cdot x + b) / \\lVert w \\rVert = z / \\lVert w \\rVert" in text
    w = W_EXAMPLE[:, 0]
    assert (
        w @ (np.array([1.0, 1.0]) - np.array([-4.0, 5.0])) == 0.0
    )  # w is perpendicular to the line


def test_one_dimensional_gaussian_first_and_matrix_case_optional(notebook):
    text = _markdown(notebook)
    one_d = text.index("#### Two Gaussian classes in one dimension")
    dropdown = text.index(":::{dropdown} Optional: the derivation in $d$ dimensions, with matrices")
    assert one_d < dropdown
    # the matrix formulas live inside the dropdown, the one-dimensional ones before it
    end = text.index(":::", dropdown + 3)
    for label in ("sigmoid-gaussian", "sigmoid-gaussian-w", "sigmoid-gaussian-b"):
        assert dropdown < text.index(f"$$ ({label})\n") < end
    assert text.index("$$ (sigmoid-gaussian-1d)\n") < dropdown
    assert "\\Sigma" not in text[:dropdown]


@pytest.mark.parametrize(
    ("mu0", "mu1", "s", "prior1"), [(0.0, 2.0, 1.0, 0.5), (-1.0, 3.0, 1.5, 0.3)]
)
def test_one_dimensional_formulas_match_bayes(mu0, mu1, s, prior1):
    """Equation sigmoid-gaussian-1d-wb, both forms of b, against SciPy's densities."""
    w = (mu1 - mu0) / s**2
    b = (mu0**2 - mu1**2) / (2 * s**2) + math.log(prior1 / (1 - prior1))
    assert b == pytest.approx(-w * (mu0 + mu1) / 2 + math.log(prior1 / (1 - prior1)), rel=1e-12)
    x = np.linspace(-4, 6, 101)
    joint1 = prior1 * stats.norm(mu1, s).pdf(x)
    joint0 = (1 - prior1) * stats.norm(mu0, s).pdf(x)
    np.testing.assert_allclose(nn.sigmoid(w * x + b), joint1 / (joint0 + joint1), atol=1e-12)


def test_glued_numbers_at_the_digits_shown():
    """The values the prose takes through glue, at the digits it shows them, on every kernel."""
    assert f"{nn.sigmoid_grad(10.0):.1e}" == "4.5e-05"
    assert f"{np.finfo(np.float64).max:.1e}" == "1.8e+308"
    assert f"{nn.sigmoid(-40.0):.1e}" == "4.2e-18"
    assert f"{nn.sigmoid_grad(8.0):.1e}" == "3.4e-04"
    assert f"{0.25 / nn.sigmoid_grad(8.0):.0f}" == "746"
    b = posterior_weights(MEAN0, MEAN1, COV, 0.5)[1]
    assert f"{b - posterior_weights(MEAN0, MEAN1, COV, 0.2)[1]:.3f}" == "1.386"


def test_the_exercise_asks_for_the_stable_derivative():
    """Review S4: the exercise asks for sigma(x) sigma(-x), the form the chapter recommends."""
    exercise = json.loads((CHAPTER.parents[1] / "exercises" / "sigmoid.ipynb").read_text("utf-8"))
    text = _markdown(exercise)
    assert "\\sigma(x)\\,\\sigma(-x)" in text and "use the\n**second** form" in text
    assert "At $x = 40$ the true value is about $4.2 \\times 10^{-18}$" in text
    assert f"{nn.sigmoid_grad(40.0):.1e}" == "4.2e-18"
    assert "\\mathbf" not in text
    solution = "".join(
        "".join(c["source"])
        for c in exercise["cells"]
        if "def sigmoid_grad" in "".join(c["source"])
    )
    # the solution's code line, without its comment
    code = solution.split("### BEGIN SOLUTION")[1].split("#")[0]
    assert "sigmoid(-" in code and "1 - s" not in code
