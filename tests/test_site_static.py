"""Checks on the built website that need no browser.

- **Offline**: no page, and no stylesheet of the site, makes the browser fetch anything from an
  external URL. "Fetch" means what a browser loads by itself while showing the page: ``<script
  src>``, ``<link href>`` (except links that only name another page: canonical, next, prev, ...),
  ``<img src|srcset>``, ``<source>``, ``<iframe>``, ``<embed>``, ``<object data>``, ``<video>``,
  ``<audio>``, ``<track>``, and ``url(...)``/``@import`` in CSS (style attributes, ``<style>``, and
  every ``.css`` file in ``_static``). Ordinary links (``<a href>``) are not fetched. An external
  URL inside inline JavaScript is fetched only if the script decides to, so inline scripts are held
  to a list of the few places such a URL is allowed to appear (none today); what scripts really
  fetch is checked in headless Chromium by ``tests/browser/test_site.py``.
- **Running a page**: every notebook page has a download button and Binder and Colab buttons (and a
  JupyterHub button when ``launch_buttons.jupyterhub_url`` names a hub) derived from
  ``repository.url`` in ``_config.yml``; every notebook that imports
  ``nncourse`` installs it, when missing, in a first cell hidden from the website, from that same
  repository.
- **Reader comforts**: every chapter links to the notation page and numbers its key equations and
  refers to them by label; the glossary exists; the figures page links to every interactive
  figure of the book where it is used.

The site is the one the browser tests use: ``$NNCOURSE_BUILD_DIR/_build/html`` or the repository's
``_build/html``. Build it first (``jupyter-book build .``); without it these tests skip, or fail
when ``CI=true``.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bookpages import CHAPTERS, toc_pages

REPOSITORY = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((REPOSITORY / "_config.yml").read_text())
# External URLs allowed inside inline <script> text (they are not loaded unless something asks).
ALLOWED_IN_INLINE_SCRIPTS: tuple[str, ...] = ()


BOOK_PAGES = toc_pages()
NOTEBOOK_PAGES = [page for page in BOOK_PAGES if (REPOSITORY / f"{page}.ipynb").exists()]


@pytest.fixture(scope="module")
def site() -> Path:
    path_output = Path(os.environ.get("NNCOURSE_BUILD_DIR", REPOSITORY))
    html = path_output / "_build" / "html"
    lock_path = path_output / "_build" / ".built_site.lock"
    if lock_path.parent.exists():  # wait while the browser tests' fixture is building the site
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
    if not (html / "index.html").exists():
        message = f"the website is not built ({html}): run `jupyter-book build .` first"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return html


def external(url: str) -> bool:
    """True for a URL the browser would fetch from another machine."""
    url = url.strip()
    return url.startswith("//") or urlparse(url).scheme not in {"", "file", "data", "blob", "about"}


# --- offline ---------------------------------------------------------------------------------------

# (tag, attribute) pairs the browser fetches by itself when it shows the page.
FETCHED = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("input", "src"),
}
# <link rel=...> values that only name another document, and are not fetched.
NAVIGATION_RELS = {
    "canonical",
    "next",
    "prev",
    "index",
    "search",
    "alternate",
    "author",
    "license",
    "help",
    "top",
    "up",
    "copyright",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
INLINE_URL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s'"`)]*""", re.IGNORECASE)


class FetchedUrls(HTMLParser):
    """Collects, from one HTML page, every external URL the browser would fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in = None  # "style" or "script" while inside one

    def _add(self, where: str, url: str) -> None:
        if external(url):
            self.found.append(f"{where}: {url}")

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in FETCHED:
                urls = [part.split()[0] for part in value.split(",") if part.strip()]
                for url in urls if name == "srcset" else [value]:
                    self._add(f"<{tag} {name}>", url)
            if name == "style":
                for match in CSS_URL.finditer(value):
                    self._add(f"<{tag} style>", match.group(1) or match.group(2))
        if tag == "link" and values.get("href"):
            rels = set((values.get("rel") or "").lower().split())
            if not rels or not rels <= NAVIGATION_RELS:
                self._add(f"<link rel={values.get('rel')}>", values["href"])
        if tag == "style" or (tag == "script" and not values.get("src")):
            self._in = tag

    def handle_endtag(self, tag) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data) -> None:
        if self._in == "style":
            for match in CSS_URL.finditer(data):
                self._add("<style>", match.group(1) or match.group(2))
        elif self._in == "script":
            for url in INLINE_URL.findall(data):
                if not url.startswith(ALLOWED_IN_INLINE_SCRIPTS or ("\0",)):
                    self._add("inline <script>", url)


def external_fetches(html: str) -> list[str]:
    parser = FetchedUrls()
    parser.feed(html)
    return parser.found


def test_the_scanner_catches_what_a_browser_would_fetch():
    page = """
    <link rel="stylesheet" href="https://cdn.example.org/a.css">
    <link rel="canonical" href="https://example.org/page.html">
    <link rel="preconnect" href="https://fonts.example.org">
    <script src="//cdn.example.org/b.js"></script>
    <script>const THEBE = "https://unpkg.com/thebe@0.8.2/lib/index.js";</script>
    <img src="../_images/local.png" srcset="x.png 1x, https://img.example.org/y.png 2x" alt="y">
    <div style="background: url('https://img.example.org/bg.png')"></div>
    <style>@import "https://fonts.example.org/css";</style>
    <a href="https://colab.research.google.com/">a link is not a fetch</a>
    <iframe src="https://www.example.org/embed"></iframe>
    """
    found = " ".join(external_fetches(page))
    for url in (
        "cdn.example.org/a.css",
        "fonts.example.org\n",
        "//cdn.example.org/b.js",
        "unpkg.com/thebe",
        "img.example.org/y.png",
        "img.example.org/bg.png",
        "fonts.example.org/css",
        "www.example.org/embed",
    ):
        assert url.strip() in found, url
    assert "canonical" not in found and "colab" not in found
    assert len(external_fetches(page)) == 8


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_sources" not in p.parts)


@pytest.mark.parametrize("name", [*BOOK_PAGES, "search", "genindex"])
def test_page_fetches_nothing_external(site, name):
    path = site / f"{name}.html"
    assert path.exists(), f"{name}: not in the built site"
    found = external_fetches(path.read_text(encoding="utf-8"))
    assert found == [], f"{name} would load external URLs: {found}"


def test_every_html_file_fetches_nothing_external(site):
    """Also the pages outside the table of contents (e.g. other generated pages)."""
    found = {
        str(path.relative_to(site)): urls
        for path in html_files(site)
        if (urls := external_fetches(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_stylesheets_fetch_nothing_external(site):
    found = []
    for path in sorted((site / "_static").rglob("*.css")):
        for match in CSS_URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            url = match.group(1) or match.group(2)
            if external(url):
                found.append(f"{path.relative_to(site)}: {url}")
    assert found == []


def test_mathjax_is_served_locally(site):
    html = (site / "book" / "maths.html").read_text(encoding="utf-8")
    sources = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', html, re.IGNORECASE)
    assert sources, "the maths page loads no MathJax"
    for source in sources:
        path = (site / "book" / source.split("?")[0]).resolve()
        assert path.is_file(), f"MathJax script {source} is not in the built site"


# --- running a page: launch buttons, download, install cell -----------------------------------------


def expected_buttons(page: str) -> dict[str, str]:
    """The start of each button's URL for ``page``, derived from ``_config.yml``."""
    repository = CONFIG["repository"]
    launch = CONFIG["launch_buttons"]
    owner_repo = urlparse(repository["url"]).path.strip("/")
    branch = repository.get("branch", "main")
    path = f"{repository.get('path_to_book', '').strip('/')}/{page}.ipynb".lstrip("/")
    buttons = {
        "Binder": f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{owner_repo}/{branch}?urlpath=",
        "Colab": f"{launch['colab_url'].rstrip('/')}/github/{owner_repo}/blob/{branch}/{path}",
        "download": f"_sources/{page}.ipynb",
    }
    if launch.get("jupyterhub_url"):  # only a real hub: no placeholder in the reader's menu
        hub = launch["jupyterhub_url"].rstrip("/")
        buttons["JupyterHub"] = f"{hub}/hub/user-redirect/git-pull?repo="
    return buttons


class Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            self.hrefs += [value for key, value in attrs if key == "href" and value]


def hrefs(html: str) -> list[str]:
    parser = Hrefs()
    parser.feed(html)
    return parser.hrefs


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_page_has_launch_and_download_buttons(site, page):
    links = hrefs((site / f"{page}.html").read_text(encoding="utf-8"))
    path = urlparse(CONFIG["repository"]["url"]).path.strip("/")
    missing = []
    for button, start in expected_buttons(page).items():
        if button == "download":
            found = [h for h in links if h.endswith(start)]
            target = site / start
            if not target.exists():
                missing.append(f"download: {target} is not in the built site")
        else:
            found = [h for h in links if h.startswith(start)]
            if button != "Colab":  # Binder and JupyterHub name the file in the query string
                found = [
                    h for h in found if f"{page}.ipynb" in h and (button == "Binder" or path in h)
                ]
        if not found:
            missing.append(f"{button} (want a link starting {start})")
    assert missing == [], f"{page}: missing buttons: {missing}"


def notebook_imports_nncourse(notebook: dict) -> bool:
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    return re.search(r"^\s*(import nncourse|from nncourse)", code, re.MULTILINE) is not None


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_notebook_installs_nncourse_in_a_hidden_first_cell(page):
    notebook = json.loads((REPOSITORY / f"{page}.ipynb").read_text(encoding="utf-8"))
    if not notebook_imports_nncourse(notebook):
        pytest.skip(f"{page} does not use nncourse")
    first = notebook["cells"][0]
    source = "".join(first["source"])
    assert first["cell_type"] == "code", f"{page}: the first cell is not code"
    assert "remove-cell" in first.get("metadata", {}).get("tags", []), (
        f"{page}: the install cell is not tagged remove-cell"
    )
    assert "import nncourse" in source and "except ImportError" in source, (
        f"{page}: the first cell does not install nncourse when it is missing:\n{source}"
    )
    assert f"git+{CONFIG['repository']['url']}" in source, (
        f"{page}: the install cell does not install from repository.url of _config.yml"
    )


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_install_cell_is_hidden_on_the_website(site, page):
    html = (site / f"{page}.html").read_text(encoding="utf-8")
    assert "pip install --quiet" not in html, f"{page}: the install cell shows on the website"


# --- reader comforts -------------------------------------------------------------------------------


def article(html: str) -> str:
    start = html.find("<article")
    end = html.find("</article>", start)
    return html[start:end] if start >= 0 else ""


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_links_to_the_notation_page(site, page):
    links = hrefs(article((site / f"{page}.html").read_text(encoding="utf-8")))
    assert any(urlparse(h).path.endswith("notation.html") for h in links), (
        f"{page}: no link to the notation page"
    )


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_numbers_equations_and_refers_to_them(site, page):
    html = article((site / f"{page}.html").read_text(encoding="utf-8"))
    numbered = re.findall(r'id="(equation-[^"]+)"', html)
    assert numbered, f"{page}: no numbered equation"
    references = {h.split("#", 1)[1] for h in hrefs(html) if "#equation-" in h}
    assert references & set(numbered), f"{page}: no numbered equation is referred to by label"


def test_glossary_is_in_the_book(site):
    html = (site / "book" / "glossary.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<dt", html)) >= 20, "the glossary defines fewer than 20 terms"


SECTION_OR_FIGURE = re.compile(r'<section[^>]*\bid="([^"]+)"|</section>|class="nncourse-figure')


def figure_places(site: Path) -> dict[str, list[str]]:
    """For each page with interactive figures, the id of the innermost section of each figure."""
    places = {}
    for page in BOOK_PAGES:
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        open_sections: list[str] = []
        sections = []
        for match in SECTION_OR_FIGURE.finditer(html):
            if match.group(1):
                open_sections.append(match.group(1))
            elif match.group(0) == "</section>":
                open_sections.pop()
            else:
                sections.append(open_sections[-1])
        if sections:
            places[page] = sections
    return places


def test_figures_page_links_to_every_interactive_figure(site):
    """One link per figure, to the section of the page that shows it."""
    figures_page = site / "book" / "figures.html"
    links = [urlparse(h) for h in hrefs(article(figures_page.read_text(encoding="utf-8")))]
    listed = Counter(
        ((figures_page.parent / link.path).resolve(), link.fragment)
        for link in links
        if link.path.endswith(".html")
    )
    places = figure_places(site)
    assert places, "the book has no interactive figure"
    missing = []
    for page, sections in places.items():
        for section, count in Counter(sections).items():
            if listed[(site / f"{page}.html").resolve(), section] < count:
                missing.append(f"{page}.html#{section} ({count} figures there)")
    assert missing == [], f"book/figures.md does not link to these interactive figures: {missing}"
