"""The drawing engine of the book's figures: scenes, fast frames and compact PNGs.

Each figure has two halves: pure functions that compute the numbers shown (tested), and a thin
drawing half that turns them into a matplotlib Figure. The drawing half of a figure with sliders is
a *scene*: a ``*_scene()`` function builds the figure with everything that never moves, and returns
it with ``update(**values)``, which sets the moving parts for given slider values. ``Scene`` wraps
that pair into the ``draw(**values) -> Figure`` function that
``nncourse.figures.interactive.interactive_figure`` expects, and also draws hundreds of frames
quickly for the static website by repainting only the moving parts (matplotlib's "blitting").

Taught in: every chapter with a slider; the scenes themselves are in the chapter modules.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nncourse.figures.palette import PROBABILITY_CMAP, PROBABILITY_LEVELS


def encode_png(pixels: np.ndarray, text: dict[str, str] | None = None) -> bytes:
    """An RGB or RGBA pixel array as a compact PNG: a 64-colour palette, a few kilobytes a frame.

    RGBA pixels keep their transparency (an overlay of the moving parts, see ``Scene``). ``text``
    is stored in the PNG's text chunks.
    """
    from PIL import Image, PngImagePlugin

    mode = "RGBA" if pixels.shape[-1] == 4 else "RGB"
    image = Image.fromarray(np.ascontiguousarray(pixels), mode).quantize(
        colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    palette = image.getpalette(mode)
    channels = len(mode)
    for i in range(0, len(palette), channels):  # the quantizer turns white into 254: undo that
        if min(palette[i : i + channels]) >= 250:
            palette[i : i + channels] = [255] * channels
    image.putpalette(palette, mode)
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=9, pnginfo=info)
    return buffer.getvalue()


def render_png(figure: Figure) -> bytes:
    """Draw a whole matplotlib Figure and return it as a compact PNG."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return encode_png(np.asarray(canvas.buffer_rgba())[..., :3])


def reshade(
    ax: Axes,
    shading: list,
    x: np.ndarray,
    y: np.ndarray,
    probability: np.ndarray,
    *,
    boundary: bool = False,
) -> list:
    """Replace the last frame's probability shading on ``ax`` with this frame's; return it.

    ``shading`` is the list of artists drawn last time (empty at first); it is emptied and
    refilled in place with a ``contourf`` of ``probability`` over the grid ``x``, ``y`` in the
    probability colours and, when ``boundary`` is true and the probability crosses 0.5, the black
    contour where it equals 0.5 (the decision boundary).
    """
    for artist in shading:
        artist.remove()
    shading[:] = [
        ax.contourf(x, y, probability, levels=PROBABILITY_LEVELS, cmap=PROBABILITY_CMAP, zorder=1)
    ]
    if boundary and probability.min() < 0.5 < probability.max():
        shading.append(ax.contour(x, y, probability, levels=[0.5], colors="black", zorder=2))
    for artist in shading:  # set afterwards: contour() ignores animated= before matplotlib 3.11
        artist.set_animated(True)
    return shading


@dataclass
class _Painter:
    """A scene's figure drawn once without its moving parts, ready to paint frames over."""

    figure: Figure
    update: Callable[..., list[Artist]]
    canvas: FigureCanvasAgg
    background: object  # the canvas's saved pixels (matplotlib's BufferRegion)
    background_png: bytes

    def paint(self, values: dict) -> None:
        """Draw the moving parts for ``values`` over whatever the canvas holds."""
        # The axes' frames go on top again, as in a whole drawing, where they come after a fill.
        spines = [spine for ax in self.figure.axes for spine in ax.spines.values()]
        moving = [*self.update(**values), *spines]
        for artist in sorted(moving, key=lambda a: a.get_zorder()):
            self.figure.draw_artist(artist)


class Scene:
    """A figure whose moving parts are set by ``update(**values)``; see the module docstring.

    Parameters
    ----------
    build : callable
        ``build(*args, **kwargs)`` returns ``(figure, update)``. The parts that move are made with
        ``animated=True``; ``update(**values)`` sets them for the given values and returns them
        (a list of artists).
    *args, **kwargs
        Passed to ``build``.

    Calling the scene, ``scene(**values)``, builds a fresh figure and returns it finished: the
    pure ``draw`` function of ``interactive_figure``. ``scene.png(**values)`` returns the same
    picture as PNG bytes, building the figure only once and then painting the moving parts over
    a saved image of the rest, several times faster. For the static website the picture comes in
    two layers, so a page stores the still parts once: ``scene.background_png()``, everything that
    never moves, and ``scene.overlay_png(**values)``, the moving parts on a transparent ground.
    """

    def __init__(self, build: Callable[..., tuple], *args, **kwargs) -> None:
        self.build = build
        self.args = args
        self.kwargs = kwargs
        self.__doc__ = build.__doc__
        self._painter: _Painter | None = None

    def __call__(self, **values: float) -> Figure:
        figure, update = self.build(*self.args, **self.kwargs)
        for artist in update(**values):
            artist.set_animated(False)  # a finished figure draws everything
        return figure

    def _ready(self) -> _Painter:
        if self._painter is None:
            figure, update = self.build(*self.args, **self.kwargs)
            canvas = FigureCanvasAgg(figure)
            canvas.draw()  # everything but the animated parts
            still = encode_png(np.asarray(canvas.buffer_rgba())[..., :3])
            region = canvas.copy_from_bbox(figure.bbox)
            self._painter = _Painter(figure, update, canvas, region, still)
        return self._painter

    def png(self, **values: float) -> bytes:
        """The figure at ``values`` as PNG bytes, repainting only the moving parts."""
        painter = self._ready()
        painter.canvas.restore_region(painter.background)
        painter.paint(values)
        return encode_png(np.asarray(painter.canvas.buffer_rgba())[..., :3])

    def background_png(self) -> bytes:
        """The parts that never move, as an opaque PNG."""
        return self._ready().background_png

    def overlay_png(self, **values: float) -> bytes:
        """The moving parts at ``values`` on a transparent ground, to lay over the background."""
        painter = self._ready()
        painter.canvas.renderer.clear()  # transparent
        painter.paint(values)
        return encode_png(np.asarray(painter.canvas.buffer_rgba()))
