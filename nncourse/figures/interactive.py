"""The interactive-figure engine: sliders that respond live in Jupyter and on the static website.

A figure is declared once, as a pure ``draw`` function and the range of each of its parameters::

    from nncourse.figures.interactive import Slider, interactive_figure

    interactive_figure(
        draw_sigmoid,  # draw(w=..., b=...) -> matplotlib Figure
        {"w": Slider(-5, 5, 0.5, 1, "weight w"), "b": Slider(-5, 5, 0.5, 0, "bias b")},
        alt="The sigmoid of w x + b for the chosen weight and bias.",
    )

The object returned displays two ways at once (its ``_repr_mimebundle_`` carries both):

- in a live kernel (JupyterLab, Notebook 7, VS Code, Colab) as ipywidgets sliders that redraw the
  figure with ``draw``;
- on the static website as self-contained HTML: every frame of a grid of parameter values is drawn
  at build time and embedded as a small PNG, and native ``<input type="range">`` sliders with a
  visible label and value pick the frame with a few lines of inline JavaScript. No kernel, no
  server, no CDN. ``_config.yml`` tells myst-nb to prefer this ``text/html`` view in the HTML build.

The static grid holds the values a slider's ``static_values`` names (every value the text asks
about), or else is coarsened where needed to stay within ``max_frames``, stepping by a whole
multiple of the live step; it always contains the starting value. Frames are drawn at twice their
size on the page, so they stay sharp on high-density screens; a ``Scene``'s frames hold only its
moving parts, shown over one background image, so a page carries its still parts once. Every
static slider has − and + buttons beside it that move it one position (fine-tuning by mouse or
touch), and a slider made with ``play=True`` (steps, epochs) gets a ▶ button.

Taught in: every chapter with a slider; each chapter's figures are in its own module of
``nncourse.figures``, and ``book/figures.md`` lists them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from nncourse._validation import ArgumentTypeError, as_int, as_real, expected
from nncourse.figures.palette import FRAME_DPI, FRAME_SCALE
from nncourse.figures.scene import render_png

DEFAULT_MAX_FRAMES = 121
FRAME_CACHE_SIZE = 512
_figure_counter = itertools.count()


def _decimals(step: float) -> int:
    """Number of decimals needed to print multiples of ``step`` exactly (0.5 -> 1, 0.25 -> 2)."""
    text = f"{step:.8f}".rstrip("0")
    return len(text.split(".")[1])


@dataclass(frozen=True)
class Slider:
    """The range of one parameter of an interactive figure.

    Parameters
    ----------
    min, max : float
        The smallest and the largest value, ``min < max``.
    step : float
        Distance between two positions of the live slider, ``> 0``.
    value : float
        Starting value, within ``[min, max]``.
    label : str
        Visible label, e.g. ``"weight w"``.
    static_step : float, optional
        Step of the static website's slider, a whole multiple of ``step``. By default
        :func:`interactive_figure` picks one that keeps the figure within its frame budget.
    static_values : sequence of float, optional
        The static website's values themselves, increasing, each a position of the live slider,
        the starting value among them: finer where the action is (``0, 5, 10, 20, 50, ...``) and
        every value the text names. Not together with ``static_step``.
    play : bool, default False
        Show a ▶ button that moves the slider one position at a time to its end (for steps and
        epochs).
    """

    min: float
    max: float
    step: float
    value: float
    label: str
    static_step: float | None = field(default=None, kw_only=True)
    static_values: tuple[float, ...] | None = field(default=None, kw_only=True)
    play: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        for name in ("min", "max", "value"):
            object.__setattr__(self, name, as_real(getattr(self, name), name, "(-inf, inf)"))
        object.__setattr__(self, "step", as_real(self.step, "step", "(0, inf)"))
        if not self.min < self.max:
            raise ValueError(expected("max", f"a number above min = {self.min:g}", self.max))
        self._check_position(self.value, "value")
        if not isinstance(self.label, str) or not self.label.strip():
            raise ArgumentTypeError(expected("label", "a non-empty string", repr(self.label)))
        if not isinstance(self.play, bool):
            raise ArgumentTypeError(expected("play", "True or False", repr(self.play)))
        if self.play and not all(float(v).is_integer() for v in (self.min, self.max, self.step)):
            raise ValueError(expected("play", "a slider of whole numbers", self))
        if self.static_step is not None:
            static_step = as_real(self.static_step, "static_step", "(0, inf)")
            ratio = static_step / self.step
            if abs(ratio - round(ratio)) > 1e-9:
                what = f"a positive whole multiple of step = {self.step:g}"
                raise ValueError(expected("static_step", what, static_step))
            object.__setattr__(self, "static_step", static_step)
        if self.static_values is not None:
            self._set_static_values()

    def _check_position(self, value: float, name: str) -> None:
        """Raise ``ValueError`` unless ``value`` is a position of the live slider."""
        if not self.min <= value <= self.max:
            raise ValueError(expected(name, f"a value in [{self.min:g}, {self.max:g}]", value))
        steps_from_min = (value - self.min) / self.step
        if abs(steps_from_min - round(steps_from_min)) > 1e-9:
            what = f"min plus a whole number of steps ({self.min:g} + k * {self.step:g})"
            raise ValueError(expected(name, what, value))

    def _set_static_values(self) -> None:
        name = "static_values"
        if self.static_step is not None:
            raise ValueError(expected(name, "None when static_step is given", self.static_values))
        if isinstance(self.static_values, str) or not isinstance(self.static_values, Sequence):
            raise ArgumentTypeError(
                expected(name, "a sequence of numbers", repr(self.static_values))
            )
        values = tuple(as_real(v, name, "(-inf, inf)") for v in self.static_values)
        for v in values:
            self._check_position(v, name)
        if any(b <= a for a, b in itertools.pairwise(values)):
            raise ValueError(expected(name, "increasing values", values))
        if not any(abs(v - self.value) < 1e-9 * self.step for v in values):
            raise ValueError(
                expected(name, f"values among them the starting {self.value:g}", values)
            )
        object.__setattr__(self, name, values)

    @property
    def decimals(self) -> int:
        """Decimals shown for a value of this slider."""
        return _decimals(self.step)

    def format(self, value: float) -> str:
        """The value as the slider shows it, e.g. ``"1.5"``."""
        return f"{value:.{self.decimals}f}"

    def grid(self, multiple: int = 1) -> np.ndarray:
        """Values ``value + j * multiple * step`` that lie in ``[min, max]``, in increasing order.

        The static website's values are ``static_values`` when given, else ``grid(multiple)``.
        """
        spacing = multiple * self.step
        below = math.floor((self.value - self.min) / spacing + 1e-9)
        above = math.floor((self.max - self.value) / spacing + 1e-9)
        values = self.value + spacing * np.arange(-below, above + 1)
        return np.round(values, self.decimals + 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _static_grids(sliders: list[Slider], max_frames: int) -> list[np.ndarray]:
    """The values of each static slider, coarsened where needed so the frames fit the budget.

    Parameters with explicit ``static_values`` or a ``static_step`` keep them; the others are
    coarsened one at a time, always the one with the most positions, to a whole multiple of their
    live step, until the product of the sizes is at most ``max_frames``.
    """
    fixed = [s.static_values is not None or s.static_step is not None for s in sliders]
    multiples = [round(s.static_step / s.step) if s.static_step is not None else 1 for s in sliders]

    def values(i: int) -> np.ndarray:
        if sliders[i].static_values is not None:
            return np.round(np.array(sliders[i].static_values), sliders[i].decimals + 2) + 0.0
        return sliders[i].grid(multiples[i])

    grids = [values(i) for i in range(len(sliders))]
    while math.prod(len(g) for g in grids) > max_frames:
        free = [i for i in range(len(sliders)) if not fixed[i] and len(grids[i]) > 2]
        if not free:
            break
        i = max(free, key=lambda j: len(grids[j]))
        multiples[i] += 1
        grids[i] = values(i)
    return grids


def _close(figure) -> None:
    """Forget a figure made with pyplot, so the notebook does not show it a second time."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(figure)


_SCRIPT = """(function () {
  var root = document.getElementById("%(id)s");
  if (!root) { return; }
  var frames = JSON.parse(root.querySelector("script.nncourse-frames").textContent);
  var image = root.querySelector("img");
  var inputs = root.querySelectorAll("input[type=range]");
  function update() {
    var index = 0, shown = [];
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i], values = JSON.parse(input.dataset.values), k = Number(input.value);
      index = index * values.length + k;
      input.setAttribute("aria-valuetext", values[k]);
      root.querySelector("output[for='" + input.id + "']").textContent = values[k];
      shown.push(input.dataset.label + " = " + values[k]);
    }
    image.src = "data:image/png;base64," + frames[index];
    image.alt = root.dataset.alt + " (" + shown.join(", ") + ")";
  }
  function player(button) {
    var input = document.getElementById(button.dataset.for), timer = null;
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    function show(playing) {
      button.setAttribute("aria-pressed", playing ? "true" : "false");
      button.textContent = playing ? "\u23f8" : "\u25b6";
    }
    function stop() { if (timer !== null) { clearInterval(timer); timer = null; } show(false); }
    function advance() {
      if (Number(input.value) < Number(input.max)) { input.value = Number(input.value) + 1; update(); }
      if (Number(input.value) >= Number(input.max)) { stop(); }
    }
    button.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      if (Number(input.value) >= Number(input.max)) { input.value = 0; update(); return; }
      if (still) { advance(); return; }  // reduced motion: one position per press, no animation
      show(true);
      timer = setInterval(advance, %(interval)d);
    });
    input.addEventListener("input", stop);  // the reader took over
  }
  function stepper(button) {
    var input = document.getElementById(button.dataset.for), by = Number(button.dataset.step);
    button.addEventListener("click", function () {
      var k = Math.min(Number(input.max), Math.max(0, Number(input.value) + by));
      if (k === Number(input.value)) { return; }
      input.value = k;
      input.dispatchEvent(new Event("input"));  // redraws, and stops ▶ as a drag does
    });
  }
  for (var i = 0; i < inputs.length; i++) { inputs[i].addEventListener("input", update); }
  var steppers = root.querySelectorAll("button.nncourse-step");
  for (var s = 0; s < steppers.length; s++) { stepper(steppers[s]); }
  var buttons = root.querySelectorAll("button.nncourse-play");
  for (var j = 0; j < buttons.length; j++) { player(buttons[j]); }
})();"""

PLAY_INTERVAL_MS = 400
"""Time between two frames when ▶ plays a slider."""

_STYLE = (
    ".nncourse-figure{background:#fff;color:#000;padding:.5em;display:inline-block;"
    "max-width:100%;box-sizing:border-box}"
    ".nncourse-figure img{max-width:100%;height:auto;display:block}"
    ".nncourse-figure .nncourse-stack{width:fit-content;max-width:100%;background-size:100% 100%}"
    ".nncourse-figure .nncourse-controls{display:grid;grid-template-columns:max-content "
    "minmax(8em,20em) 2em 2em 4em 2.75em;gap:.3em .6em;align-items:center;margin-top:.4em}"
    ".nncourse-figure input[type=range]{width:100%;margin:0}"
    ".nncourse-figure output{font-variant-numeric:tabular-nums}"
    ".nncourse-figure button{font:inherit;line-height:1;padding:0;background:#fff;color:#000;"
    "border:1px solid #555;border-radius:.3em;cursor:pointer}"
    ".nncourse-figure .nncourse-step{min-width:2em;min-height:2em}"
    ".nncourse-figure .nncourse-play{min-width:2.75em;min-height:2.75em}"
    # a phone or a touch screen: the label above a full-width slider, and below it the - and +
    # buttons, the value and the play button; 44 px targets
    "@media (max-width:600px),(pointer:coarse){.nncourse-figure{display:block}"
    ".nncourse-figure .nncourse-controls{grid-template-columns:44px 44px 1fr 44px}"
    ".nncourse-figure .nncourse-controls label,.nncourse-figure input[type=range]"
    "{grid-column:1/-1}"
    ".nncourse-figure input[type=range]{height:44px}"
    ".nncourse-figure .nncourse-step,.nncourse-figure .nncourse-play"
    "{min-width:44px;min-height:44px}}"
    # dark mode: the figure keeps its own white box and black text (its frames are transparent overlays
    # on a background that is not opaque), with no dimming filter on its images
    "html[data-theme=dark] .nncourse-figure img{filter:none}"
)


def _control(input_id: str, name: str, slider: Slider, labels: list[str], start: int) -> str:
    """One row of the static controls: label, range input, − and + (one position down or up),
    value, and ▶ if the slider plays."""
    label = html.escape(slider.label)
    play = (
        f'<button type="button" class="nncourse-play" data-for="{input_id}" '
        f'aria-label="Play {label}" aria-pressed="false">\u25b6</button>'
        if slider.play
        else "<span></span>"
    )
    steps = "".join(
        f'<button type="button" class="nncourse-step" data-for="{input_id}" data-step="{by}" '
        f'aria-label="{word} {label}">{sign}</button>'
        for by, word, sign in ((-1, "Decrease", "\u2212"), (1, "Increase", "+"))
    )
    return (
        f'<label for="{input_id}">{label}</label>'
        f'<input type="range" id="{input_id}" name="{name}" min="0" '
        f'max="{len(labels) - 1}" step="1" value="{start}" '
        f'aria-valuetext="{labels[start]}" data-label="{label}" '
        f"data-values='{html.escape(json.dumps(labels))}'>"
        f'{steps}<output for="{input_id}">{labels[start]}</output>{play}'
    )


class InteractiveFigure:
    """A figure with sliders; see :func:`interactive_figure`, which makes one."""

    def __init__(
        self,
        draw: Callable[..., object],
        params: Mapping[str, Slider],
        *,
        alt: str,
        max_frames: int = DEFAULT_MAX_FRAMES,
    ) -> None:
        if not callable(draw):
            raise ArgumentTypeError(expected("draw", "a function returning a Figure", repr(draw)))
        if not isinstance(params, Mapping) or not params:
            what = "a non-empty dict mapping names to Slider objects"
            raise ArgumentTypeError(expected("params", what, repr(params)))
        for name, slider in params.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise ValueError(expected("params", "Python identifiers as keys", repr(name)))
            if not isinstance(slider, Slider):
                what = "a Slider"
                raise ArgumentTypeError(expected(f"params[{name!r}]", what, type(slider).__name__))
        if not isinstance(alt, str) or not alt.strip():
            raise ArgumentTypeError(
                expected("alt", "a non-empty string describing the figure", repr(alt))
            )
        max_frames = as_int(max_frames, "max_frames", minimum=1)
        self.draw = draw
        self.params = dict(params)
        self.alt = alt.strip()
        self.max_frames = max_frames
        self._widget = None
        self._sliders = None
        self._frames: list[bytes] | None = None
        self._cache: dict[tuple, bytes] = {}

    def __repr__(self) -> str:
        names = ", ".join(self.params)
        return f"<InteractiveFigure with sliders {names}: {self.alt}>"

    # -- frames -------------------------------------------------------------------------------
    def _rounded(self, values: Mapping[str, float]) -> dict[str, float]:
        """``values`` rounded to each slider's decimals (so 0.1 + 0.2 draws the frame of 0.3)."""
        return {
            name: round(float(values[name]), slider.decimals + 2)
            for name, slider in self.params.items()
        }

    def frame(self, **values: float) -> bytes:
        """PNG bytes of the figure drawn at ``values`` (rounded to each slider's decimals)."""
        rounded = self._rounded(values)
        key = tuple(rounded.values())
        if key not in self._cache:
            if len(self._cache) >= FRAME_CACHE_SIZE:  # forget the oldest live frame
                self._cache.pop(next(iter(self._cache)))
            fast = getattr(self.draw, "png", None)  # a Scene repaints only what moves
            if fast is not None:
                self._cache[key] = fast(**rounded)
            else:
                figure = self.draw(**rounded)
                try:
                    figure.set_dpi(FRAME_DPI * FRAME_SCALE)
                    self._cache[key] = render_png(figure)
                finally:
                    _close(figure)
        return self._cache[key]

    def static_grids(self) -> dict[str, np.ndarray]:
        """The values each slider of the static website can take, starting value included."""
        grids = _static_grids(list(self.params.values()), self.max_frames)
        return dict(zip(self.params, grids, strict=True))

    @property
    def layered(self) -> bool:
        """Whether the static frames are overlays on one background (``draw`` is a ``Scene``)."""
        return hasattr(self.draw, "overlay_png") and hasattr(self.draw, "background_png")

    def static_frames(self) -> list[bytes]:
        """Every frame of the static grid, in row-major order of the parameters (last varies fastest).

        When ``layered``, each frame holds only the moving parts on a transparent ground, to be
        shown over ``draw.background_png()``; else it is the whole picture, ``frame(**values)``.
        """
        if self._frames is None:
            grids = self.static_grids()
            combos = [dict(zip(grids, c, strict=True)) for c in itertools.product(*grids.values())]
            if self.layered:
                self._frames = [self.draw.overlay_png(**self._rounded(v)) for v in combos]
            else:
                self._frames = [self.frame(**v) for v in combos]
        return self._frames

    # -- static website -----------------------------------------------------------------------
    def to_html(self) -> str:
        """Self-contained HTML: the frames, native range inputs and a few lines of JavaScript."""
        grids = self.static_grids()
        frames = self.static_frames()
        encoded = [base64.b64encode(f).decode("ascii") for f in frames]
        digest = hashlib.sha1("".join(encoded).encode("ascii")).hexdigest()[:8]
        fig_id = f"nncourse-fig-{digest}-{next(_figure_counter)}"
        starts = {
            name: int(np.argmin(np.abs(g - self.params[name].value))) for name, g in grids.items()
        }
        index = 0
        for name, g in grids.items():
            index = index * len(g) + starts[name]
        controls = [
            _control(
                f"{fig_id}-{name}",
                name,
                slider,
                [slider.format(v) for v in grids[name]],
                starts[name],
            )
            for name, slider in self.params.items()
        ]
        first = {name: grids[name][k] for name, k in starts.items()}
        return (
            f'<div class="nncourse-figure" id="{fig_id}" data-alt="{html.escape(self.alt)}">'
            f"<style>{_STYLE}</style>"
            f"{self._stack(frames[index], first)}"
            f'<div class="nncourse-controls">{"".join(controls)}</div>'
            f'<script type="application/json" class="nncourse-frames">{json.dumps(encoded)}</script>'
            f"<script>{_SCRIPT % {'id': fig_id, 'interval': PLAY_INTERVAL_MS}}</script>"
            "</div>"
        )

    def _stack(self, png: bytes, values: Mapping[str, float]) -> str:
        """The shown frame, over the background when the frames are layered."""
        style = ""
        if self.layered:
            background = base64.b64encode(self.draw.background_png()).decode("ascii")
            style = f' style="background-image:url(data:image/png;base64,{background})"'
        return f'<div class="nncourse-stack"{style}>{self.image_tag(png, values)}</div>'

    def image_tag(self, png: bytes, values: Mapping[str, float]) -> str:
        """An ``<img>`` showing ``png``, whose alt text ends with the values it was drawn for."""
        shown = ", ".join(f"{s.label} = {s.format(values[n])}" for n, s in self.params.items())
        width, height = (round(size / FRAME_SCALE) for size in _png_size(png))
        return (
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
            f'width="{width}" height="{height}" alt="{html.escape(f"{self.alt} ({shown})")}">'
        )

    # -- live kernel ----------------------------------------------------------------------------
    @property
    def sliders(self) -> dict:
        """The live ipywidgets sliders, by parameter name."""
        if self._sliders is None:
            import ipywidgets

            # one label width for all, so the tracks line up
            label_width = f"{max(len(s.label) for s in self.params.values()) + 2}ch"
            self._sliders = {
                name: ipywidgets.FloatSlider(
                    min=s.min,
                    max=s.max,
                    step=s.step,
                    value=s.value,
                    description=s.label,
                    readout_format=f".{s.decimals}f",
                    continuous_update=True,
                    style={"description_width": label_width},
                    layout=ipywidgets.Layout(width=f"calc({label_width} + 22em)"),
                )
                for name, s in self.params.items()
            }
        return self._sliders

    @property
    def widget(self):
        """The live view: the sliders above the picture, redrawn by ``draw`` whenever one moves."""
        if self._widget is None:
            import ipywidgets

            def picture() -> str:
                values = {name: slider.value for name, slider in self.sliders.items()}
                return self.image_tag(self.frame(**values), values)

            image = ipywidgets.HTML(value=picture())  # an <img> with alt text

            def redraw(_change) -> None:
                image.value = picture()

            rows = []
            for name, slider in self.sliders.items():
                slider.observe(redraw, names="value")
                rows.append(self._live_row(slider, self.params[name]))
            self._widget = ipywidgets.VBox([*rows, image])
        return self._widget

    @staticmethod
    def _live_row(slider, params: Slider):
        """The live slider, with an ipywidgets ▶ Play linked to it when the slider plays."""
        if not params.play:
            return slider
        import ipywidgets

        play = ipywidgets.Play(
            min=int(params.min),
            max=int(params.max),
            step=int(params.step),
            value=int(params.value),
            interval=PLAY_INTERVAL_MS,
            description=f"Play {params.label}",
        )
        ipywidgets.jslink((play, "value"), (slider, "value"))
        return ipywidgets.HBox([slider, play])

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = dict(self.widget._repr_mimebundle_())
        bundle["text/html"] = self.to_html()
        bundle["text/plain"] = self.alt
        return bundle


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def interactive_figure(
    draw: Callable[..., object],
    params: Mapping[str, Slider],
    *,
    alt: str,
    max_frames: int = DEFAULT_MAX_FRAMES,
) -> InteractiveFigure:
    """A figure with sliders that works in a live kernel and on the static website.

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` returns a matplotlib Figure for one value of each parameter. It should
        be pure (same values, same picture) and quick: the static website stores one frame per
        combination of values. A ``nncourse.figures.scene.Scene`` is such a function that also draws
        frames several times faster.
    params : dict of str to Slider
        The parameters, in the order their sliders appear.
    alt : str
        Alt text: what the figure shows. The current values are appended on the page.
    max_frames : int, default 121
        Most frames stored for the static website. Parameters without a ``static_step`` get a
        coarser static step until the grid fits.

    Returns
    -------
    InteractiveFigure
        Displays as ipywidgets sliders in a live kernel, and as self-contained HTML sliders
        (``text/html``) on the static website.
    """
    return InteractiveFigure(draw, params, alt=alt, max_frames=max_frames)
