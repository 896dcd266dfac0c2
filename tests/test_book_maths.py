"""The worked numbers of the page "Maths you need" (book/maths.ipynb), recomputed independently.

The page's hidden last cell asserts the numbers its prose quotes while the book builds; these tests hold
the same numbers without the notebook, by hand algebra and NumPy, and check the page's structure.
Everything here is exact arithmetic or seeded sampling tested with a margin, so it holds on every BLAS
kernel.
"""

import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

PAGE = Path(__file__).resolve().parents[1] / "book" / "maths.ipynb"


def central_difference(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@pytest.fixture(scope="module")
def markdown():
    notebook = nbformat.read(PAGE, as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@pytest.fixture(scope="module")
def code():
    notebook = nbformat.read(PAGE, as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "code")


# -- vectors ----------------------------------------------------------------------------------------
def test_vector_examples():
    u, v = np.array([1, 1]), np.array([3, 2])
    assert (2 * u + v).tolist() == [5, 4] and (v - u).tolist() == [2, 1]
    assert np.array([1, 2, 3]) @ np.array([4, -5, 6]) == 12
    assert np.linalg.norm([3, 4]) == 5.0
    assert round(math.sqrt(5), 3) == 2.236


def test_layer_example():
    X = np.array([[1, 2], [0, 1], [2, -1]])
    Z = X @ np.array([[0.5], [-1.0]]) + 0.25
    assert Z.ravel().tolist() == [-1.25, -0.75, 2.25] and Z.shape == (3, 1)


# -- matrices (issue 15.2) ---------------------------------------------------------------------------
A = np.array([[1, 2, 0], [-1, 3, 2]])
B = np.array([[2, 1], [0, -1], [1, 4]])


def test_two_by_three_times_three_by_two():
    # row times column, written out as in the prose
    by_hand = [
        [1 * 2 + 2 * 0 + 0 * 1, 1 * 1 + 2 * (-1) + 0 * 4],
        [(-1) * 2 + 3 * 0 + 2 * 1, (-1) * 1 + 3 * (-1) + 2 * 4],
    ]
    assert by_hand == [[2, -1], [0, 4]]
    assert (A @ B).tolist() == by_hand
    assert -1 - 3 + 8 == 4  # "walks along row 2 of A and down column 2 of B"
    assert (B @ A).shape == (3, 3)  # the order matters


def test_shapes_must_match():
    with pytest.raises(ValueError, match="size 2 is different from 3"):
        A @ A
    assert (A.T @ A).shape == (3, 3)


def test_transpose_rules():
    assert A.T.shape == (3, 2) and (A.T.T == A).all()
    assert ((A @ B).T == B.T @ A.T).all()
    v = np.arange(3)
    assert (v.T == v).all() and v.T.shape == (3,)


def test_transpose_times_vector_adds_weighted_rows():
    X = np.array([[1, 2], [0, 1], [2, -1]])
    v = np.array([1, 0, -1])
    assert (X.T @ v).tolist() == [-1, 3]
    assert (1 * X[0] + 0 * X[1] - 1 * X[2]).tolist() == [-1, 3]
    rng = np.random.default_rng(0)
    X, v = rng.normal(size=(7, 4)), rng.normal(size=7)
    np.testing.assert_allclose(X.T @ v, sum(v_i * x_i for v_i, x_i in zip(v, X, strict=True)))


def test_question_five_shapes():
    X, v = np.ones((100, 3)), np.ones(100)
    assert (X.T @ v).shape == (3,)
    with pytest.raises(ValueError):
        X @ v


def test_elementwise_product_and_broadcasting_trap():
    u, v = np.array([1, 2, 3]), np.array([4, -5, 6])
    assert (u * v).tolist() == [4, -10, 18] and (u * v).sum() == u @ v == 12
    assert (np.ones((3, 1)) * np.array([1.0, 2.0, 3.0])).shape == (3, 3)


# -- derivatives -------------------------------------------------------------------------------------
def test_derivative_examples():
    assert round((3.01**2 - 9) / 0.01, 2) == 6.01
    assert round((3.001**2 - 9) / 0.001, 3) == 6.001
    assert (3.01**2 - 2.99**2) / 0.02 == pytest.approx(6, abs=1e-12)
    assert central_difference(lambda x: x**5, 2.0) == pytest.approx(80, abs=1e-5)
    assert round(3 * math.e, 3) == 8.155
    assert central_difference(lambda x: x / (1 + x**2), 2.0) == pytest.approx(-0.12, abs=1e-8)
    assert central_difference(lambda x: (3 * x + 1) ** 2, 1.0) == pytest.approx(24, abs=1e-6)


def test_sigmoid_and_log_loss_examples():
    def sigmoid(z):
        return 1 / (1 + math.exp(-z))

    assert central_difference(sigmoid, 0.0) == pytest.approx(0.25, abs=1e-9)
    assert sigmoid(2.0) - 1 == pytest.approx(-0.1192, abs=5e-5)
    a = sigmoid(-1.5)
    assert round(a, 4) == 0.1824 and round(a * (1 - a), 4) == 0.1491
    np.testing.assert_allclose(np.round(a * (1 - a) * np.array([2.0, 3.0]), 4), [0.2983, 0.4474])


def test_gradient_and_tangent_plane():
    def bowl(x, y):
        return x**2 + 3 * y**2

    assert bowl(1, 1) == 4
    gradient = np.array([2.0, 6.0])
    assert round(np.linalg.norm(gradient), 3) == 6.325
    assert gradient @ [0.01, -0.02] == pytest.approx(-0.1)
    assert bowl(1.01, 0.98) - bowl(1, 1) == pytest.approx(-0.0987, abs=1e-12)
    assert np.allclose(np.array([1, 1]) - 0.1 * gradient, [0.8, 0.4])
    assert bowl(0.8, 0.4) == pytest.approx(1.12) and bowl(1.2, 1.6) == pytest.approx(9.12)


def test_hessian_examples():
    assert np.linalg.det([[2, 1], [1, 2]]) == pytest.approx(3)
    np.testing.assert_allclose(np.linalg.eigvalsh([[2, 1], [1, 2]]), [1, 3])
    assert 2**2 + 2 * (-1) + (-1) ** 2 - 3 * 2 == -3
    assert np.linalg.det([[2, 4], [4, 2]]) == pytest.approx(-12)


# -- expectation and variance ------------------------------------------------------------------------
def test_die_expectation_and_variance_exact():
    faces = np.arange(1, 7)
    assert faces.mean() == 3.5
    assert (faces**2).sum() == 91
    assert (faces**2).mean() - 3.5**2 == pytest.approx(35 / 12, rel=1e-15)
    assert faces.var() == pytest.approx(35 / 12, rel=1e-15)


def test_sampled_die_and_score_variance_within_a_margin():
    """The page's seeded sampling cell: each printed value lies near its exact value on every kernel."""
    rng = np.random.default_rng(0)
    rolls = rng.integers(1, 7, size=100_000)
    assert abs(rolls.mean() - 3.5) < 0.02 and abs(rolls.var() - 35 / 12) < 0.03
    d = 100
    weights = rng.normal(0.0, np.sqrt(1 / d), size=(10_000, d))
    inputs = rng.normal(0.0, 1.0, size=(10_000, d))
    assert abs((weights * inputs).sum(axis=1).var() - 1.0) < 0.05


# -- the page itself ---------------------------------------------------------------------------------
def test_sections_and_labels(markdown):
    assert "(maths-matrices)=" in markdown and "(maths-expectation)=" in markdown
    for label in ("maths-matrix-product", "maths-transpose-times-vector", "maths-elementwise",
                  "maths-tangent-plane", "maths-variance"):  # fmt: skip
        assert f"$$ ({label})" in markdown


def test_finite_difference_step_is_epsilon(code, markdown):
    """Notation: the step of a finite difference is ε (eps=), never h (review S9)."""
    assert "def derivative(f, x, eps=1e-6)" in code
    assert not re.search(r"\bh\s*=", code)
    assert "2h" not in markdown and "x + h" not in markdown


def test_the_angle_is_phi_not_theta(markdown):
    """θ is the parameters (review S8); the angle between two vectors is φ."""
    assert r"\cos\varphi" in markdown and r"\cos\theta" not in markdown
