"""Fixtures for tests that drive a real browser: headless Chromium through Playwright.

- ``chromium_path``: Debian's ``/usr/bin/chromium``; tests using it skip, saying why, when it is
  missing (``.ci/run`` installs it, so CI always runs them).
- ``browser`` (one per test session) and ``page`` (a fresh page per test). Playwright never
  downloads a browser here: it launches the system Chromium.
- ``built_site``: the folder of a built website (``_build/html``). It is ``$NNCOURSE_BUILD_DIR/
  _build/html`` when that variable is set (a ``--path-output`` folder of your own, so parallel work
  never shares one), else the repository's ``_build/html``; the book is built there once when it
  has no ``index.html`` yet.
- ``offline_page``: a page that records every request and aborts any that leaves the machine
  (anything but ``file:``, ``data:``, ``blob:`` and ``about:``), and records console errors.
- ``open_site_page``: ``open_site_page(name, screen="laptop")`` opens a page of the built site
  offline on one of ``SCREENS`` (laptop 1280×800, tablet 900×800, phone 390×844 with touch at
  DPR 2, dark: the laptop in dark mode) and waits until MathJax and the book's scripts are done.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPOSITORY = Path(__file__).resolve().parents[2]
LOCAL_SCHEMES = {"file", "data", "blob", "about"}


def jupyter_book_build(source: Path, path_output: Path, *extra: str) -> None:
    """Build the Jupyter Book in ``source`` into ``path_output/_build/html``; raise with its log."""
    command = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(command), "build", str(source), "--path-output", str(path_output), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"jupyter-book build failed:\n{result.stdout[-4000:]}{result.stderr}")


@pytest.fixture(scope="session")
def build_book():
    """``build_book(source, path_output)`` builds a Jupyter Book (see ``jupyter_book_build``)."""
    return jupyter_book_build


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":  # CI must run the browser tests, never skip them
            pytest.fail("CI=true but /usr/bin/chromium is not installed (apt-get install chromium)")
        pytest.skip(
            "browser test skipped: /usr/bin/chromium is not installed "
            "(apt-get install chromium; .ci/run installs it)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


class OfflineLog:
    """What a page asked for and complained about."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.external: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def offline_page(page):
    """A page with the network off: external requests are recorded and aborted."""
    log = OfflineLog()

    def on_route(route) -> None:
        url = route.request.url
        log.requests.append(url)
        if urlparse(url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            log.external.append(url)
            route.abort()

    page.route("**/*", on_route)
    page.on("console", lambda m: m.type == "error" and log.errors.append(m.text))
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.log = log
    return page


SCREENS = {
    "laptop": {"viewport": {"width": 1280, "height": 800}},
    "tablet": {"viewport": {"width": 900, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "dark": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "dark"},
}
# MathJax has typeset the page and scroll-cues.js has marked the wide boxes.
PAGE_READY = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  for (let i = 0; i < 100 && !document.documentElement.dataset.nncourseScrollCues; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
"""


@pytest.fixture
def open_site_page(browser, built_site):
    """``open_site_page(name, screen="laptop")``: a page of the built site, offline, ready."""
    contexts = []

    def open_page(name: str, screen: str = "laptop", query: str = ""):
        context = browser.new_context(**SCREENS[screen])
        contexts.append(context)
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlparse(route.request.url).scheme in LOCAL_SCHEMES
                else route.abort()
            ),
        )
        page.goto((built_site / f"{name}.html").as_uri() + query)
        page.evaluate(PAGE_READY)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def built_site() -> Path:
    path_output = Path(os.environ.get("NNCOURSE_BUILD_DIR", REPOSITORY))
    html = path_output / "_build" / "html"
    (path_output / "_build").mkdir(parents=True, exist_ok=True)
    with open(path_output / "_build" / ".built_site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build, even with pytest-xdist workers
        if not (html / "index.html").exists():
            jupyter_book_build(REPOSITORY, path_output)
    return html
