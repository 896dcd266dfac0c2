"""A multilayer perceptron trained by backpropagation, written the way the chapter teaches it.

`MLP` is the network the book trains from the backpropagation chapter on: the forward pass, the
backward pass (each quoted in the chapter) and `fit`, which runs the updates of `nncourse.optim`.

Notation as on the course's notation page, one row per example. Layer :math:`m = 1, \\dots, M`
has weights :math:`W^m` of shape ``(n_in, n_out)``, biases :math:`b^m` and activation :math:`g^m`.
For a batch :math:`X` the forward pass is

.. math::

    A^0 = X, \\qquad Z^m = A^{m-1} W^m + b^m, \\qquad A^m = g^m(Z^m), \\qquad \\hat Y = A^M.

Backpropagation computes the error signals :math:`\\Delta^m = \\partial E / \\partial Z^m` of the
mean loss :math:`E` from the output backwards, and from them the gradients:

.. math::

    \\Delta^M = \\frac{\\partial E}{\\partial \\hat Y} \\odot g^{M\\prime}(Z^M), \\qquad
    \\Delta^m = \\bigl(\\Delta^{m+1} W^{m+1\\,\\top}\\bigr) \\odot g^{m\\prime}(Z^m),

    \\frac{\\partial E}{\\partial W^m} = A^{m-1\\,\\top} \\Delta^m, \\qquad
    \\frac{\\partial E}{\\partial b^m} = \\sum_{\\text{rows}} \\Delta^m.

The first formula is for an element-wise output activation (sigmoid, identity); a softmax output
mixes the units of a row, and its :math:`\\Delta^M` goes through `softmax_backward` instead.

In the code, ``activations[m]`` is :math:`A^m`, ``zs[m - 1]`` is :math:`Z^m` and ``delta`` is
:math:`\\Delta^m` (Python counts ``self.layers`` from 0, so layer :math:`m` is
``self.layers[m - 1]``).

Taught in: chapter "Backpropagation" (forward and backward pass) and "Training in practice" (fit).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from tqdm.auto import tqdm

from nncourse._validation import (
    ArgumentTypeError,
    as_choice,
    as_float_array,
    as_float_dtype,
    as_int,
    check_finite,
    check_probabilities,
    expected,
)
from nncourse.activations import (
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    tanh,
    tanh_grad,
)
from nncourse.encoding import one_hot
from nncourse.init import INITIALISERS
from nncourse.losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    mse,
    mse_grad,
    softmax_cross_entropy,
)
from nncourse.optim import make_update

__all__ = ["MLP", "Layer", "softmax_backward"]


def identity(z: np.ndarray) -> np.ndarray:
    """The identity output :math:`f(z) = z`, for regression."""
    return z


def softmax_backward(grad_output: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Push a gradient back through softmax: the Jacobian-vector product, row by row.

    Softmax mixes the units of a row (:math:`\\partial s_k/\\partial z_j = s_k([j=k] - s_j)`), so
    unlike an element-wise activation it needs the whole row:

    .. math:: \\frac{\\partial E}{\\partial z_k}
              = s_k \\Bigl(u_k - \\sum_j u_j s_j\\Bigr), \\qquad u = \\frac{\\partial E}{\\partial s}

    Parameters
    ----------
    grad_output : ndarray of shape (n, k)
        :math:`u`, the gradient with respect to the softmax output.
    s : ndarray of shape (n, k)
        The softmax output.

    Taught in: chapter "Backpropagation".
    """
    return s * (grad_output - (grad_output * s).sum(axis=1, keepdims=True))


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "softmax": softmax,
    "identity": identity,
}
"""Every activation by name; `HIDDEN_ACTIVATIONS` and `OUTPUT_ACTIVATIONS` say which go where."""

DERIVATIVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": sigmoid_grad,
    "tanh": tanh_grad,
    "relu": relu_grad,
}
"""g'(z) of each hidden activation, from its input z."""

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "identity")

LOSSES = {
    "binary_cross_entropy": binary_cross_entropy,
    "categorical_cross_entropy": categorical_cross_entropy,
    "mse": mse,
}
LOSS_GRADIENTS = {
    "binary_cross_entropy": binary_cross_entropy_grad,
    "categorical_cross_entropy": categorical_cross_entropy_grad,
    "mse": mse_grad,
}

# Cross-entropies need probabilities, which an identity output does not give.
INVALID_PAIRS = {("identity", "binary_cross_entropy"), ("identity", "categorical_cross_entropy")}

# For these three (output activation, loss) pairs the output activation's derivative cancels
# against the loss's derivative, and the output delta dE/dZ is simply (Y_hat - Y) times a constant:
#   sigmoid + BCE:   dE/dp = (p - y) / (p (1 - p)) / (n k)  and  dp/dz = p (1 - p)
#   softmax + CE:    dE/dz = (s - y) / n                     (see softmax_cross_entropy_grad)
#   identity + MSE:  dE/dy_hat = 2 (y_hat - y) / (n k)       and  dy_hat/dz = 1
# The constant is the mean's 1/count: BCE and MSE average over all n*k entries, CE over the n rows.
# Every other pair (sigmoid + MSE, softmax + MSE, softmax + BCE, sigmoid + CE) is NOT of this form
# and goes through the full chain rule in `_output_delta`.
FUSED_DELTA_SCALE: dict[tuple[str, str], Callable[[int, int], float]] = {
    ("sigmoid", "binary_cross_entropy"): lambda n, k: 1.0 / (n * k),
    ("softmax", "categorical_cross_entropy"): lambda n, k: 1.0 / n,
    ("identity", "mse"): lambda n, k: 2.0 / (n * k),
}

# The chain rule through the output activation, from u = dE/dY_hat to dE/dZ, for the pairs that
# are not fused. Each entry takes (u, Z, Y_hat).
OUTPUT_BACKWARD: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    "sigmoid": lambda u, Z, Y_hat: u * sigmoid_grad(Z),  # element-wise: u * g'(Z)
    "softmax": lambda u, Z, Y_hat: softmax_backward(u, Y_hat),  # mixes each row: see its docstring
    "identity": lambda u, Z, Y_hat: u,  # g'(Z) = 1
}


class Layer:
    """One fully connected layer, :math:`z = a W + b`: weights ``W`` (n_in, n_out), biases ``b`` (n_out,).

    Assigning ``layer.W = array`` (or ``layer.b``) copies the values into the layer's own array,
    checking the shape and keeping the network's dtype; ``layer.W[...] = ...`` and ``layer.W -= ...``
    work in place too.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray):
        self._W = W
        self._b = b

    @property
    def W(self) -> np.ndarray:
        return self._W

    @W.setter
    def W(self, value: ArrayLike) -> None:
        self._assign(self._W, value, "W")

    @property
    def b(self) -> np.ndarray:
        return self._b

    @b.setter
    def b(self, value: ArrayLike) -> None:
        self._assign(self._b, value, "b")

    @staticmethod
    def _assign(target: np.ndarray, value: ArrayLike, name: str) -> None:
        value = as_float_array(value, name)
        if value.shape != target.shape:
            raise ValueError(expected(name, f"shape {target.shape}", value.shape))
        target[...] = value

    def __repr__(self) -> str:
        n_in, n_out = self._W.shape
        return f"Layer(n_in={n_in}, n_out={n_out})"


def _as_sizes(sizes: object) -> list[int]:
    """Return the layer widths as a list of ints, at least two of them, each at least 1."""
    what = "a list of at least two integers >= 1"
    if not isinstance(sizes, list | tuple):
        raise ArgumentTypeError(expected("sizes", what, repr(sizes)))
    if len(sizes) < 2:
        raise ValueError(expected("sizes", what, repr(sizes)))
    return [as_int(size, f"sizes[{i}]", minimum=1) for i, size in enumerate(sizes)]


def _check_output(sizes: list[int], output_activation: str, loss: str) -> None:
    """Refuse an output layer that cannot work with ``loss``, or a softmax of one unit."""
    if (output_activation, loss) in INVALID_PAIRS:
        got = f"{loss!r} with output_activation={output_activation!r}"
        what = "'mse' with an identity output (cross-entropies need 'sigmoid' or 'softmax')"
        raise ValueError(expected("loss", what, got))
    if output_activation == "softmax" and sizes[-1] < 2:
        got = f"{sizes} (softmax of one unit is always 1)"
        raise ValueError(expected("sizes", "at least 2 output units for a softmax output", got))


class MLP:
    """A fully connected feed-forward network (multilayer perceptron).

    Parameters
    ----------
    sizes : list of int
        Widths from input to output, e.g. ``[2, 4, 1]``: 2 inputs, one hidden layer of 4 units,
        1 output.
    hidden_activation : {"sigmoid", "tanh", "relu"}
        Activation of every hidden layer.
    output_activation : {"sigmoid", "softmax", "identity"}
        Activation of the output layer.
    loss : {"binary_cross_entropy", "categorical_cross_entropy", "mse"}
        The loss that ``loss``, ``gradients`` and ``fit`` use, always the mean over examples.
    seed : int, optional
        Seed of the initial weights: the same seed gives the same weights.
    dtype : {"float64", "float32"}
        Data type of weights, activations and gradients; inputs are converted to it.
    bias : bool, default True
        With ``bias=False`` every ``b`` stays 0: ``gradients`` reports ``db = 0`` and ``fit``
        never changes it.
    init : {"xavier", "he", "lecun"}, optional
        Weight initialisation (see `nncourse.init`); by default Xavier for sigmoid/tanh hidden
        layers and He for ReLU. Biases start at 0.

    Attributes
    ----------
    layers : list of Layer
        One per weight matrix, each with ``.W`` of shape (n_in, n_out) and ``.b`` of shape (n_out,).

    Examples
    --------
    >>> from nncourse.datasets import xor
    >>> X, y = xor()
    >>> net = MLP([2, 4, 1], hidden_activation="tanh", seed=0)
    >>> history = net.fit(X, y, epochs=2000, lr=0.5)
    >>> net.predict(X)
    array([0, 1, 1, 0])

    Taught in: chapter "Backpropagation".
    """

    def __init__(
        self,
        sizes: list[int],
        hidden_activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        loss: str = "binary_cross_entropy",
        seed: int | None = None,
        dtype: str = "float64",
        *,
        bias: bool = True,
        init: str | None = None,
    ):
        self.sizes = _as_sizes(sizes)
        self.hidden_activation = as_choice(
            hidden_activation, HIDDEN_ACTIVATIONS, "hidden_activation"
        )
        self.output_activation = as_choice(
            output_activation, OUTPUT_ACTIVATIONS, "output_activation"
        )
        self.loss_name = as_choice(loss, tuple(LOSSES), "loss")
        _check_output(self.sizes, output_activation, loss)
        self.dtype = as_float_dtype(dtype)
        self.bias = bool(bias)
        if init is None:
            init = "he" if hidden_activation == "relu" else "xavier"
        self.init = as_choice(init, tuple(INITIALISERS), "init")
        self.seed = seed

        # Every weight and bias lives in one flat vector theta; each layer's W and b are views
        # into it (reshaped slices, no copies). Training then updates all parameters with one
        # vectorised step, theta <- theta - lr * gradient, instead of one small step per array.
        self._shapes = list(zip(self.sizes[:-1], self.sizes[1:], strict=True))  # (n_in, n_out)
        n_parameters = sum((n_in + 1) * n_out for n_in, n_out in self._shapes)
        self._theta = np.zeros(n_parameters, self.dtype)
        rng = np.random.default_rng(seed)
        draw = INITIALISERS[self.init]
        self.layers = [Layer(W, b) for W, b in self._split(self._theta)]
        for layer, (n_in, n_out) in zip(self.layers, self._shapes, strict=True):
            layer.W = draw(n_in, n_out, rng)  # copied into theta as self.dtype; biases stay 0

    def _split(self, flat: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Views ``[(W^1, b^1), ..., (W^M, b^M)]`` into a flat vector laid out like ``theta``."""
        views, start = [], 0
        for n_in, n_out in self._shapes:
            W = flat[start : start + n_in * n_out].reshape(n_in, n_out)
            start += n_in * n_out
            views.append((W, flat[start : start + n_out]))
            start += n_out
        return views

    # Copies and pickles: layers hold views into theta, which copy.deepcopy and pickle would turn
    # into separate arrays (training would then change theta but not the layers). So the layers
    # are left out of the saved state and rebuilt as views into the copied theta.
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["layers"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.layers = [Layer(W, b) for W, b in self._split(self._theta)]

    def __repr__(self) -> str:
        return (
            f"MLP(sizes={self.sizes}, hidden_activation={self.hidden_activation!r}, "
            f"output_activation={self.output_activation!r}, loss={self.loss_name!r}, "
            f"dtype={self.dtype.name!r}, bias={self.bias})"
        )

    # ----- input checks -----

    def _as_X(self, X: ArrayLike) -> np.ndarray:
        X = as_float_array(X, "X")
        if X.ndim != 2 or X.shape[1] != self.sizes[0] or len(X) == 0:
            raise ValueError(expected("X", f"shape (n_samples, {self.sizes[0]})", X.shape))
        # min and max are NaN when X holds a NaN and infinite when it holds an infinity: two
        # passes over X without the temporary arrays that np.isnan / np.isinf would allocate.
        if not (np.isfinite(X.min()) and np.isfinite(X.max())):
            raise ValueError(expected("X", "finite numbers", "NaN or infinity"))
        return X.astype(self.dtype, copy=False)

    def _as_Y(self, Y: ArrayLike, n: int) -> np.ndarray:
        """Return the targets as an (n, k) array of the network's dtype.

        ``Y`` may be (n, k); for one output unit also (n,); and for a softmax output or
        categorical cross-entropy, integer class labels of shape (n,).
        """
        Y = np.asarray(Y)
        k = self.sizes[-1]
        is_classifier = (
            self.output_activation == "softmax" or self.loss_name == "categorical_cross_entropy"
        )
        if Y.ndim == 1 and k == 1:
            # (n,) -> (n, 1), so that it never broadcasts against the (n, 1) output into (n, n)
            Y = Y.reshape(-1, 1)
        elif Y.ndim == 1 and is_classifier:
            if len(Y) != n:
                raise ValueError(expected("Y", f"{n} labels, one per row of X", len(Y)))
            Y = one_hot(Y, k)
        Y = as_float_array(Y, "Y")
        if Y.shape != (n, k):
            what = f"shape ({n}, {k}) to match X and the {k} output units"
            labels = " (or integer labels of shape (n,))" if is_classifier else ""
            raise ValueError(expected("Y", what + labels, Y.shape))
        if self.loss_name == "mse":
            check_finite(Y, "Y")
        else:
            check_probabilities(Y, "Y")
        if (self.output_activation, self.loss_name) == ("softmax", "categorical_cross_entropy"):
            # The fused output delta (Y_hat - Y) / n assumes each row of Y sums to 1.
            sums = Y.sum(axis=1)
            if not np.allclose(sums, 1.0):
                got = f"sums from {sums.min():.6g} to {sums.max():.6g}"
                raise ValueError(
                    expected("Y", "each row to sum to 1 (one-hot or a distribution)", got)
                )
        return Y.astype(self.dtype, copy=False)

    # ----- forward pass -----

    def _forward_pass(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Keep every layer's input sum z and activation a: backpropagation needs both.

        Returns ``activations = [A^0 = X, A^1, ..., A^M]`` and ``zs = [Z^1, ..., Z^M]``.
        """
        activations, zs = [X], []
        names = [self.hidden_activation] * (len(self.layers) - 1) + [self.output_activation]
        for layer, name in zip(self.layers, names, strict=True):
            z = activations[-1] @ layer.W  # Z^m = A^(m-1) W^m + b^m
            if self.bias:
                z += layer.b
            zs.append(z)
            activations.append(ACTIVATIONS[name](z))  # A^m = g^m(Z^m)
        return activations, zs

    def forward(self, X: ArrayLike) -> np.ndarray:
        """The network's output :math:`\\hat Y = A^M` for inputs ``X`` of shape (n, n_inputs).

        Returns an array of shape (n, n_outputs).
        """
        activations, _ = self._forward_pass(self._as_X(X))
        return activations[-1]

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Same as `forward`: probabilities for sigmoid and softmax outputs, shape (n, n_outputs)."""
        return self.forward(X)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predicted labels: ``[p >= 0.5]`` for one sigmoid output, else the most probable unit.

        Returns integer labels of shape (n,); for an identity (regression) output, the output itself.
        """
        Y_hat = self.forward(X)
        if self.output_activation == "identity":
            return Y_hat
        if Y_hat.shape[1] == 1:
            return (Y_hat[:, 0] >= 0.5).astype(np.int64)
        return Y_hat.argmax(axis=1)

    # ----- loss and its gradients -----

    def _loss_from_z(self, Y: np.ndarray, z_out: np.ndarray) -> float:
        """The mean loss, given the output layer's input sums ``z_out``."""
        if (self.output_activation, self.loss_name) == ("softmax", "categorical_cross_entropy"):
            return float(softmax_cross_entropy(Y, z_out))  # from the logits: stable for large |z|
        return float(LOSSES[self.loss_name](Y, ACTIVATIONS[self.output_activation](z_out)))

    def loss(self, X: ArrayLike, Y: ArrayLike) -> float:
        """The mean loss of the network on ``(X, Y)``."""
        X = self._as_X(X)
        Y = self._as_Y(Y, len(X))
        _, zs = self._forward_pass(X)
        return self._loss_from_z(Y, zs[-1])

    def _output_delta(self, Y: np.ndarray, Y_hat: np.ndarray, z_out: np.ndarray) -> np.ndarray:
        """:math:`\\Delta^M = \\partial E / \\partial Z^M`, the error signal of the output layer."""
        pair = (self.output_activation, self.loss_name)
        if pair in FUSED_DELTA_SCALE:  # valid only for these pairs; see FUSED_DELTA_SCALE
            return (Y_hat - Y) * FUSED_DELTA_SCALE[pair](*Y.shape)
        grad_output = LOSS_GRADIENTS[self.loss_name](Y, Y_hat)  # dE/dY_hat
        return OUTPUT_BACKWARD[self.output_activation](grad_output, z_out, Y_hat)  # chain rule

    def _backprop(
        self, X: np.ndarray, Y: np.ndarray, grads: list[tuple[np.ndarray, np.ndarray]]
    ) -> np.ndarray:
        """Write the gradients of the mean loss into ``grads``; return the output layer's :math:`Z^M`.

        ``grads[m - 1]`` is the pair of arrays ``(dW, db)`` of layer :math:`m` to fill in (views
        into one flat gradient vector, see `_split`). ``X`` and ``Y`` must already be checked
        arrays of the network's dtype.
        """
        activations, zs = self._forward_pass(X)
        delta = self._output_delta(Y, activations[-1], zs[-1])
        g_prime = DERIVATIVES[self.hidden_activation]
        for m in range(len(self.layers), 0, -1):  # m = M, M-1, ..., 1; layer m is layers[m - 1]
            dW, db = grads[m - 1]
            # dE/dW^m = A^(m-1)^T Delta^m: summed over the examples (out= writes straight into dW)
            np.matmul(activations[m - 1].T, delta, out=dW)
            if self.bias:
                delta.sum(axis=0, out=db)  # dE/db^m = sum of the rows of Delta^m
            else:
                db[...] = 0
            if m > 1:  # Delta^(m-1) = (Delta^m W^m^T) * g'(Z^(m-1))
                delta = (delta @ self.layers[m - 1].W.T) * g_prime(zs[m - 2])
        return zs[-1]

    def gradients(self, X: ArrayLike, Y: ArrayLike) -> list[tuple[np.ndarray, np.ndarray]]:
        """Gradients of the mean loss by backpropagation: ``[(dW, db), ...]``, one pair per layer.

        Each ``dW`` has the shape of its layer's ``W`` and each ``db`` that of ``b``.
        """
        X = self._as_X(X)
        Y = self._as_Y(Y, len(X))
        grads = self._split(np.empty_like(self._theta))
        self._backprop(X, Y, grads)
        return grads

    # ----- training -----

    def fit(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        epochs: int,
        lr: float,
        batch_size: int | None = None,
        momentum: float = 0.0,
        seed: int | None = None,
        progress: bool = False,
        *,
        optimizer: str = "sgd",
    ) -> dict[str, list[float]]:
        """Train by (mini-batch) gradient descent: plain, with momentum, RMSProp or Adam.

        Every epoch shuffles the examples (``np.random.default_rng(seed)``), splits them into
        batches and, for each batch, computes the gradients by backpropagation and updates
        :math:`\\theta`, all weights and biases at once, with one step of `nncourse.optim`:

        - ``"sgd"``: `~nncourse.optim.momentum_step`,
          :math:`v \\leftarrow \\beta v - \\eta \\nabla E, \\ \\theta \\leftarrow \\theta + v`, with
          :math:`\\beta` the momentum (0: plain gradient descent);
        - ``"rmsprop"``: `~nncourse.optim.rmsprop_step`, with PyTorch's defaults
          :math:`\\alpha = 0.99, \\varepsilon = 10^{-8}`;
        - ``"adam"``: `~nncourse.optim.adam_step`, with PyTorch's defaults
          :math:`\\beta_1 = 0.9, \\beta_2 = 0.999, \\varepsilon = 10^{-8}` (added to :math:`\\sqrt{\\hat v}`).

        Parameters
        ----------
        X : array-like of shape (n, n_inputs)
        Y : array-like
            Targets of shape (n, n_outputs); (n,) for one output unit; integer class labels (n,)
            for a softmax output or categorical cross-entropy.
        epochs : int
            Passes over the data.
        lr : float
            Learning rate :math:`\\eta`, the step size of every optimizer.
        batch_size : int, optional
            Examples per update: ``None`` uses all of them (full-batch gradient descent), 1 is
            stochastic gradient descent, anything between is mini-batch gradient descent.
        momentum : float, default 0.0
            :math:`\\beta \\in [0, 1)`, for ``optimizer="sgd"`` only.
        seed : int, optional
            Seed of the shuffling.
        progress : bool, default False
            Show a progress bar (in a notebook or a terminal) with the current loss.
        optimizer : {"sgd", "rmsprop", "adam"}, default "sgd"
            The update rule; its state (velocity, running averages) starts at 0 in every call.

        Returns
        -------
        history : dict
            ``history["loss"][e]`` is the mean training loss during epoch ``e``: the average over
            the examples of the loss each had in its batch, before that batch's update (the number
            PyTorch and scikit-learn report; it needs no second pass over the data).
        """
        X = self._as_X(X)
        Y = self._as_Y(Y, len(X))
        n = len(X)
        epochs = as_int(epochs, "epochs")
        batch_size = n if batch_size is None else as_int(batch_size, "batch_size", minimum=1)
        update = make_update(optimizer, self._theta, lr, momentum)

        rng = np.random.default_rng(seed)
        grad_theta = np.empty_like(self._theta)
        grads = self._split(grad_theta)  # (dW, db) views into grad_theta, filled by backprop
        z_out = np.empty((n, self.sizes[-1]), dtype=self.dtype)  # the output's z for each example
        history: dict[str, list[float]] = {"loss": []}
        bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress)
        for _ in bar:
            for rows in _batch_indices(n, batch_size, rng):
                z_out[rows] = self._backprop(X[rows], Y[rows], grads)
                # One step for all weights and biases at once (without biases, db = 0 keeps b = 0).
                update(grad_theta)
            history["loss"].append(self._loss_from_z(Y, z_out))
            if progress:
                bar.set_postfix(loss=f"{history['loss'][-1]:.4g}")
        return history


def _batch_indices(n: int, batch_size: int, rng: np.random.Generator) -> list:
    """The rows of each batch of one epoch: a new random order every epoch.

    Each batch gathers its own rows (``X[rows]``) right before it is used, so they are still in the
    CPU cache for the matrix products; that is faster than shuffling all of X first. A single
    batch of all rows needs no shuffling (the mean gradient does not depend on the order).
    """
    if batch_size >= n:
        return [slice(None)]
    order = rng.permutation(n)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]
