"""Static figures sharp on every screen: SVG where it is the smaller file, else a PNG at 2×.

A chapter's ``plt.show()`` shows a figure through IPython's display machinery, by default as a PNG of
one image pixel per CSS pixel, blurry on a high-density screen. After ``show_figures_sharp()`` every
matplotlib figure a notebook shows is encoded twice, as SVG and as a PNG of ``SCALE`` image pixels
per CSS pixel, and only the smaller of the two is kept: a line plot is a small SVG, a figure with
thousands of points or a colour image is a smaller PNG. Both are shown at ``CSS_DPI`` CSS pixels per
inch of figure, the size an SVG has by itself. The PNG records the smallest font size of its figure
(``SMALLEST_TEXT_KEY``) so that the browser tests can check the text size at the rendered width; an
SVG's text sizes can be read from the file.

Taught in: every chapter with a static figure (the chapters' hidden first cell calls
``show_figures_sharp``).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.text import Text

from nncourse.figures.scene import encode_png

CSS_DPI = 96
"""CSS pixels per inch of figure: the size at which a browser shows an SVG from matplotlib."""

SCALE = 2
"""Image pixels per CSS pixel of a PNG figure."""

SMALLEST_TEXT_KEY = "nncourse:smallest-text-pt"
"""The PNG text chunk that holds the figure's smallest font size, in points."""

SAVE_OPTIONS = {"bbox_inches": "tight", "dpi": CSS_DPI * SCALE}
"""As IPython's inline backend saves a figure (cropped to what is drawn), at the PNG's resolution;
an SVG uses the same ``dpi`` for the colour images inside it."""


def smallest_text_pt(fig: Figure) -> float | None:
    """The smallest font size, in points, of the visible, non-empty texts of ``fig``.

    Tick labels, axis labels, titles, legends, annotations and contour labels all count; ``None``
    when the figure shows no text.
    """
    sizes = [text.get_fontsize() for text in _visible_texts(fig) if text.get_text().strip()]
    return min(sizes) if sizes else None


def _visible_texts(artist: Artist) -> Iterator[Text]:
    """The texts under ``artist`` that are drawn: a hidden legend hides its texts."""
    if not artist.get_visible():
        return
    if isinstance(artist, Text):
        yield artist
    for child in artist.get_children():
        yield from _visible_texts(child)


def figure_images(fig: Figure) -> tuple[bytes, bytes]:
    """``fig`` as SVG and as PNG bytes, both cropped as the inline backend crops them.

    The PNG has a palette of 64 colours (``scene.encode_png``), as the sliders' frames do.
    """
    from PIL import Image

    svg, png = io.BytesIO(), io.BytesIO()
    fig.savefig(svg, format="svg", **SAVE_OPTIONS)
    smallest = smallest_text_pt(fig)  # after drawing: the tick labels exist
    fig.savefig(png, format="png", **SAVE_OPTIONS)
    pixels = np.asarray(Image.open(png).convert("RGB"))
    text = {} if smallest is None else {SMALLEST_TEXT_KEY: f"{smallest:g}"}
    return svg.getvalue(), encode_png(pixels, text)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height, in image pixels, read from a PNG's header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("png: expected the bytes of a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def sharp_bundle(fig: Figure, include=None, exclude=None) -> tuple[dict, dict]:
    """IPython's display data for ``fig``: the smaller of its SVG and its ``SCALE``× PNG.

    The PNG's metadata gives its size in CSS pixels (its pixel size divided by ``SCALE``), so that it
    shows as large as the SVG would. ``include`` and ``exclude`` are IPython's and unused: the
    display machinery filters the result.
    """
    svg, png = figure_images(fig)
    if len(svg) <= len(png):
        return {"image/svg+xml": svg.decode("utf-8")}, {}
    width, height = png_size(png)
    data = {"image/png": base64.b64encode(png).decode("ascii")}
    return data, {"image/png": {"width": width // SCALE, "height": height // SCALE}}


def show_figures_sharp(shell=None) -> None:
    """Make the IPython ``shell`` (the running one by default) show figures with ``sharp_bundle``.

    Does nothing outside IPython. The figure is shown by IPython's ``ipython_display_formatter``,
    which comes before the per-format ones: pyplot's inline backend resets those when it loads (at
    pyplot's first figure), and would undo this. (A figure shown that way carries no extra display
    metadata: do not ``glue`` a figure.)
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is not None:
        shell.display_formatter.ipython_display_formatter.for_type(Figure, _display_sharp)


def _display_sharp(fig: Figure) -> None:
    from IPython.display import publish_display_data

    data, metadata = sharp_bundle(fig)
    publish_display_data({**data, "text/plain": repr(fig)}, metadata)
