"""The chapters' static figures: sharp on a high-density screen, and text large enough to read.

In headless Chromium, offline, on the built site (``NNCOURSE_BUILD_DIR`` as for ``test_site.py``),
every static figure of every chapter (the images of the article outside the slider figures), at
the laptop's 1280 px and the phone's 390 px:

- is an SVG, or a PNG whose natural width is at least twice its rendered width (2× for a
  high-density screen; ``nncourse.figures.static`` picks the smaller of the two), and keeps its
  aspect ratio when the column shrinks it;
- shows its smallest text (tick labels, axis labels, legends, annotations) at least
  ``LAPTOP_MIN_PX`` CSS pixels tall on the laptop and ``PHONE_MIN_PX`` on the phone. For an SVG the
  font sizes are read from the file: matplotlib draws each text as a group scaled by its font size
  in points, in a view box whose unit is the point, so the rendered size is that font size times
  the rendered width over the view box's width. A PNG carries its figure's smallest font size in
  points in a text chunk (``SMALLEST_TEXT_KEY``), and shows ``CSS_DPI`` CSS pixels per inch of
  figure at its natural size.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bookpages import CHAPTERS
from PIL import Image
from test_site import measured_pages

from nncourse.figures.static import CSS_DPI, SCALE, SMALLEST_TEXT_KEY

PAGES = ["book/maths", *CHAPTERS]  # every page with static figures
LAPTOP_MIN_PX = 10
PHONE_MIN_PX = 6  # the phone shows a figure at about half its laptop size; pinch zoom does the rest
MIN_PX = {"laptop": LAPTOP_MIN_PX, "phone": PHONE_MIN_PX}

STATIC_IMAGES = """
() => [...document.querySelectorAll("article.bd-article img")]
  .filter((img) => !img.closest(".nncourse-figure"))
  .map((img) => ({src: img.src, alt: img.alt.slice(0, 60), natural: img.naturalWidth,
                  naturalHeight: img.naturalHeight, shown: img.getBoundingClientRect().width,
                  shownHeight: img.getBoundingClientRect().height}))
"""
SVG_SIZE = re.compile(r'<svg[^>]*\bviewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) [\d.]+"')
TEXT_SCALE = re.compile(r"scale\(([\d.]+) -\1\)")  # a text group: font size / 100 in points


def smallest_svg_text_pt(svg: str) -> tuple[float | None, float]:
    """The smallest font size of an SVG from matplotlib, in points, and its view box's width."""
    sizes = [100 * float(scale) for scale in TEXT_SCALE.findall(svg)]
    return (min(sizes) if sizes else None), float(SVG_SIZE.search(svg).group(1))


def smallest_text_px(image: dict) -> float | None:
    """The rendered size, in CSS pixels, of the smallest text of a figure the page shows."""
    path = Path(unquote(urlparse(image["src"]).path))
    if path.suffix == ".svg":
        points, view_width = smallest_svg_text_pt(path.read_text(encoding="utf-8"))
        return None if points is None else points * image["shown"] / view_width
    text = Image.open(io.BytesIO(path.read_bytes())).text
    if SMALLEST_TEXT_KEY not in text:
        return None
    natural_css = image["natural"] / SCALE
    return float(text[SMALLEST_TEXT_KEY]) * CSS_DPI / 72 * image["shown"] / natural_css


@pytest.fixture(scope="module")
def figures(browser, built_site):
    """``figures(name, screen)``: the static figures of a page as that screen shows them."""

    def measure(page, screen: str) -> list[dict]:
        page.wait_for_function(
            "() => [...document.images].every((img) => img.complete && img.naturalWidth > 0)"
        )
        return page.evaluate(STATIC_IMAGES)

    with measured_pages(browser, built_site, MIN_PX, measure) as look:
        yield look


@pytest.mark.parametrize("screen", MIN_PX)
@pytest.mark.parametrize("name", PAGES)
def test_static_figures_are_svg_or_twice_their_rendered_width(figures, name, screen):
    images = figures(name, screen)
    assert images, f"{name}: no static figure found"
    blurry = [
        f"{image['alt']!r}: {image['natural']} px shown at {image['shown']:.0f} px"
        for image in images
        if not urlparse(image["src"]).path.endswith(".svg")
        and image["natural"] < 2 * image["shown"] - 1
    ]
    assert blurry == [], f"{name} ({screen}): images under 2×: {blurry}"


@pytest.mark.parametrize("screen", MIN_PX)
@pytest.mark.parametrize("name", PAGES)
def test_static_figures_keep_their_shape(figures, name, screen):
    """A figure shrunk to the column keeps its aspect ratio (an inline height once squashed it)."""
    squashed = [
        f"{image['alt']!r}: {image['shown']:.0f} × {image['shownHeight']:.0f} px"
        for image in figures(name, screen)
        if abs(image["shown"] / image["shownHeight"] - image["natural"] / image["naturalHeight"])
        > 0.02 * image["natural"] / image["naturalHeight"]
    ]
    assert squashed == [], f"{name} ({screen}): squashed figures: {squashed}"


@pytest.mark.parametrize("screen", MIN_PX)
@pytest.mark.parametrize("name", PAGES)
def test_figure_text_is_large_enough_to_read(figures, name, screen):
    sizes = {image["alt"]: smallest_text_px(image) for image in figures(name, screen)}
    unknown = [alt for alt, px in sizes.items() if px is None]
    small = {
        alt: round(px, 1) for alt, px in sizes.items() if px is not None and px < MIN_PX[screen]
    }
    assert unknown == [], f"{name}: figures whose text size is not known: {unknown}"
    assert small == {}, f"{name} ({screen}): text under {MIN_PX[screen]} px: {small}"


def test_svg_text_sizes_are_read_from_matplotlib_svg():
    import matplotlib

    matplotlib.use("Agg")
    from nncourse.figures.palette import new_figure
    from nncourse.figures.static import figure_images

    fig = new_figure(4, 3, dpi=100)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="line")
    ax.set_xlabel("weight $w_1$", fontsize=12)
    ax.set_ylabel("loss", rotation=90)
    ax.legend(fontsize=7)
    svg, _ = figure_images(fig)
    points, view_width = smallest_svg_text_pt(svg.decode())
    assert points == pytest.approx(7)
    width_pt = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg.decode()).group(1))
    assert view_width == pytest.approx(width_pt)
