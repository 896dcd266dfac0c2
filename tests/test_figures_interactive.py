"""Tests for nncourse.figures.interactive: sliders, static grids, the live widget and the static HTML."""

import base64
import json
import re

import pytest
from matplotlib.figure import Figure

from nncourse.figures.interactive import Slider, interactive_figure
from nncourse.figures.palette import new_figure
from nncourse.figures.scene import Scene


def tiny_draw(a: float, b: float = 0.0) -> Figure:
    """A cheap figure whose pixels depend on both values."""
    fig = Figure(figsize=(1, 1), dpi=20, facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set(xlim=(-2, 2), ylim=(-2, 2))
    ax.plot([a], [b], "s", ms=6, color="#0072B2")
    return fig


def two_sliders(**kwargs):
    return interactive_figure(
        tiny_draw,
        {"a": Slider(-1, 1, 0.5, 0, "first a"), "b": Slider(0, 1, 0.5, 0.5, "second b")},
        alt="A square at (a, b).",
        **kwargs,
    )


# -- Slider -------------------------------------------------------------------------------------
def test_slider_grid_is_anchored_at_the_value():
    slider = Slider(-1, 1, 0.25, 0.5, "x")
    assert slider.grid().tolist() == [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1]
    assert slider.grid(3).tolist() == [-1, -0.25, 0.5]
    assert 0.5 in Slider(-6, 6, 0.5, 0.5, "x").grid(4)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((1, 0, 0.1, 0.5, "x"), ValueError, "max: expected a number above min"),
        ((0, 1, 0, 0.5, "x"), ValueError, "step: expected a real number in \\(0, inf\\)"),
        ((0, 1, 0.1, 2, "x"), ValueError, "value: expected a value in"),
        ((0, 1, 0.1, 0.5, ""), TypeError, "label: expected a non-empty string"),
        ((0, 1, 0.25, 0.3, "x"), ValueError, "value: expected min plus a whole number of steps"),
        ((0, "1", 0.1, 0.5, "x"), TypeError, "max: expected a real number"),
        (
            (0, float("nan"), 0.1, 0.5, "x"),
            ValueError,
            "max: expected a real number in \\(-inf, inf\\), got nan",
        ),
    ],
)
def test_slider_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        Slider(*args)


def test_slider_static_step_must_be_a_multiple_of_step():
    with pytest.raises(ValueError, match="static_step: expected a positive whole multiple"):
        Slider(0, 1, 0.1, 0.5, "x", static_step=0.25)
    assert Slider(0, 1, 0.1, 0.5, "x", static_step=0.3).static_step == 0.3


def test_slider_grid_has_no_negative_zero():
    grid = Slider(-0.3, 0.3, 0.1, 0.3, "x").grid()
    assert "-0.0" not in [Slider(-0.3, 0.3, 0.1, 0.3, "x").format(v) for v in grid]


def test_slider_formats_with_the_decimals_of_its_step():
    assert Slider(0, 1, 0.25, 0.5, "x").format(0.5) == "0.50"
    assert Slider(0, 10, 1, 5, "x").format(3.0) == "3"


# -- static grid --------------------------------------------------------------------------------
def test_static_grid_is_coarsened_to_fit_max_frames():
    figure = interactive_figure(
        tiny_draw,
        {"a": Slider(-1, 1, 0.1, 0, "a"), "b": Slider(-1, 1, 0.1, 0, "b")},
        alt="x",
        max_frames=30,
    )
    grids = figure.static_grids()
    assert len(grids["a"]) * len(grids["b"]) <= 30
    assert 0 in grids["a"] and 0 in grids["b"]


def test_explicit_static_step_is_kept():
    figure = interactive_figure(
        tiny_draw,
        {"a": Slider(-1, 1, 0.1, 0.2, "a", static_step=0.4), "b": Slider(0, 1, 0.5, 0, "b")},
        alt="x",
    )
    assert figure.static_grids()["a"].tolist() == [-1, -0.6, -0.2, 0.2, 0.6, 1]


@pytest.mark.parametrize(
    ("draw", "params", "alt", "error"),
    [
        ("not callable", {"a": Slider(0, 1, 1, 0, "a")}, "x", TypeError),
        (tiny_draw, {}, "x", TypeError),
        (tiny_draw, {"a": (0, 1, 1, 0)}, "x", TypeError),
        (tiny_draw, {"not a name": Slider(0, 1, 1, 0, "a")}, "x", ValueError),
        (tiny_draw, {"a": Slider(0, 1, 1, 0, "a")}, "", TypeError),
    ],
)
def test_interactive_figure_rejects_bad_input(draw, params, alt, error):
    with pytest.raises(error):
        interactive_figure(draw, params, alt=alt)


# -- live widget --------------------------------------------------------------------------------
def test_live_widget_has_the_named_sliders_with_their_ranges():
    figure = two_sliders()
    a, b = figure.sliders["a"], figure.sliders["b"]
    assert (a.min, a.max, a.step, a.value, a.description) == (-1, 1, 0.5, 0, "first a")
    assert (b.min, b.max, b.step, b.value, b.description) == (0, 1, 0.5, 0.5, "second b")
    assert list(figure.widget.children[:2]) == [a, b]


def test_moving_a_live_slider_redraws_the_image():
    figure = two_sliders()
    image = figure.widget.children[-1]
    before = image.value
    figure.sliders["a"].value = 1
    assert image.value != before
    assert base64.b64encode(figure.frame(a=1, b=0.5)).decode() in image.value
    assert 'alt="A square at (a, b). (first a = 1.0, second b = 0.5)"' in image.value


def test_frame_closes_pyplot_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def pyplot_draw(a):
        fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
        ax.plot([0, a])
        return fig

    figure = interactive_figure(pyplot_draw, {"a": Slider(0, 1, 1, 0, "a")}, alt="x")
    figure.static_frames()
    assert plt.get_fignums() == []


# -- static HTML --------------------------------------------------------------------------------
def test_static_html_holds_every_frame_and_the_inputs():
    figure = two_sliders()
    page = figure.to_html()
    frames = json.loads(re.search(r'class="nncourse-frames">(.*?)</script>', page).group(1))
    assert len(frames) == 5 * 3
    expected = [
        base64.b64encode(figure.frame(a=a, b=b)).decode()
        for a in (-1, -0.5, 0, 0.5, 1)
        for b in (0, 0.5, 1)
    ]
    assert frames == expected
    assert len(set(frames)) == len(frames)
    assert page.count('type="range"') == 2
    for label in ("first a", "second b"):
        input_id = re.search(rf'<label for="([^"]+)">{label}</label>', page).group(1)
        assert f'<input type="range" id="{input_id}"' in page
        assert f'<output for="{input_id}">' in page
    # the image shown first is the starting values' frame: a = 0 is index 2, b = 0.5 index 1
    assert f'src="data:image/png;base64,{frames[2 * 3 + 1]}"' in page
    assert 'alt="A square at (a, b). (first a = 0.0, second b = 0.5)"' in page


def test_static_html_loads_nothing_from_outside():
    page = two_sliders().to_html()
    assert not re.search(r"(src|href)=\"(?!data:)", page)
    assert "http" not in page


def test_mimebundle_carries_the_widget_and_the_html():
    bundle = two_sliders()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="nncourse-figure"')
    assert bundle["text/plain"] == "A square at (a, b)."


# -- static values and play ---------------------------------------------------------------------
def test_static_values_are_the_website_values():
    figure = interactive_figure(
        tiny_draw,
        {
            "a": Slider(-1, 1, 0.25, 0, "a", static_values=(-1, -0.25, 0, 1)),
            "b": Slider(0, 2, 0.5, 0, "b"),
        },
        alt="x",
        max_frames=8,
    )
    grids = figure.static_grids()
    assert grids["a"].tolist() == [-1, -0.25, 0, 1]
    assert grids["b"].tolist() == [0, 1.5]  # coarsened: only the free slider gives way
    labels = "[&quot;-1.00&quot;, &quot;-0.25&quot;, &quot;0.00&quot;, &quot;1.00&quot;]"
    assert f"data-values='{labels}'" in figure.to_html()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"static_values": (0, 0.3)},
            ValueError,
            "static_values: expected min plus a whole number",
        ),
        ({"static_values": (0.5, 0)}, ValueError, "static_values: expected increasing"),
        ({"static_values": (0.25, 1)}, ValueError, "starting 0"),
        ({"static_values": (0, 2)}, ValueError, "static_values: expected a value in"),
        ({"static_values": "0, 1"}, TypeError, "static_values: expected a sequence"),
        ({"static_values": (0, 1), "static_step": 0.5}, ValueError, "when static_step is given"),
        ({"play": "yes"}, TypeError, "play: expected True or False"),
        ({"play": True}, ValueError, "play: expected a slider of whole numbers"),
    ],
)
def test_slider_rejects_bad_static_values_and_play(kwargs, error, match):
    with pytest.raises(error, match=match):
        Slider(0, 1, 0.25, 0, "x", **kwargs)


def playing_figure():
    return interactive_figure(
        tiny_draw,
        {"a": Slider(0, 3, 1, 0, "steps a", play=True), "b": Slider(0, 1, 0.5, 0, "b")},
        alt="A square.",
    )


def test_a_playing_slider_has_a_play_button_in_the_page_and_the_live_widget():
    import ipywidgets

    figure = playing_figure()
    page = figure.to_html()
    assert page.count('class="nncourse-play"') == 1
    input_id = re.search(r'<label for="([^"]+)">steps a</label>', page).group(1)
    assert (
        f'data-for="{input_id}" aria-label="Play steps a" aria-pressed="false">▶</button>' in page
    )
    assert "prefers-reduced-motion" in page
    row = figure.widget.children[0]
    assert isinstance(row, ipywidgets.HBox) and isinstance(row.children[1], ipywidgets.Play)
    assert row.children[0] is figure.sliders["a"]
    assert figure.widget.children[1] is figure.sliders["b"]


def test_frames_are_drawn_at_twice_their_size_on_the_page():
    figure = two_sliders()
    page = figure.to_html()
    assert 'width="80" height="80"' in page  # a 1-inch figure: 80 CSS pixels, 160 image pixels
    width = int.from_bytes(figure.frame(a=0, b=0.5)[16:20], "big")
    assert width == 160


def tiny_scene():
    figure = new_figure(1, 1)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set(xlim=(-2, 2), ylim=(-2, 2))
    ax.plot([-2, 2], [0, 0], color="#555555")  # still
    (square,) = ax.plot([], [], "s", ms=6, color="#0072B2", animated=True)

    def update(a: float) -> list:
        square.set_data([a], [0])
        return [square]

    return figure, update


def test_scene_frames_are_overlays_on_one_background():
    figure = interactive_figure(Scene(tiny_scene), {"a": Slider(-1, 1, 1, 0, "a")}, alt="A square.")
    assert figure.layered and not two_sliders().layered
    page = figure.to_html()
    background = base64.b64encode(figure.draw.background_png()).decode()
    assert (
        f'<div class="nncourse-stack" style="background-image:url(data:image/png;base64,{background})">'
        in page
    )
    frames = json.loads(re.search(r'class="nncourse-frames">(.*?)</script>', page).group(1))
    assert frames == [base64.b64encode(figure.draw.overlay_png(a=a)).decode() for a in (-1, 0, 1)]
    assert page.count("<img ") == 1  # the background is no image of its own: one alt text
