"""Exercise "gradient_descent": gradient descent on a parabola, then logistic regression with a penalty and momentum.

Follows the chapter "Gradient descent" (book/gradient_descent.ipynb), in its notation: weights ``w`` of
shape (d,), a bias ``b`` (a number), examples as the rows of ``X`` (n, d), labels ``y`` (n,) and the mean
binary cross-entropy ``E(w, b)``. The learner writes ``parabola_descent`` and ``logistic_gradients``
(the chapter prints both), then two extensions it does not print: ``l2_logistic_gradients`` (the
gradient of E plus an L2 penalty on the weights) and ``train_momentum`` (full-batch descent with
heavy-ball momentum); the references are built from ``nncourse.sigmoid`` and
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


def l2_logistic_gradients(w, b, X, y, lam) -> tuple[np.ndarray, float]:
    r"""Reference: the gradient of :math:`E(w, b) + \tfrac{\lambda}{2} \lVert w \rVert^2`: :math:`\partial E/\partial w + \lambda w` and :math:`\partial E/\partial b`.

    The bias is not penalised: it shifts the boundary without making the model more confident.
    """
    dw, db = logistic_gradients(w, b, X, y)
    return dw + lam * np.asarray(w, dtype=float), db


def train_momentum(X, y, w0, b0, lr, beta, steps) -> tuple[np.ndarray, float]:
    r"""Reference: ``(w, b)`` after ``steps`` full-batch steps with momentum from ``(w0, b0)``.

    :math:`v \leftarrow \beta v - \eta \nabla E(\theta)`, :math:`\theta \leftarrow \theta + v`, for
    :math:`\theta = (w, b)` and :math:`v_0 = 0` (``nncourse.optim.momentum_step``).
    """
    theta0 = np.append(np.asarray(w0, dtype=float), b0)
    theta = gradient_descent(_theta_gradient(X, y), theta0, lr, steps, momentum=beta)[-1]
    return theta[:-1], float(theta[-1])


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


def _l2_inputs(rng, n, d, lam_high=1.0):
    return (*_gradient_inputs(rng, n, d), float(rng.uniform(0.01, lam_high)))


def _momentum_inputs(rng, n, d, steps, beta_low=0.5, beta_high=0.95):
    X, y = _data(rng, n, d)
    return (
        X,
        y,
        rng.normal(size=d),
        float(rng.normal()),
        float(rng.uniform(0.05, 0.3)),
        float(rng.uniform(beta_low, beta_high)),
        steps,
    )


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

L2_HINT = (
    "The penalty (λ/2)·Σ_j w_j² adds λ·w_j to ∂E/∂w_j (the 2 of the square cancels the 1/2) and nothing to "
    "∂E/∂b: the bias is not penalised. Return (dw + lam * w, db)."
)
L2_HINTS = {"values": L2_HINT, "factor": L2_HINT, "sign": L2_HINT}
PENALTY_ONLY_HINT = (
    "Here every example is certain and right, so the data part of dw is 0 and dw is the penalty "
    "alone, lam * w = [50, 50]: a wrong dw at these scores is the penalty's (2·λ·w, λ/2·w, λ·w/n or "
    "−λ·w), not the sigmoid's. " + L2_HINT
)
HUGE_L2_HINTS = {
    "values": PENALTY_ONLY_HINT,
    "factor": PENALTY_ONLY_HINT,
    "sign": PENALTY_ONLY_HINT,
}

L2_LOGISTIC_GRADIENTS = Question(
    function="l2_logistic_gradients",
    reference=l2_logistic_gradients,
    section="the-gradient-of-logistic-regression",
    parts=("dw", "db"),
    checks=[
        Check(
            "λ = 0 is the plain gradient",
            [(np.array([0.5, -0.5]), -0.25, X_FOUR, Y_FOUR, 0.0)],
            hint=GRADIENT_HINT,
        ),
        Check(
            "λ = 0.5 pulls the weights towards 0, not the bias",
            [(np.array([2.0, -1.0]), 1.5, X_FOUR, Y_FOUR, 0.5)],
            hint=L2_HINT,
            hints=L2_HINTS,
        ),
        Check(
            "scores of ±1000 without overflow",
            [
                (
                    np.array([500.0, 500.0]),
                    0.0,
                    np.array([[1.0, 1.0], [-1.0, -1.0]]),
                    np.array([1.0, 0.0]),
                    0.1,
                )
            ],
            forbid_warnings=True,
            hint="Use a sigmoid that does not overflow, such as nn.sigmoid imported at the top.",
            hints=HUGE_L2_HINTS,
        ),
        Check(
            "hidden: random batches and penalties",
            lambda rng: [_l2_inputs(rng, 10, 3), _l2_inputs(rng, 25, 2)],
            points=2,
            hint=L2_HINT,
        ),
        Check(
            "hidden: a strong penalty",
            lambda rng: [_l2_inputs(rng, 8, 4, lam_high=10.0)],
            points=1,
            hint=L2_HINT,
        ),
        Check(
            "hidden: one example, one feature",
            lambda rng: [_l2_inputs(rng, 1, 3), _l2_inputs(rng, 8, 1)],
            points=1,
            hint=L2_HINT,
        ),
    ],
)

MOMENTUM_HINT = (
    "Keep a velocity for every parameter, w and b alike, starting at 0. Each step: v = beta * v - lr * "
    "gradient, then θ = θ + v, with the gradient at the current θ over all the examples. Plain descent "
    "is beta = 0."
)
FIRST_STEP_HINT = (
    "From v = 0 the first step is exactly θ + (−lr · gradient): v = beta * v - lr * gradient, then "
    "θ = θ + v. A step scaled by a constant names its slip: 1 − beta times comes from the running-mean "
    "form v = beta * v + (1 - beta) * g, beta times from v = beta * (v - lr * g), lr times from lr "
    "applied twice (θ + lr * v)."
)
STEP_COUNT_HINT = (
    "The first call (steps = 0) returns (w0, b0) unchanged: the loop runs for _ in range(steps). The "
    "second (steps = 1) makes one step, v = -lr * gradient from v = 0 and then θ = θ + v: a first "
    "step that leaves θ where it was updates θ before v."
)
DESCENT_HINT = (
    "With beta = 0 every step is w - lr * dw and b - lr * db, with the gradient computed again at the "
    "current (w, b) in every step, steps times (range(steps)). " + BIAS_HINT
)
MOMENTUM_HINTS = {"values": MOMENTUM_HINT, "sign": ASCENT_HINT, "factor": FIRST_STEP_HINT}

TRAIN_MOMENTUM = Question(
    function="train_momentum",
    reference=train_momentum,
    section="momentum",
    parts=("w", "b"),
    checks=[
        Check(
            "β = 0 is plain gradient descent: three steps on four examples",
            [(X_FOUR, Y_FOUR, np.array([1.0, -1.0]), 0.0, 0.5, 0.0, 3)],
            hint=DESCENT_HINT,
            hints={**MOMENTUM_HINTS, "values": DESCENT_HINT, "factor": DESCENT_HINT},
        ),
        Check(
            "steps = 0 returns the start, steps = 1 makes one step",
            [
                (X_FOUR, Y_FOUR, np.array([1.0, -1.0]), 0.5, 0.5, 0.9, 0),
                (X_FOUR, Y_FOUR, np.array([1.0, -1.0]), 0.5, 0.5, 0.9, 1),
            ],
            hint=STEP_COUNT_HINT,
            hints={"values": STEP_COUNT_HINT, "sign": ASCENT_HINT, "factor": FIRST_STEP_HINT},
        ),
        Check(
            "β = 0.9, one step from zero weights: the velocity starts at 0",
            [(X_FOUR, Y_FOUR, np.zeros(2), 0.0, 0.5, 0.9, 1)],
            hint="The first step of momentum is a plain step: v starts at 0, so v = -lr * gradient.",
            hints={"sign": ASCENT_HINT, "factor": FIRST_STEP_HINT},
        ),
        Check(
            "β = 0.9, twenty steps from the chapter's example",
            [(X_ONE, Y_ONE, W_ONE, B_ONE, 0.1, 0.9, 20)],
            hint=MOMENTUM_HINT,
            hints=MOMENTUM_HINTS,
        ),
        Check(
            "hidden: random data, fifty steps",
            lambda rng: [_momentum_inputs(rng, 30, 2, 50), _momentum_inputs(rng, 20, 4, 50)],
            points=3,
            hint=MOMENTUM_HINT,
        ),
        Check(
            "hidden: zero steps and plain descent",
            lambda rng: [
                _momentum_inputs(rng, 10, 2, 0),
                _momentum_inputs(rng, 15, 3, 20, beta_low=0.0, beta_high=0.0),
            ],
            points=1,
            hint="With steps = 0 nothing changes: return (w0, b0). Loop with range(steps). "
            + ASCENT_HINT,
        ),
        Check(
            "hidden: one example, strong momentum",
            lambda rng: [_momentum_inputs(rng, 1, 3, 30, beta_low=0.95, beta_high=0.99)],
            points=1,
            hint=MOMENTUM_HINT,
        ),
    ],
)

EXERCISE = Exercise(
    id="gradient_descent",
    title="Gradient descent for logistic regression, with a penalty and momentum",
    chapter="gradient_descent",
    questions=[PARABOLA_DESCENT, LOGISTIC_GRADIENTS, L2_LOGISTIC_GRADIENTS, TRAIN_MOMENTUM],
)
