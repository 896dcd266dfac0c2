"""The softmax chapter's figure: the probabilities of three scores under a temperature.

``softmax_with_temperature`` computes what is drawn; ``softmax_temperature_scene`` draws it and
``softmax_temperature()`` makes the interactive figure.

Taught in: chapter "Softmax and one-hot encoding" (play with it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nncourse._validation import as_real
from nncourse.activations import softmax
from nncourse.figures.interactive import InteractiveFigure, Slider, interactive_figure
from nncourse.figures.palette import BLUE, GREEN, GREY, ORANGE, SKY, VERMILLION, new_figure
from nncourse.figures.scene import Scene

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
        If ``temperature`` is not a positive finite number (``TypeError`` if not a number).
    """
    temperature = as_real(temperature, "temperature", "(0, inf)")
    return softmax(np.asarray(scores, dtype=float) / temperature)


def softmax_temperature_scene(
    scores: Sequence[float] = (2.0, 1.0, 0.0), names: Sequence[str] | None = None
) -> tuple[Figure, Callable]:
    """Bars of ``softmax_with_temperature(scores, T)``, each labelled with its value."""
    names = names or [chr(ord("A") + i) for i in range(len(scores))]
    positions = np.arange(len(scores))
    fig = new_figure(5.2, 3.4)
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


draw_softmax_temperature = Scene(softmax_temperature_scene)
"""``draw_softmax_temperature(temperature=...)`` -> Figure, for the scores 2, 1, 0."""


def softmax_temperature(
    *,
    scores: Sequence[float] = (2.0, 1.0, 0.0),
    names: Sequence[str] | None = None,
    temperature: float = 1.0,
) -> InteractiveFigure:
    """Softmax of three scores with a temperature slider (``T`` from 0.1 to 4)."""
    scores = tuple(float(z) for z in scores)
    return interactive_figure(
        Scene(softmax_temperature_scene, scores, names),
        {"temperature": Slider(0.1, 4, 0.1, temperature, "temperature T")},
        alt=(
            f"Bars of the softmax probabilities of the scores {', '.join(f'{z:g}' for z in scores)} "
            "divided by a temperature T. At T = 1 it is the plain softmax; a small T gives almost "
            "all the probability to the largest score, a large T makes the bars nearly equal."
        ),
    )
