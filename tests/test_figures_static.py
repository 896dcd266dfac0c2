"""Static figures: the smaller of SVG and a 2× PNG, shown at the SVG's size, with text sizes known."""

import base64
import io
import re

import matplotlib
import numpy as np
import pytest
from PIL import Image

from nncourse.figures.palette import new_figure
from nncourse.figures.static import (
    CSS_DPI,
    SCALE,
    SMALLEST_TEXT_KEY,
    figure_images,
    png_size,
    sharp_bundle,
    smallest_text_pt,
)

matplotlib.use("Agg")


def line_plot():
    fig = new_figure(4, 3, dpi=100)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0, 1, 0], label="a line")
    ax.set(xlabel="x", ylabel="y")
    ax.legend(fontsize=9)
    return fig


def cloud():
    """Thousands of points and a colour image: cheaper as pixels than as vectors."""
    fig = new_figure(4, 3, dpi=100)
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)
    ax.imshow(rng.random((60, 60)), extent=(-3, 3, -3, 3))
    ax.scatter(*rng.normal(size=(2, 3000)), s=4)
    return fig


def test_smallest_text_counts_every_visible_text():
    fig = line_plot()
    fig.canvas.draw()
    assert smallest_text_pt(fig) == 9  # the legend; ticks and labels are 10
    fig.axes[0].get_legend().set_visible(False)
    assert smallest_text_pt(fig) == matplotlib.rcParams["font.size"]
    fig.text(0.5, 0.5, "  ", fontsize=3)  # blank text is not text
    fig.text(0.5, 0.5, "hidden", fontsize=4, visible=False)
    assert smallest_text_pt(fig) == matplotlib.rcParams["font.size"]
    assert smallest_text_pt(new_figure(1, 1)) is None


def test_png_is_twice_the_svg_size_and_records_its_smallest_text():
    svg, png = figure_images(line_plot())
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    width_pt = float(re.search(rb'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
    width, _ = png_size(png)
    assert abs(width - SCALE * width_pt * CSS_DPI / 72) <= 2  # the SVG's size, at 2×
    image = Image.open(io.BytesIO(png))
    assert image.text[SMALLEST_TEXT_KEY] == "9"
    assert image.mode == "P"  # a palette, as the slider frames have


def test_png_size_reads_the_header_and_refuses_other_bytes():
    assert png_size(figure_images(line_plot())[1])[0] > 0
    with pytest.raises(ValueError, match="png"):
        png_size(b"GIF89a....................")


@pytest.mark.parametrize("make", [line_plot, cloud])
def test_the_bundle_keeps_the_smaller_encoding(make):
    svg, png = figure_images(make())
    data, metadata = sharp_bundle(make())
    if len(svg) <= len(png):
        assert list(data) == ["image/svg+xml"] and metadata == {}
        assert data["image/svg+xml"].encode() == svg
    else:
        assert list(data) == ["image/png"]
        width, height = png_size(base64.b64decode(data["image/png"]))
        assert metadata == {"image/png": {"width": width // SCALE, "height": height // SCALE}}


def test_a_cloud_of_points_is_a_png():
    data, _ = sharp_bundle(cloud())
    assert list(data) == ["image/png"]


def test_a_notebook_shows_its_figures_sharp():
    """In a real kernel: pyplot's inline backend sets its own PNG format when it loads (at the first
    figure); the chapters' hidden first cell must still win."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from nncourse.figures.static import show_figures_sharp\nshow_figures_sharp()"
        ),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots(figsize=(4, 3))\n"
            "ax.scatter(range(2000), range(2000))\n"
            "plt.show()"
        ),
    ]
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    (output,) = notebook.cells[1].outputs
    png = base64.b64decode(output["data"]["image/png"])
    assert "image/svg+xml" not in output["data"]
    width, height = png_size(png)
    assert output["metadata"]["image/png"] == {"width": width // SCALE, "height": height // SCALE}
    assert abs(width / SCALE - 4 * CSS_DPI) < 0.1 * 4 * CSS_DPI  # a 4-inch figure, 2×
    assert Image.open(io.BytesIO(png)).text[SMALLEST_TEXT_KEY] == "10"
