"""The sliders about training: a network's decision boundary as it trains, and universality.

``training_snapshots`` trains an MLP and records what is drawn; ``mlp_training_boundary_scene``
draws it and ``mlp_training_boundary()`` makes the interactive figure. ``bump_network`` builds a
one-dimensional function from pairs of steep sigmoids; ``universality()`` lets the number of units
and their steepness be played with.

Taught in: chapters "Backpropagation" (play with it) and "Training in practice" (universal
approximation).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from nncourse import datasets
from nncourse._validation import as_int, expected
from nncourse.activations import sigmoid
from nncourse.figures.interactive import InteractiveFigure, Slider, interactive_figure
from nncourse.figures.palette import BLUE, GREY, ORANGE, VERMILLION, new_figure
from nncourse.figures.scene import Scene, reshade
from nncourse.network import MLP


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
    """
    X = np.asarray(X, dtype=float)
    epochs = [int(e) for e in checkpoints]
    if not epochs or epochs[0] < 0 or any(b <= a for a, b in itertools.pairwise(epochs)):
        raise ValueError(expected("checkpoints", "increasing epochs >= 0", epochs))
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


def mlp_training_boundary_scene(
    snapshots: dict, X: ArrayLike, y: ArrayLike
) -> tuple[Figure, Callable]:
    """The network's probability and decision boundary at an epoch, beside the loss curve.

    ``snapshots`` comes from :func:`training_snapshots`; ``update(epoch)`` shows the nearest
    recorded epoch.
    """
    X, y = np.asarray(X), np.asarray(y)
    x1, x2, epochs, losses = (snapshots[k] for k in ("x1", "x2", "epochs", "loss"))
    fig = new_figure(7.6, 3.6)
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
    shading: list = []

    def update(epoch: float) -> list:
        k = int(np.argmin(np.abs(epochs - epoch)))
        reshade(ax, shading, x1, x2, snapshots["probability"][k], boundary=True)
        marker.set_data([epochs[k]], [losses[k]])
        title.set_text(f"epoch {epochs[k]}")
        curve_title.set_text(f"loss {losses[k]:.3f}")
        return [*shading, *points, title, marker, curve_title]

    return fig, update


EPOCHS_SHOWN = (0, 5, 10, 20, 50, 100, 150, 200, 300, 500, 1000)
"""The static website's epochs, about evenly spaced on a log scale: the boundary bends early."""


def mlp_training_boundary(
    *, epochs: int = 1000, every: int = 5, seed: int = 0, lr: float = 1.0
) -> InteractiveFigure:
    """An MLP's decision boundary on the two-moons data set across training epochs.

    A ``[2, 16, 1]`` tanh network is trained once, full-batch, and its predictions recorded every
    ``every`` epochs; the slider picks the epoch, with a ▶ button. The static website shows the
    recorded epochs among ``EPOCHS_SHOWN``, and the last one.
    """
    epochs, every = as_int(epochs, "epochs", minimum=1), as_int(every, "every", minimum=1)
    if every > epochs:
        raise ValueError(expected("every", f"at most epochs = {epochs}", every))
    X, y = datasets.moons(n_samples=200, noise=0.15, seed=seed)
    snapshots = training_snapshots(X, y, range(0, epochs + 1, every), seed=seed, lr=lr)
    last = epochs - epochs % every
    shown = sorted({e for e in EPOCHS_SHOWN if e % every == 0 and e <= last} | {last})
    return interactive_figure(
        Scene(mlp_training_boundary_scene, snapshots, X, y),
        {"epoch": Slider(0, epochs, every, 0, "epoch", static_values=shown, play=True)},
        alt=(
            "Left: two interleaving half-moons of points, class 0 as blue circles and class 1 as "
            "orange triangles, over the network's probability of class 1 with its decision "
            "boundary. Right: the training loss against the epoch. The boundary starts as a "
            "straight-ish split and bends around the moons as the loss falls."
        ),
    )


# -- universality: steps, bumps and a curve ------------------------------------------------------
def universality_target(x: ArrayLike) -> np.ndarray:
    """The curve the universality figure builds: ``f(x) = sin(πx) (0.7 + 0.3 cos(3πx))``.

    It is 0 at both ends of ``[0, 1]``, where a bump's outer sigmoid is only half on.
    """
    x = np.asarray(x, dtype=float)
    return np.sin(np.pi * x) * (0.7 + 0.3 * np.cos(3 * np.pi * x))


def bump_network(
    f: Callable[[np.ndarray], np.ndarray], n_units: int, steepness: float, x: ArrayLike
) -> dict:
    """A one-hidden-layer sigmoid network built by hand from pairs of steep sigmoids, on ``[0, 1]``.

    The interval is cut into ``K = ⌈N/2⌉`` cells with edges ``e_0 < … < e_K``. Cell ``k`` gets a
    *bump*: a sigmoid that switches on at its left edge minus one that switches on at its right
    edge, scaled by ``f`` at the cell's midpoint ``m_k``,

    .. math:: F(x) = \\sum_{k=1}^{K} f(m_k)\\,\\bigl[\\sigma(s(x - e_{k-1})) - \\sigma(s(x - e_k))\\bigr],
              \\qquad s = \\text{steepness} \\cdot K,

    so the steepness is measured against the cell width ``1/K``. With an odd ``N`` the last cell
    has only its first sigmoid, a step; ``N = 1`` is a single step.

    Parameters
    ----------
    f : callable
        The target function, evaluated at the midpoints.
    n_units : int
        Hidden units ``N >= 1``.
    steepness : float
        Sigmoid weight times the cell width, ``> 0``.
    x : array_like, 1-D
        Where to evaluate.

    Returns
    -------
    dict
        ``"bumps"``: array ``(K, len(x))``, each pair's contribution; ``"output"``: their sum
        ``F(x)``; ``"error"``: the largest ``|F - f|`` over the ``x`` in ``[0, 1]``; ``"cells"``:
        ``K``.
    """
    n_units = as_int(n_units, "n_units", minimum=1)
    if not steepness > 0:
        raise ValueError(expected("steepness", "a number > 0", steepness))
    x = np.asarray(x, dtype=float)
    cells = -(-n_units // 2)
    edges = np.linspace(0.0, 1.0, cells + 1)
    heights = f((edges[:-1] + edges[1:]) / 2)
    s = steepness * cells
    on = sigmoid(s * (x - edges[:-1, None]))
    off = sigmoid(s * (x - edges[1:, None]))
    if n_units % 2:
        off[-1] = 0.0  # the unpaired last unit: a step
    bumps = heights[:, None] * (on - off)
    output = bumps.sum(axis=0)
    return {
        "bumps": bumps,
        "output": output,
        "error": float(np.max(np.abs(output - f(x))[(x >= 0) & (x <= 1)], initial=0.0)),
        "cells": cells,
    }


UNITS_SHOWN = (1, 2, 4, 8, 16, 32)
"""The static website's numbers of hidden units: doubling, from a step and a bump to a curve."""

STEEPNESS_SHOWN = (1, 2, 5, 10, 20, 50)
"""The static website's steepness values (sigmoid weight times the cell width)."""

UNIVERSALITY_X = (-0.1, 1.1)


def universality_scene() -> tuple[Figure, Callable]:
    """The target curve, each pair's bump and their sum, for ``n_units`` and ``steepness``."""
    x = np.linspace(*UNIVERSALITY_X, 601)
    fig = new_figure(6.4, 3.6)
    ax = fig.add_axes((0.1, 0.14, 0.86, 0.68))
    inside = np.linspace(0, 1, 501)
    ax.plot(inside, universality_target(inside), color=GREY, lw=5, alpha=0.35, label="target f(x)")
    bumps = [
        ax.plot(x, 0 * x, color=ORANGE, lw=1, animated=True)[0]
        for _ in range(-(-max(UNITS_SHOWN) // 2))
    ]
    bumps[0].set_label("one pair's bump")
    (output,) = ax.plot(x, 0 * x, color=BLUE, lw=2.5, label="network F(x)", animated=True)
    ax.set(xlim=UNIVERSALITY_X, ylim=(-0.15, 1.05), xlabel="input x", ylabel="output")
    ax.grid(alpha=0.3)
    fig.legend(loc="upper center", ncols=3, fontsize=9, frameon=False)
    title = ax.set_title("", fontsize=11, animated=True)

    def update(units: float, steepness: float) -> list:
        built = bump_network(universality_target, int(units), steepness, x)
        for k, line in enumerate(bumps):
            line.set_visible(k < built["cells"])
            if k < built["cells"]:
                line.set_ydata(built["bumps"][k])
        output.set_ydata(built["output"])
        title.set_text(
            f"{int(units)} units, {built['cells']} cells: largest error {built['error']:.3f}"
        )
        return [*bumps, output, title]

    return fig, update


draw_universality = Scene(universality_scene)
"""``draw_universality(units=..., steepness=...)`` -> Figure."""


def universality(*, units: int = 1, steepness: float = 10) -> InteractiveFigure:
    """Steps, bumps and a curve: a hand-built sigmoid network with sliders for its size and steepness.

    The static website shows ``UNITS_SHOWN`` × ``STEEPNESS_SHOWN`` (with the starting values).
    """
    return interactive_figure(
        draw_universality,
        {
            "units": Slider(
                1, 32, 1, units, "hidden units N", static_values=_with(UNITS_SHOWN, units)
            ),
            "steepness": Slider(
                1, 50, 1, steepness, "steepness", static_values=_with(STEEPNESS_SHOWN, steepness)
            ),
        },
        alt=(
            "A wavy target curve on the interval from 0 to 1, drawn thick and grey, with the "
            "output of a one-hidden-layer sigmoid network built by hand (blue) and the bump that "
            "each pair of hidden units contributes (thin orange). One unit is a single step, two "
            "units make one bump, and as the units double the bumps narrow and their sum follows "
            "the curve; a low steepness blurs the bumps into each other."
        ),
    )


def _with(values: Sequence[float], start: float) -> tuple[float, ...]:
    """``values`` with the starting value among them."""
    return tuple(sorted({*values, start}))
