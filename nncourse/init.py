"""Weight initialisation: Xavier/Glorot for sigmoid and tanh, He for ReLU, LeCun.

Each draws every weight from a normal distribution with mean 0 and a standard deviation chosen so
that the spread of the signal stays roughly the same from layer to layer: too small and it fades
to nothing, too large and sigmoid/tanh units saturate (their derivative is then almost 0).
Biases start at 0. In the formulas :math:`d_\\text{in}` and :math:`d_\\text{out}` are the layer's
numbers of inputs and outputs (fan-in and fan-out), the arguments ``n_in`` and ``n_out``. `MLP` picks
a scheme by name from `INITIALISERS`.

Taught in: chapter "Backpropagation" (weight initialisation).
"""

from __future__ import annotations

import numpy as np

__all__ = ["INITIALISERS", "he", "lecun", "xavier"]


def xavier(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Xavier/Glorot normal initialisation, for sigmoid and tanh layers.

    .. math:: W_{ij} \\sim \\mathcal{N}\\!\\left(0,\\ \\sigma^2\\right), \\qquad
              \\sigma = \\sqrt{\\frac{2}{d_\\text{in} + d_\\text{out}}}

    Glorot and Bengio (2010) balance the variance of the signal going forward (which wants
    :math:`\\sigma^2 = 1/d_\\text{in}`) and of the gradient going back (:math:`1/d_\\text{out}`).

    Returns an array of shape ``(n_in, n_out)``, float64.

    Taught in: chapter "Backpropagation".
    """
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))


def he(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """He/Kaiming normal initialisation, for ReLU layers.

    .. math:: W_{ij} \\sim \\mathcal{N}\\!\\left(0,\\ \\sigma^2\\right), \\qquad
              \\sigma = \\sqrt{\\frac{2}{d_\\text{in}}}

    ReLU zeroes about half of its inputs, halving the variance; the factor 2 (He et al., 2015)
    makes up for it.

    Returns an array of shape ``(n_in, n_out)``, float64.

    Taught in: chapter "Backpropagation".
    """
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


def lecun(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """LeCun normal initialisation: the :math:`1/\\sqrt{d_\\text{in}}` rule of the classic notebooks.

    .. math:: W_{ij} \\sim \\mathcal{N}\\!\\left(0,\\ \\sigma^2\\right), \\qquad
              \\sigma = \\frac{1}{\\sqrt{d_\\text{in}}}

    with :math:`d_\\text{in}` = ``n_in`` the number of connections coming into a unit.

    Returns an array of shape ``(n_in, n_out)``, float64.

    Taught in: chapter "Backpropagation".
    """
    return rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out))


INITIALISERS = {"xavier": xavier, "he": he, "lecun": lecun}
"""Initialisation schemes by name, as accepted by ``MLP(init=...)``."""
