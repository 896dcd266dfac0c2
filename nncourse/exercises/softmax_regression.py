"""Exercise "softmax_regression": a whole classifier from scratch, trained on the 8×8 digits.

Follows the chapters "Cross-entropy" and "Gradient descent" (book/cross_entropy.ipynb,
book/gradient_descent.ipynb). The learner writes the logits, the stable cross-entropy from logits and
integer labels, its gradient :math:`X^\top (P - Y) / n` with the bias, one epoch of mini-batch SGD, a
``train`` function and ``accuracy``; the references are written here from those formulas, with
nncourse's stable ``log_softmax`` and ``one_hot``.
"""

from __future__ import annotations

import numpy as np

import nncourse as nn
from nncourse.datasets import digits
from nncourse.exercises.spec import Check, Exercise, Question

# The settings the notebook trains the digits with, and the test accuracy the text promises for them.
DIGITS_SETTINGS = {"lr": 0.5, "batch_size": 32, "epochs": 20, "seed": 0}
PROMISED_ACCURACY = 0.90


def logits(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Reference: the scores ``X @ W + b`` of every class for every example, shape (n, k)."""
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)


def cross_entropy(Z: np.ndarray, y: np.ndarray) -> float:
    r"""Reference: :math:`-\frac{1}{n}\sum_i \log \mathrm{softmax}(z^{(i)})_{y^{(i)}}` from logits, stably."""
    Z, y = np.asarray(Z, dtype=float), np.asarray(y)
    return float(-nn.log_softmax(Z, axis=1)[np.arange(len(y)), y].mean())


def gradients(
    X: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r"""Reference: :math:`(X^\top (P - Y) / n,\; \bar{(P - Y)})` with P the softmax and Y one-hot."""
    X = np.asarray(X, dtype=float)
    Z = logits(X, W, b)
    error = np.exp(nn.log_softmax(Z, axis=1)) - nn.one_hot(y, num_classes=Z.shape[1])
    return X.T @ error / len(X), error.mean(axis=0)


def sgd_epoch(
    X: np.ndarray,
    y: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    lr: float,
    batch_size: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Reference: one epoch of mini-batch SGD over a seeded shuffle, the last batch possibly smaller."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    W, b = np.array(W, dtype=float), np.array(b, dtype=float)
    order = np.random.default_rng(seed).permutation(len(X))
    for start in range(0, len(X), batch_size):
        batch = order[start : start + batch_size]
        dW, db = gradients(X[batch], y[batch], W, b)
        W, b = W - lr * dW, b - lr * db
    return W, b


def train(
    X: np.ndarray, y: np.ndarray, k: int, lr: float, batch_size: int, epochs: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Reference: ``epochs`` SGD epochs from zero weights; epoch ``e`` shuffles with ``seed + e``."""
    W, b = np.zeros((np.shape(X)[1], k)), np.zeros(k)
    for epoch in range(epochs):
        W, b = sgd_epoch(X, y, W, b, lr, batch_size, seed + epoch)
    return W, b


def accuracy(X: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
    """Reference: the fraction of examples whose largest logit is their label."""
    return float(np.mean(np.argmax(logits(X, W, b), axis=1) == np.asarray(y)))


def _problem(rng, n=12, d=5, k=3, scale=1.0):
    """A random classification problem ``(X, y, W, b)`` with n examples, d features and k classes."""
    X = rng.normal(size=(n, d))
    y = rng.integers(0, k, size=n)
    return X, y, rng.normal(0.0, scale, size=(d, k)), rng.normal(0.0, scale, size=k)


def _digits_subset(rng, n=300):
    """A few hundred of the digits, for a training run that takes well under a second."""
    X, _, y, _ = digits(test_size=0.25, seed=int(rng.integers(0, 1000)))
    return X[:n], y[:n]


def _digits_training_run():
    """The arguments of the notebook's digits run: the whole training split and DIGITS_SETTINGS."""
    X_train, _, y_train, _ = digits(test_size=0.25, seed=0)
    settings = DIGITS_SETTINGS
    return (
        X_train,
        y_train,
        10,
        settings["lr"],
        settings["batch_size"],
        settings["epochs"],
        settings["seed"],
    )


# A tiny public problem: 5 examples, 2 features, 3 classes; n != k so integer labels cannot broadcast.
X_SMALL = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5], [0.5, -2.0]])
Y_SMALL = np.array([0, 1, 2, 1, 0])
W_SMALL = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.5]])
B_SMALL = np.array([0.1, -0.1, 0.0])
# Three examples and three classes: there, integer labels broadcast against (n, k) without an error.
X_SQUARE = np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 0.5]])
Y_SQUARE = np.array([2, 0, 1])

BIAS_HINT = "Add the bias b, shape (k,), to every row: X @ W + b."
OVERFLOW_HINT = (
    "np.exp(1000) is inf. Use the log-sum-exp form: log softmax(z) = z - max(z) - log(sum(exp(z - max(z)))), "
    "with each row's own max (Z.max(axis=1, keepdims=True)), so exp never sees a positive number."
)
ONE_HOT_HINT = (
    "P has shape (n, k) and y holds one integer label per row: subtract the one-hot rows "
    "nn.one_hot(y, k), not y itself (which NumPy would broadcast along the rows when n = k)."
)
MEAN_HINT = "The loss is a mean over the n examples, so both gradients carry a factor 1/n."
LAST_BATCH_HINT = (
    "range(0, n, batch_size) visits a last, smaller batch when batch_size does not divide n; "
    "n // batch_size batches skip those examples."
)


LOGITS = Question(
    function="logits",
    section="logistic-regression-from-scratch",
    reference=logits,
    checks=[
        Check("five examples, three classes", [(X_SMALL, W_SMALL, B_SMALL)], hint=BIAS_HINT),
        Check(
            "hidden: random problems",
            lambda rng: [(X, W, b) for X, _, W, b in (_problem(rng) for _ in range(3))],
            points=2,
            hint=BIAS_HINT + " W has shape (d, k): X @ W, not W @ X.",
        ),
    ],
)

CROSS_ENTROPY = Question(
    function="cross_entropy",
    section="logistic-regression-from-scratch",
    reference=cross_entropy,
    checks=[
        Check(
            "small logits and integer labels",
            [(logits(X_SMALL, W_SMALL, B_SMALL), Y_SMALL)],
            hint="Take the log-probability of each example's own label, Z[i, y[i]] after log_softmax, "
            "and average over the examples.",
        ),
        Check(
            "logits of ±1000 stay finite, without warnings",
            [
                (np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0]]), np.array([0, 2])),
                (np.array([[1000.0, 0.0], [-1000.0, -1001.0]]), np.array([0, 1])),
            ],
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
        ),
        Check(
            "hidden: random logits",
            lambda rng: [
                (rng.normal(0.0, 3.0, size=(8, 4)), rng.integers(0, 4, size=8)) for _ in range(3)
            ],
            points=2,
        ),
        Check(
            "hidden: huge logits without overflow",
            lambda rng: [(rng.uniform(-3000.0, 3000.0, size=(6, 5)), rng.integers(0, 5, size=6))],
            points=2,
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
        ),
    ],
)

GRADIENTS = Question(
    function="gradients",
    section="the-gradient-of-logistic-regression",
    reference=gradients,
    parts=("dW", "db"),
    checks=[
        Check(
            "five examples, three classes",
            [(X_SMALL, Y_SMALL, W_SMALL, B_SMALL)],
            hint=ONE_HOT_HINT + " " + MEAN_HINT,
        ),
        Check(
            "as many examples as classes",
            [(X_SQUARE, Y_SQUARE, W_SMALL, B_SMALL)],
            hint=ONE_HOT_HINT,
        ),
        Check(
            "a class that no example has",
            [(X_SMALL, np.array([0, 1, 0, 1, 0]), W_SMALL, B_SMALL)],
            hint="Give one_hot the number of classes, nn.one_hot(y, num_classes=k) with k = W.shape[1]: "
            "from the labels alone it cannot know a class nobody has.",
        ),
        Check(
            "huge weights without overflow",
            [(X_SMALL, Y_SMALL, 1000.0 * W_SMALL, B_SMALL)],
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
        ),
        Check(
            "hidden: random problems",
            lambda rng: [_problem(rng) for _ in range(3)],
            points=2,
            hint=MEAN_HINT + " db is the mean of P - Y over the rows, shape (k,).",
        ),
        Check(
            "hidden: one example",
            lambda rng: [_problem(rng, n=1)],
            points=1,
        ),
        Check(
            "hidden: huge weights without overflow",
            lambda rng: [_problem(rng, scale=400.0)],
            points=1,
            forbid_warnings=True,
            hint=OVERFLOW_HINT,
        ),
    ],
)

SGD_EPOCH = Question(
    function="sgd_epoch",
    section="batch-stochastic-and-mini-batch-descent",
    reference=sgd_epoch,
    parts=("W", "b"),
    checks=[
        Check(
            "ten examples in batches of four: the last batch has two",
            [(*_problem(np.random.default_rng(0), n=10), 0.5, 4, 0)],
            hint=LAST_BATCH_HINT
            + " Shuffle once, order = np.random.default_rng(seed).permutation(n).",
        ),
        Check(
            "hidden: random problems and batch sizes",
            lambda rng: [
                (
                    *_problem(rng, n=int(rng.integers(10, 30))),
                    0.3,
                    int(rng.integers(2, 8)),
                    int(rng.integers(100)),
                )
                for _ in range(3)
            ],
            points=2,
            hint=LAST_BATCH_HINT,
        ),
        Check(
            "hidden: a batch as large as the data is one full-batch step",
            lambda rng: [(*_problem(rng, n=9), 0.5, 9, int(rng.integers(100)))],
            points=1,
        ),
    ],
)

TRAIN = Question(
    function="train",
    section="logistic-regression-from-scratch",
    reference=train,
    parts=("W", "b"),
    checks=[
        Check(
            "three epochs on the small problem",
            [(X_SMALL, Y_SMALL, 3, 0.5, 2, 3, 0)],
            hint="Start from zeros, W of shape (d, k) and b of shape (k,), and shuffle epoch e with seed + e.",
        ),
        Check(
            "hidden: a few hundred digits, five epochs",
            lambda rng: [(*_digits_subset(rng), 10, 0.5, 32, 5, int(rng.integers(100)))],
            points=2,
        ),
        Check(
            "hidden: the whole digits training set with the notebook's settings",
            lambda rng: [_digits_training_run()],
            points=2,
            hint="Compare your loop with the reference one line at a time: zeros to start, one shuffle "
            "per epoch with seed + epoch, every batch including the last, and both W and b updated.",
        ),
    ],
)

ACCURACY = Question(
    function="accuracy",
    section="checking-against-the-package-and-scikit-learn",
    reference=accuracy,
    checks=[
        Check(
            "the fraction of largest logits that match the labels",
            [(X_SMALL, Y_SMALL, W_SMALL, B_SMALL)],
            hint="np.argmax(logits, axis=1) is each row's predicted class; compare it with y and average.",
        ),
        Check(
            "a tie goes to the first of the largest scores",
            [(X_SMALL, np.array([0, 1, 1, 0, 2]), np.zeros((2, 3)), np.zeros(3))],
            hint="With equal scores the predicted class is the first of them, as np.argmax(Z, axis=1) gives.",
        ),
        Check(
            "hidden: random problems",
            lambda rng: [_problem(rng, n=20) for _ in range(3)],
            points=2,
        ),
    ],
)

EXERCISE = Exercise(
    id="softmax_regression",
    title="Softmax regression from scratch on the digits",
    chapter="gradient_descent",
    questions=[LOGITS, CROSS_ENTROPY, GRADIENTS, SGD_EPOCH, TRAIN, ACCURACY],
)
