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

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from nncourse.activations import sigmoid, step

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


def affine_text(weights, names, bias: float) -> str:
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
def sigmoid_curve(x, w: float, b: float) -> tuple[np.ndarray, np.ndarray]:
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
    """Draw σ(w x + b) and step(w x + b) on x in [-6, 6], marking the midpoint ``-b / w``."""
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
def probability_plane(w1: float, w2: float, b: float, x1, x2) -> np.ndarray:
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


def decision_line(w1: float, w2: float, b: float, limits=PLANE_LIMITS) -> np.ndarray:
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
    """Draw the probability plane of σ(w1 x1 + w2 x2 + b) with its decision line."""
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
