"""The cross-entropy chapter's figure: the loss −log p of giving probability p to the truth.

``negative_log_likelihood`` computes what is drawn; ``neg_log_likelihood_scene`` draws it and
``neg_log_likelihood()`` makes the interactive figure.

Taught in: chapter "Cross-entropy and maximum likelihood" (−log p, the error of one point).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nncourse.figures.interactive import InteractiveFigure, Slider, interactive_figure
from nncourse.figures.palette import BLUE, GREY, VERMILLION, new_figure
from nncourse.figures.scene import Scene
from nncourse.losses import binary_cross_entropy


def negative_log_likelihood(p: ArrayLike) -> np.ndarray:
    """The loss −log p of giving probability ``p`` to what actually happened.

    This is ``binary_cross_entropy`` with target 1, element by element, so the picture and the
    loss the networks train with are the same function (the log is clamped at -100, so ``p = 0``
    gives 100, not infinity).
    """
    p = np.asarray(p, dtype=float)
    return binary_cross_entropy(np.ones_like(p), p, reduction="none")


def neg_log_likelihood_scene() -> tuple[Figure, Callable]:
    """The curve −log p on (0, 1], with the point ``(p, −log p)`` marked and its value written."""
    grid = np.linspace(0.005, 1, 400)
    fig = new_figure(5.2, 3.4)
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
        loss = float(negative_log_likelihood(p)) + 0.0  # + 0.0: −log 1 is 0, not −0
        drop.set_data([p, p], [0, loss])
        point.set_data([p], [loss])
        label.set_text(f"p = {p:g}\nloss = −log {p:g} = {loss:.3f}")
        return [drop, point, label]

    return fig, update


draw_neg_log_likelihood = Scene(neg_log_likelihood_scene)
"""``draw_neg_log_likelihood(p=...)`` -> Figure."""


def neg_log_likelihood(*, p: float = 0.8) -> InteractiveFigure:
    """The curve −log p against p, with a point that moves with a slider for ``p``."""
    return interactive_figure(
        draw_neg_log_likelihood,
        {"p": Slider(0.01, 1, 0.01, p, "probability p")},
        alt=(
            "The curve −log p for p from 0 to 1: 0 at p = 1, rising slowly as p falls to 0.5 and "
            "steeply as p nears 0. A point marks the chosen p and its loss."
        ),
        max_frames=50,
    )
