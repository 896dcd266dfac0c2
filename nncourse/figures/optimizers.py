"""The gradient-descent chapter's momentum figure: heavy-ball descent on the elongated bowl.

``momentum_path`` and ``momentum_rate`` compute what is drawn; ``momentum_surface_scene`` draws it
and ``momentum_surface()`` makes the interactive figure, with a momentum slider beside the
learning-rate one. The bowl, its start and its limits are those of ``nncourse.figures.descent``.

Taught in: chapter "Gradient descent" (momentum, try it yourself).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nncourse._validation import as_real
from nncourse.figures.descent import BOWL_START, bowl_axes, bowl_gradient, bowl_loss
from nncourse.figures.interactive import InteractiveFigure, Slider, interactive_figure
from nncourse.figures.palette import BLUE
from nncourse.figures.scene import Scene
from nncourse.optim import gradient_descent

MOMENTUM_LEARNING_RATES_SHOWN = (0.02, 0.19, 0.25)
"""The static website's learning rates: a crawl, a slow zigzag just below plain descent's limit
2 / 10 and a rate above it, where only momentum converges."""
MOMENTUM_BETAS_SHOWN = (0.0, 0.5, 0.9)
"""The static website's momentum coefficients: none, moderate and the common 0.9."""
MOMENTUM_STEPS_SHOWN = (0, 1, 3, 10, 40)
"""The static website's numbers of steps: the start, the first step, a few, and the long run."""


def momentum_path(lr: float, beta: float, steps: int, start: ArrayLike = BOWL_START) -> np.ndarray:
    """Points visited by gradient descent with momentum on the bowl of ``nncourse.figures.descent``.

    .. math::

        v \\leftarrow \\beta v - \\eta \\nabla E(\\theta), \\qquad \\theta \\leftarrow \\theta + v

    from ``v = 0``, by ``nncourse.optim.gradient_descent``. Returns an array of shape
    ``(steps + 1, 2)``, the start first. ``beta = 0`` is the path of ``descent.descent_path``.
    """
    return gradient_descent(bowl_gradient, start, lr=lr, steps=int(steps), momentum=beta)


def momentum_rate(lr: float, beta: float, curvature: float) -> float:
    """Factor by which momentum shrinks the distance to the minimum per step, in the long run.

    Along a direction of curvature :math:`a`, :math:`\\theta_{t+1} = (1 + \\beta - \\eta a)
    \\theta_t - \\beta \\theta_{t-1}`; the factor is the larger size :math:`|\\lambda|` of the two
    roots of :math:`\\lambda^2 - (1 + \\beta - \\eta a) \\lambda + \\beta = 0`. Below 1 the walk
    converges, which happens exactly when :math:`0 < \\eta a < 2 (1 + \\beta)`; with
    :math:`\\beta = 0` it is :math:`|1 - \\eta a|`.
    """
    lr = as_real(lr, "lr", within="(0, inf)")
    beta = as_real(beta, "beta", within="[0, 1)")
    curvature = as_real(curvature, "curvature", within="(0, inf)")
    roots = np.roots([1.0, -(1.0 + beta - lr * curvature), beta])
    return float(np.max(np.abs(roots)))


def momentum_surface_scene() -> tuple[Figure, Callable]:
    """Contours of the bowl with the first ``steps`` steps of momentum descent at ``lr``, ``beta``."""
    fig, moving = bowl_axes(BLUE)
    path_line, _, _, title = moving

    def update(lr: float, beta: float, steps: float) -> list:
        steps = round(steps)
        with np.errstate(over="ignore", invalid="ignore"):
            path = momentum_path(lr, beta, steps)
            final = float(bowl_loss(path[-1]))
        path_line.set_data(path[:, 0], path[:, 1])
        outcome = f"L = {final:.3g}" if np.isfinite(final) and final < 1e6 else "L diverges"
        title.set_text(f"η = {lr:g}, β = {beta:g}, after {steps} steps: {outcome}")
        return moving

    return fig, update


draw_momentum_surface = Scene(momentum_surface_scene)
"""``draw_momentum_surface(lr=..., beta=..., steps=...)`` -> Figure."""


def momentum_surface(*, lr: float = 0.19, beta: float = 0.0, steps: int = 40) -> InteractiveFigure:
    """Momentum descent on the elongated bowl, with sliders for η, β and the number of steps.

    The static website shows ``MOMENTUM_LEARNING_RATES_SHOWN`` × ``MOMENTUM_BETAS_SHOWN`` ×
    ``MOMENTUM_STEPS_SHOWN`` (and the starting values), with a ▶ button for the steps.
    """
    rates = tuple(sorted({*MOMENTUM_LEARNING_RATES_SHOWN, lr}))
    betas = tuple(sorted({*MOMENTUM_BETAS_SHOWN, beta}))
    steps_shown = tuple(sorted({*MOMENTUM_STEPS_SHOWN, steps}))
    return interactive_figure(
        draw_momentum_surface,
        {
            "lr": Slider(0.01, 0.3, 0.01, lr, "learning rate η", static_values=rates),
            "beta": Slider(0.0, 0.95, 0.05, beta, "momentum β", static_values=betas),
            "steps": Slider(0, 40, 1, steps, "steps", static_values=steps_shown, play=True),
        },
        max_frames=len(rates) * len(betas) * len(steps_shown),
        alt=(
            "Contour lines of the loss ½(θ₁² + 10 θ₂²), an elongated valley, with the path of "
            "gradient descent with momentum from (−4, 2) towards the minimum at (0, 0). Without "
            "momentum a learning rate of 0.19 zig-zags slowly across the valley and 0.25 "
            "diverges; with momentum 0.5 both settle quickly, and with 0.9 the path overshoots "
            "along the valley and spirals in."
        ),
    )
