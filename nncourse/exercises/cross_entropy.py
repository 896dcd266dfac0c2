"""Exercise "cross_entropy": likelihood, binary cross-entropy from probabilities and from logits, the softmax loss.

Follows the chapter "Cross-entropy and maximum likelihood" (book/cross_entropy.ipynb). The learner
writes ``likelihood`` (the three-doors warm-up), ``binary_cross_entropy``, ``sigmoid_cross_entropy``
(the binary loss from the logits, exact where the clamp gives 100: the chapter shows why, not how),
``softmax_cross_entropy`` (each loss the mean over the examples) and ``softmax_cross_entropy_grad``; the
references are nncourse's own losses, whose logarithms are clamped at -100 as PyTorch does, and a small
function built from NumPy.
"""

from __future__ import annotations

import numpy as np

import nncourse as nn
from nncourse.exercises.spec import Check, Exercise, Question


def likelihood(y: np.ndarray, p: np.ndarray) -> float:
    r"""Reference: the probability of the labels ``y``, :math:`\prod_i p_i^{y_i} (1 - p_i)^{1 - y_i}`.

    Equal to ``exp(-binary_cross_entropy(y, p, reduction="sum"))`` (chapter "Cross-entropy").
    """
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(np.prod(np.where(y == 1, p, 1 - p)))


def sigmoid_cross_entropy(y: np.ndarray, z: np.ndarray) -> float:
    r"""Reference: the mean of :math:`-[y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))] = \log(1 + e^{z}) - y z`.

    ``np.logaddexp(0, z)`` is :math:`\log(1 + e^{z})` without overflow, so no clamp is needed.
    """
    y, z = np.asarray(y, dtype=float), np.asarray(z, dtype=float)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


LOG0_HINT = (
    "np.log(0) is -inf, and 0 * -inf is nan: a term that should vanish poisons the mean. Clamp each "
    "logarithm at -100 before multiplying: np.maximum(np.log(y_hat), -100) (wrap it in "
    "np.errstate(divide='ignore') to silence the warning)."
)
MEAN_HINT = (
    "Average over the examples: sum the per-example losses and divide by their number. "
    "The chapter's 0.69 for the three doors is the sum; the mean is a third of it."
)
BRACKET_HINT = "The minus sign covers both terms: -[y log ŷ + (1 - y) log(1 - ŷ)], with the natural log (np.log)."
LOGSUMEXP_HINT = (
    "np.log(softmax(z)) gives -inf (or nan) when a probability rounds to 0 or exp overflows. Compute "
    "log softmax(z) = z - m - log Σ exp(z - m) with m = each row's largest logit "
    "(z.max(axis=1, keepdims=True)): exp then never sees a positive number."
)


def _probabilities(rng, size):
    return rng.uniform(0.02, 0.98, size=size)


def _labels(rng, size):
    return rng.integers(0, 2, size=size).astype(float)


def _certain_and_right(rng, n=12):
    y = _labels(rng, n)
    p = _probabilities(rng, n)
    certain = rng.permutation(n)[: n // 2]
    p[certain] = y[certain]  # probability exactly 1 for a 1 and exactly 0 for a 0
    return y, p


def _one_hot_rows(rng, n, k):
    return nn.one_hot(rng.integers(0, k, size=n), num_classes=k)


def _huge_logits(rng, n, k):
    """Logits of a few hundred, with one of exactly 1000: exp overflows there (above about 709)."""
    Z = rng.normal(0.0, 800.0, size=(n, k))
    Z[rng.integers(n), rng.integers(k)] = 1000.0
    return Z


LIKELIHOOD = Question(
    function="likelihood",
    reference=likelihood,
    section="the-likelihood-a-product-of-probabilities",
    checks=[
        Check(
            "three doors: gifts behind doors 1 and 2",
            [(np.array([1, 1, 0]), np.array([0.8, 0.7, 0.1]))],
            hint="Each door contributes ŷ where y = 1 and 1 - ŷ where y = 0: 0.8 × 0.7 × 0.9.",
        ),
        Check(
            "the chapter's model B",
            [(np.array([0, 1, 0, 1]), np.array([0.2, 0.7, 0.4, 0.9]))],
            hint="Multiply (np.prod) the probabilities given to what happened; do not add them.",
        ),
        Check(
            "hidden: random labellings",
            lambda rng: [(_labels(rng, 6), _probabilities(rng, 6)) for _ in range(3)],
            points=2,
        ),
        Check(
            "hidden: a single example, and certain predictions",
            lambda rng: [(_labels(rng, 1), _probabilities(rng, 1)), _certain_and_right(rng, 6)],
            points=1,
            hint="A probability of exactly 1 for what happened contributes a factor of 1.",
        ),
    ],
)

BINARY_CROSS_ENTROPY = Question(
    function="binary_cross_entropy",
    reference=nn.binary_cross_entropy,
    section="binary-cross-entropy",
    answer_in_chapter=True,
    checks=[
        Check(
            "three doors, the mean over the doors",
            [(np.array([1, 1, 0]), np.array([0.8, 0.7, 0.1]))],
            hint=f"{BRACKET_HINT} {MEAN_HINT}",
        ),
        Check(
            "certain and right costs nothing, without nan",
            [(np.array([1.0, 0.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.9, 0.2]))],
            hint=f"{BRACKET_HINT} {MEAN_HINT}",
            hints={"nonfinite": LOG0_HINT},
        ),
        Check(
            "certain and wrong: each log is clamped at -100",
            [(np.array([1.0, 0.0]), np.array([0.0, 1.0]))],
            hint="With the clamp, log(0) counts as -100, so a point that was certain and wrong costs "
            "exactly 100: clamp each logarithm, np.maximum(np.log(y_hat), -100), rather than the "
            "probability (np.log(1e-12) is only -27.6).",
            hints={"nonfinite": LOG0_HINT},
        ),
        Check(
            "hidden: random labels and probabilities",
            lambda rng: [(_labels(rng, 15), _probabilities(rng, 15)) for _ in range(3)],
            points=2,
            hint=f"{BRACKET_HINT} {MEAN_HINT}",
        ),
        Check(
            "hidden: probabilities exactly 0 and 1 on the right side",
            lambda rng: [_certain_and_right(rng) for _ in range(2)],
            points=2,
            hint=f"{BRACKET_HINT} {MEAN_HINT}",
            hints={"nonfinite": LOG0_HINT},
        ),
        Check(
            "hidden: certain and wrong, clamped at -100",
            lambda rng: [
                (np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0, rng.uniform(0.1, 0.9)])),
            ],
            points=1,
            hint="log(0) must count as -100 (clamp it, as PyTorch does), not as log(1e-12) or -inf.",
        ),
        Check(
            "hidden: one example, a 2-D array, plain numbers",
            lambda rng: [
                (_labels(rng, 1), _probabilities(rng, 1)),
                (_labels(rng, (3, 4)), _probabilities(rng, (3, 4))),
                (1.0, float(rng.uniform(0.1, 0.9))),
            ],
            points=1,
            hint="Average over every element, whatever the shape: np.mean works on any array.",
        ),
    ],
)

LOGIT_FORMULA = (
    "With ŷ = σ(z), a label 1 costs −log σ(z) = log(1 + e^(−z)) and a label 0 costs −log(1 − σ(z)) = "
    "log(1 + e^z). Both are log(1 + e^z) − y·z, minus y·z: a right and confident logit costs almost "
    "nothing. np.logaddexp(0, z) computes log(1 + e^z) for any z. The labels y come first, the logits "
    "z second. Average over every entry."
)
SUM_NOT_MEAN = (
    "A result n times the expected one, for n entries, is a sum where the mean belongs: np.mean, not "
    "np.sum."
)
LOGIT_HINTS = {
    "values": LOGIT_FORMULA + " " + SUM_NOT_MEAN,
    "factor": "Every value off by one factor: average over every entry (np.mean), do not sum.",
    "sign": "Every value with the wrong sign: a loss is never negative. " + LOGIT_FORMULA,
    "overflow": "exp of a logit of 1000 is inf (np.where computes both of its branches for every "
    "element, so a branch that overflows still warns). np.logaddexp(0, z) never overflows. "
    + LOGIT_FORMULA,
    "divide": "σ(z) rounded to 0 or 1, and np.log of 0 is −inf: compute the loss from the logit, "
    "never from σ(z). " + LOGIT_FORMULA,
    "nonfinite": "An inf or nan comes from exp of a large logit or from the log of a σ(z) that "
    "rounded to 0 or 1. " + LOGIT_FORMULA,
    "scalar": "Return one number, the mean over every entry.",
    "shape": "Return one number: the mean of the per-entry losses over every entry (np.mean).",
}
CLAMPED_HINT = (
    "Two certain and wrong examples of five cost 1000 each: the mean is 400. A received 40, 0.1 times "
    "that, is the clamp of binary_cross_entropy at work: σ(−1000) rounds to 0 and its log is clamped "
    "at −100, a loss of 100 instead of log(1 + e^1000) = 1000; compute from the logit, never from σ(z). "
    "A received 2000, 5 times that, is a sum where the mean belongs. " + LOGIT_FORMULA
)
HUGE_CLAMPED_HINT = (
    "A certain and wrong logit costs |z|, e.g. log(1 + e^1000) = 1000. If your loss gives 100 there, "
    "that is the clamp of binary_cross_entropy (σ(−1000) rounds to 0, its log is clamped at −100): "
    "compute from the logit, never from σ(z). " + LOGIT_FORMULA
)


def _logits(rng, size, scale=3.0):
    return rng.normal(0.0, scale, size=size)


def _huge_binary_logits(rng, n=10):
    """Logits beyond ±709 (where exp overflows), with labels that make some right and some wrong."""
    z = rng.uniform(720.0, 2000.0, size=n) * rng.choice([-1.0, 1.0], size=n)
    return _labels(rng, n), z


SIGMOID_CROSS_ENTROPY = Question(
    function="sigmoid_cross_entropy",
    reference=sigmoid_cross_entropy,
    section="a-single-sigmoid-output",
    checks=[
        Check(
            "three examples, moderate logits",
            [(np.array([1.0, 0.0, 1.0]), np.array([2.0, -1.0, 0.5]))],
            hint=LOGIT_HINTS["values"],
            hints=LOGIT_HINTS,
        ),
        Check(
            "logits of ±1000: certain and right costs 0, certain and wrong 1000",
            [
                (
                    np.array([1.0, 0.0, 1.0, 0.0, 1.0]),
                    np.array([1000.0, -1000.0, -1000.0, 1000.0, 1000.0]),
                )
            ],
            forbid_warnings=True,
            hint=LOGIT_HINTS["nonfinite"],
            hints={**LOGIT_HINTS, "values": CLAMPED_HINT},
        ),
        Check(
            "a matrix: the mean over every entry",
            [
                (
                    np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]),
                    np.array([[0.5, -2.0, 1.0], [3.0, -0.5, 0.0]]),
                )
            ],
            hint=LOGIT_FORMULA,
            hints=LOGIT_HINTS,
        ),
        Check(
            "hidden: random labels and logits",
            lambda rng: [
                (_labels(rng, 15), _logits(rng, 15)),
                (_labels(rng, (4, 3)), _logits(rng, (4, 3))),
            ],
            points=2,
            hints=LOGIT_HINTS,
        ),
        Check(
            "hidden: huge logits, right and wrong",
            lambda rng: [_huge_binary_logits(rng)],
            points=2,
            forbid_warnings=True,
            hints={**LOGIT_HINTS, "values": HUGE_CLAMPED_HINT},
        ),
        Check(
            "hidden: one example",
            lambda rng: [(_labels(rng, 1), _logits(rng, 1, scale=5.0))],
            points=1,
            hints=LOGIT_HINTS,
        ),
    ],
)

SOFTMAX_CROSS_ENTROPY = Question(
    function="softmax_cross_entropy",
    reference=nn.softmax_cross_entropy,
    section="log-sum-exp",
    answer_in_chapter=True,
    checks=[
        Check(
            "small logits",
            [
                (
                    np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
                    np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]),
                )
            ],
            hint="Per row: -log softmax(z)[true class] = log Σ_l exp(z_l) - z_true; then the mean "
            "over the rows.",
        ),
        Check(
            "logits of ±1000 stay finite, without warnings",
            [
                (
                    np.array([[1.0, 0.0], [1.0, 0.0]]),
                    np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]),
                )
            ],
            forbid_warnings=True,
            hint=LOGSUMEXP_HINT,
        ),
        Check(
            "hidden: random logits",
            lambda rng: [
                (_one_hot_rows(rng, 6, 4), rng.normal(0.0, 3.0, size=(6, 4))) for _ in range(3)
            ],
            points=2,
        ),
        Check(
            "hidden: huge logits without overflow",
            lambda rng: [(_one_hot_rows(rng, 8, 5), _huge_logits(rng, 8, 5))],
            points=2,
            forbid_warnings=True,
            hint=LOGSUMEXP_HINT,
        ),
        Check(
            "hidden: one example, one class, ten classes",
            lambda rng: [
                (_one_hot_rows(rng, 1, 3), rng.normal(0.0, 3.0, size=(1, 3))),
                (np.ones((4, 1)), rng.normal(0.0, 3.0, size=(4, 1))),
                (_one_hot_rows(rng, 5, 10), rng.normal(0.0, 3.0, size=(5, 10))),
            ],
            points=1,
            hint="Reduce along axis=1 with keepdims=True, so each row keeps its own maximum and sum.",
        ),
    ],
)

SOFTMAX_CROSS_ENTROPY_GRAD = Question(
    function="softmax_cross_entropy_grad",
    reference=nn.softmax_cross_entropy_grad,
    section="computing-it-stably-from-logits",
    checks=[
        Check(
            "small logits",
            [
                (
                    np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
                    np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]),
                )
            ],
            hint="(softmax(Z) - Y) / n: prediction minus truth, divided by the number of rows n.",
        ),
        Check(
            "logits of ±1000 without warnings",
            [
                (
                    np.array([[1.0, 0.0], [1.0, 0.0]]),
                    np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]),
                )
            ],
            forbid_warnings=True,
            hint="Use the stable softmax: subtract each row's largest score before np.exp.",
        ),
        Check(
            "hidden: random logits",
            lambda rng: [
                (_one_hot_rows(rng, 6, 4), rng.normal(0.0, 3.0, size=(6, 4))) for _ in range(3)
            ],
            points=2,
            hint="Divide by n, the number of examples (rows), not by n·k; the sign is softmax(Z) - Y.",
        ),
        Check(
            "hidden: huge logits without overflow",
            lambda rng: [(_one_hot_rows(rng, 8, 5), _huge_logits(rng, 8, 5))],
            points=2,
            forbid_warnings=True,
            hint="Use the stable softmax: subtract each row's largest score before np.exp.",
        ),
        Check(
            "hidden: one example, one class",
            lambda rng: [
                (_one_hot_rows(rng, 1, 3), rng.normal(0.0, 3.0, size=(1, 3))),
                (np.ones((4, 1)), rng.normal(0.0, 3.0, size=(4, 1))),
            ],
            points=1,
            hint="The result has the shape of Z, (n, k), even for n = 1 or k = 1.",
        ),
    ],
)

EXERCISE = Exercise(
    id="cross_entropy",
    title="Likelihood and cross-entropy, from probabilities and from logits",
    chapter="cross_entropy",
    questions=[
        LIKELIHOOD,
        BINARY_CROSS_ENTROPY,
        SIGMOID_CROSS_ENTROPY,
        SOFTMAX_CROSS_ENTROPY,
        SOFTMAX_CROSS_ENTROPY_GRAD,
    ],
)
