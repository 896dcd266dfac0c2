"""How long the static frames of each interactive figure take to build, and how big they are.

Budgets: at most 5 s to build one figure's frames (issue "Sliders that work everywhere") and at most
3.5 MB added to its page, so that each page stays under 6 MB with the finer sliders of issue 14
(the gradient-descent figure has 10 learning rates × 31 steps). Times depend on the machine, so each is also printed as a ratio to a
reference measured in the same run: rendering one plain matplotlib line plot to PNG with
``savefig``. Run with ``python benchmarks/bench_figures.py``; nothing here is a test.
"""

from __future__ import annotations

import io
import os
import time

import numpy as np
from matplotlib.figure import Figure

from nncourse.figures.descent import gradient_descent_surface
from nncourse.figures.likelihood import neg_log_likelihood
from nncourse.figures.sigmoid import sigmoid_plane, sigmoid_weight_bias
from nncourse.figures.softmax import softmax_temperature
from nncourse.figures.training import mlp_training_boundary

FIGURES = [
    sigmoid_weight_bias,
    sigmoid_plane,
    softmax_temperature,
    neg_log_likelihood,
    gradient_descent_surface,
    mlp_training_boundary,
]
TIME_BUDGET_S = 5.0
SIZE_BUDGET_MB = 3.5


def reference_seconds(repeats: int = 10) -> float:
    """Median time to draw a plain 6.4 x 4.8 inch line plot and save it as a PNG."""
    x = np.linspace(0, 10, 200)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fig = Figure()
        fig.add_subplot().plot(x, np.sin(x))
        fig.savefig(io.BytesIO(), format="png")
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    reference_seconds(2)  # warm up imports and font caches
    reference = reference_seconds()
    print(f"reference: one plain matplotlib PNG in {reference * 1000:.1f} ms")
    print(f"load average of the machine: {os.getloadavg()[0]:.1f} (a busy machine slows all rows)")
    header = f"{'figure':26} {'frames':>6} {'build s':>8} {'x ref':>7} {'per frame':>9} {'MB':>6}  budget"
    print(header)
    print("-" * len(header))
    for make in FIGURES:
        start = time.perf_counter()
        figure = make()
        page = figure.to_html()
        seconds = time.perf_counter() - start
        megabytes = len(page.encode()) / 1e6
        frames = len(figure.static_frames())
        verdict = "ok" if seconds <= TIME_BUDGET_S and megabytes <= SIZE_BUDGET_MB else "OVER"
        print(
            f"{make.__name__:26} {frames:6d} {seconds:8.2f} {seconds / reference:7.0f} "
            f"{seconds / frames / reference:8.1f}x {megabytes:6.3f}  {verdict}"
        )


if __name__ == "__main__":
    main()
