"""Reading the book on a laptop, on a phone and in dark mode: what the reader sees of the text.

In headless Chromium, offline, on the built site (``NNCOURSE_BUILD_DIR`` as for ``test_site.py``):

- no text a reader sees outside code and typeset maths contains ``$`` or a TeX command
  (``\\frac``, ``\\sum``, ...): maths that MathJax did not typeset shows as raw LaTeX;
- at 1280 px and at 390 px no equation, table or code block is cut off: whatever is wider than the
  column scrolls sideways inside its own box, and that box shows the cue that there is more
  (``book/_static/scroll-cues.js``); the page itself never scrolls sideways;
- on a phone the previous/next titles and the output of a check (the message a learner most needs)
  are not cut off at the right edge;
- in dark mode every figure sits on its own light background in a single box: not dimmed by a
  filter, not framed in a grey box inside a white one.
"""

from __future__ import annotations

import re

import pytest
from bookpages import CHAPTERS
from test_site import BOOK_PAGES, measured_pages

# A dollar sign, or a backslash followed by letters (a TeX command such as \frac or \lvert).
RAW_TEX = re.compile(r"\$|\\[A-Za-z]+")

# The text nodes a reader sees in the article, outside code, scripts and typeset maths.
PROSE_NODES = """
() => {
  const article = document.querySelector("article.bd-article");
  const skip = "pre, code, kbd, samp, script, style, textarea, mjx-container, mjx-assistive-mml, "
    + ".highlight, .nncourse-figure, .headerlink";
  const texts = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest(skip) && node.textContent.trim()) {
      texts.push(node.textContent);
    }
  }
  return texts;
}
"""

# Every display equation, table and code block that does not fit: is it in a box that scrolls and
# shows a cue? Returns one line per problem.
CLIPPED = """
() => {
  const article = document.querySelector("article.bd-article");
  const column = article.getBoundingClientRect();
  const problems = [];
  const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const describe = (e) => {
    const text = (e.getAttribute("aria-label") || e.textContent || "").trim().replace(/\\s+/g, " ");
    return `${e.tagName.toLowerCase()} "${text.slice(0, 50)}"`;
  };
  const elements = article.querySelectorAll(
    'mjx-container[display="true"], table, div.highlight pre, div.math');
  for (const element of elements) {
    if (element.closest(".nncourse-figure") || !element.getClientRects().length) continue;
    let box = element;
    while (box !== article && !scrolls(box)) box = box.parentElement;
    if (box === article) {
      // No scrolling box: everything must fit in the column, and nothing may be cut by a parent.
      const right = element.getBoundingClientRect().left + element.scrollWidth;
      if (right > column.right + 1) {
        problems.push(`${describe(element)} runs ${Math.round(right - column.right)} px past the column`);
      }
      continue;
    }
    const boxRect = box.getBoundingClientRect();
    if (boxRect.right > column.right + 1) {
      problems.push(`${describe(element)}: its scrolling box is wider than the column`);
    }
    const hidden = box.scrollWidth - box.clientWidth;
    if (hidden > 1 && getComputedStyle(box).maskImage === "none") {
      problems.push(`${describe(element)}: ${hidden} px hidden with no cue that it scrolls`);
    }
  }
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1) {
    problems.push(`the page scrolls sideways by ${page.scrollWidth - page.clientWidth} px`);
  }
  return [...new Set(problems)];
}
"""

# Boxes that cut their text: scrollWidth beyond their width and overflow not visible.
CUT_TEXT = """
(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
  .map((e) => e.textContent.trim().replace(/\\s+/g, " ").slice(0, 60))
"""

# For each figure: the boxes drawn around it (img up to the article), and whether it is dimmed.
FIGURE_BOXES = """
() => {
  const article = document.querySelector("article.bd-article");
  const transparent = (c) => c === "rgba(0, 0, 0, 0)" || c === "transparent";
  return [...article.querySelectorAll(".cell_output img, .nncourse-figure img, figure img")]
    .filter((img) => img.getClientRects().length)
    .map((img) => {
      const backgrounds = [];
      for (let e = img; e && e !== article; e = e.parentElement) {
        const colour = getComputedStyle(e).backgroundColor;
        if (!transparent(colour)) backgrounds.push(`${e.tagName.toLowerCase()}.${e.className}: ${colour}`);
      }
      return {alt: (img.alt || "").slice(0, 50), filter: getComputedStyle(img).filter, backgrounds};
    });
}
"""


def raw_tex(texts: list[str]) -> list[str]:
    """The pieces of ``texts`` around each ``$`` or TeX command, for the failure message."""
    found = []
    for text in texts:
        for match in RAW_TEX.finditer(text):
            found.append(text[max(match.start() - 30, 0) : match.end() + 30].strip())
    return found


# What each check reads from a page, by screen: each page is opened once per screen.
LOOKS = {
    "laptop": {"prose": PROSE_NODES, "clipped": CLIPPED},
    "phone": {"clipped": CLIPPED, "cut": CUT_TEXT},
    "dark": {"figures": FIGURE_BOXES, "theme": "() => document.documentElement.dataset.theme"},
}
CUT_SELECTOR = ".prev-next-area .prev-next-title, .cell_output .output.stream pre"


@pytest.fixture(scope="module")
def seen(browser, built_site):
    """``seen(name, screen)``: what the checks of ``LOOKS[screen]`` found on that page."""

    def measure(page, screen: str) -> dict:
        return {
            key: page.evaluate(script, CUT_SELECTOR) if key == "cut" else page.evaluate(script)
            for key, script in LOOKS[screen].items()
        }

    with measured_pages(browser, built_site, LOOKS, measure) as look:
        yield look


@pytest.mark.parametrize("name", BOOK_PAGES)
def test_no_raw_tex_in_the_text(seen, name):
    found = raw_tex(seen(name, "laptop")["prose"])
    assert found == [], f"{name}: raw LaTeX in the text a reader sees: {found}"


@pytest.mark.parametrize("screen", ["laptop", "phone"])
@pytest.mark.parametrize("name", BOOK_PAGES)
def test_nothing_wide_is_cut_off_without_a_scroll_cue(seen, name, screen):
    problems = seen(name, screen)["clipped"]
    assert problems == [], f"{name} ({screen}): cut off without a cue:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", BOOK_PAGES)
def test_phone_shows_whole_navigation_titles_and_check_messages(seen, name):
    cut = seen(name, "phone")["cut"]
    assert cut == [], f"{name} (phone): text cut at the right edge: {cut}"


def figure_problems(figure: dict) -> list[str]:
    problems = []
    if figure["filter"] != "none":
        problems.append(f"dimmed ({figure['filter']})")
    if not figure["backgrounds"]:
        problems.append("no light background of its own")
    if len(figure["backgrounds"]) > 1:
        problems.append(f"{len(figure['backgrounds'])} nested boxes: {figure['backgrounds']}")
    return [f"{figure['alt']!r}: {problem}" for problem in problems]


@pytest.mark.parametrize("name", CHAPTERS)
def test_dark_mode_figures_are_one_light_box(seen, name):
    found = seen(name, "dark")
    assert found["theme"] == "dark"
    assert found["figures"], f"{name}: no figure found"
    problems = [problem for figure in found["figures"] for problem in figure_problems(figure)]
    assert problems == [], f"{name} (dark): " + "\n".join(problems)


def test_raw_tex_finder():
    assert raw_tex(["the sum $z = \\sum_j w_j$ here"]) != []
    assert raw_tex(["satisfies\\lvert F(x)"]) == ["satisfies\\lvert F(x)"]
    assert raw_tex(["plain text, costs 5 euros, 50% off"]) == []
