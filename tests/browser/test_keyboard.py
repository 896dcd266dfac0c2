"""The book with the keyboard only: few Tab stops before the content, and a visible focus ring.

In headless Chromium, offline, on the built site (``NNCOURSE_BUILD_DIR`` as for ``test_site.py``),
each page below is walked with the Tab key from its top through its whole Tab order, once:

- the first slider of each chapter is reached in at most 40 key presses (MathJax used to make
  every inline equation a Tab stop: 254 presses to the sigmoid's first slider) through the skip link
  "Skip to the interactive figure" at the top of the page (Tab to it, Enter, Tab on);
- by Tab alone, from page load, the first slider comes after the page's own stops (the skip links,
  the sidebar's chapter list, the header's buttons: ``MAX_CHROME_STOPS``) and the article's links,
  code-cell buttons and answers before it: at most 40 presses where the article has few stops
  before its slider. Where it has many (every code cell has a copy button, every hidden one a "Show
  code cell source" toggle, and every chapter's first slider comes after its maths and code), the
  count is over 40, and ``PLAIN_TAB_OVER_40`` records it: the test holds each chapter to its
  measured count instead of hiding it, so that nothing adds stops unnoticed;
- no equation is a Tab stop, unless it is wider than the column and scrolls by the arrow keys;
- every element that takes the focus shows a focus ring (an outline or a box shadow), and is
  visible while it has the focus (the theme's header buttons had ``outline: none``).
"""

from __future__ import annotations

import pytest
from bookpages import CHAPTERS
from test_site import measured_pages

OTHER_PAGES = ["book/intro", "book/notation", "book/exercises/index", "book/exercises/sigmoid"]
MAX_PRESSES_TO_SLIDER = 40
MAX_CHROME_STOPS = 25  # skip links 2, sidebar 17 (logo, search, 14 pages, a toggle), header 6
# Plain Tab presses from page load to the first slider, where they are over 40: the article's own
# stops before the slider (links, copy buttons, code toggles, answers) are that many.
# Measured on the build of December 2026: 25 of them are the page's own in every chapter (the
# backpropagation chapter's computation graph scrolls sideways, so it is a stop too).
PLAIN_TAB_OVER_40 = {"book/sigmoid": 66, "book/softmax": 58, "book/cross_entropy": 41,
                     "book/gradient_descent": 48, "book/backpropagation": 106,
                     "book/training": 49}  # fmt: skip
MAX_WALK = 600  # Tab presses before giving up on coming back to the start

# The element that has the focus after a Tab press: what it is, whether it shows a ring, whether
# it is visible; null once the focus leaves the page or comes back to a stop seen before.
FOCUSED = """
() => {
  const e = document.activeElement;
  window.__stops = window.__stops || new Set();
  if (!e || e === document.body || e === document.documentElement || window.__stops.has(e)) {
    return null;
  }
  window.__stops.add(e);
  const s = getComputedStyle(e);
  const transparent = (c) => c === "rgba(0, 0, 0, 0)" || c === "transparent";
  // A ring on the element, or on the child that draws it (the sidebar's arrows).
  const ringed = (x) => {
    const t = getComputedStyle(x);
    return (t.outlineStyle !== "none" && parseFloat(t.outlineWidth) >= 2
      && !transparent(t.outlineColor)) || t.boxShadow !== "none";
  };
  const sized = (x) => x.getBoundingClientRect().width > 0 && x.getBoundingClientRect().height > 0;
  let opacity = 1;
  for (let a = e; a; a = a.parentElement) opacity *= parseFloat(getComputedStyle(a).opacity);
  const text = (e.getAttribute("aria-label") || e.textContent || e.title || "").trim();
  return {
    what: `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} "${text.slice(0, 40)}"`,
    ring: ringed(e) || [...e.children].some(ringed),
    visible: (sized(e) || [...e.children].some(sized)) && opacity > 0.5 && s.visibility !== "hidden",
    slider: e.matches(".nncourse-figure input[type=range]"),
    // An equation is a Tab stop only if it is too wide and scrolls (by the arrow keys).
    equation: Boolean(e.closest("mjx-container")) && e.scrollWidth <= e.clientWidth,
    skipTo: e.closest(".skip-link") && e.hash ? e.hash : null,
    article: Boolean(e.closest("article.bd-article")),
  };
}
"""


@pytest.fixture(scope="module")
def tab_walk(browser, built_site):
    """``tab_walk(name)``: the page's Tab stops, in order, from its top round to the start."""

    def walk(page, screen: str) -> list[dict]:
        stops = []
        for _ in range(MAX_WALK):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUSED)
            if stop is None:
                break
            stops.append(stop)
        return stops

    with measured_pages(browser, built_site, ["laptop"], walk) as look:
        yield lambda name: look(name, "laptop")


def presses_through_skip_link(page, position: int) -> int | None:
    """Tab ``position`` times to a skip link, Enter, then Tab to a slider: the presses, or None."""
    for _ in range(position):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    for tabs in range(1, MAX_PRESSES_TO_SLIDER + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.nncourse-figure input[type=range]')"):
            return position + 1 + tabs
    return None


def first_slider(stops: list[dict], name: str) -> int:
    """The number of Tab presses from page load that focus the page's first slider."""
    sliders = [i for i, stop in enumerate(stops) if stop["slider"]]
    if not sliders:
        pytest.skip(f"{name} has no slider")
    return sliders[0] + 1


@pytest.mark.parametrize("name", CHAPTERS)
def test_first_slider_within_40_key_presses_through_the_skip_link(tab_walk, open_site_page, name):
    stops = tab_walk(name)
    plain = first_slider(stops, name)
    routes = {}
    for position, stop in enumerate(stops[: plain - 1], start=1):
        if stop["skipTo"]:
            page = open_site_page(name, "laptop")
            presses = presses_through_skip_link(page, position)
            if presses is not None:
                routes[f"skip link {stop['what']}"] = (position, presses)
    assert routes, f"{name}: no skip link reaches the first slider"
    position, presses = min(routes.values(), key=lambda route: route[1])
    assert position <= 2 and presses <= MAX_PRESSES_TO_SLIDER, (
        f"{name}: key presses to the first slider {routes} (at most {MAX_PRESSES_TO_SLIDER})"
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_first_slider_by_tab_alone_from_page_load(tab_walk, name):
    """Plain Tab presses, no skip link: the page's own stops are few, the rest is the article."""
    stops = tab_walk(name)
    plain = first_slider(stops, name)
    before = stops[: plain - 1]
    chrome = [stop["what"] for stop in before if not stop["article"]]
    article = [stop["what"] for stop in before if stop["article"]]
    assert len(chrome) <= MAX_CHROME_STOPS, (
        f"{name}: {len(chrome)} stops outside the article: {chrome}"
    )
    expected = PLAIN_TAB_OVER_40.get(name)
    if expected is None:
        assert plain <= MAX_PRESSES_TO_SLIDER, (
            f"{name}: {plain} Tab presses to the first slider (at most {MAX_PRESSES_TO_SLIDER}); "
            f"{len(chrome)} outside the article, and in it: {article}"
        )
    else:  # the article has this many stops before its slider: recorded, and held to it
        assert plain <= expected, (
            f"{name}: {plain} Tab presses to the first slider, more than the {expected} recorded; "
            f"{len(chrome)} outside the article, and in it: {article}"
        )


@pytest.mark.parametrize("name", CHAPTERS + OTHER_PAGES)
def test_every_tab_stop_shows_a_focus_ring(tab_walk, name):
    stops = tab_walk(name)
    assert len(stops) > 5, f"{name}: only {len(stops)} Tab stops: {stops}"
    equations = [stop["what"] for stop in stops if stop["equation"]]
    assert equations == [], f"{name}: equations in the Tab order: {equations[:5]}"
    no_ring = [stop["what"] for stop in stops if not stop["ring"]]
    assert no_ring == [], f"{name}: no visible focus ring on {no_ring}"
    invisible = [stop["what"] for stop in stops if not stop["visible"]]
    assert invisible == [], f"{name}: invisible while focused: {invisible}"
