"""Colours and figure defaults shared by every figure of the book.

The colours are the colour-blind-safe Okabe–Ito palette. Figures have a white background and are
made with ``matplotlib.figure.Figure`` directly, not pyplot, so a notebook never shows a frame twice
and many frames leave no open figures behind.

Taught in: every chapter with a figure.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
GREEN = "#009E73"
SKY = "#56B4E9"
GREY = "#555555"

PROBABILITY_CMAP = LinearSegmentedColormap.from_list(
    "nncourse_probability", [BLUE, "white", ORANGE]
)
"""Blue for probability 0, white for 0.5, orange for 1: readable with every common colour-vision
deficiency and in greyscale (the two ends differ in lightness)."""

PROBABILITY_LEVELS = np.linspace(0, 1, 11)
"""The shading bands of a probability: ten bands of 0.1."""

FRAME_DPI = 80
"""Size of every frame on the page: a 6.4-inch-wide figure is 512 CSS pixels wide."""

FRAME_SCALE = 2
"""Frames hold ``FRAME_SCALE`` image pixels per CSS pixel, so they stay sharp on high-density
screens (the page shows them at ``FRAME_DPI``)."""


def new_figure(width: float, height: float, dpi: float | None = FRAME_DPI * FRAME_SCALE) -> Figure:
    """A white matplotlib Figure of ``width`` × ``height`` inches, without pyplot.

    By default at the frames' resolution; ``dpi=None`` takes matplotlib's current ``figure.dpi``,
    as pyplot would.
    """
    return Figure(figsize=(width, height), dpi=dpi, facecolor="white", layout="none")
