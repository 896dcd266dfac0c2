"""What the book's figures compute, and how they are drawn.

Each figure has two halves: pure functions that compute the numbers shown (tested in
``tests/test_plotting.py``), and a thin drawing half that turns them into a matplotlib Figure.
The drawing half of a figure with sliders is a *scene*: ``*_scene()`` builds the figure with
everything that never moves, and returns it with ``update(**values)``, which sets the moving parts
for given slider values. ``Scene`` wraps that pair into the ``draw(**values) -> Figure`` function
that ``nncourse.widgets.interactive_figure`` expects, and also draws hundreds of frames quickly for
the static website by repainting only the moving parts (matplotlib's "blitting").

Figures have a white background and use the colour-blind-safe Okabe–Ito colours. Drawing uses
``matplotlib.figure.Figure`` directly (not pyplot), so a notebook never shows a frame twice and
many frames leave no open figures behind.

Taught in: every chapter with a figure.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
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


#: Resolution of every frame: a 6.4-inch-wide figure is 512 pixels wide.
FRAME_DPI = 80


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=FRAME_DPI, facecolor="white", layout="none")


def _png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's pixels as a compact PNG: a 64-colour palette, a few kilobytes a frame."""
    from PIL import Image

    pixels = np.asarray(canvas.buffer_rgba())[..., :3]
    image = Image.fromarray(pixels).quantize(
        colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    palette = image.getpalette()
    for i in range(0, len(palette), 3):  # the quantizer turns white into 254: make it white again
        if min(palette[i : i + 3]) >= 250:
            palette[i : i + 3] = [255, 255, 255]
    image.putpalette(palette)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=9)
    return buffer.getvalue()


def render_png(figure: Figure) -> bytes:
    """Draw a whole matplotlib Figure and return it as a compact PNG."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return _png(canvas)


class Scene:
    """A figure whose moving parts are set by ``update(**values)``; see the module docstring.

    Parameters
    ----------
    build : callable
        ``build(*args, **kwargs)`` returns ``(figure, update)``. The parts that move are made with
        ``animated=True``; ``update(**values)`` sets them for the given values and returns them
        (a list of artists).
    *args, **kwargs
        Passed to ``build``.

    Calling the scene, ``scene(**values)``, builds a fresh figure and returns it finished: the
    pure ``draw`` function of ``nncourse.widgets``. ``scene.png(**values)`` returns the same
    picture as PNG bytes, building the figure only once and then painting the moving parts over
    a saved image of the rest, several times faster.
    """

    def __init__(self, build: Callable[..., tuple], *args, **kwargs) -> None:
        self.build = build
        self.args = args
        self.kwargs = kwargs
        self.__doc__ = build.__doc__
        self._painter = None

    def __call__(self, **values: float) -> Figure:
        figure, update = self.build(*self.args, **self.kwargs)
        for artist in update(**values):
            artist.set_animated(False)  # a finished figure draws everything
        return figure

    def png(self, **values: float) -> bytes:
        if self._painter is None:
            figure, update = self.build(*self.args, **self.kwargs)
            canvas = FigureCanvasAgg(figure)
            canvas.draw()  # everything but the animated parts
            self._painter = (figure, update, canvas, canvas.copy_from_bbox(figure.bbox))
        figure, update, canvas, background = self._painter
        canvas.restore_region(background)
        # The axes' frames go on top again, as in a whole drawing, where they come after a fill.
        spines = [spine for ax in figure.axes for spine in ax.spines.values()]
        for artist in sorted([*update(**values), *spines], key=lambda a: a.get_zorder()):
            figure.draw_artist(artist)
        return _png(canvas)


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


def sigmoid_weight_bias_scene() -> tuple[Figure, Callable]:
    """σ(w x + b) and step(w x + b) on x in [-6, 6], with the point where both cross 0.5.

    Taught in: chapter "The sigmoid".
    """
    x = np.linspace(*SIGMOID_X_LIMITS, 481)
    fig = _figure(6.4, 3.4)
    ax = fig.add_axes((0.1, 0.15, 0.86, 0.68))
    (hard,) = ax.plot(x, 0 * x, color=ORANGE, lw=2, ls="--", label="step(wx + b)", animated=True)
    (smooth,) = ax.plot(x, 0 * x, color=BLUE, lw=2.5, label="σ(wx + b)", animated=True)
    midline = ax.axvline(0, color=GREY, lw=1, ls=":", animated=True)
    (midpoint,) = ax.plot([0], [0.5], "o", color=VERMILLION, ms=6, label="σ = 0.5", animated=True)
    ax.set(xlim=SIGMOID_X_LIMITS, ylim=(-0.05, 1.05), xlabel="input x", ylabel="output")
    ax.set_xticks([-6, -4, -2, 0, 2, 4, 6])
    ax.set_yticks([0, 0.5, 1])
    ax.grid(alpha=0.3)
    fig.legend(loc="upper center", ncols=3, fontsize=9, frameon=False)
    title = ax.set_title("", fontsize=11, animated=True)

    def update(w: float, b: float) -> list:
        smooth_y, hard_y = sigmoid_curve(x, w, b)
        smooth.set_ydata(smooth_y)
        hard.set_ydata(hard_y)
        mid = sigmoid_midpoint(w, b)
        shown = bool(SIGMOID_X_LIMITS[0] <= mid <= SIGMOID_X_LIMITS[1])
        midline.set_xdata([mid, mid])
        midpoint.set_xdata([mid])
        midline.set_visible(shown)
        midpoint.set_visible(shown)
        where = f", 0.5 at x = {mid:.3g}" if shown else ""
        title.set_text(f"σ({affine_text([w], ['x'], b)}){where}")
        return [hard, smooth, midline, midpoint, title]

    return fig, update


#: ``draw_sigmoid_weight_bias(w=..., b=...)`` -> Figure.
draw_sigmoid_weight_bias = Scene(sigmoid_weight_bias_scene)


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


def sigmoid_plane_scene() -> tuple[Figure, Callable]:
    """The probability plane of σ(w1 x1 + w2 x2 + b), shaded, with its decision line.

    Taught in: chapter "The sigmoid".
    """
    axis = np.linspace(*PLANE_LIMITS, 81)
    levels = np.linspace(0, 1, 11)
    fig = _figure(4.6, 3.9)
    ax = fig.add_axes((0.13, 0.13, 0.62, 0.76))
    ramp = ax.contourf(axis, axis, probability_plane(0.5, 0, 0, axis, axis), levels=levels)
    ramp.set_cmap(PROBABILITY_CMAP)
    colorbar = fig.colorbar(ramp, cax=fig.add_axes((0.8, 0.13, 0.04, 0.76)), ticks=[0, 0.5, 1])
    colorbar.set_label("probability of class 1")
    ramp.remove()  # it only gave the colour bar its colours
    (line,) = ax.plot([], [], color="black", lw=2.5, label="σ = 0.5", zorder=3, animated=True)
    legend = ax.legend(loc="lower left", fontsize=8)
    legend.set_animated(True)
    ax.set(xlim=PLANE_LIMITS, ylim=PLANE_LIMITS, xlabel="x₁", ylabel="x₂", aspect="equal")
    ax.set_xticks([-6, -3, 0, 3, 6])
    ax.set_yticks([-6, -3, 0, 3, 6])
    title = ax.set_title("", fontsize=10, animated=True)
    shading = []

    def update(w1: float, w2: float, b: float) -> list:
        for old in shading:
            old.remove()
        probability = probability_plane(w1, w2, b, axis, axis)
        shading[:] = [
            ax.contourf(
                axis,
                axis,
                probability,
                levels=levels,
                cmap=PROBABILITY_CMAP,
                zorder=1,
                animated=True,
            )
        ]
        segment = decision_line(w1, w2, b)
        line.set_data(segment[:, 0], segment[:, 1])
        legend.set_visible(len(segment) > 0)
        title.set_text(f"σ({affine_text([w1, w2], ['x₁', 'x₂'], b)})")
        return [*shading, line, legend, title]

    return fig, update


#: ``draw_sigmoid_plane(w1=..., w2=..., b=...)`` -> Figure.
draw_sigmoid_plane = Scene(sigmoid_plane_scene)


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


def softmax_temperature_scene(
    scores: Sequence[float] = (2.0, 1.0, 0.0), names: Sequence[str] | None = None
) -> tuple[Figure, Callable]:
    """Bars of ``softmax_with_temperature(scores, T)``, each labelled with its value.

    Taught in: chapter "Softmax and one-hot encoding".
    """
    names = names or [chr(ord("A") + i) for i in range(len(scores))]
    positions = np.arange(len(scores))
    fig = _figure(5.2, 3.4)
    ax = fig.add_axes((0.12, 0.2, 0.84, 0.66))
    ax.axhline(1 / len(scores), color=GREY, lw=1, ls=":", zorder=0.5)  # uniform: under the bars
    bars = ax.bar(
        positions,
        np.zeros(len(scores)),
        color=SOFTMAX_COLOURS[: len(scores)],
        edgecolor="black",
        animated=True,
    )
    values = [
        ax.text(x, 0, "", ha="center", va="bottom", fontsize=11, animated=True) for x in positions
    ]
    ax.set_xticks(positions, [f"{n}\nz = {z:g}" for n, z in zip(names, scores, strict=True)])
    ax.set(xlim=(-0.6, len(scores) - 0.4), ylim=(0, 1.12), ylabel="probability")
    ax.set_yticks([0, 0.5, 1])
    title = ax.set_title("", fontsize=11, animated=True)

    def update(temperature: float) -> list:
        probabilities = softmax_with_temperature(scores, temperature)
        for bar, value, x, p in zip(bars, values, positions, probabilities, strict=True):
            bar.set_height(p)
            value.set_position((x, p + 0.02))
            value.set_text(f"{p:.2f}")
        title.set_text(f"softmax(z / T) with T = {temperature:g}")
        return [*bars, *values, title]

    return fig, update


#: ``draw_softmax_temperature(temperature=...)`` -> Figure, for the scores 2, 1, 0.
draw_softmax_temperature = Scene(softmax_temperature_scene)


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


def neg_log_likelihood_scene() -> tuple[Figure, Callable]:
    """The curve −log p on (0, 1], with the point ``(p, −log p)`` marked and its value written.

    Taught in: chapter "Cross-entropy and maximum likelihood".
    """
    grid = np.linspace(0.005, 1, 400)
    fig = _figure(5.2, 3.4)
    ax = fig.add_axes((0.12, 0.15, 0.84, 0.72))
    ax.plot(grid, negative_log_likelihood(grid), color=BLUE, lw=2.5)
    (drop,) = ax.plot([], [], color=GREY, lw=1, ls=":", animated=True)
    (point,) = ax.plot([], [], "o", color=VERMILLION, ms=9, zorder=3, animated=True)
    label = ax.text(
        0.97, 0.92, "", transform=ax.transAxes, ha="right", va="top", fontsize=11, animated=True
    )
    ax.set(xlim=(0, 1.02), ylim=(0, 5.3), xlabel="probability p given to the true label")
    ax.set_ylabel("loss −log p")
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_yticks([0, 1, 2, 3, 4, 5])
    ax.grid(alpha=0.3)

    def update(p: float) -> list:
        loss = float(negative_log_likelihood(p))
        drop.set_data([p, p], [0, loss])
        point.set_data([p], [loss])
        label.set_text(f"p = {p:g}\nloss = −log {p:g} = {loss:.3f}")
        return [drop, point, label]

    return fig, update


#: ``draw_neg_log_likelihood(p=...)`` -> Figure.
draw_neg_log_likelihood = Scene(neg_log_likelihood_scene)


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


def gradient_descent_scene() -> tuple[Figure, Callable]:
    """Contours of the bowl with the first ``steps`` steps of gradient descent at rate ``lr``.

    Taught in: chapter "Gradient descent".
    """
    (x_lo, x_hi), (y_lo, y_hi) = BOWL_LIMITS
    x = np.linspace(x_lo, x_hi, 101)
    y = np.linspace(y_lo, y_hi, 61)
    loss = bowl_loss(np.stack(np.meshgrid(x, y), axis=-1))
    fig = _figure(6.0, 3.9)
    ax = fig.add_axes((0.1, 0.14, 0.86, 0.74))
    ax.contour(x, y, loss, levels=[0.5, 2, 5, 10, 20, 35], colors=SKY, linewidths=1)
    (path_line,) = ax.plot([], [], "-o", color=VERMILLION, ms=4, lw=1.5, animated=True)
    (start,) = ax.plot(*BOWL_START, "s", color="black", ms=7, zorder=3, animated=True)
    (minimum,) = ax.plot(0, 0, "*", color=GREEN, ms=14, zorder=3, animated=True)
    ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel="θ₁", ylabel="θ₂", aspect="equal")
    ax.set_xticks([-4, -2, 0, 2, 4])
    ax.set_yticks([-2, 0, 2])
    title = ax.set_title("", fontsize=11, animated=True)

    def update(lr: float, steps: float) -> list:
        steps = round(steps)
        path = descent_path(lr, steps)
        path_line.set_data(path[:, 0], path[:, 1])
        final = float(bowl_loss(path[-1]))
        outcome = f"L = {final:.3g}" if np.isfinite(final) and final < 1e6 else "L diverges"
        title.set_text(f"η = {lr:g}, after {steps} steps: {outcome}")
        return [path_line, start, minimum, title]

    return fig, update


#: ``draw_gradient_descent(lr=..., steps=...)`` -> Figure.
draw_gradient_descent = Scene(gradient_descent_scene)


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


def mlp_boundary_scene(snapshots: dict, X: ArrayLike, y: ArrayLike) -> tuple[Figure, Callable]:
    """The network's probability and decision boundary at an epoch, beside the loss curve.

    ``snapshots`` comes from :func:`training_snapshots`; ``update(epoch)`` shows the nearest
    recorded epoch.

    Taught in: chapter "Backpropagation".
    """
    X, y = np.asarray(X), np.asarray(y)
    x1, x2, epochs, losses = (snapshots[k] for k in ("x1", "x2", "epochs", "loss"))
    fig = _figure(7.6, 3.6)
    ax = fig.add_axes((0.09, 0.14, 0.4, 0.74))
    points = [
        ax.scatter(
            *X[y == label].T,
            marker=marker,
            c=colour,
            edgecolors="black",
            s=22,
            zorder=3,
            animated=True,
        )
        for label, marker, colour in ((0, "o", BLUE), (1, "^", ORANGE))
    ]
    ax.set(xlim=(x1[0], x1[-1]), ylim=(x2[0], x2[-1]), xlabel="x₁", ylabel="x₂")
    title = ax.set_title("", fontsize=11, animated=True)
    curve = fig.add_axes((0.6, 0.14, 0.37, 0.74))
    curve.plot(epochs, losses, color=GREY, lw=1.5)
    (marker,) = curve.plot([], [], "o", color=VERMILLION, ms=8, zorder=3, animated=True)
    curve.set(xlabel="epoch", ylabel="training loss", ylim=(0, None))
    curve.grid(alpha=0.3)
    curve_title = curve.set_title("", fontsize=11, animated=True)
    shading = []

    def update(epoch: float) -> list:
        k = int(np.argmin(np.abs(epochs - epoch)))
        for old in shading:
            old.remove()
        probability = snapshots["probability"][k]
        shading[:] = [
            ax.contourf(
                x1,
                x2,
                probability,
                levels=np.linspace(0, 1, 11),
                cmap=PROBABILITY_CMAP,
                zorder=1,
                animated=True,
            )
        ]
        if probability.min() < 0.5 < probability.max():
            shading.append(
                ax.contour(
                    x1, x2, probability, levels=[0.5], colors="black", zorder=2, animated=True
                )
            )
        marker.set_data([epochs[k]], [losses[k]])
        title.set_text(f"epoch {epochs[k]}")
        curve_title.set_text(f"loss {losses[k]:.3f}")
        return [*shading, *points, title, marker, curve_title]

    return fig, update
