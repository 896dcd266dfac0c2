"""What the book's figures compute, and how they are drawn.

Each figure has two halves: a pure function that computes the numbers shown (tested in
``tests/test_plotting.py``) and a thin ``draw_*`` function that turns them into a matplotlib
Figure. The ``draw_*`` functions take the slider values as keyword arguments, so
``nncourse.widgets`` can make them interactive. Figures have a white background and use the
colour-blind-safe Okabe–Ito colours.

Drawing uses ``matplotlib.figure.Figure`` directly (not pyplot), so a notebook never shows a
frame twice and thousands of frames leave no open figures behind.

Taught in: every chapter with a figure.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nncourse.activations import sigmoid, softmax, step
from nncourse.losses import binary_cross_entropy
from nncourse.network import MLP
from nncourse.optim import gradient_descent

BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
GREEN = "#009E73"
SKY = "#56B4E9"
GREY = "#555555"

#: Blue for probability 0, white for 0.5, orange for 1: readable with every common colour-vision
#: deficiency and in greyscale (the two ends differ in lightness).
PROBABILITY_CMAP = LinearSegmentedColormap.from_list(
    "nncourse_probability", [BLUE, "white", ORANGE]
)

SIGMOID_X_LIMITS = (-6.0, 6.0)
PLANE_LIMITS = (-6.0, 6.0)


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=80, facecolor="white", layout="none")


def affine_text(weights: ArrayLike, names: Sequence[str], bias: float) -> str:
    """A score such as ``"4x₁ + 5x₂ − 9"`` written the way a teacher would.

    Coefficients of 1 and -1 are left out (``x``, ``−x``), zero terms are dropped, and a
    negative coefficient becomes a minus sign: ``affine_text([-2], ["x"], 0.5)`` is
    ``"−2x + 0.5"``. Numbers use up to three significant decimals.
    """
    terms = [(w, name) for w, name in zip(weights, names, strict=True) if w != 0]
    if bias != 0 or not terms:
        terms.append((bias, ""))
    text = ""
    for i, (value, name) in enumerate(terms):
        magnitude = "" if name and abs(value) == 1 else f"{abs(value):.3g}"
        sign = ("−" if value < 0 else "") if i == 0 else (" − " if value < 0 else " + ")
        text += f"{sign}{magnitude}{name}"
    return text


# -- the sigmoid -------------------------------------------------------------------------------
def sigmoid_curve(x: ArrayLike, w: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """The sigmoid and the step function of the score ``z = w x + b``.

    .. math:: \\sigma(wx + b) = \\frac{1}{1 + e^{-(wx + b)}}, \\qquad
              \\operatorname{step}(wx + b) = [wx + b \\ge 0]

    Parameters
    ----------
    x : array_like
        Inputs.
    w, b : float
        Weight and bias.

    Returns
    -------
    (sigmoid, step) : tuple of ndarray
        Both with the shape of ``x``.

    Taught in: chapter "The sigmoid".
    """
    z = w * np.asarray(x, dtype=float) + b
    return sigmoid(z), step(z)


def sigmoid_midpoint(w: float, b: float) -> float:
    """The input where ``w x + b = 0``, i.e. σ = 0.5 and the step jumps: ``x = -b / w``.

    Returns NaN when ``w = 0`` (the score never crosses 0, or is 0 everywhere).

    Taught in: chapter "The sigmoid".
    """
    return -b / w + 0.0 if w != 0 else float("nan")  # + 0.0 turns -0.0 into 0.0


def draw_sigmoid_weight_bias(w: float, b: float) -> Figure:
    """Draw σ(w x + b) and step(w x + b) on x in [-6, 6], marking the midpoint ``-b / w``.

    Taught in: chapter "The sigmoid".
    """
    x = np.linspace(*SIGMOID_X_LIMITS, 481)
    smooth, hard = sigmoid_curve(x, w, b)
    score = affine_text([w], ["x"], b)
    fig = _figure(6.4, 3.4)
    ax = fig.add_axes((0.1, 0.15, 0.86, 0.68))
    ax.plot(x, hard, color=ORANGE, lw=2, ls="--", label=f"step({score})")
    ax.plot(x, smooth, color=BLUE, lw=2.5, label=f"σ({score})")
    mid = sigmoid_midpoint(w, b)
    if SIGMOID_X_LIMITS[0] <= mid <= SIGMOID_X_LIMITS[1]:
        ax.axvline(mid, color=GREY, lw=1, ls=":")
        ax.plot([mid], [0.5], "o", color=VERMILLION, ms=6, label=f"0.5 at x = {mid:.3g}")
    ax.set(xlim=SIGMOID_X_LIMITS, ylim=(-0.05, 1.05), xlabel="input x", ylabel="output")
    ax.set_xticks([-6, -4, -2, 0, 2, 4, 6])
    ax.set_yticks([0, 0.5, 1])
    ax.grid(alpha=0.3)
    fig.legend(loc="upper center", ncols=3, fontsize=9, frameon=False)
    return fig


# -- the probability plane ---------------------------------------------------------------------
def probability_plane(w1: float, w2: float, b: float, x1: ArrayLike, x2: ArrayLike) -> np.ndarray:
    """σ(w1 x1 + w2 x2 + b) on a grid.

    Parameters
    ----------
    w1, w2, b : float
        Weights and bias of one sigmoid neuron with two inputs.
    x1, x2 : array_like, 1-D
        Grid coordinates along each axis.

    Returns
    -------
    ndarray of shape (len(x2), len(x1))
        Row ``i``, column ``j`` holds the probability at ``(x1[j], x2[i])`` (``np.meshgrid``'s
        layout, ready for ``contourf``).

    Taught in: chapter "The sigmoid".
    """
    grid1, grid2 = np.meshgrid(np.asarray(x1, dtype=float), np.asarray(x2, dtype=float))
    return sigmoid(w1 * grid1 + w2 * grid2 + b)


def decision_line(
    w1: float, w2: float, b: float, limits: tuple[float, float] = PLANE_LIMITS
) -> np.ndarray:
    """The segment of the line ``w1 x1 + w2 x2 + b = 0`` inside the square ``limits``².

    On this line σ(w1 x1 + w2 x2 + b) = 0.5: it separates the points classified 1 from those
    classified 0.

    Returns
    -------
    ndarray of shape (2, 2) or (0, 2)
        The two end points ``[[x1, x2], [x1, x2]]``, or no rows when the line misses the square
        (or ``w1 = w2 = 0``, when there is no line).

    Taught in: chapter "The sigmoid".
    """
    lo, hi = limits
    points = []
    if w2 != 0:  # crossings of the left and right edges
        points += [(x1, -(w1 * x1 + b) / w2) for x1 in (lo, hi)]
    if w1 != 0:  # crossings of the bottom and top edges
        points += [(-(w2 * x2 + b) / w1, x2) for x2 in (lo, hi)]
    tol = 1e-12 * (hi - lo)
    inside = [p for p in points if lo - tol <= p[0] <= hi + tol and lo - tol <= p[1] <= hi + tol]
    if len(inside) < 2:
        return np.empty((0, 2))
    inside = np.array(sorted(inside))
    return inside[[0, -1]]


def draw_sigmoid_plane(w1: float, w2: float, b: float) -> Figure:
    """Draw the probability plane of σ(w1 x1 + w2 x2 + b) with its decision line.

    Taught in: chapter "The sigmoid".
    """
    axis = np.linspace(*PLANE_LIMITS, 81)
    probability = probability_plane(w1, w2, b, axis, axis)
    fig = _figure(4.6, 3.9)
    ax = fig.add_axes((0.13, 0.13, 0.62, 0.76))
    shading = ax.contourf(
        axis, axis, probability, levels=np.linspace(0, 1, 11), cmap=PROBABILITY_CMAP
    )
    segment = decision_line(w1, w2, b)
    if len(segment):
        ax.plot(segment[:, 0], segment[:, 1], color="black", lw=2.5, label="σ = 0.5")
        ax.legend(loc="lower left", fontsize=8)
    ax.set(xlim=PLANE_LIMITS, ylim=PLANE_LIMITS, xlabel="x₁", ylabel="x₂", aspect="equal")
    ax.set_xticks([-6, -3, 0, 3, 6])
    ax.set_yticks([-6, -3, 0, 3, 6])
    ax.set_title(f"σ({affine_text([w1, w2], ['x₁', 'x₂'], b)})", fontsize=10)
    colorbar = fig.colorbar(shading, cax=fig.add_axes((0.8, 0.13, 0.04, 0.76)))
    colorbar.set_ticks([0, 0.5, 1])
    colorbar.set_label("probability of class 1")
    return fig


# -- softmax with a temperature ----------------------------------------------------------------
SOFTMAX_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, SKY)


def softmax_with_temperature(scores: ArrayLike, temperature: float) -> np.ndarray:
    """Softmax of the scores divided by a temperature.

    .. math:: p_i = \\frac{e^{z_i / T}}{\\sum_j e^{z_j / T}}

    ``T = 1`` is the plain softmax; a large ``T`` flattens the probabilities towards uniform, a
    small ``T`` sharpens them towards the one-hot vector of the largest score. Computed with the
    stable softmax, so any finite scores and ``T > 0`` are fine.

    Raises
    ------
    ValueError
        If ``temperature`` is not a positive finite number.

    Taught in: chapter "Softmax and one-hot encoding".
    """
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    return softmax(np.asarray(scores, dtype=float) / temperature)


def draw_softmax_temperature(
    temperature: float,
    scores: Sequence[float] = (2.0, 1.0, 0.0),
    names: Sequence[str] | None = None,
) -> Figure:
    """Bars of ``softmax_with_temperature(scores, temperature)``, each labelled with its value.

    Taught in: chapter "Softmax and one-hot encoding".
    """
    names = names or [chr(ord("A") + i) for i in range(len(scores))]
    probabilities = softmax_with_temperature(scores, temperature)
    fig = _figure(5.2, 3.4)
    ax = fig.add_axes((0.12, 0.2, 0.84, 0.66))
    positions = np.arange(len(scores))
    ax.bar(positions, probabilities, color=SOFTMAX_COLOURS[: len(scores)], edgecolor="black")
    for x, p in zip(positions, probabilities, strict=True):
        ax.text(x, p + 0.02, f"{p:.2f}", ha="center", va="bottom", fontsize=11)
    ax.set_xticks(positions, [f"{n}\nz = {z:g}" for n, z in zip(names, scores, strict=True)])
    ax.set(ylim=(0, 1.12), ylabel="probability")
    ax.set_yticks([0, 0.5, 1])
    ax.axhline(1 / len(scores), color=GREY, lw=1, ls=":")
    ax.set_title(f"softmax(z / T) with T = {temperature:g}", fontsize=11)
    return fig


# -- the negative log-likelihood ---------------------------------------------------------------
def negative_log_likelihood(p: ArrayLike) -> np.ndarray:
    """The loss −log p of giving probability ``p`` to what actually happened.

    This is ``binary_cross_entropy`` with target 1, element by element, so the picture and the
    loss the networks train with are the same function (the log is clamped at -100, so ``p = 0``
    gives 100, not infinity).

    Taught in: chapter "Cross-entropy and maximum likelihood".
    """
    p = np.asarray(p, dtype=float)
    return binary_cross_entropy(np.ones_like(p), p, reduction="none")


def draw_neg_log_likelihood(p: float) -> Figure:
    """The curve −log p on (0, 1] with the point ``(p, −log p)`` marked and labelled.

    Taught in: chapter "Cross-entropy and maximum likelihood".
    """
    grid = np.linspace(0.005, 1, 400)
    fig = _figure(5.2, 3.4)
    ax = fig.add_axes((0.12, 0.15, 0.84, 0.72))
    ax.plot(grid, negative_log_likelihood(grid), color=BLUE, lw=2.5, label="−log p")
    loss = float(negative_log_likelihood(p))
    ax.plot([p, p], [0, loss], color=GREY, lw=1, ls=":")
    ax.plot([p], [loss], "o", color=VERMILLION, ms=9)
    ax.text(
        0.97,
        0.92,
        f"p = {p:g}\nloss = −log {p:g} = {loss:.3f}",
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=11,
    )
    ax.set(xlim=(0, 1.02), ylim=(0, 5.3), xlabel="probability p given to the true label")
    ax.set_ylabel("loss −log p")
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_yticks([0, 1, 2, 3, 4, 5])
    ax.grid(alpha=0.3)
    return fig


# -- gradient descent on a loss surface --------------------------------------------------------
#: An elongated bowl L(θ) = ½ θᵀ A θ: ten times steeper along θ₂ than along θ₁, so plain gradient
#: descent zig-zags across the valley when the learning rate nears 2 / 10 and diverges above it.
BOWL_MATRIX = np.diag([1.0, 10.0])
BOWL_START = (-4.0, 2.0)
BOWL_LIMITS = ((-5.0, 5.0), (-3.0, 3.0))


def bowl_loss(theta: ArrayLike) -> np.ndarray:
    """The loss surface ``L(θ) = ½ θᵀ A θ`` with ``A = diag(1, 10)``, for points ``(..., 2)``.

    Taught in: chapter "Gradient descent".
    """
    theta = np.asarray(theta, dtype=float)
    return 0.5 * np.einsum("...i,ij,...j->...", theta, BOWL_MATRIX, theta)


def bowl_gradient(theta: ArrayLike) -> np.ndarray:
    """The gradient ``∇L(θ) = A θ`` of :func:`bowl_loss`.

    Taught in: chapter "Gradient descent".
    """
    return np.asarray(theta, dtype=float) @ BOWL_MATRIX


def descent_path(lr: float, steps: int, start: ArrayLike = BOWL_START) -> np.ndarray:
    """Points visited by gradient descent on :func:`bowl_loss`: ``θ ← θ − η ∇L(θ)``.

    Returns an array of shape ``(steps + 1, 2)`` (start included), from
    ``nncourse.optim.gradient_descent``. Along each axis the distance to the minimum is multiplied
    by ``1 − η a`` per step (``a`` = 1 or 10), so it shrinks when ``0 < η < 2 / a``.

    Taught in: chapter "Gradient descent".
    """
    return gradient_descent(bowl_gradient, start, lr=lr, steps=int(steps))


def draw_gradient_descent(lr: float, steps: float) -> Figure:
    """Contours of the bowl with the first ``steps`` steps of gradient descent at rate ``lr``.

    Taught in: chapter "Gradient descent".
    """
    steps = round(steps)
    (x_lo, x_hi), (y_lo, y_hi) = BOWL_LIMITS
    x = np.linspace(x_lo, x_hi, 101)
    y = np.linspace(y_lo, y_hi, 61)
    loss = bowl_loss(np.stack(np.meshgrid(x, y), axis=-1))
    path = descent_path(lr, steps)
    fig = _figure(6.0, 3.9)
    ax = fig.add_axes((0.1, 0.14, 0.86, 0.74))
    ax.contour(x, y, loss, levels=[0.5, 2, 5, 10, 20, 35], colors=SKY, linewidths=1)
    ax.plot(path[:, 0], path[:, 1], "-o", color=VERMILLION, ms=4, lw=1.5)
    ax.plot(*path[0], "s", color="black", ms=7)
    ax.plot(0, 0, "*", color=GREEN, ms=14)
    ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel="θ₁", ylabel="θ₂", aspect="equal")
    ax.set_xticks([-4, -2, 0, 2, 4])
    ax.set_yticks([-2, 0, 2])
    final = float(bowl_loss(path[-1]))
    outcome = f"L = {final:.3g}" if np.isfinite(final) and final < 1e6 else "L diverges"
    ax.set_title(f"η = {lr:g}, after {steps} steps: {outcome}", fontsize=11)
    return fig


# -- an MLP's decision boundary across training ------------------------------------------------
def training_snapshots(
    X: ArrayLike,
    y: ArrayLike,
    checkpoints: Sequence[int],
    *,
    sizes: Sequence[int] = (2, 16, 1),
    lr: float = 1.0,
    seed: int = 0,
    resolution: int = 60,
) -> dict:
    """Train an MLP full-batch and record its predictions on a grid at each checkpoint epoch.

    Full-batch gradient descent without momentum, so training in pieces between checkpoints is
    the same as one long run.

    Parameters
    ----------
    X : array of shape (n, 2)
    y : array of shape (n,), labels 0 or 1
    checkpoints : increasing sequence of int
        Epochs at which to record (0 is the untrained network).
    sizes, lr, seed
        The network ``MLP(sizes, hidden_activation="tanh", seed=seed)`` and its learning rate.
    resolution : int
        Grid points per axis.

    Returns
    -------
    dict
        ``"x1"``, ``"x2"``: grid axes (with a margin around the data); ``"epochs"``: the
        checkpoints; ``"probability"``: array ``(len(checkpoints), resolution, resolution)`` of
        the network's probability of class 1 (``np.meshgrid`` layout); ``"loss"``: the training
        loss at each checkpoint.

    Taught in: chapter "Backpropagation".
    """
    X = np.asarray(X, dtype=float)
    epochs = [int(e) for e in checkpoints]
    if not epochs or epochs[0] < 0 or any(b <= a for a, b in itertools.pairwise(epochs)):
        raise ValueError(f"checkpoints must be increasing epochs >= 0, got {epochs}")
    margin = 0.5
    x1 = np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, resolution)
    x2 = np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, resolution)
    grid = np.column_stack([g.ravel() for g in np.meshgrid(x1, x2)])
    net = MLP(list(sizes), hidden_activation="tanh", seed=seed)
    probability, losses, done = [], [], 0
    for epoch in epochs:
        if epoch > done:
            net.fit(X, y, epochs=epoch - done, lr=lr)
            done = epoch
        probability.append(net.predict_proba(grid)[:, 0].reshape(resolution, resolution))
        losses.append(net.loss(X, y))
    return {
        "x1": x1,
        "x2": x2,
        "epochs": np.array(epochs),
        "probability": np.array(probability),
        "loss": np.array(losses),
    }


def draw_mlp_boundary(snapshots: dict, X: ArrayLike, y: ArrayLike, epoch: float) -> Figure:
    """The network's probability and decision boundary at ``epoch``, beside the loss curve.

    Taught in: chapter "Backpropagation".
    """
    k = int(np.argmin(np.abs(snapshots["epochs"] - epoch)))
    X, y = np.asarray(X), np.asarray(y)
    fig = _figure(7.6, 3.6)
    ax = fig.add_axes((0.09, 0.14, 0.4, 0.74))
    probability = snapshots["probability"][k]
    ax.contourf(
        snapshots["x1"],
        snapshots["x2"],
        probability,
        levels=np.linspace(0, 1, 11),
        cmap=PROBABILITY_CMAP,
    )
    if probability.min() < 0.5 < probability.max():
        ax.contour(snapshots["x1"], snapshots["x2"], probability, levels=[0.5], colors="black")
    for label, marker, colour in ((0, "o", BLUE), (1, "^", ORANGE)):
        points = X[y == label]
        ax.scatter(points[:, 0], points[:, 1], marker=marker, c=colour, edgecolors="black", s=22)
    ax.set(xlabel="x₁", ylabel="x₂")
    ax.set_title(f"epoch {snapshots['epochs'][k]}", fontsize=11)
    curve = fig.add_axes((0.6, 0.14, 0.37, 0.74))
    curve.plot(snapshots["epochs"], snapshots["loss"], color=GREY, lw=1.5)
    curve.plot(snapshots["epochs"][k], snapshots["loss"][k], "o", color=VERMILLION, ms=8)
    curve.set(xlabel="epoch", ylabel="training loss", ylim=(0, None))
    curve.set_title(f"loss {snapshots['loss'][k]:.3f}", fontsize=11)
    curve.grid(alpha=0.3)
    return fig
