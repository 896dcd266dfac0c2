"""Exercise "backprop": backpropagation through a two-layer sigmoid network, checked by finite differences.

Follows the chapter "Backpropagation" (book/backpropagation.ipynb), in its notation: rows are examples,
``Z1 = X @ W1 + b1``, ``A1 = sigmoid(Z1)``, ``Z2 = A1 @ W2 + b2``, ``Y_hat = sigmoid(Z2)``, and the loss
is the binary cross-entropy averaged over every entry of ``Y``. The learner writes ``forward``,
``output_delta``, ``hidden_delta`` and ``gradients``, then two variants the chapter does not print:
``tanh_gradients`` (a tanh hidden layer) and ``regression_gradients`` (an identity output and the mean
squared error); the references are built from ``nncourse.MLP``.
"""

from __future__ import annotations

import numpy as np

import nncourse as nn
from nncourse.exercises.spec import Check, Exercise, Question


def _network(W1, b1, W2, b2, hidden="sigmoid", output="sigmoid", loss="binary_cross_entropy"):
    """An ``nncourse.MLP`` with exactly these parameters (by default sigmoid layers and binary cross-entropy)."""
    W1, W2 = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float)
    net = nn.MLP([W1.shape[0], W1.shape[1], W2.shape[1]], hidden, output, loss, seed=0)
    net.layers[0].W, net.layers[0].b = W1, b1
    net.layers[1].W, net.layers[1].b = W2, b2
    return net


def forward(X, W1, b1, W2, b2) -> np.ndarray:
    """Reference: the network's output ``sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)``, shape (n, k)."""
    return _network(W1, b1, W2, b2).forward(X)


def output_delta(Y, Y_hat) -> np.ndarray:
    r"""Reference: :math:`\Delta^2 = \partial E / \partial Z^2 = (\hat Y - Y) / (n k)`, shape (n, k).

    The sigmoid's slope cancels against the cross-entropy's denominator (chapter "Backpropagation").
    """
    Y, Y_hat = np.asarray(Y, dtype=float), np.asarray(Y_hat, dtype=float)
    return (Y_hat - Y) / Y.size


def hidden_delta(delta2, W2, Z1) -> np.ndarray:
    r"""Reference: :math:`\Delta^1 = (\Delta^2 W^{2\top}) \odot \sigma'(Z^1)`, shape (n, d1)."""
    return (np.asarray(delta2) @ np.asarray(W2).T) * nn.sigmoid_grad(Z1)


def gradients(X, Y, W1, b1, W2, b2) -> tuple:
    """Reference: ``(dW1, db1, dW2, db2)`` of the mean loss, by ``nncourse.MLP.gradients``."""
    (dW1, db1), (dW2, db2) = _network(W1, b1, W2, b2).gradients(X, Y)
    return dW1.copy(), db1.copy(), dW2.copy(), db2.copy()


def tanh_gradients(X, Y, W1, b1, W2, b2) -> tuple:
    """Reference: ``(dW1, db1, dW2, db2)`` with a tanh hidden layer, ``A1 = tanh(Z1)``, the rest as before."""
    (dW1, db1), (dW2, db2) = _network(W1, b1, W2, b2, hidden="tanh").gradients(X, Y)
    return dW1.copy(), db1.copy(), dW2.copy(), db2.copy()


def regression_gradients(X, Y, W1, b1, W2, b2) -> tuple:
    """Reference: ``(dW1, db1, dW2, db2)`` with ``Y_hat = Z2`` and the mean squared error over all entries."""
    net = _network(W1, b1, W2, b2, output="identity", loss="mse")
    (dW1, db1), (dW2, db2) = net.gradients(X, Y)
    return dW1.copy(), db1.copy(), dW2.copy(), db2.copy()


# The XOR inputs and a fixed, asymmetric set of weights: small enough to follow by hand.
X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])
W1_SMALL = np.array([[0.5, -1.0, 0.25], [1.5, 0.5, -0.75]])
B1_SMALL = np.array([0.1, -0.2, 0.3])
W2_SMALL = np.array([[1.0], [-2.0], [0.5]])
B2_SMALL = np.array([-0.1])

TRANSPOSE_HINT = (
    "Check every shape: delta2 is (n, k) and W2 is (d1, k), so delta2 @ W2.T is (n, d1), the shape of "
    "Z1. When d1 = k, delta2 @ W2 also runs but computes the wrong thing."
)
SLOPE_HINT = (
    "Multiply element by element by σ'(Z1) = sigmoid_grad(Z1): the slope of the hidden layer."
)
FLAT_OUTPUT_HINT = (
    "Do not flatten the output (no .ravel(), .flatten() or [:, 0]): with W2 of shape (d1, k) the "
    "output is (n, k), a column (n, 1) for one output unit."
)
GRADIENT_HINTS = {
    "row": "A bias gradient of shape (1, d1) comes from delta.sum(axis=0, keepdims=True): drop keepdims, "
    "the biases are flat, b1 (d1,) and b2 (k,).",
    "column": "A bias gradient of shape (d1, 1) is a column: sum delta over the examples, "
    "delta.sum(axis=0), which is flat like the bias.",
    "scalar": "A single number for a bias gradient comes from delta.sum() over everything: sum over "
    "the examples only, delta.sum(axis=0).",
    "transposed": "A weight gradient with the transposed shape comes from delta.T @ X (or delta.T @ A1): "
    "dW1 = X.T @ delta1 has the shape (d, d1) of W1, dW2 = A1.T @ delta2 the shape (d1, k) of W2.",
    "factor": "Every value off by one factor: the deltas already hold the 1/(n·k) of the mean, so the "
    "gradients are plain sums and matrix products, with no further division.",
    "sign": "Every value with the wrong sign: Δ² = Y_hat − Y, prediction minus truth.",
    "broadcast": "Two shapes that do not fit: compare each matrix product's shapes with the parameter's.",
    "raised": "The error is raised on the line named above; when that line is in a helper such as "
    "hidden_delta, run that helper's own check first. A matmul error means a missing transpose: "
    "compare each shape with the parameter's.",
}
SHAPES_HINT = (
    "dW1 = X.T @ delta1 has the shape of W1 and dW2 = A1.T @ delta2 that of W2. The biases' gradients "
    "are the column sums delta.sum(axis=0), flat like b1 (d1,) and b2 (k,): no keepdims."
)


def _parameters(rng, d, d1, k, scale=1.0):
    """Weights drawn with standard deviation ``scale``, biases with 1."""
    return (
        rng.normal(0.0, scale, size=(d, d1)),
        rng.normal(size=d1),
        rng.normal(0.0, scale, size=(d1, k)),
        rng.normal(size=k),
    )


def _inputs(rng, n, d):
    return rng.normal(size=(n, d))


def _targets(rng, n, k):
    return rng.integers(0, 2, size=(n, k)).astype(float)


def _forward_inputs(rng, n, d, d1, k, scale=1.0):
    return (_inputs(rng, n, d), *_parameters(rng, d, d1, k, scale))


def _large_weights(rng, n=4, d=3, d1=4, k=1):
    """Weights of size ~1000 and the inputs x and -x: some hidden scores are below -709."""
    X, *params = _forward_inputs(rng, n, d, d1, k, scale=1000.0)
    return (np.vstack([X, -X]), *params)


def _gradient_inputs(rng, n, d, d1, k):
    return (_inputs(rng, n, d), _targets(rng, n, k), *_parameters(rng, d, d1, k))


def _delta_inputs(rng, n, d1, k):
    return rng.normal(0.0, 0.1, size=(n, k)), rng.normal(size=(d1, k)), rng.normal(size=(n, d1))


FORWARD = Question(
    function="forward",
    reference=forward,
    section="the-multilayer-perceptron",
    answer_in_chapter=True,
    checks=[
        Check(
            "the four XOR inputs through a 2-3-1 network",
            [(X_XOR, W1_SMALL, B1_SMALL, W2_SMALL, B2_SMALL)],
            hint="Z1 = X @ W1 + b1, A1 = sigmoid(Z1), Z2 = A1 @ W2 + b2, Y_hat = sigmoid(Z2): a sigmoid "
            "on both layers, and X on the left of W1 (rows are examples).",
            hints={"flat": FLAT_OUTPUT_HINT},
        ),
        Check(
            "one output unit keeps its column, shape (n, 1)",
            [
                (
                    np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]]),
                    W1_SMALL,
                    B1_SMALL,
                    W2_SMALL,
                    B2_SMALL,
                )
            ],
            hint="Do not flatten the output: with W2 of shape (d1, 1) the output is (n, 1). "
            "Both layers add their bias.",
        ),
        Check(
            "large weights stay finite",
            [
                (
                    np.array([[1.0, 0.5], [-1.0, -0.5]]),
                    1000.0 * W1_SMALL,
                    B1_SMALL,
                    W2_SMALL,
                    B2_SMALL,
                )
            ],
            forbid_warnings=True,
            hint="Use a sigmoid that does not overflow, such as the one imported at the top.",
            hints={"flat": FLAT_OUTPUT_HINT},
        ),
        Check(
            "hidden: random networks",
            lambda rng: [_forward_inputs(rng, 6, 3, 4, 2), _forward_inputs(rng, 5, 2, 5, 1)],
            points=2,
            hint="Forgot a bias, or the sigmoid of the hidden layer?",
        ),
        Check(
            "hidden: one example, one hidden unit, three outputs",
            lambda rng: [
                _forward_inputs(rng, 1, 3, 4, 1),
                _forward_inputs(rng, 4, 2, 1, 3),
            ],
            points=1,
            hint="Keep the 2-D shapes: X is (n, d) even for n = 1, and the output is (n, k).",
        ),
        Check(
            "hidden: large weights stay finite",
            lambda rng: [_large_weights(rng)],
            points=1,
            forbid_warnings=True,
            hint="Use a sigmoid that does not overflow, such as the one imported at the top.",
        ),
    ],
)

OUTPUT_DELTA = Question(
    function="output_delta",
    reference=output_delta,
    section="error-signals-of-the-output-layer",
    checks=[
        Check(
            "two examples, one output",
            [(np.array([[1.0], [0.0]]), np.array([[0.8], [0.3]]))],
            hint="Δ² = (Y_hat - Y) / (n·k): prediction minus truth, divided by the number of entries "
            "of Y, because the loss is the mean over all of them.",
        ),
        Check(
            "two examples, two outputs",
            [(np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[0.6, 0.1], [0.2, 0.9]]))],
            hint="Divide by Y.size = n·k, not by n alone: the loss averages over every entry.",
        ),
        Check(
            "hidden: random predictions",
            lambda rng: [(_targets(rng, 7, 2), rng.uniform(0.01, 0.99, size=(7, 2)))],
            points=2,
            hint="Y_hat - Y, not Y - Y_hat: the error grows when the prediction moves away from Y.",
        ),
        Check(
            "hidden: one example",
            lambda rng: [(_targets(rng, 1, 1), rng.uniform(0.01, 0.99, size=(1, 1)))],
            points=1,
        ),
    ],
)

HIDDEN_DELTA = Question(
    function="hidden_delta",
    reference=hidden_delta,
    section="error-signals-of-a-hidden-layer",
    answer_in_chapter=True,
    checks=[
        Check(
            "three hidden units, one output",
            [
                (
                    np.array([[0.05], [-0.1]]),
                    np.array([[1.0], [-2.0], [0.5]]),
                    np.array([[0.0, 1.0, -1.0], [2.0, -0.5, 0.5]]),
                )
            ],
            hint=f"Δ¹ = (Δ² W2ᵀ) ⊙ σ'(Z1): delta2 @ W2.T has the shape (n, d1) of Z1. {SLOPE_HINT}",
        ),
        Check(
            "a square W2: the shapes fit even without the transpose",
            [
                (
                    np.array([[0.1, -0.2], [0.3, 0.05]]),
                    np.array([[1.0, 2.0], [-0.5, 0.25]]),
                    np.array([[0.5, -1.0], [0.0, 1.5]]),
                )
            ],
            hint=TRANSPOSE_HINT,
        ),
        Check(
            "hidden: random deltas",
            lambda rng: [_delta_inputs(rng, 6, 4, 2), _delta_inputs(rng, 5, 3, 1)],
            points=2,
            hint=f"{TRANSPOSE_HINT} {SLOPE_HINT}",
        ),
        Check(
            "hidden: square layers",
            lambda rng: [_delta_inputs(rng, 4, 3, 3)],
            points=1,
            hint=TRANSPOSE_HINT,
        ),
        Check(
            "hidden: one example, one hidden unit",
            lambda rng: [_delta_inputs(rng, 1, 3, 2), _delta_inputs(rng, 3, 1, 2)],
            points=1,
        ),
    ],
)

GRADIENTS = Question(
    function="gradients",
    reference=gradients,
    section="the-same-in-matrix-form-for-a-batch",
    answer_in_chapter=True,
    parts=("dW1", "db1", "dW2", "db2"),
    checks=[
        Check(
            "the XOR data through a 2-3-1 network",
            [(X_XOR, Y_XOR, W1_SMALL, B1_SMALL, W2_SMALL, B2_SMALL)],
            hint="Forward (keep Z1, A1, Y_hat), then Δ² = output_delta(Y, Y_hat), "
            "Δ¹ = hidden_delta(Δ², W2, Z1); dW2 = A1ᵀ Δ², db2 = column sums of Δ², "
            "dW1 = Xᵀ Δ¹, db1 = column sums of Δ¹. Return them in the order (dW1, db1, dW2, db2). "
            "A matmul error means a missing transpose: compare each shape with the parameter's.",
            hints=GRADIENT_HINTS,
        ),
        Check(
            "the bias gradients are flat, shapes (d1,) and (k,)",
            [(np.ones((2, 2)), np.array([[1.0], [0.0]]), W1_SMALL, B1_SMALL, W2_SMALL, B2_SMALL)],
            hint=SHAPES_HINT,
            hints=GRADIENT_HINTS,
        ),
        Check(
            "hidden: random networks",
            lambda rng: [_gradient_inputs(rng, 8, 3, 4, 1), _gradient_inputs(rng, 6, 2, 5, 2)],
            points=3,
            hint=SHAPES_HINT,
        ),
        Check(
            "hidden: square layers (a missing transpose still runs)",
            lambda rng: [_gradient_inputs(rng, 5, 3, 3, 3)],
            points=1,
            hint=TRANSPOSE_HINT,
        ),
        Check(
            "hidden: a single example",
            lambda rng: [_gradient_inputs(rng, 1, 3, 2, 1)],
            points=1,
            hint="With n = 1 keep X as (1, d): the gradients still have the shapes of the parameters.",
        ),
        Check(
            "hidden: several outputs",
            lambda rng: [_gradient_inputs(rng, 7, 2, 3, 4)],
            points=1,
            hint="The loss is the mean over all n·k entries of Y: Δ² = (Y_hat - Y) / (n·k).",
        ),
    ],
)

TANH_HINT = (
    "Only the hidden layer changes: A1 = np.tanh(Z1), and its slope is tanh'(Z1) = 1 - tanh(Z1)**2 "
    "(square the tanh of Z1, not Z1 itself), in place of sigmoid_grad(Z1). The output layer, Δ² and "
    "the products stay as in gradients. A one-number db2 n times too small is a mean over the "
    "examples where the sum belongs."
)
REGRESSION_HINT = (
    "With Y_hat = Z2 (no output sigmoid) and E = mean of (Y_hat - Y)² over all n·k entries, "
    "Δ² = ∂E/∂Z2 = 2 (Y_hat - Y) / (n·k): the factor 2 comes from the square, and no σ' appears at the "
    "output. The hidden layer is the sigmoid one of gradients."
)
PARTS_SHAPE_HINT = (
    "Each part has the shape of its parameter, in the order (dW1, db1, dW2, db2): dW1 like W1 (d, d1), "
    "db1 like b1 (d1,), dW2 like W2 (d1, k), db2 like b2 (k,). A bias gradient sums the deltas over "
    "the examples, delta.sum(axis=0), one number per unit: axis=1 gives one number per example."
)
TANH_HINTS = {
    **GRADIENT_HINTS,
    "values": TANH_HINT,
    "shape": PARTS_SHAPE_HINT,
}
REGRESSION_HINTS = {
    **GRADIENT_HINTS,
    "values": REGRESSION_HINT,
    "factor": "Every value off by one factor: check the constant in Δ² (the 2 of the square, the "
    "1/(n·k) of the mean) and divide only once; the bias gradients are plain sums, delta.sum(axis=0), "
    "not means.",
    "shape": PARTS_SHAPE_HINT,
}


def _regression_inputs(rng, n, d, d1, k):
    return (_inputs(rng, n, d), rng.normal(0.0, 2.0, size=(n, k)), *_parameters(rng, d, d1, k))


TANH_GRADIENTS = Question(
    function="tanh_gradients",
    reference=tanh_gradients,
    section="activation-functions-and-their-derivatives",
    parts=("dW1", "db1", "dW2", "db2"),
    checks=[
        Check(
            "the XOR data through a 2-3-1 network with a tanh hidden layer",
            [(X_XOR, Y_XOR, W1_SMALL, B1_SMALL, W2_SMALL, B2_SMALL)],
            hint=TANH_HINT,
            hints=TANH_HINTS,
        ),
        Check(
            "two outputs, five examples, four hidden units",
            [_gradient_inputs(np.random.default_rng(11), 5, 3, 4, 2)],
            hint=TANH_HINT,
            hints=TANH_HINTS,
        ),
        Check(
            "hidden: random networks",
            lambda rng: [_gradient_inputs(rng, 8, 3, 4, 1), _gradient_inputs(rng, 6, 2, 5, 3)],
            points=3,
            hints=TANH_HINTS,
        ),
        Check(
            "hidden: large hidden scores, where tanh saturates",
            lambda rng: [_gradient_inputs(rng, 6, 3, 4, 2)[:2] + _parameters(rng, 3, 4, 2, 5.0)],
            points=2,
            hints=TANH_HINTS,
        ),
        Check(
            "hidden: a single example",
            lambda rng: [_gradient_inputs(rng, 1, 3, 2, 1)],
            points=1,
            hints=TANH_HINTS,
        ),
    ],
)

REGRESSION_GRADIENTS = Question(
    function="regression_gradients",
    reference=regression_gradients,
    section="a-regression-network",
    parts=("dW1", "db1", "dW2", "db2"),
    checks=[
        Check(
            "one output, four examples: targets are any real numbers",
            [
                (
                    X_XOR,
                    np.array([[0.5], [-1.0], [2.0], [0.0]]),
                    W1_SMALL,
                    B1_SMALL,
                    W2_SMALL,
                    B2_SMALL,
                )
            ],
            hint=REGRESSION_HINT,
            hints=REGRESSION_HINTS,
        ),
        Check(
            "three outputs: the mean is over all n·k entries",
            [_regression_inputs(np.random.default_rng(12), 5, 2, 3, 3)],
            hint=REGRESSION_HINT,
            hints=REGRESSION_HINTS,
        ),
        Check(
            "hidden: random networks",
            lambda rng: [_regression_inputs(rng, 8, 3, 4, 1), _regression_inputs(rng, 6, 2, 5, 2)],
            points=3,
            hints=REGRESSION_HINTS,
        ),
        Check(
            "hidden: several outputs",
            lambda rng: [_regression_inputs(rng, 7, 3, 2, 4)],
            points=2,
            hints=REGRESSION_HINTS,
        ),
        Check(
            "hidden: a single example",
            lambda rng: [_regression_inputs(rng, 1, 2, 3, 1)],
            points=1,
            hints=REGRESSION_HINTS,
        ),
    ],
)

EXERCISE = Exercise(
    id="backprop",
    title="Backpropagation through a two-layer network",
    chapter="backpropagation",
    questions=[
        FORWARD,
        OUTPUT_DELTA,
        HIDDEN_DELTA,
        GRADIENTS,
        TANH_GRADIENTS,
        REGRESSION_GRADIENTS,
    ],
)
