"""Exercise "autodiff": a micrograd-style ``Value``, then ``Neuron``, ``Layer`` and ``MLP`` built on it.

Follows the chapter "Backpropagation" (book/backpropagation.ipynb, computation graphs). The learner writes
the class ``Value`` (``+``, ``*``, ``-``, ``**`` by a number, ``tanh``, ``exp``, ``log`` and
``backward()`` in topological order) and a small network on it. The checks call functions written for
the learner in the notebook, which build an expression with the learner's own ``Value`` and return its
value and gradients; the references here run the same code on :class:`nncourse.autodiff.Value`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence

import numpy as np

from nncourse.autodiff import Value
from nncourse.exercises.spec import Check, Exercise, Question

# The expressions the checks build, by the text the learner reads. Numbers mix in on either side.
ARITHMETIC: dict[str, Callable] = {
    "x * y": lambda x, y: x * y,
    "x + y": lambda x, y: x + y,
    "x * x": lambda x, y: x * x,
    "x * y + x": lambda x, y: x * y + x,
    "2 * x - 1 + (3 - y)": lambda x, y: 2 * x - 1 + (3 - y),
    "-x + y ** 3 * 0.5": lambda x, y: -x + y**3 * 0.5,
    "z * z + z with z = x * y": lambda x, y: (lambda z: z * z + z)(x * y),
}
FUNCTIONS: dict[str, Callable] = {
    "tanh(x)": lambda x: x.tanh(),
    "exp(x)": lambda x: x.exp(),
    "log(x)": lambda x: x.log(),
    "log(1 + exp(x))": lambda x: (1 + x.exp()).log(),
    "tanh(2 * x) * exp(-x)": lambda x: (2 * x).tanh() * (-x).exp(),
}


def grad_of(expression: str, x: float, y: float) -> np.ndarray:
    """Reference: ``[f, df/dx, df/dy]`` of one of the :data:`ARITHMETIC` expressions at (x, y)."""
    X, Y = Value(x), Value(y)
    out = ARITHMETIC[expression](X, Y)
    out.backward()
    return np.array([out.data, X.grad, Y.grad])


def grad_of_function(expression: str, x: float) -> np.ndarray:
    """Reference: ``[f, df/dx]`` of one of the :data:`FUNCTIONS` at x."""
    X = Value(x)
    out = FUNCTIONS[expression](X)
    out.backward()
    return np.array([out.data, X.grad])


def backward_twice(x: float, y: float) -> np.ndarray:
    """Reference: ``[f, df/dx, df/dy]`` of tanh(x y + x) after backward, zeroing all but the output, backward."""
    X, Y = Value(x), Value(y)
    product = X * Y
    total = product + X
    out = total.tanh()
    out.backward()
    for node in (
        X,
        Y,
        product,
        total,
    ):  # every value but the output, whose gradient backward() sets
        node.grad = 0.0
    out.backward()
    return np.array([out.data, X.grad, Y.grad])


def deep_chain(x: float, n: int) -> np.ndarray:
    """Reference: ``[v, dv/dx]`` after n steps of v ← 0.999 v + 0.001 from v = x: a graph n deep."""
    X = Value(x)
    v = X
    for _ in range(n):
        v = v * 0.999 + 0.001
    v.backward()
    return np.array([v.data, X.grad])


class Neuron:
    """tanh(w · x + b) on Values, or w · x + b for an output neuron (``nonlinear=False``)."""

    def __init__(self, n_in: int, nonlinear: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(n_in)]
        self.b = Value(0.0)
        self.nonlinear = nonlinear

    def __call__(self, x: Sequence) -> Value:
        z = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return z.tanh() if self.nonlinear else z

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]


class Layer:
    """``n_out`` neurons that read the same inputs."""

    def __init__(self, n_in: int, n_out: int, nonlinear: bool = True) -> None:
        self.neurons = [Neuron(n_in, nonlinear) for _ in range(n_out)]

    def __call__(self, x: Sequence) -> list[Value]:
        return [neuron(x) for neuron in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """Layers of tanh neurons and a linear output layer; ``sizes`` from the input to the output."""

    def __init__(self, sizes: Sequence[int]) -> None:
        last = len(sizes) - 2
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlinear=i < last) for i in range(last + 1)]

    def __call__(self, x: Sequence) -> list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]


def _network(weights: Sequence[float], sizes: Sequence[int]) -> MLP:
    model = MLP([int(s) for s in sizes])
    for p, w in zip(model.parameters(), weights, strict=True):
        p.data = float(w)
    return model


def _mean_squared_error(model: MLP, X: np.ndarray, y: np.ndarray) -> Value:
    errors = [
        (model([float(v) for v in row])[0] - float(target)) ** 2
        for row, target in zip(X, y, strict=True)
    ]
    return sum(errors, Value(0.0)) * (1.0 / len(errors))


def mlp_gradients(
    X: np.ndarray, y: np.ndarray, weights: Sequence[float], sizes: Sequence[int]
) -> np.ndarray:
    """Reference: ``[E, dE/dp for every parameter p]`` of the mean squared error of an MLP.

    The parameters, in the order of ``MLP.parameters()`` (layer by layer, neuron by neuron, its weights
    then its bias), are set to ``weights`` first.
    """
    model = _network(weights, sizes)
    loss = _mean_squared_error(model, np.asarray(X, dtype=float), np.asarray(y, dtype=float))
    loss.backward()
    return np.array([loss.data] + [p.grad for p in model.parameters()])


def train_mlp(
    X: np.ndarray,
    y: np.ndarray,
    weights: Sequence[float],
    sizes: Sequence[int],
    lr: float,
    steps: int,
) -> np.ndarray:
    """Reference: the parameters after ``steps`` steps of full-batch gradient descent on the MSE."""
    model = _network(weights, sizes)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    for _ in range(steps):
        for p in model.parameters():
            p.grad = 0.0
        _mean_squared_error(model, X, y).backward()
        for p in model.parameters():
            p.data -= lr * p.grad
    return np.array([p.data for p in model.parameters()])


def n_parameters(sizes: Sequence[int]) -> int:
    """The number of weights and biases of an MLP with these layer sizes."""
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def _xy(rng, low=-2.0, high=2.0):
    return tuple(float(v) for v in rng.uniform(low, high, size=2))


def _network_problem(rng, sizes, n=5):
    """Random inputs, ±1 targets and weights for an MLP with these sizes."""
    X = rng.uniform(-1.0, 1.0, size=(n, sizes[0]))
    y = rng.choice([-1.0, 1.0], size=n)
    return X, y, rng.uniform(-1.0, 1.0, size=n_parameters(sizes)), list(sizes)


ACCUMULATE_HINT = (
    "A node used twice gets a gradient from each use, and they add up: write self.grad += ..., never "
    "self.grad = ..., in every _backward."
)
NUMBER_HINT = (
    "2 * x calls int.__mul__ first, which gives up, then x.__rmul__(2); 3 - y calls y.__rsub__(3). "
    "Wrap plain numbers in Value and define __radd__, __rmul__, __rsub__ and __neg__."
)
TOPOLOGICAL_HINT = (
    "Build the topological order with an explicit stack instead of recursion: a recursive build_topo "
    "hits Python's recursion limit (about 1000 calls) on a graph thousands of nodes deep."
)
SEED_HINT = (
    "backward() sets the output's own gradient to 1 (self.grad = 1.0, not +=) before it walks the graph, "
    "and builds its visited set inside the call (not as a default argument or a global), so that a "
    "second call walks the whole graph again and gives the same gradients."
)
SHARED_HINT = (
    "Each value must appear once in the topological order, even when several values use it: keep a "
    "visited set, and add a value to the order only after all its inputs."
)
FUNCTION_HINT = (
    "d tanh(a)/da = 1 - tanh(a)², d exp(a)/da = exp(a); and 2 * x needs __rmul__, -x needs __neg__."
)
TANH_HINT = (
    "math.tanh is exact for any input; (exp(2x) - 1) / (exp(2x) + 1) overflows beyond x ≈ 355. The local "
    "derivative is 1 - tanh(x)², from the output you already computed."
)
ZERO_HINT = (
    "Set every parameter's .grad to 0 before each backward pass (gradients accumulate, so without zeroing "
    "each step uses the sum of all the gradients so far), and step against the gradient: "
    "p.data -= lr * p.grad."
)


def _arithmetic_check(name, expressions, hint, points=1):
    return Check(name, [(e, 3.0, -2.0) for e in expressions], points=points, hint=hint)


def _hidden_arithmetic(name, expressions, hint=""):
    return Check(
        name,
        lambda rng: [(e, *_xy(rng)) for e in expressions for _ in range(2)],
        points=2,
        hint=hint,
    )


GRAD_OF = Question(
    function="grad_of",
    section="computation-graphs-and-automatic-differentiation",
    answer_in_chapter=True,  # the chapter prints Value.__mul__ and Value.backward
    reference=grad_of,
    checks=[
        _arithmetic_check(
            "a product and a sum",
            ["x * y", "x + y"],
            "d(ab)/da = b, d(a + b)/da = 1; start from out.grad = 1.",
        ),
        _arithmetic_check("a node used twice", ["x * x", "x * y + x"], ACCUMULATE_HINT),
        _arithmetic_check(
            "an intermediate value used twice", ["z * z + z with z = x * y"], SHARED_HINT
        ),
        _arithmetic_check("numbers on either side", ["2 * x - 1 + (3 - y)"], NUMBER_HINT),
        _arithmetic_check(
            "negation and a power",
            ["-x + y ** 3 * 0.5"],
            "d(a ** k)/da = k a ** (k - 1); -a is a * -1.",
        ),
        _hidden_arithmetic("hidden: products and sums at random points", ["x * y", "x + y"]),
        _hidden_arithmetic(
            "hidden: nodes used twice at random points", ["x * x", "x * y + x"], ACCUMULATE_HINT
        ),
        _hidden_arithmetic(
            "hidden: intermediate values used twice at random points",
            ["z * z + z with z = x * y"],
            SHARED_HINT,
        ),
        _hidden_arithmetic(
            "hidden: numbers, negation and powers at random points",
            ["2 * x - 1 + (3 - y)", "-x + y ** 3 * 0.5"],
            NUMBER_HINT,
        ),
    ],
)

GRAD_OF_FUNCTION = Question(
    function="grad_of_function",
    section="computation-graphs-and-automatic-differentiation",
    reference=grad_of_function,
    checks=[
        Check("tanh at 0.5", [("tanh(x)", 0.5)], hint=TANH_HINT),
        Check(
            "exp and log",
            [("exp(x)", 0.7), ("log(x)", 2.5), ("log(1 + exp(x))", -1.0)],
            hint="d exp(a)/da = exp(a), d log(a)/da = 1 / a; multiply by out.grad and add into a.grad.",
        ),
        Check(
            "tanh(2 * x) * exp(-x) combines them",
            [("tanh(2 * x) * exp(-x)", 0.3)],
            hint=FUNCTION_HINT,
        ),
        Check("tanh of ±500", [("tanh(x)", 500.0), ("tanh(x)", -500.0)], hint=TANH_HINT),
        Check(
            "hidden: every function at random points",
            lambda rng: [(e, float(rng.uniform(0.2, 2.0))) for e in FUNCTIONS for _ in range(2)],
            points=3,
        ),
        Check(
            "hidden: tanh of large inputs",
            lambda rng: [("tanh(x)", float(s * rng.uniform(400.0, 800.0))) for s in (-1, 1)],
            points=1,
            hint=TANH_HINT,
        ),
    ],
)

BACKWARD_TWICE = Question(
    function="backward_twice",
    section="computation-graphs-and-automatic-differentiation",
    reference=backward_twice,
    checks=[
        Check("zeroed, then backward again", [(0.5, -1.5)], hint=SEED_HINT),
        Check(
            "hidden: random points",
            lambda rng: [_xy(rng, -1.0, 1.0) for _ in range(3)],
            points=2,
            hint=SEED_HINT,
        ),
    ],
)

DEEP_CHAIN = Question(
    function="deep_chain",
    section="computation-graphs-and-automatic-differentiation",
    reference=deep_chain,
    checks=[
        Check("a chain of 5 steps", [(2.0, 5)], hint="Each step multiplies the gradient by 0.999."),
        Check("a chain of 3000 steps", [(2.0, 3000)], hint=TOPOLOGICAL_HINT),
        Check(
            "hidden: chains thousands of steps deep",
            lambda rng: [(float(rng.uniform(-3.0, 3.0)), int(rng.integers(5_000, 8_000)))],
            points=2,
            hint=TOPOLOGICAL_HINT,
        ),
    ],
)

MLP_GRADIENTS = Question(
    function="mlp_gradients",
    section="computation-graphs-and-automatic-differentiation",
    reference=mlp_gradients,
    checks=[
        Check(
            "a 2-2-1 network on three points",
            [_network_problem(np.random.default_rng(0), [2, 2, 1], n=3)],
            hint="parameters() lists layer by layer, neuron by neuron, each neuron's weights then its bias; "
            "the hidden neurons use tanh and the output neuron none.",
        ),
        Check(
            "hidden: random 2-4-1 networks",
            lambda rng: [_network_problem(rng, [2, 4, 1]) for _ in range(2)],
            points=2,
        ),
        Check(
            "hidden: two hidden layers",
            lambda rng: [_network_problem(rng, [3, 4, 3, 1])],
            points=2,
        ),
    ],
)

TRAIN_MLP = Question(
    function="train_mlp",
    section="computation-graphs-and-automatic-differentiation",
    reference=train_mlp,
    checks=[
        Check(
            "three steps of a 2-2-1 network",
            [(*_network_problem(np.random.default_rng(1), [2, 2, 1], n=4), 0.1, 3)],
            hint=ZERO_HINT,
        ),
        Check(
            "hidden: twenty steps of a 2-3-1 network",
            lambda rng: [(*_network_problem(rng, [2, 3, 1], n=8), 0.05, 20)],
            points=3,
            hint=ZERO_HINT,
        ),
    ],
)

EXERCISE = Exercise(
    id="autodiff",
    title="An autodiff engine and a network on it",
    chapter="backpropagation",
    questions=[GRAD_OF, GRAD_OF_FUNCTION, BACKWARD_TWICE, DEEP_CHAIN, MLP_GRADIENTS, TRAIN_MLP],
)
