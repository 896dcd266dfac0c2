"""Exercise "training": a seeded split, standardisation, the L2 penalty, inverted dropout, early stopping.

Follows the chapter "Training in practice" (book/training.ipynb). The learner writes ``split_indices``,
``standardise`` (fitted on the training rows only), ``l2_penalty`` and its gradient ``l2_gradient``,
inverted dropout with a passed-in random generator (checked through ``dropout_from_seed``, since a
check's arguments are arrays and numbers) and ``best_checkpoint``, the best epoch and weights of a
validation curve. The references are written here from the chapter's formulas.
"""

from __future__ import annotations

import numpy as np

from nncourse.exercises.spec import Check, Exercise, Question, call


def split_indices(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Reference: ``(train, val)`` row indices from one seeded permutation of ``range(n)``.

    The first ``int(n * val_fraction)`` entries of ``np.random.default_rng(seed).permutation(n)`` are
    the validation rows, the rest the training rows.
    """
    order = np.random.default_rng(seed).permutation(n)
    n_val = int(n * val_fraction)
    return order[n_val:], order[:n_val]


def standardise(X_train: np.ndarray, X_val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Reference: both sets as :math:`(X - \mu) / s`, with the training rows' column means and spreads.

    A column whose values are all equal in the training rows keeps :math:`s = 1`, so it becomes 0, not nan.
    """
    X_train, X_val = np.asarray(X_train, dtype=float), np.asarray(X_val, dtype=float)
    mean, spread = X_train.mean(axis=0), X_train.std(axis=0)
    # Equal values, not a zero spread: np.std of a constant column can round to 1e-16 instead of 0.
    constant = X_train.max(axis=0) == X_train.min(axis=0)
    spread = np.where(constant, 1.0, spread)
    return (X_train - mean) / spread, (X_val - mean) / spread


def l2_penalty(weights: list[np.ndarray], lam: float) -> float:
    r"""Reference: :math:`\frac{\lambda}{2} \sum_m \lVert W^m \rVert^2` over every weight matrix."""
    return 0.5 * lam * sum(float(np.sum(np.asarray(W, dtype=float) ** 2)) for W in weights)


def l2_gradient(W: np.ndarray, lam: float) -> np.ndarray:
    r"""Reference: the penalty's gradient with respect to one weight matrix, :math:`\lambda W`."""
    return lam * np.asarray(W, dtype=float)


def dropout_from_seed(a: np.ndarray, p: float, seed: int, training: bool) -> np.ndarray:
    r"""Reference: inverted dropout of ``a`` with drop probability ``p``, its mask drawn from ``seed``.

    In training, each entry is kept where ``rng.random(a.shape) >= p`` and scaled by :math:`1/(1 - p)`,
    so its expected value stays ``a``; at evaluation (``training=False``) it is ``a`` unchanged.
    """
    a = np.asarray(a, dtype=float)
    if not training:
        return a.copy()
    keep = np.random.default_rng(seed).random(a.shape) >= p
    return a * keep / (1.0 - p)


def best_checkpoint(val_losses: np.ndarray, weights: np.ndarray) -> tuple[int, np.ndarray]:
    """Reference: the epoch of the lowest validation loss (the first, on a tie) and its weights.

    ``weights[t]`` holds the weights after epoch ``t``, so the result is ``(t, weights[t])``.
    """
    epoch = int(np.argmin(np.asarray(val_losses, dtype=float)))
    return epoch, np.asarray(weights, dtype=float)[epoch]


SPLIT_HINT = (
    "Shuffle once with the seed, order = np.random.default_rng(seed).permutation(n), then take the first "
    "int(n * val_fraction) entries as the validation rows and the rest as the training rows."
)
LEAK_HINT = (
    "Compute the mean and the spread from the training rows only, X_train.mean(axis=0) and "
    "X_train.std(axis=0), and apply those same numbers to the validation rows. Statistics from all rows "
    "let the validation set leak into training."
)
CONSTANT_HINT = (
    "Where a column's values are all equal in the training rows, divide by 1 instead of its spread. Test "
    "for equal values (X_train.max(axis=0) == X_train.min(axis=0)): np.std of three 0.1s is 1.4e-17, not 0."
)
SCALE_HINT = (
    "Inverted dropout divides the kept entries by 1 - p during training, so nothing needs to change at "
    "evaluation time, when the input comes back unchanged."
)


def _curve(rng, epochs=12):
    """A noisy validation curve that falls, then rises, with a bump on the way down before its lowest point.

    The bump makes an early local minimum, so stopping at the first rise is not the best epoch.
    """
    t = np.arange(epochs)
    bottom = int(rng.integers(4, epochs - 2))
    curve = 0.4 + 0.02 * (t - bottom) ** 2 + rng.uniform(0.0, 0.01, size=epochs)
    bump = int(rng.integers(1, bottom - 1))
    curve[bump] += 0.05 + 0.02 * (2 * (bottom - bump) + 1)  # higher than the epoch before it
    return curve


def _plateau(rng, epochs=10):
    """A validation curve whose lowest value is reached at two or more epochs."""
    curve = _curve(rng, epochs)
    first = int(np.argmin(curve))
    curve[first + 1 : first + 3] = curve[first]
    return curve, rng.normal(size=(epochs, 2))


def _with_constant_column(X_train, X_val, value):
    X_train[:, 1] = value
    return X_train, X_val


STANDARDISE_PUBLIC = (
    np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]]),
    np.array([[7.0, 0.0], [2.0, 15.0]]),
)


def _two_populations(rng, n_train=8, n_val=5, d=3):
    """Training and validation rows from different distributions, so leaking the statistics shows."""
    return rng.normal(2.0, 3.0, size=(n_train, d)), rng.normal(-1.0, 0.5, size=(n_val, d))


SPLIT_INDICES = Question(
    function="split_indices",
    section="training-validation-and-test-sets",
    reference=split_indices,
    parts=("train", "val"),
    checks=[
        Check("ten rows, a fifth for validation, seed 0", [(10, 0.2, 0)], hint=SPLIT_HINT),
        Check(
            "a fraction that does not divide n rounds down",
            [(7, 0.5, 3)],
            hint="int(7 * 0.5) is 3: three validation rows and four training rows.",
        ),
        Check(
            "hidden: random sizes, fractions and seeds",
            lambda rng: [
                (
                    int(rng.integers(5, 60)),
                    float(rng.uniform(0.1, 0.5)),
                    int(rng.integers(0, 10**6)),
                )
                for _ in range(4)
            ],
            points=2,
            hint=SPLIT_HINT,
        ),
    ],
)

STANDARDISE = Question(
    function="standardise",
    section="training-validation-and-test-sets",
    reference=standardise,
    parts=("Z_train", "Z_val"),
    checks=[
        Check(
            "columns on different scales, statistics from the training rows",
            [STANDARDISE_PUBLIC],
            hint="Standardise each column on its own (axis=0). " + LEAK_HINT,
        ),
        Check(
            "a column that is constant in training becomes 0, not nan",
            [
                (np.array([[1.0, 4.0], [3.0, 4.0]]), np.array([[2.0, 5.0]])),
                (
                    np.array([[1.0, 0.1], [2.0, 0.1], [4.0, 0.1]]),
                    np.array([[3.0, 0.1], [0.0, 0.2]]),
                ),
            ],
            hint=CONSTANT_HINT,
        ),
        Check(
            "hidden: training and validation rows from different distributions",
            lambda rng: [_two_populations(rng) for _ in range(2)],
            points=2,
            hint=LEAK_HINT,
        ),
        Check(
            "hidden: one validation row",
            lambda rng: [_two_populations(rng, n_val=1)],
            points=1,
        ),
        Check(
            "hidden: a column that is constant in training",
            lambda rng: [_with_constant_column(*_two_populations(rng), float(rng.normal()))],
            points=1,
            hint=CONSTANT_HINT,
        ),
    ],
)

L2_PENALTY = Question(
    function="l2_penalty",
    section="l2-regularisation",
    reference=l2_penalty,
    checks=[
        Check(
            "two weight matrices, λ = 0.1",
            [([np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([[3.0], [-1.0]])], 0.1)],
            hint="(λ / 2) times the sum of every squared weight, of every matrix in the list.",
        ),
        Check(
            "hidden: random networks",
            lambda rng: [
                ([rng.normal(size=(3, 4)), rng.normal(size=(4, 2))], float(rng.uniform(0.001, 1.0)))
                for _ in range(3)
            ],
            points=2,
            hint="Sum over every matrix in the list, not only the first; the factor is λ / 2.",
        ),
    ],
)

L2_GRADIENT = Question(
    function="l2_gradient",
    section="l2-regularisation",
    reference=l2_gradient,
    checks=[
        Check(
            "the gradient of (λ/2)‖W‖² is λW",
            [(np.array([[1.0, -2.0], [0.5, 0.0]]), 0.1)],
            hint="The derivative of (λ/2) w² is λ w: the 2 of the square cancels the 1/2.",
        ),
        Check(
            "hidden: random matrices",
            lambda rng: [
                (rng.normal(size=(3, 5)), float(rng.uniform(0.001, 1.0))) for _ in range(3)
            ],
            points=2,
        ),
    ],
)

DROPOUT = Question(
    function="dropout_from_seed",
    section="dropout",
    reference=dropout_from_seed,
    checks=[
        Check(
            "training with p = 0.5: kept entries double",
            [(np.ones((2, 4)), 0.5, 0, True)],
            hint="Keep an entry where rng.random(a.shape) >= p. " + SCALE_HINT,
        ),
        Check(
            "evaluation leaves the activations unchanged",
            [(np.array([[0.5, -1.0, 2.0]]), 0.5, 0, False)],
            hint=SCALE_HINT,
        ),
        Check(
            "hidden: random activations and drop probabilities, training",
            lambda rng: [
                (
                    rng.normal(size=(5, 6)),
                    float(rng.uniform(0.1, 0.8)),
                    int(rng.integers(0, 10**6)),
                    True,
                )
                for _ in range(3)
            ],
            points=2,
            hint="Draw the mask from the generator you are given, once, with the shape of a.",
        ),
        Check(
            "hidden: evaluation with random activations",
            lambda rng: [(rng.normal(size=(4, 3)), float(rng.uniform(0.1, 0.8)), 1, False)],
            points=1,
            hint=SCALE_HINT,
        ),
        Check(
            "hidden: p = 0 keeps everything",
            lambda rng: [(rng.normal(size=(3, 3)), 0.0, int(rng.integers(0, 100)), True)],
            points=1,
        ),
    ],
)

BEST_CHECKPOINT = Question(
    function="best_checkpoint",
    section="overfitting-and-early-stopping",
    reference=best_checkpoint,
    parts=("epoch", "weights[epoch]"),
    checks=[
        Check(
            "a curve that falls, then rises",
            [
                call(
                    np.array([0.9, 0.6, 0.45, 0.5, 0.7]),
                    np.arange(10.0).reshape(5, 2),
                )
            ],
            hint="The best epoch is where the validation loss is smallest (np.argmin), counted from 0; "
            "return it with the weights saved after that epoch, weights[epoch].",
        ),
        Check(
            "a bump on the way down is not the lowest point",
            [call(np.array([0.9, 0.6, 0.65, 0.4, 0.5]), np.arange(5.0)[:, None])],
            hint="Look at every epoch, not only until the loss first rises: the lowest validation loss can "
            "come after a bump (np.argmin over the whole curve).",
        ),
        Check(
            "a tie keeps the earlier epoch",
            [call(np.array([0.8, 0.5, 0.7, 0.5, 0.9]), np.arange(5.0)[:, None])],
            hint="On a tie np.argmin returns the first epoch; a loop with <= would return the last.",
        ),
        Check(
            "hidden: random validation curves",
            lambda rng: [(_curve(rng), rng.normal(size=(12, 4))) for _ in range(3)],
            points=2,
        ),
        Check(
            "hidden: a plateau at the bottom, the first epoch of it",
            lambda rng: [_plateau(rng) for _ in range(2)],
            points=1,
            hint="On a tie np.argmin returns the first epoch; a loop with <= would return the last.",
        ),
        Check(
            "hidden: a curve still falling at the end",
            lambda rng: [
                (np.sort(rng.uniform(0.1, 1.0, size=8))[::-1].copy(), rng.normal(size=(8, 3)))
            ],
            points=1,
            hint="When the loss is lowest after the last epoch, that epoch is the best one.",
        ),
    ],
)

EXERCISE = Exercise(
    id="training",
    title="Training in practice: splits, scaling, penalties, dropout, early stopping",
    chapter="training",
    questions=[SPLIT_INDICES, STANDARDISE, L2_PENALTY, L2_GRADIENT, DROPOUT, BEST_CHECKPOINT],
)
