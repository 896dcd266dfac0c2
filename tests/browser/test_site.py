"""The website as readers get it, in headless Chromium, with the network off.

Every page of the built book (the pages of ``_toc.yml`` plus the theme's search and index pages) is
opened once from the file system; what the browser saw is recorded in a ``PageVisit`` and each test
below checks one property of it, per page, so a failure names the page and the problem:

- nothing is requested from outside the machine (the offline guarantee);
- no console error and no uncaught JavaScript error;
- maths is typeset by the local MathJax: no MathJax error, no raw ``$$`` or ``\\(`` left in the text;
- every image has real alt text (not empty, not a file name);
- headings in the article are in order: one h1, first, and no level skipped on the way down;
- every internal link points at a file that exists, and its ``#anchor`` at an id on that page;
- axe-core (``npm install`` puts it in ``node_modules``) finds no serious or critical violation,
  in the light theme and (chapters and reference pages) in the dark one;
- previous/next navigation is there;
- search works offline.

Point the tests at your own build with ``NNCOURSE_BUILD_DIR`` (the ``--path-output`` folder).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bookpages import toc_pages
from conftest import PAGE_READY, SCREENS

REPOSITORY = Path(__file__).resolve().parents[2]
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
SERIOUS = {"serious", "critical"}


BOOK_PAGES = toc_pages()
THEME_PAGES = ["search", "genindex"]
ALL_PAGES = BOOK_PAGES + THEME_PAGES


# --- what the browser records on one page ---------------------------------------------------------

# Runs in the page once it has loaded and MathJax has finished. Text nodes inside code, scripts and
# MathJax's own output are not prose, so raw delimiters there are fine.
COLLECT = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const article = document.querySelector("article.bd-article") || document.querySelector("main");
  const prose = [];
  if (article) {
    const skip = "pre, code, script, style, textarea, mjx-container, .highlight, .nncourse-figure";
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest(skip)) prose.push(node.textContent);
    }
  }
  return {
    title: document.title,
    hasArticle: Boolean(article),
    headings: article
      ? [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(
          (h) => [Number(h.tagName[1]), h.textContent.replace("#", "").trim()])
      : [],
    images: [...document.querySelectorAll("img")].map(
      (img) => ({src: img.getAttribute("src") || "", alt: img.getAttribute("alt")})),
    links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
    mathSource: article ? article.querySelectorAll(".math").length : 0,
    mathRendered: document.querySelectorAll("mjx-container").length,
    mathErrors: [...document.querySelectorAll("mjx-merror")].map((e) => e.textContent),
    prose: prose.join(" "),
    prevNext: [...document.querySelectorAll(".prev-next-area a")].map((a) => a.className),
  };
}
"""

# Fonts loaded and CSS transitions finished first, so that colour contrast is judged on the page a
# reader sees, not on a frame of a fade-in.
AXE_RUN = """
async () => {
  await document.fonts.ready;
  await Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
    .map((a) => a.finished.catch(() => null)));
  // preload: false, or axe fetches the stylesheets, which a file: page may not do (CORS).
  const result = await axe.run(document, {resultTypes: ["violations"], preload: false});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ")),
    count: v.nodes.length,
  }));
}
"""


@dataclass
class PageVisit:
    name: str
    url: str
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seen: dict = field(default_factory=dict)
    violations: list[dict] = field(default_factory=list)
    axe_missing: bool = False


def network_off(page, external: list[str]) -> None:
    """Abort every request that would leave the machine, and append its URL to ``external``."""

    def on_route(route) -> None:
        url = route.request.url
        if urlparse(url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            external.append(url)
            route.abort()

    page.route("**/*", on_route)


@contextlib.contextmanager
def measured_pages(browser, built_site: Path, screens, measure: Callable):
    """Yield ``look(name, screen)``: ``measure(page, screen)`` on that page of the built site.

    Each page opens offline and ready (``PAGE_READY``) once per screen of ``screens``, in a browser
    context of that screen's size; later looks return what the first one measured.
    """
    contexts = {screen: browser.new_context(**SCREENS[screen]) for screen in screens}
    found: dict[tuple[str, str], object] = {}

    def look(name: str, screen: str):
        if (name, screen) not in found:
            page = contexts[screen].new_page()
            network_off(page, [])
            page.goto((built_site / f"{name}.html").as_uri())
            page.evaluate(PAGE_READY)
            found[name, screen] = measure(page, screen)
            page.close()
        return found[name, screen]

    try:
        yield look
    finally:
        for context in contexts.values():
            context.close()


def axe_available() -> bool:
    return AXE.exists()


@pytest.fixture(scope="module")
def visit(browser, built_site):
    """``visit(name)`` opens a page once (offline) and returns its ``PageVisit``."""
    context = browser.new_context()
    visits: dict[str, PageVisit] = {}

    def open_page(name: str) -> PageVisit:
        if name in visits:
            return visits[name]
        path = built_site / f"{name}.html"
        assert path.exists(), f"{name}: the built site has no {path.relative_to(built_site)}"
        record = PageVisit(name, path.as_uri())
        page = context.new_page()

        network_off(page, record.external)
        errors = record.errors
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        page.goto(record.url, wait_until="load")
        record.seen = page.evaluate(COLLECT)
        record.errors = list(record.errors)  # the page's own errors, before axe runs in it
        if axe_available():
            page.add_script_tag(path=str(AXE))
            record.violations = page.evaluate(AXE_RUN)
        else:
            record.axe_missing = True
        page.close()
        visits[name] = record
        return record

    yield open_page
    context.close()


# --- per-page checks -------------------------------------------------------------------------------

pages = pytest.mark.parametrize("name", ALL_PAGES)
book_pages = pytest.mark.parametrize("name", BOOK_PAGES)


@pages
def test_page_loads_nothing_from_the_network(visit, name):
    page = visit(name)
    assert page.seen["hasArticle"], f"{name}: no article element: the page did not load"
    assert page.external == [], f"{name} requested external URLs: {page.external}"


@pages
def test_page_has_no_console_error(visit, name):
    page = visit(name)
    assert page.errors == [], f"{name}: console errors: {page.errors}"


@pages
def test_maths_is_rendered(visit, name):
    seen = visit(name).seen
    assert seen["mathErrors"] == [], f"{name}: MathJax could not typeset: {seen['mathErrors']}"
    if seen["mathSource"]:
        assert seen["mathRendered"] >= seen["mathSource"], (
            f"{name}: {seen['mathSource']} maths elements but only {seen['mathRendered']} typeset"
        )
    raw = [d for d in ("$$", "\\(", "\\[", "\\begin{", "\\frac") if d in seen["prose"]]
    assert raw == [], f"{name}: raw maths left in the text: {raw}"


def alt_problem(image: dict) -> str | None:
    alt = image["alt"]
    if alt is None:
        return "no alt attribute"
    if not alt.strip():
        return "empty alt"
    name = Path(urlparse(image["src"]).path).name
    if alt.strip() in {image["src"], name} or alt.strip().lower().endswith(
        (".png", ".svg", ".jpg")
    ):
        return f"alt is a file name ({alt!r})"
    return None


@pages
def test_every_image_has_alt_text(visit, name):
    bad = [
        f"{image['src'][:60]}: {problem}"
        for image in visit(name).seen["images"]
        if (problem := alt_problem(image))
    ]
    assert bad == [], f"{name}: images without alt text: {bad}"


def heading_problems(headings: list[list]) -> list[str]:
    problems = []
    levels = [level for level, _ in headings]
    if levels.count(1) != 1:
        h1s = [text for level, text in headings if level == 1]
        problems.append(f"{levels.count(1)} h1 headings (want exactly one): {h1s}")
    if levels and levels[0] != 1:
        problems.append(f"first heading is h{levels[0]} {headings[0][1]!r}, not h1")
    for (before, _), (level, text) in pairwise(headings):
        if level > before + 1:
            problems.append(f"h{before} followed by h{level} {text!r}")
    return problems


@book_pages
def test_headings_are_in_order(visit, name):
    problems = heading_problems(visit(name).seen["headings"])
    assert problems == [], f"{name}: headings out of order: {problems}"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for key, value in attrs:
            if key == "id" or (tag == "a" and key == "name"):
                self.ids.add(value or "")


@cache
def ids_in(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def broken_links(links: list[str], site: Path) -> list[str]:
    broken = []
    for link in dict.fromkeys(links):
        url = urlparse(link)
        if url.scheme != "file":
            continue
        target = Path(unquote(url.path))
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{link} (no such file)")
        elif url.fragment and target.suffix == ".html":
            if unquote(url.fragment) not in ids_in(target):
                broken.append(f"{link} (no #{url.fragment} on {target.name})")
    return broken


@pages
def test_internal_links_and_anchors_resolve(visit, name, built_site):
    broken = broken_links(visit(name).seen["links"], built_site)
    assert broken == [], f"{name}: broken internal links: {broken}"


@pages
def test_no_serious_accessibility_violation(visit, name):
    page = visit(name)
    if page.axe_missing:
        message = f"axe-core is not installed ({AXE} missing): run `npm install`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    serious = serious_violations(page.violations)
    assert serious == [], f"{name}: accessibility violations:\n" + "\n".join(serious)


def serious_violations(violations: list[dict]) -> list[str]:
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({v['count']}x, e.g. {v['nodes']})"
        for v in violations
        if v["impact"] in SERIOUS
    ]


# The exercise pages are built from the same pieces as the chapters; leaving them out saves time.
DARK_MODE_PAGES = [page for page in BOOK_PAGES if not page.startswith("book/exercises/")]


@pytest.mark.parametrize("name", DARK_MODE_PAGES)
def test_no_serious_accessibility_violation_in_dark_mode(browser, built_site, name):
    """The theme's dark mode (chosen from the reader's system setting) passes axe-core too."""
    if not axe_available():
        pytest.skip(f"axe-core is not installed ({AXE} missing): run `npm install`")
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    network_off(page, [])
    page.goto((built_site / f"{name}.html").as_uri())
    page.evaluate(PAGE_READY)  # MathJax and the book's scripts are done, as a reader sees it
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN)
    context.close()
    serious = serious_violations(violations)
    assert serious == [], f"{name} (dark mode): accessibility violations:\n" + "\n".join(serious)


@book_pages
def test_previous_and_next_links(visit, name):
    classes = " ".join(visit(name).seen["prevNext"])
    position = BOOK_PAGES.index(name)
    if position > 0:
        assert "left-prev" in classes, f"{name}: no link to the previous page"
    if position < len(BOOK_PAGES) - 1:
        assert "right-next" in classes, f"{name}: no link to the next page"


# --- whole-site checks -----------------------------------------------------------------------------


def test_search_works_offline(browser, built_site):
    """The search page finds a word of the book from the file system, without a server."""
    context = browser.new_context()
    page = context.new_page()
    external = []
    network_off(page, external)
    page.goto((built_site / "search.html").as_uri() + "?q=softmax")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=15_000)
    hrefs = [
        results.nth(i).locator("a").first.get_attribute("href") for i in range(results.count())
    ]
    context.close()
    assert any("softmax" in (href or "") for href in hrefs), f"search for softmax found {hrefs}"
    assert external == []


# --- the checks themselves catch what they look for ------------------------------------------------


def test_request_log_catches_external_loads(browser, tmp_path):
    """A page that loads a script, an image, a stylesheet and a fetch from the web: all recorded."""
    (tmp_path / "local.css").write_text("p { color: black; }")
    page_file = tmp_path / "page.html"
    page_file.write_text(
        '<html lang="en"><head><title>t</title><link rel="stylesheet" href="local.css">'
        '<link rel="stylesheet" href="https://cdn.example.org/a.css">'
        '<script src="https://cdn.example.org/b.js"></script></head>'
        '<body><img src="https://img.example.org/c.png" alt="c">'
        '<script>fetch("https://api.example.org/d").catch(() => {});</script></body></html>'
    )
    context = browser.new_context()
    page = context.new_page()
    external = []
    network_off(page, external)
    page.goto(page_file.as_uri())
    for _ in range(100):  # the fetch runs after load: wait for it, up to 10 s on a loaded machine
        if len(external) >= 4:
            break
        page.wait_for_timeout(100)
    context.close()
    hosts = sorted(urlparse(url).hostname for url in external)
    assert hosts == ["api.example.org", "cdn.example.org", "cdn.example.org", "img.example.org"]


def test_heading_checker():
    assert heading_problems([[1, "A"], [2, "B"], [3, "C"], [2, "D"]]) == []
    assert heading_problems([[1, "A"], [3, "C"]]) == ["h1 followed by h3 'C'"]
    assert "2 h1 headings" in heading_problems([[1, "A"], [1, "B"]])[0]
    assert "first heading is h2" in " ".join(heading_problems([[2, "A"], [1, "B"]]))


def test_alt_text_checker():
    assert alt_problem({"src": "../_images/a.png", "alt": "A blue curve."}) is None
    assert alt_problem({"src": "../_images/a.png", "alt": None}) == "no alt attribute"
    assert alt_problem({"src": "../_images/a.png", "alt": " "}) == "empty alt"
    assert "file name" in alt_problem({"src": "../_images/a.png", "alt": "../_images/a.png"})


def test_link_checker(tmp_path):
    (tmp_path / "a.html").write_text('<h1 id="top">A</h1><span id="eq-1"></span>')
    base = (tmp_path / "a.html").as_uri()
    links = [base, base + "#top", base + "#eq-1", "https://example.org/#x"]
    assert broken_links(links, tmp_path) == []
    assert broken_links([base + "#nowhere"], tmp_path) == [
        f"{base}#nowhere (no #nowhere on a.html)"
    ]
    missing = (tmp_path / "b.html").as_uri()
    assert broken_links([missing], tmp_path) == [f"{missing} (no such file)"]
