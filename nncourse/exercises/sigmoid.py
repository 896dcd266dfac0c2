"""Exercise "sigmoid": the sigmoid, its derivative and a single logistic neuron.

Follows the chapter "The sigmoid" (book/sigmoid.ipynb). The learner writes ``sigmoid``, ``sigmoid_grad``,
``neuron_probability``, ``neuron_predict`` and ``log_sigmoid``, a stable logarithm of the sigmoid that the
chapter does not print; the references are nncourse's own functions, or built from them and NumPy.
"""

from __future__ import annotations

import numpy as np

import nncourse as nn
from nncourse.exercises.spec import Check, Exercise, Question


def neuron_probability(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    r"""Reference: the probability of class 1 for each row of ``X``, :math:`\sigma(Xw + b)`, shape (n,)."""
    return nn.sigmoid(np.asarray(X) @ np.asarray(w) + b)


def neuron_predict(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """Reference: the predicted class, 1.0 where the probability is at least 1/2, else 0.0; shape (n,)."""
    return nn.step(np.asarray(X) @ np.asarray(w) + b)


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    r"""Reference: :math:`\log \sigma(x) = -\log(1 + e^{-x}) = \min(x, 0) - \log(1 + e^{-|x|})`."""
    x = np.asarray(x, dtype=float)
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


OVERFLOW_HINT = (
    "np.exp(-x) overflows for x = -1000. Compute with exp(-|x|), which is at most 1: "
    "1 / (1 + exp(-x)) for x >= 0 and exp(x) / (1 + exp(x)) for x < 0 (np.where picks per element)."
)


def _normal(rng, scale=3.0, size=20):
    return rng.normal(0.0, scale, size=size)


def _neuron_inputs(rng, n=7, d=3):
    return rng.normal(size=(n, d)), rng.normal(size=d), float(rng.normal())


SIGMOID = Question(
    function="sigmoid",
    reference=nn.sigmoid,
    section="the-code",
    answer_in_chapter=True,
    checks=[
        Check("sigmoid(0) is one half", [(0.0,)], hint="σ(0) = 1 / (1 + e^0) = 1/2."),
        Check(
            "a small array, element by element",
            [(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),)],
            hint="Use np.exp, which works element by element, not math.exp.",
        ),
        Check(
            "inputs of ±1000 give 0 and 1 without an overflow warning",
            [(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]),)],
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
        ),
        Check(
            "a matrix keeps its shape",
            [(np.array([[0.5, -0.5, 3.0], [-3.0, 0.0, 10.0]]),)],
            hint="Work element by element; do not flatten or sum.",
        ),
        Check("hidden: random inputs", lambda rng: [(_normal(rng),) for _ in range(3)], points=2),
        Check(
            "hidden: very large inputs without overflow",
            lambda rng: [(rng.uniform(-2000.0, 2000.0, size=30),)],
            points=2,
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
        ),
        Check(
            "hidden: odd shapes (scalars, empty arrays, 3-D arrays)",
            lambda rng: [
                (float(rng.normal()),),
                (np.zeros(0),),
                (rng.normal(size=(2, 3, 4)),),
            ],
            points=1,
        ),
    ],
)

SIGMOID_GRAD = Question(
    function="sigmoid_grad",
    reference=nn.sigmoid_grad,
    section="the-derivative",
    answer_in_chapter=True,
    checks=[
        Check(
            "the slope at 0 is 1/4",
            [(0.0,)],
            hint="σ'(x) = σ(x) σ(−x) = σ(x) (1 − σ(x)); at 0 that is 1/2 · 1/2.",
        ),
        Check(
            "a small array, element by element",
            [(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),)],
            hint="σ'(x) = σ(x) (1 − σ(x)): apply your sigmoid to x first, then combine.",
        ),
        Check(
            "the slope keeps its digits at ±40",
            [(np.array([-40.0, 40.0]),)],
            atol=0.0,
            hint="1 − σ(40) rounds to 0 in floating point, so σ(x)(1 − σ(x)) gives 0 there instead of "
            "4.2e-18. σ(x)σ(−x) is the same number and keeps every digit: 1 − σ(x) = σ(−x).",
        ),
        Check(
            "the slope vanishes for ±1000 without nan",
            [(np.array([-1000.0, 1000.0]),)],
            forbid_warnings=True,
            hint="Reuse your stable sigmoid; e^{-x} / (1 + e^{-x})² overflows to inf / inf = nan.",
        ),
        Check("hidden: random inputs", lambda rng: [(_normal(rng),) for _ in range(3)], points=2),
        Check(
            "hidden: large inputs keep their digits",
            lambda rng: [(rng.uniform(30.0, 700.0, size=10) * rng.choice([-1.0, 1.0], size=10),)],
            points=1,
            atol=0.0,
            hint="1 − σ(x) rounds to 0 for large x: compute σ(x)σ(−x), which keeps every digit.",
        ),
        Check(
            "hidden: very large inputs without overflow",
            lambda rng: [(rng.uniform(-2000.0, 2000.0, size=30),)],
            points=1,
            forbid_warnings=True,
        ),
    ],
)

NEURON_PROBABILITY = Question(
    function="neuron_probability",
    reference=neuron_probability,
    section="a-probability-over-the-whole-plane",
    checks=[
        Check(
            "two examples, two features",
            [(np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([0.5, -0.25]), 0.1)],
            hint="Compute the scores X @ w + b, one per row, then apply sigmoid. Forgot the bias b?",
        ),
        Check(
            "the result is flat, shape (n,)",
            [(np.ones((4, 3)), np.array([0.2, -0.1, 0.3]), -0.5)],
            hint="With w of shape (d,), X @ w has shape (n,); a w of shape (d, 1) gives (n, 1).",
        ),
        Check(
            "hidden: random neurons",
            lambda rng: [_neuron_inputs(rng) for _ in range(3)],
            points=2,
            hint="Forgot the bias, or used w @ X instead of X @ w?",
        ),
        Check(
            "hidden: one example and one feature",
            lambda rng: [_neuron_inputs(rng, n=1, d=1)],
            points=1,
        ),
    ],
)

NEURON_PREDICT = Question(
    function="neuron_predict",
    reference=neuron_predict,
    section="a-probability-over-the-whole-plane",
    floats=True,
    checks=[
        Check(
            "classes 0 and 1 from the probability",
            [(np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 1.0]]), np.array([1.0, 1.0]), -0.5)],
            hint="Predict 1.0 where σ(Xw + b) >= 0.5, that is where Xw + b >= 0, else 0.0.",
        ),
        Check(
            "a probability of exactly 1/2 is class 1",
            [(np.array([[1.0], [-1.0]]), np.array([0.0]), 0.0)],
            hint="Use >= 0.5, not > 0.5: the step function is 1 at 0.",
        ),
        Check(
            "hidden: random neurons",
            lambda rng: [_neuron_inputs(rng, n=9) for _ in range(3)],
            points=2,
        ),
    ],
)

LOG_FORMULA = (
    "log σ(x) = −log(1 + e^(−x)). For x >= 0 that is -np.log1p(np.exp(-x)); for x < 0 the same "
    "number is x - np.log1p(np.exp(x)). One line holds both: "
    "np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))."
)
LOG_HINTS = {
    "values": LOG_FORMULA,
    "sign": "log σ(x) is never positive, since σ(x) < 1: a positive result is −log σ(x), the loss of "
    "a label 1, not the log-probability.",
    "divide": "σ(−1000) rounds to 0 and np.log(0) is −inf (divide by zero): take no log of the "
    "sigmoid itself. " + LOG_FORMULA,
    "overflow": "exp(−x) is inf at x = −1000 (and exp(x) at x = 1000; np.where computes both of its "
    "branches for every element, so a branch that overflows still warns). Take exp of −|x| only, "
    "which is at most 1. " + LOG_FORMULA,
    "nonfinite": "An inf or nan comes from exp of a large number or from the log of a sigmoid that "
    "rounded to 0. " + LOG_FORMULA,
    "shape": "Work element by element: the result has the shape of x.",
}
LOG1P_HINT = (
    "A result of 0 here means 1 + e^(−40) was rounded to 1: np.log(1 + np.exp(-40)) and "
    "np.log(sigmoid(40)) are both np.log(1.0) = 0, not −4.2e-18. np.log1p(u) computes log(1 + u) "
    "without forming 1 + u and keeps every digit. " + LOG_FORMULA
)
LOG_DIGITS_HINTS = {**LOG_HINTS, "values": LOG1P_HINT, "factor": LOG1P_HINT}

LOG_SIGMOID = Question(
    function="log_sigmoid",
    reference=log_sigmoid,
    section="saturation",
    checks=[
        Check(
            "log σ at a few points, log σ(0) = −log 2",
            [(np.array([-3.0, -1.0, 0.0, 1.0, 3.0]),)],
            hint=LOG_FORMULA,
            hints=LOG_HINTS,
        ),
        Check(
            "inputs of ±1000: log σ(−1000) = −1000 and log σ(1000) = 0, without warnings",
            [(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]),)],
            forbid_warnings=True,
            hint=LOG_HINTS["nonfinite"],
            hints=LOG_HINTS,
        ),
        Check(
            "a matrix keeps its shape",
            [(np.array([[0.5, -0.5, 3.0], [-3.0, 0.0, 10.0]]),)],
            hint=LOG_HINTS["shape"],
            hints=LOG_HINTS,
        ),
        Check(
            "log σ keeps its digits at 40 and 50: log σ(40) = −4.2e-18, not 0",
            [(np.array([40.0, 50.0]),)],
            atol=0.0,
            hint=LOG1P_HINT,
            hints=LOG_DIGITS_HINTS,
        ),
        Check(
            "hidden: random inputs",
            lambda rng: [(_normal(rng),), (_normal(rng, size=(3, 4)),)],
            points=2,
            hints=LOG_HINTS,
        ),
        Check(
            "hidden: very large inputs without overflow",
            lambda rng: [
                (
                    np.concatenate(
                        [_normal(rng, 500.0), rng.uniform(720.0, 2000.0, 3) * [-1, 1, -1]]
                    ),
                )
            ],
            points=2,
            forbid_warnings=True,
            hints=LOG_HINTS,
        ),
        Check(
            "hidden: large inputs keep their digits",
            lambda rng: [(rng.uniform(37.0, 700.0, size=10),)],
            points=1,
            atol=0.0,
            hints=LOG_DIGITS_HINTS,
        ),
        Check(
            "hidden: a single number",
            lambda rng: [(float(rng.normal(0.0, 5.0)),), (float(-rng.uniform(800.0, 1000.0)),)],
            points=1,
            forbid_warnings=True,
            hints=LOG_HINTS,
        ),
    ],
)

EXERCISE = Exercise(
    id="sigmoid",
    title="The sigmoid and a single neuron",
    chapter="sigmoid",
    questions=[SIGMOID, SIGMOID_GRAD, NEURON_PROBABILITY, NEURON_PREDICT, LOG_SIGMOID],
)
