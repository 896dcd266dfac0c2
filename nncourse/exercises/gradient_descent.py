"""Exercise "gradient_descent": gradient descent on a parabola, then logistic regression step by step.

Follows the chapter "Gradient descent" (book/gradient_descent.ipynb), in its notation: weights ``w`` of
shape (d,), a bias ``b`` (a number), examples as the rows of ``X`` (n, d), labels ``y`` (n,) and the mean
binary cross-entropy ``E(w, b)``. The learner writes ``parabola_descent``, ``logistic_gradients``,
``gradient_step`` and ``train_logistic``; the references are built from ``nncourse.sigmoid`` and
``nncourse.optim.gradient_descent``.
"""

from __future__ import annotations

import numpy as np

import nncourse as nn
from nncourse.exercises.spec import Check, Exercise, Question
from nncourse.optim import gradient_descent


def parabola_descent(x0: float, lr: float, steps: int) -> np.ndarray:
    r"""Reference: the iterates :math:`x_0, \dots, x_T` of gradient descent on :math:`f(x) = x^2`."""
    return gradient_descent(lambda x: 2 * x, [x0], lr, steps)[:, 0]


def logistic_gradients(w, b, X, y) -> tuple[np.ndarray, float]:
    r"""Reference: :math:`(\partial E / \partial w, \partial E / \partial b) = (X^\top (\hat y - y) / n,
    \overline{\hat y - y})` for the mean cross-entropy of :math:`\hat y = \sigma(Xw + b)`."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    residual = nn.sigmoid(X @ np.asarray(w, dtype=float) + b) - y  # y_hat - y
    return X.T @ residual / len(y), float(residual.mean())


def _theta_gradient(X, y):
    """The gradient of E as a function of theta = (w_1, ..., w_d, b)."""

    def grad(theta):
        dw, db = logistic_gradients(theta[:-1], theta[-1], X, y)
        return np.append(dw, db)

    return grad


def _train(w, b, X, y, lr, steps) -> tuple[np.ndarray, float]:
    theta0 = np.append(np.asarray(w, dtype=float), b)
    theta = gradient_descent(_theta_gradient(X, y), theta0, lr, steps)[-1]
    return theta[:-1], float(theta[-1])


def gradient_step(w, b, X, y, lr) -> tuple[np.ndarray, float]:
    r"""Reference: one step :math:`w \leftarrow w - \eta\, \partial E/\partial w`, same for ``b``."""
    return _train(w, b, X, y, lr, 1)


def train_logistic(X, y, w0, b0, lr, steps) -> tuple[np.ndarray, float]:
    """Reference: ``(w, b)`` after ``steps`` full-batch gradient-descent steps from ``(w0, b0)``."""
    return _train(w0, b0, X, y, lr, steps)


# The chapter's worked example: one negative example that the model calls positive (0.89).
X_ONE = np.array([[2.0, -1.0]])
Y_ONE = np.array([0.0])
W_ONE = np.array([0.5, -1.0])
B_ONE = 0.1
# A small batch of four examples in two dimensions.
X_FOUR = np.array([[1.0, 2.0], [2.0, 0.5], [-1.0, -1.5], [-2.0, 0.5]])
Y_FOUR = np.array([1.0, 1.0, 0.0, 0.0])

ASCENT_HINT = (
    "Descent subtracts the gradient: w - lr * dw and b - lr * db. Adding it is gradient ascent, which "
    "walks uphill so that the error grows."
)
BIAS_HINT = "Update the bias too: b - lr * db with db = mean(y_hat - y). It has no x in it, since ∂z/∂b = 1."
GRADIENT_HINT = (
    "dw = X.T @ (y_hat - y) / n and db = mean(y_hat - y), with y_hat = sigmoid(X @ w + b): the mean "
    "over the n examples, and prediction minus label."
)


def _data(rng, n, d):
    X = rng.normal(size=(n, d))
    y = (X @ rng.normal(size=d) + rng.normal(0.0, 0.5, size=n) > 0).astype(float)
    return X, y


def _gradient_inputs(rng, n, d, scale=1.0):
    X, y = _data(rng, n, d)
    return rng.normal(0.0, scale, size=d), float(rng.normal()), X, y


def _huge_scores(rng, n=6, d=3):
    """Weights of size ~1000 and the examples x and -x: some scores are below -709, where exp overflows."""
    w, b, X, y = _gradient_inputs(rng, n, d, scale=1000.0)
    return w, b, np.vstack([X, -X]), np.concatenate([y, 1 - y])


def _step_inputs(rng, n, d):
    return (*_gradient_inputs(rng, n, d), float(rng.uniform(0.05, 1.0)))


def _train_inputs(rng, n, d, steps):
    X, y = _data(rng, n, d)
    return X, y, rng.normal(size=d), float(rng.normal()), float(rng.uniform(0.05, 0.5)), steps


PARABOLA_DESCENT = Question(
    function="parabola_descent",
    reference=parabola_descent,
    section="the-learning-rate",
    answer_in_chapter=True,
    checks=[
        Check(
            "from 5 with η = 0.1, three steps",
            [(5.0, 0.1, 3)],
            hint="Return all steps + 1 points, starting with x0. Each step is x - lr * 2x, since the "
            "gradient of x² is 2x. " + ASCENT_HINT,
        ),
        Check(
            "η = 0.75 overshoots: the iterates change sign",
            [(2.0, 0.75, 4)],
            hint="x_{t+1} = (1 - 2η) x_t: with η = 0.75 the factor is -0.5, so the sign flips each step.",
        ),
        Check(
            "hidden: random starts and learning rates",
            lambda rng: [
                (
                    float(rng.normal(0.0, 5.0)),
                    float(rng.uniform(0.01, 0.9)),
                    int(rng.integers(1, 20)),
                )
                for _ in range(4)
            ],
            points=2,
            hint=ASCENT_HINT,
        ),
        Check(
            "hidden: zero steps, and a learning rate that diverges",
            lambda rng: [(float(rng.normal()), 0.1, 0), (float(rng.normal()), 1.5, 10)],
            points=1,
            hint="With steps = 0 the result is the start alone, [x0]. With η > 1 every step overshoots "
            "further: keep the formula, do not stop early.",
        ),
    ],
)

LOGISTIC_GRADIENTS = Question(
    function="logistic_gradients",
    reference=logistic_gradients,
    section="the-gradient-of-logistic-regression",
    answer_in_chapter=True,
    parts=("dw", "db"),
    checks=[
        Check(
            "the chapter's example: one confidently wrong prediction",
            [(W_ONE, B_ONE, X_ONE, Y_ONE)],
            hint="For one example ∂E/∂w_j = (y_hat - y) x_j and ∂E/∂b = y_hat - y, with "
            "y_hat = sigmoid(w · x + b) ≈ 0.89 here. Return the pair (dw, db).",
        ),
        Check(
            "a batch of four: the mean over the examples",
            [(np.array([0.5, -0.5]), -0.25, X_FOUR, Y_FOUR)],
            hint=GRADIENT_HINT,
        ),
        Check(
            "scores of ±1000 without overflow",
            [
                (
                    np.array([500.0, 500.0]),
                    0.0,
                    np.array([[1.0, 1.0], [-1.0, -1.0]]),
                    np.array([1.0, 0.0]),
                )
            ],
            forbid_warnings=True,
            hint="Use a sigmoid that does not overflow, such as nn.sigmoid imported at the top.",
        ),
        Check(
            "hidden: random batches",
            lambda rng: [_gradient_inputs(rng, 10, 3), _gradient_inputs(rng, 25, 2)],
            points=2,
            hint=GRADIENT_HINT,
        ),
        Check(
            "hidden: one example, one feature",
            lambda rng: [_gradient_inputs(rng, 1, 3), _gradient_inputs(rng, 8, 1)],
            points=1,
            hint="db is a single number, and dw has the shape (d,) of w even for n = 1 or d = 1.",
        ),
        Check(
            "hidden: huge scores without overflow",
            lambda rng: [_huge_scores(rng)],
            points=1,
            forbid_warnings=True,
            hint="Use a sigmoid that does not overflow, such as nn.sigmoid imported at the top.",
        ),
    ],
)

GRADIENT_STEP = Question(
    function="gradient_step",
    reference=gradient_step,
    section="the-gradient-points-uphill",
    answer_in_chapter=True,
    parts=("w", "b"),
    checks=[
        Check(
            "one step from the chapter's example, η = 0.1",
            [(W_ONE, B_ONE, X_ONE, Y_ONE, 0.1)],
            hint="w - lr * dw and b - lr * db, with (dw, db) from logistic_gradients. "
            + ASCENT_HINT,
        ),
        Check(
            "from zero weights, η = 0.5",
            [(np.zeros(2), 0.0, X_FOUR, Y_FOUR, 0.5)],
            hint=ASCENT_HINT,
        ),
        Check(
            "the bias moves too",
            [(np.array([0.5, -0.5]), 1.0, X_FOUR, np.ones(4), 0.5)],
            hint=BIAS_HINT,
        ),
        Check(
            "hidden: random steps",
            lambda rng: [_step_inputs(rng, 12, 3) for _ in range(3)],
            points=2,
            hint=f"{ASCENT_HINT} {BIAS_HINT}",
        ),
        Check(
            "hidden: one example",
            lambda rng: [_step_inputs(rng, 1, 2)],
            points=1,
        ),
    ],
)

TRAIN_LOGISTIC = Question(
    function="train_logistic",
    reference=train_logistic,
    section="logistic-regression-from-scratch",
    answer_in_chapter=True,
    parts=("w", "b"),
    checks=[
        Check(
            "three steps on four examples",
            [(X_FOUR, Y_FOUR, np.array([1.0, -1.0]), 0.0, 0.5, 3)],
            hint="Start from (w0, b0) and apply gradient_step exactly `steps` times, each step on all "
            "the examples, then return (w, b).",
        ),
        Check(
            "zero steps return the start",
            [(X_FOUR, Y_FOUR, np.array([1.0, -1.0]), 0.5, 0.5, 0)],
            hint="With steps = 0 nothing changes: return (w0, b0). Loop with range(steps).",
        ),
        Check(
            "hidden: random data, fifty steps",
            lambda rng: [_train_inputs(rng, 30, 2, 50), _train_inputs(rng, 20, 4, 50)],
            points=3,
            hint=f"{ASCENT_HINT} {BIAS_HINT}",
        ),
        Check(
            "hidden: one feature, one step",
            lambda rng: [_train_inputs(rng, 15, 1, 20), _train_inputs(rng, 10, 3, 1)],
            points=1,
        ),
    ],
)

EXERCISE = Exercise(
    id="gradient_descent",
    title="Gradient descent for logistic regression",
    chapter="gradient_descent",
    questions=[PARABOLA_DESCENT, LOGISTIC_GRADIENTS, GRADIENT_STEP, TRAIN_LOGISTIC],
)
