"""The sigmoid chapter's figures: σ(wx + b) beside the step, and the probability plane.

Pure functions compute what is drawn (``sigmoid_curve``, ``sigmoid_midpoint``, ``affine_text``,
``probability_plane``, ``decision_line``); each ``*_scene`` draws it, ``draw_*`` is its ``Scene``,
and ``sigmoid_weight_bias()`` and ``sigmoid_plane()`` make the interactive figures.

Taught in: chapter "The sigmoid" (play with it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nncourse.activations import sigmoid, step
from nncourse.figures.interactive import InteractiveFigure, Slider, interactive_figure
from nncourse.figures.palette import (
    BLUE,
    GREY,
    ORANGE,
    PROBABILITY_CMAP,
    PROBABILITY_LEVELS,
    VERMILLION,
    new_figure,
)
from nncourse.figures.scene import Scene, reshade

SIGMOID_X_LIMITS = (-6.0, 6.0)
PLANE_LIMITS = (-6.0, 6.0)


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


# -- σ(wx + b) beside the step -----------------------------------------------------------------
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
    """
    z = w * np.asarray(x, dtype=float) + b
    return sigmoid(z), step(z)


def sigmoid_midpoint(w: float, b: float) -> float:
    """The input where ``w x + b = 0``, i.e. σ = 0.5 and the step jumps: ``x = -b / w``.

    Returns NaN when ``w = 0`` (the score never crosses 0, or is 0 everywhere).
    """
    return -b / w + 0.0 if w != 0 else float("nan")  # + 0.0 turns -0.0 into 0.0


def sigmoid_weight_bias_scene() -> tuple[Figure, Callable]:
    """σ(w x + b) and step(w x + b) on x in [-6, 6], with the point where both cross 0.5."""
    x = np.linspace(*SIGMOID_X_LIMITS, 481)
    fig = new_figure(6.4, 3.4)
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


draw_sigmoid_weight_bias = Scene(sigmoid_weight_bias_scene)
"""``draw_sigmoid_weight_bias(w=..., b=...)`` -> Figure."""


WEIGHTS_SHOWN = (-4, -2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 2, 4)
"""The static website's weights: halving steps, so a small weight (almost flat) can be seen."""


def sigmoid_weight_bias(*, w: float = 1.0, b: float = 0.0) -> InteractiveFigure:
    """σ(w x + b) beside the step function, with sliders for the weight ``w`` and bias ``b``.

    The static website shows the weights ``WEIGHTS_SHOWN`` and the whole-number biases, and so
    the chapter's question (``w = 2``, ``b = -2``), unless ``w`` starts elsewhere.
    """
    return interactive_figure(
        draw_sigmoid_weight_bias,
        {
            "w": Slider(-4, 4, 0.25, w, "weight w", static_values=_shown(WEIGHTS_SHOWN, w)),
            "b": Slider(-4, 4, 0.25, b, "bias b", static_step=1),
        },
        alt=(
            "The sigmoid σ(w x + b), a smooth S-shaped curve from 0 to 1, drawn with the step "
            "function of w x + b, which jumps from 0 to 1 where w x + b = 0. A larger weight makes "
            "the sigmoid steeper and closer to the step; the bias shifts both sideways."
        ),
    )


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
    """The probability plane of σ(w1 x1 + w2 x2 + b), shaded, with its decision line."""
    axis = np.linspace(*PLANE_LIMITS, 81)
    fig = new_figure(4.6, 3.9)
    ax = fig.add_axes((0.13, 0.13, 0.62, 0.76))
    ramp = ax.contourf(
        axis, axis, probability_plane(0.5, 0, 0, axis, axis), levels=PROBABILITY_LEVELS
    )
    ramp.set_cmap(PROBABILITY_CMAP)
    colorbar = fig.colorbar(ramp, cax=fig.add_axes((0.8, 0.13, 0.04, 0.76)), ticks=[0, 0.5, 1])
    colorbar.set_label("probability of class 1")
    ramp.remove()  # it only gave the colour bar its colours
    (line,) = ax.plot([], [], color="black", lw=2.5, label="σ = 0.5", zorder=3, animated=True)
    legend = ax.legend(loc="lower left", fontsize=9)
    legend.set_animated(True)
    ax.set(xlim=PLANE_LIMITS, ylim=PLANE_LIMITS, xlabel="x₁", ylabel="x₂", aspect="equal")
    ax.set_xticks([-6, -3, 0, 3, 6])
    ax.set_yticks([-6, -3, 0, 3, 6])
    title = ax.set_title("", fontsize=10, animated=True)
    shading: list = []

    def update(w1: float, w2: float, b: float) -> list:
        reshade(ax, shading, axis, axis, probability_plane(w1, w2, b, axis, axis))
        segment = decision_line(w1, w2, b)
        line.set_data(segment[:, 0], segment[:, 1])
        legend.set_visible(len(segment) > 0)
        title.set_text(f"σ({affine_text([w1, w2], ['x₁', 'x₂'], b)})")
        return [*shading, line, legend, title]

    return fig, update


draw_sigmoid_plane = Scene(sigmoid_plane_scene)
"""``draw_sigmoid_plane(w1=..., w2=..., b=...)`` -> Figure."""


PLANE_SHOWN = {
    "w1": (-4, -2, 0, 2, 4),
    "w2": (-5, -2.5, 0, 2.5, 5),
    "b": (-9, -4.5, 0, 4.5, 9),
}
"""The static website's values of the plane's sliders."""


def _shown(values: Sequence[float], start: float) -> tuple[float, ...]:
    """``values`` with the starting value among them."""
    return tuple(sorted({*values, start}))


def sigmoid_plane(*, w1: float = 4.0, w2: float = 5.0, b: float = -9.0) -> InteractiveFigure:
    """The probability plane σ(w1 x1 + w2 x2 + b) and its decision line, with three sliders.

    The static website shows five values of each (``PLANE_SHOWN``): the worked example
    4 x₁ + 5 x₂ − 9, its half 2 x₁ + 2.5 x₂ − 4.5, their negatives and 0, the values the chapter
    asks the reader to try.
    """
    return interactive_figure(
        draw_sigmoid_plane,
        {
            name: Slider(*live, start, label, static_values=_shown(PLANE_SHOWN[name], start))
            for name, live, start, label in (
                ("w1", (-6, 6, 0.5), w1, "weight w₁"),
                ("w2", (-6, 6, 0.5), w2, "weight w₂"),
                ("b", (-12, 12, 0.5), b, "bias b"),
            )
        },
        max_frames=125,
        alt=(
            "The probability σ(w₁x₁ + w₂x₂ + b) over the plane, shaded from blue (near 0) to "
            "orange (near 1), with the decision line where it equals 0.5. The weights turn the "
            "line and set how sharp the change is; the bias moves the line."
        ),
    )
