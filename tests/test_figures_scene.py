"""Tests for nncourse.figures.scene, on every book figure: finished, white, fast frames as drawn."""

import io

import numpy as np
import pytest
from matplotlib.figure import Figure

from nncourse import datasets
from nncourse.figures import descent, likelihood, sigmoid, softmax, training
from nncourse.figures.palette import new_figure
from nncourse.figures.scene import Scene, render_png, reshade


def snapshots_for_tests():
    X, y = datasets.moons(n_samples=30, noise=0.1, seed=0)
    return training.training_snapshots(X, y, [0, 10], resolution=8), X, y


def all_scenes():
    snaps, X, y = snapshots_for_tests()
    return [
        (sigmoid.draw_sigmoid_weight_bias, {"w": -2.0, "b": 3.0}),
        (sigmoid.draw_sigmoid_plane, {"w1": 4.0, "w2": 5.0, "b": -9.0}),
        (sigmoid.draw_sigmoid_plane, {"w1": 0.0, "w2": 0.0, "b": 0.0}),  # no line
        (softmax.draw_softmax_temperature, {"temperature": 0.5}),
        (likelihood.draw_neg_log_likelihood, {"p": 0.3}),
        (descent.draw_gradient_descent_surface, {"lr": 0.25, "steps": 30}),  # diverges off the axes
        (Scene(training.mlp_training_boundary_scene, snaps, X, y), {"epoch": 10}),
    ]


def test_scenes_draw_white_figures():
    for draw, values in all_scenes():
        fig = draw(**values)
        assert isinstance(fig, Figure)
        assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
        assert not any(a.get_animated() for ax in fig.axes for a in ax.get_children())


def pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_fast_frames_look_like_whole_drawings():
    # Scene.png repaints only the moving parts over a saved background: the picture must be the
    # one a whole drawing gives, up to a faint difference on antialiased edges.
    for draw, values in all_scenes():
        for _ in range(2):  # the second frame is painted over the saved background
            fast = pixels(draw.png(**values))
        whole = pixels(render_png(draw(**values)))
        assert fast.shape == whole.shape
        assert (np.abs(fast - whole).max(axis=-1) > 60).sum() <= 5, draw.build.__name__


def test_fast_frames_follow_the_values():
    draw = sigmoid.draw_sigmoid_weight_bias
    assert draw.png(w=1.0, b=0.0) != draw.png(w=2.0, b=0.0)
    assert draw.png(w=1.0, b=0.0) == draw.png(w=1.0, b=0.0)


def test_frames_are_small_pngs_with_a_white_background():
    from PIL import Image

    figure = new_figure(0.25, 0.25)  # 20 × 20 CSS pixels, at 2 × 2 image pixels each
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.plot([0.5], [0.5], "s", color="#0072B2")
    png = render_png(figure)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert png.startswith(b"\x89PNG") and image.size == (40, 40)
    assert image.getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("make", "names"),
    [
        (softmax.softmax_temperature, ["temperature"]),
        (likelihood.neg_log_likelihood, ["p"]),
        (descent.gradient_descent_surface, ["lr", "steps"]),
    ],
)
def test_other_figures_fit_their_budget(make, names):
    figure = make()
    assert list(figure.params) == names
    grids = figure.static_grids()
    assert np.prod([len(g) for g in grids.values()]) <= figure.max_frames
    for name, slider in figure.params.items():
        assert slider.value in grids[name]


def test_reshade_replaces_the_last_frames_shading():
    figure = new_figure(2, 2)
    ax = figure.add_axes((0, 0, 1, 1))
    x = np.linspace(-1, 1, 5)
    shading: list = []
    below_half = np.full((5, 5), 0.2)
    assert reshade(ax, shading, x, x, below_half, boundary=True) is shading
    assert len(shading) == 1  # never crosses 0.5: no boundary
    first = shading[0]
    crossing = np.tile(np.linspace(0, 1, 5), (5, 1))
    reshade(ax, shading, x, x, crossing, boundary=True)
    assert len(shading) == 2 and first not in shading
    assert first not in ax.get_children()
    assert all(artist.get_animated() for artist in shading)
    reshade(ax, shading, x, x, crossing)
    assert len(shading) == 1


def test_overlay_over_background_is_the_whole_picture():
    from PIL import Image

    def image(png: bytes) -> Image.Image:
        return Image.open(io.BytesIO(png)).convert("RGBA")

    for draw, values in all_scenes():
        background = image(draw.background_png())
        overlay = image(draw.overlay_png(**values))
        assert overlay.getpixel((0, 0))[3] == 0  # the corner is transparent: nothing moves there
        together = np.asarray(Image.alpha_composite(background, overlay).convert("RGB")).astype(int)
        whole = pixels(render_png(draw(**values)))
        assert together.shape == whole.shape
        assert (np.abs(together - whole).max(axis=-1) > 60).mean() < 0.002, draw.build.__name__


def test_tick_labels_are_at_least_10_css_pixels():
    from nncourse.figures.palette import FRAME_DPI

    for draw, values in all_scenes():
        figure = draw(**values)
        for ax in figure.axes:
            for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
                assert label.get_fontsize() * FRAME_DPI / 72 >= 10, draw.build.__name__
