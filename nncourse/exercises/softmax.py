"""Exercise "softmax": a row-wise softmax that does not overflow, the log-sum-exp, classes and one-hot rows.

Follows the chapter "Softmax and one-hot encoding" (book/softmax.ipynb). The learner writes ``softmax``
(row-wise on a 2-D array of scores, as the contract fixes), ``logsumexp`` (one number per row, which the
chapter does not print: its ``log_softmax`` keeps the shape of the scores), ``predict_class``,
``one_hot`` and ``softmax_temperature``; the references are nncourse's own functions or small functions
built from NumPy.
"""

from __future__ import annotations

import numpy as np

import nncourse as nn
from nncourse.exercises.spec import Check, Exercise, Question


def logsumexp(z: np.ndarray) -> np.ndarray:
    r"""Reference: :math:`\log \sum_l e^{z_l} = m + \log \sum_l e^{z_l - m}` of each row, :math:`m = \max_l z_l`; shape (n,)."""
    z = np.asarray(z, dtype=float)
    m = z.max(axis=1)
    return m + np.log(np.exp(z - m[:, None]).sum(axis=1))


def predict_class(z: np.ndarray) -> np.ndarray:
    """Reference: the index of the largest score of each row (the first one on a tie), shape (n,)."""
    return np.argmax(np.asarray(z), axis=1)


def one_hot(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Reference: each label as a row with a single 1, shape (n, num_classes)."""
    return nn.one_hot(labels, num_classes=num_classes)


def softmax_temperature(z: np.ndarray, T: float) -> np.ndarray:
    """Reference: the row-wise softmax of the scores divided by the temperature, softmax(z / T)."""
    return nn.softmax(np.asarray(z, dtype=float) / T, axis=1)


OVERFLOW_HINT = (
    "np.exp(1000) is inf, and inf / inf is nan. Subtract each row's largest score first "
    "(z.max(axis=1, keepdims=True)): the probabilities do not change and exp never sees a positive number."
)
ROWS_HINT = (
    "Normalise each row on its own: every reduction along the row keeps its axis, "
    "z.max(axis=1, keepdims=True) and e.sum(axis=1, keepdims=True). A reduction without an axis "
    "mixes all the rows; with axis=0 every column sums to 1 instead of every row."
)
KEEPDIMS_HINT = (
    "In your code, {reductions} drops the axis it reduces: its (n,) result lines up with the "
    "columns, not the rows. Add keepdims=True so the result is (n, 1), one number per row."
)
SHAPE_HINT = (
    "The result has the shape of the scores, (n, k). A reduction without keepdims=True gives (n,), "
    "which broadcasts against (n, k) along the wrong axis."
)
ZERO_OVER_ZERO_HINT = (
    "0 / 0 is nan: every exp of a row rounded to 0, because the row was shifted by a maximum far "
    "above its own scores (the whole array's z.max(), 2000 above the row of −1000s). Each row needs "
    "its own maximum: z.max(axis=1, keepdims=True)."
)
IN_PLACE_HINT = (
    "z -= ... (or z[...] = ...) changes the caller's array. Write s = z - ... to get a new array."
)
ROW_HINTS = {
    "values": ROWS_HINT,
    "shape": SHAPE_HINT,
    "broadcast": "A reduction along axis=1 without keepdims=True gives (n,), which does not line "
    "up with the rows of (n, k): add keepdims=True so the result is (n, 1), one number per row.",
    "keepdims": KEEPDIMS_HINT,
    "mutated": IN_PLACE_HINT,
}


def _scores(rng, n=5, k=4, scale=3.0):
    return rng.normal(0.0, scale, size=(n, k))


def _edge_batches(rng):
    """One example, one class and ten classes: the shapes a row-wise function must also handle."""
    return [(_scores(rng, n=1, k=4),), (_scores(rng, n=4, k=1),), (_scores(rng, n=3, k=10),)]


SOFTMAX = Question(
    function="softmax",
    reference=nn.softmax,
    section="the-fix-subtract-the-largest-score-first",
    answer_in_chapter=True,
    checks=[
        Check(
            "one row of scores (2, 1, 0)",
            [(np.array([[2.0, 1.0, 0.0]]),)],
            hint="Exponentiate every score, then divide by the row's total.",
            hints={"mutated": IN_PLACE_HINT},
        ),
        Check(
            "a batch: every row sums to 1 on its own",
            [(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 2.0]]),)],
            hint=ROWS_HINT,
            hints=ROW_HINTS,
        ),
        Check(
            "scores of ±1000 without overflow",
            [
                (
                    np.array(
                        [
                            [1000.0, 0.0, -1000.0],
                            [1000.0, 1000.0, 1000.0],
                            [-1000.0, -1000.0, -1000.0],
                            [0.0, -1000.0, 1000.0],
                        ]
                    ),
                )
            ],
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
            hints={**ROW_HINTS, "nonfinite": OVERFLOW_HINT, "invalid": ZERO_OVER_ZERO_HINT},
        ),
        Check(
            "one class: every probability is 1",
            [(np.array([[3.0], [-2.0]]),)],
            hint="With one score per row, each row's softmax is exp(z) / exp(z) = 1.",
            hints=ROW_HINTS,
        ),
        Check(
            "hidden: random batches",
            lambda rng: [(_scores(rng),), (_scores(rng, n=7, k=3),), (_scores(rng, n=3, k=6),)],
            points=2,
            hint=ROWS_HINT,
            hints=ROW_HINTS,
        ),
        Check(
            "hidden: huge scores without overflow",
            lambda rng: [(_scores(rng, n=6, k=5, scale=800.0),)],
            points=2,
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
            hints={**ROW_HINTS, "nonfinite": OVERFLOW_HINT},
        ),
        Check(
            "hidden: one example, one class, ten classes",
            _edge_batches,
            points=2,
            hint=ROWS_HINT,
        ),
    ],
)

LSE_FORMULA = (
    "Row by row, log Σ_l exp(z_l) = m + log Σ_l exp(z_l − m) with m the row's largest score: shift with "
    "m = z.max(axis=1, keepdims=True), sum exp of the shifted scores along axis=1, take the log and "
    "add m back, m[:, 0], so that the result has one number per row, shape (n,)."
)
LSE_FLAT = (
    "One number per row, flat: the result is (n,). A keepdims=True on the final sum, or the maximum m "
    "added back as the column (n, 1), keeps an axis that must go: add m[:, 0] to a sum without keepdims."
)
LSE_HINTS = {
    "overflow": "np.exp(1000) is inf, so the log of the sum is inf too. " + LSE_FORMULA,
    "nonfinite": "An inf or nan comes from exp of a large score. " + LSE_FORMULA,
    "divide": "np.log(0) is −inf: every exp of a row rounded to 0, because the row was shifted by a "
    "maximum far above its own scores (the whole array's z.max(), 2000 above the row of −1000s). "
    "Each row needs its own maximum: z.max(axis=1, keepdims=True).",
    "values": "Three usual slips: after the shift, add m back (log Σ exp(z − m) alone is off by m); "
    "shift each row by its own largest score, z.max(axis=1, keepdims=True), a column: without keepdims "
    "the (n,) maxima line up with the columns, and a reduction without an axis mixes the rows; and "
    "sum the exponentials, not average them: a mean is log k below the log-sum-exp in every row.",
    "sign": "The shift subtracts m inside the exponential and adds it back outside: "
    "m + log Σ exp(z − m), not −m + ....",
    "column": LSE_FLAT,
    "row": LSE_FLAT,
    "scalar": "One number per row, not one for the whole array: reduce along axis=1.",
    "shape": "The result has one number per row, shape (n,) for scores of shape (n, k).",
    "broadcast": "Shapes that do not line up: z.max(axis=1) is (n,), which broadcasts against (n, k) "
    "along the columns. Shift with z.max(axis=1, keepdims=True), a column (n, 1).",
    "mutated": IN_PLACE_HINT,
}

LOGSUMEXP = Question(
    function="logsumexp",
    reference=logsumexp,
    section="a-batch-of-examples-sum-along-the-right-axis",
    checks=[
        Check(
            "one row of scores (2, 1, 0)",
            [(np.array([[2.0, 1.0, 0.0]]),)],
            hint=LSE_FORMULA,
            hints=LSE_HINTS,
        ),
        Check(
            "a batch: one number per row, square and not",
            [
                (np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 2.0]]),),
                (np.array([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, -2.0, 1.0]]),),
            ],
            hint=LSE_HINTS["values"],
            hints=LSE_HINTS,
        ),
        Check(
            "scores of ±1000 without overflow",
            [
                (
                    np.array(
                        [
                            [1000.0, 0.0, -1000.0],
                            [-1000.0, 0.0, 500.0],
                            [1000.0, 1000.0, 1000.0],
                            [-1000.0, -1000.0, -1000.0],
                        ]
                    ),
                )
            ],
            forbid_warnings=True,
            hint=LSE_HINTS["nonfinite"],
            hints=LSE_HINTS,
        ),
        Check(
            "one class: the log-sum-exp is the score itself",
            [(np.array([[3.0], [-2.0]]),)],
            hint="With one score per row, log Σ exp(z) = log exp(z_1) = z_1: the shifted sum is "
            "exp(0) = 1 and its log 0, so the result is the maximum m you add back.",
            hints=LSE_HINTS,
        ),
        Check(
            "hidden: random batches",
            lambda rng: [(_scores(rng),), (_scores(rng, n=2, k=7),), (_scores(rng, n=6, k=6),)],
            points=2,
            hints=LSE_HINTS,
        ),
        Check(
            "hidden: huge scores without overflow",
            lambda rng: [(_scores(rng, n=5, k=4, scale=800.0),)],
            points=2,
            forbid_warnings=True,
            hints=LSE_HINTS,
        ),
        Check(
            "hidden: one example, one class, ten classes",
            _edge_batches,
            points=1,
            hints=LSE_HINTS,
        ),
    ],
)

PREDICT_CLASS = Question(
    function="predict_class",
    reference=predict_class,
    section="three-properties-and-why-they-hold",
    checks=[
        Check(
            "the class with the largest score, for each row",
            [(np.array([[0.1, 2.0, -1.0], [3.0, 0.0, 1.0], [-2.0, -1.0, -0.5]]),)],
            hint="np.argmax along axis=1 gives one index per row; without an axis it gives one for the "
            "whole array.",
        ),
        Check(
            "a tie goes to the first class",
            [(np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0]]),)],
            hint="np.argmax returns the first largest value: use it rather than comparing by hand.",
        ),
        Check(
            "hidden: random batches",
            lambda rng: [(_scores(rng, n=12, k=5),), (_scores(rng, n=1, k=3),)],
            points=2,
        ),
    ],
)

FLOAT_HINT = (
    "np.zeros((n, num_classes)) is float by default; dtype=int, or comparisons such as "
    "labels[:, None] == np.arange(k), give integers or booleans: convert with .astype(float)."
)

ONE_HOT = Question(
    function="one_hot",
    reference=one_hot,
    section="one-hot-encoding-writing-the-answers-down",
    answer_in_chapter=True,
    floats=True,
    checks=[
        Check(
            "labels 0, 2, 1 among three classes",
            [(np.array([0, 2, 1]), 3)],
            hint="Start from zeros of shape (n, num_classes) and put a 1 in column labels[i] of row i.",
            hints={"dtype": FLOAT_HINT},
        ),
        Check(
            "more classes than the labels show",
            [(np.array([1, 1]), 4)],
            hint="The number of columns is num_classes, not the largest label + 1.",
        ),
        Check(
            "hidden: random labels",
            lambda rng: [(rng.integers(0, 5, size=20), 5), (rng.integers(0, 3, size=7), 6)],
            points=2,
        ),
        Check("hidden: a single example", lambda rng: [(rng.integers(0, 4, size=1), 4)], points=1),
    ],
)

TEMPERATURE_HINT = "Divide the scores by T (z / T, not z * T), then take your stable softmax of the result, row by row."

SOFTMAX_TEMPERATURE = Question(
    function="softmax_temperature",
    reference=softmax_temperature,
    section="temperature-how-sure-should-the-softmax-be",
    checks=[
        Check(
            "T = 1 is the ordinary softmax",
            [(np.array([[2.0, 1.0, 0.0]]), 1.0)],
            hint=TEMPERATURE_HINT,
        ),
        Check(
            "T = 1/2 is more confident",
            [(np.array([[2.0, 1.0, 0.0], [0.5, 3.0, 1.0]]), 0.5)],
            hint=TEMPERATURE_HINT,
            hints={k: v for k, v in ROW_HINTS.items() if k != "values"},
        ),
        Check(
            "T = 0.001 approaches the hard maximum, without overflow",
            [(np.array([[2.0, 1.0, 0.0], [0.5, 3.0, 1.0]]), 0.001)],
            forbid_warnings=True,
            hint="z / T reaches 3000 here: " + OVERFLOW_HINT,
            hints={"values": TEMPERATURE_HINT, "keepdims": KEEPDIMS_HINT},
        ),
        Check(
            "hidden: random scores and temperatures",
            lambda rng: [(_scores(rng), float(rng.uniform(0.2, 5.0))) for _ in range(3)],
            points=2,
            hint=TEMPERATURE_HINT,
        ),
        Check(
            "hidden: very low temperatures without overflow",
            lambda rng: [(_scores(rng, n=4, k=3), float(rng.uniform(1e-4, 1e-3)))],
            points=1,
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
        ),
        Check(
            "hidden: a very high temperature is nearly uniform",
            lambda rng: [(_scores(rng, n=3, k=5), 1e6)],
            points=1,
            hint=TEMPERATURE_HINT,
        ),
    ],
)

EXERCISE = Exercise(
    id="softmax",
    title="A softmax that does not overflow",
    chapter="softmax",
    questions=[SOFTMAX, LOGSUMEXP, PREDICT_CLASS, ONE_HOT, SOFTMAX_TEMPERATURE],
)
