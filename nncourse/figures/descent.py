"""The gradient-descent chapter's figure: descent on an elongated bowl, step by step.

``bowl_loss``, ``bowl_gradient`` and ``descent_path`` compute what is drawn;
``gradient_descent_surface_scene`` draws it and ``gradient_descent_surface()`` makes the
interactive figure.

Taught in: chapter "Gradient descent" (try it yourself).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nncourse.figures.interactive import InteractiveFigure, Slider, interactive_figure
from nncourse.figures.palette import GREEN, SKY, VERMILLION, new_figure
from nncourse.figures.scene import Scene
from nncourse.optim import gradient_descent

BOWL_MATRIX = np.diag([1.0, 10.0])
"""An elongated bowl L(θ) = ½ θᵀ A θ: ten times steeper along θ₂ than along θ₁, so plain gradient
descent zig-zags across the valley when the learning rate nears 2 / 10 and diverges above it."""
BOWL_START = (-4.0, 2.0)
BOWL_LIMITS = ((-5.0, 5.0), (-3.0, 3.0))


def bowl_loss(theta: ArrayLike) -> np.ndarray:
    """The loss surface ``L(θ) = ½ θᵀ A θ`` with ``A = diag(1, 10)``, for points ``(..., 2)``."""
    theta = np.asarray(theta, dtype=float)
    return 0.5 * np.einsum("...i,ij,...j->...", theta, BOWL_MATRIX, theta)


def bowl_gradient(theta: ArrayLike) -> np.ndarray:
    """The gradient ``∇L(θ) = A θ`` of :func:`bowl_loss`."""
    return np.asarray(theta, dtype=float) @ BOWL_MATRIX


def descent_path(lr: float, steps: int, start: ArrayLike = BOWL_START) -> np.ndarray:
    """Points visited by gradient descent on :func:`bowl_loss`: ``θ ← θ − η ∇L(θ)``.

    Returns an array of shape ``(steps + 1, 2)`` (start included), from
    ``nncourse.optim.gradient_descent``. Along each axis the distance to the minimum is multiplied
    by ``1 − η a`` per step (``a`` = 1 or 10), so it shrinks when ``0 < η < 2 / a``.
    """
    return gradient_descent(bowl_gradient, start, lr=lr, steps=int(steps))


def bowl_axes(path_colour: str) -> tuple[Figure, list]:
    """The bowl's contours, its start and minimum, an empty path in ``path_colour`` and a title.

    Returns the figure and its moving parts ``[path_line, start, minimum, title]``; shared by the
    gradient-descent and momentum figures, which differ only in the path they draw.
    """
    (x_lo, x_hi), (y_lo, y_hi) = BOWL_LIMITS
    x = np.linspace(x_lo, x_hi, 101)
    y = np.linspace(y_lo, y_hi, 61)
    loss = bowl_loss(np.stack(np.meshgrid(x, y), axis=-1))
    fig = new_figure(6.0, 3.9)
    ax = fig.add_axes((0.1, 0.14, 0.86, 0.74))
    ax.contour(x, y, loss, levels=[0.5, 2, 5, 10, 20, 35], colors=SKY, linewidths=1)
    (path_line,) = ax.plot([], [], "-o", color=path_colour, ms=4, lw=1.5, animated=True)
    (start,) = ax.plot(*BOWL_START, "s", color="black", ms=7, zorder=3, animated=True)
    (minimum,) = ax.plot(0, 0, "*", color=GREEN, ms=14, zorder=3, animated=True)
    ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), xlabel="θ₁", ylabel="θ₂", aspect="equal")
    ax.set_xticks([-4, -2, 0, 2, 4])
    ax.set_yticks([-2, 0, 2])
    title = ax.set_title("", fontsize=11, animated=True)
    return fig, [path_line, start, minimum, title]


def gradient_descent_surface_scene() -> tuple[Figure, Callable]:
    """Contours of the bowl with the first ``steps`` steps of gradient descent at rate ``lr``."""
    fig, moving = bowl_axes(VERMILLION)
    path_line, _, _, title = moving

    def update(lr: float, steps: float) -> list:
        steps = round(steps)
        path = descent_path(lr, steps)
        path_line.set_data(path[:, 0], path[:, 1])
        final = float(bowl_loss(path[-1]))
        outcome = f"L = {final:.3g}" if np.isfinite(final) and final < 1e6 else "L diverges"
        title.set_text(f"η = {lr:g}, after {steps} steps: {outcome}")
        return moving

    return fig, update


draw_gradient_descent_surface = Scene(gradient_descent_surface_scene)
"""``draw_gradient_descent_surface(lr=..., steps=...)`` -> Figure."""


LEARNING_RATES_SHOWN = (0.01, 0.05, 0.1, 0.15, 0.18, 0.19, 0.2, 0.21, 0.22, 0.25)
"""The static website's learning rates: fine around η = 2 / 10 = 0.2, where the walk stops
converging (at 0.2 exactly it zigzags for ever)."""


def gradient_descent_surface(*, lr: float = 0.01, steps: int = 10) -> InteractiveFigure:
    """Gradient descent on an elongated bowl, with sliders for the learning rate and the steps.

    The learning rate starts at its smallest value, as the chapter asks; the static website shows
    ``LEARNING_RATES_SHOWN`` and every number of steps from 0 to 30, with a ▶ button.
    """
    shown = tuple(sorted({*LEARNING_RATES_SHOWN, lr}))
    return interactive_figure(
        draw_gradient_descent_surface,
        {
            "lr": Slider(0.01, 0.25, 0.01, lr, "learning rate η", static_values=shown),
            "steps": Slider(0, 30, 1, steps, "steps", play=True),
        },
        max_frames=len(shown) * 31,
        alt=(
            "Contour lines of the loss ½(θ₁² + 10 θ₂²), an elongated valley, with the path of "
            "gradient descent from (−4, 2) towards the minimum at (0, 0). A small learning rate "
            "creeps along the valley; near 0.2 the path zig-zags across it; above 0.2 it "
            "diverges."
        ),
    )
